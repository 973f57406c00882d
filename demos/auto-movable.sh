#!/bin/sh
# auto-movable: how the auto-movable online policy picks zones per group.
# boot: memory_hotplug.memmap_on_memory=1 memory_hotplug.online_policy=auto-movable
. "$(dirname "$0")/lib/demo.sh"
demo_setup
P=/sys/module/memory_hotplug/parameters

step "The policy"
run "cat $P/online_policy $P/auto_movable_ratio"
fact "booted with memory_hotplug.online_policy=auto-movable" grep -qx auto-movable $P/online_policy
say "When a block is onlined with plain 'online', the kernel picks the zone. auto-movable prefers ZONE_MOVABLE (memory that can be unplugged again) as long as MOVABLE memory stays within auto_movable_ratio percent of the kernel (non-movable) memory the system booted with. It decides per memory group: a static group as a whole, a dynamic group unit by unit."
ratio=$(cat $P/auto_movable_ratio)

# valid_zones of an offline block lists the zone 'online' would pick first.
default_zone() {
	cut -d' ' -f1 "$(block_dir "$1")/valid_zones"
}

step "A static group, with the default ratio ($ratio%)"
s=$(hplab group create static 256M)
run "hplab add $s $(hex $START) 256M"
run "cat $(block_dir $START)/valid_zones"
first=$(default_zone $START)
run "hplab online $(hex $START) 256M"
run "hplab blocks"
fact "valid_zones named the zone the kernel then chose ($first)" \
	grep -qx "$first" "$(block_dir $START)/valid_zones"
fact "within the ratio, a static group goes to ZONE_MOVABLE" \
	grep -qx Movable "$(block_dir $((START + BLOCK)))/valid_zones"

step "The same with a ratio the group does not fit in"
run "echo 1 > $P/auto_movable_ratio"
t=$(hplab group create static 256M)
run "hplab add $t $(hex $((START + 0x10000000))) 256M"
run "cat $(block_dir $((START + 0x10000000)))/valid_zones"
run "hplab online $(hex $((START + 0x10000000))) 256M"
run "hplab blocks"
fact "over the ratio, the kernel puts the static group in a kernel zone" \
	grep -qx Normal "$(block_dir $((START + 0x10000000)))/valid_zones"
fact "a static group is never split between zones" \
	grep -qx Normal "$(block_dir $((START + 0x18000000)))/valid_zones"
say "Memory in a kernel zone may end up holding unmovable kernel allocations, and then it cannot be offlined or removed any more: that is what the ratio protects."

step "A dynamic group decides unit by unit"
run "echo $ratio > $P/auto_movable_ratio"
d=$(hplab group create dynamic 256M)
run "hplab add $d $(hex $((START + 0x20000000))) 512M"
run "cat $(block_dir $((START + 0x20000000)))/valid_zones $(block_dir $((START + 0x30000000)))/valid_zones"
run "hplab online $(hex $((START + 0x20000000))) 512M"
run "hplab blocks"
same_zone() {
	[ "$(cat "$(block_dir "$1")/valid_zones")" = "$(cat "$(block_dir $(($1 + BLOCK)))/valid_zones")" ]
}
fact "both blocks of a unit are in one zone" same_zone $((START + 0x20000000))
fact "both blocks of the second unit are in one zone" same_zone $((START + 0x30000000))
say "Each 256M unit was placed as a whole. Kernel memory inside a dynamic group also earns the group room for MOVABLE memory of its own, which is how virtio-mem devices grow mostly movable."
say "The kernel-zone group above may not come out again; this demo does not try."
run "echo $ratio > $P/auto_movable_ratio"
exit $FAILED
