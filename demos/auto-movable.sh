#!/bin/sh
# auto-movable: how the auto-movable online policy picks zones per group.
# boot: memory_hotplug.memmap_on_memory=1 memory_hotplug.online_policy=auto-movable
. "$(dirname "$0")/lib/demo.sh"
demo_setup
plan 9
last_in_boot "kernel-zone memory may not come out again"
P=/sys/module/memory_hotplug/parameters

step "The policy"
run "cat $P/online_policy $P/auto_movable_ratio"
fact "booted with memory_hotplug.online_policy=auto-movable" grep -qx auto-movable $P/online_policy
say "When a block is onlined with plain 'online', the kernel picks the zone. auto-movable prefers ZONE_MOVABLE (memory that can be unplugged again) as long as MOVABLE memory stays within auto_movable_ratio percent of the kernel (non-movable) memory the system booted with. It decides per memory group: a static group as a whole, a dynamic group unit by unit."
ratio=$(cat $P/auto_movable_ratio)

# zone_present ZONE|kernel: present pages of a zone of node 0 ("kernel": all
# but Movable). Before anything is hot-added, the kernel zones' present
# pages are the "early" pages the ratio is taken of.
zone_present() {
	awk -v want="$1" '/^Node 0, zone/ { z = $4 }
		$1 == "present" && (z == want || (want == "kernel" && z != "Movable")) { n += $2 }
		END { print n + 0 }' /proc/zoneinfo
}
early=$(zone_present kernel)

# valid_zones of an offline block lists the zone 'online' would pick first.
default_zone() {
	cut -d' ' -f1 "$(block_dir "$1")/valid_zones"
}

# The dynamic group's 256M units must be aligned to their size: it takes
# the first 512M of the region, the static groups the 384M after it.
u1=$START
u2=$((START + 0x10000000))
s0=$((START + 0x20000000))
t0=$((START + 0x28000000))

step "A static group, with the default ratio ($ratio%)"
s=$(hplab group create static 128M)
run "hplab add $s $(hex $s0) 128M"
run "cat $(block_dir $s0)/valid_zones"
first=$(default_zone $s0)
run "hplab online $(hex $s0) 128M"
run "hplab blocks"
fact "valid_zones named the zone the kernel then chose ($first)" \
	grep -qx "$first" "$(block_dir $s0)/valid_zones"
fact "within the ratio, a static group goes to ZONE_MOVABLE" \
	grep -qx Movable "$(block_dir $s0)/valid_zones"

step "The same with a ratio the group does not fit in"
run "echo 1 > $P/auto_movable_ratio"
t=$(hplab group create static 256M)
run "hplab add $t $(hex $t0) 256M"
run "cat $(block_dir $t0)/valid_zones"
run "hplab online $(hex $t0) 256M"
run "hplab blocks"
fact "over the ratio, the kernel puts the static group in a kernel zone" \
	grep -qx Normal "$(block_dir $t0)/valid_zones"
fact "a static group is never split between zones" \
	grep -qx Normal "$(block_dir $((t0 + BLOCK)))/valid_zones"
say "Memory in a kernel zone may end up holding unmovable kernel allocations, and then it cannot be offlined or removed any more: that is what the ratio protects."

step "A dynamic group decides unit by unit, and its own kernel memory counts"
unit=$((0x10000000 / 4096))
movable=$(zone_present Movable)
# The smallest ratio at which a unit fits once the group holds one unit of
# kernel memory; without that unit it does not (early is much larger than
# a unit, so the same ratio is too small for early alone).
fit=$(((100 * (movable + unit) + early + unit - 1) / (early + unit)))
say "The kernel zones had $early pages at boot; ZONE_MOVABLE has $movable pages now; a 256M unit is $unit pages. A unit may go MOVABLE if $movable + $unit <= ratio% of the early kernel pages, where for a dynamic group the group's own kernel memory counts as early too. With ratio $fit: $((movable + unit)) > $((fit * early / 100)) for a group without kernel memory, but $((movable + unit)) <= $((fit * (early + unit) / 100)) once it holds one unit of it."
run "echo $fit > $P/auto_movable_ratio"
d=$(hplab group create dynamic 256M)
run "hplab add $d $(hex $u1) 512M"
run "cat $(block_dir $u1)/valid_zones $(block_dir $u2)/valid_zones"
fact "before any of the group is online, valid_zones offers a kernel zone first for both units" \
	sh -c "grep -q '^Normal' $(block_dir $u1)/valid_zones && grep -q '^Normal' $(block_dir $u2)/valid_zones"
run "hplab online $(hex $u1) 256M"
run "cat $(block_dir $u2)/valid_zones"
fact "with one unit of kernel memory in the group, valid_zones offers ZONE_MOVABLE first for the next unit" \
	grep -q '^Movable' "$(block_dir $u2)/valid_zones"
run "hplab online $(hex $u2) 256M"
run "hplab blocks"
fact "the first unit went to a kernel zone, as a whole" \
	sh -c "grep -qx Normal $(block_dir $u1)/valid_zones && grep -qx Normal $(block_dir $((u1 + BLOCK)))/valid_zones"
fact "the second unit went to ZONE_MOVABLE, as a whole" \
	sh -c "grep -qx Movable $(block_dir $u2)/valid_zones && grep -qx Movable $(block_dir $((u2 + BLOCK)))/valid_zones"
say "Kernel memory inside a dynamic group earns the group room for MOVABLE memory of its own: that is how a virtio-mem device can grow mostly movable while keeping the ratio."
say "The kernel-zone memory above may not come out again; this demo does not try."
run "echo $ratio > $P/auto_movable_ratio"
exit $FAILED
