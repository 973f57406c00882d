#!/bin/sh
# groups: static memory groups (like a DIMM) and dynamic ones (like virtio-mem).
# boot: memory_hotplug.memmap_on_memory=1
. "$(dirname "$0")/lib/demo.sh"
demo_setup
plan 9

# reject WHAT ERRNO COMMAND...: run a command the module must refuse with
# ERRNO, show why
reject() {
	reject_what=$1
	reject_errno=$2
	shift 2
	printf '$ %s\n' "$*"
	reject_out=$("$@" 2>&1)
	reject_status=$?
	printf '%s\n' "$reject_out" | sed 's/^/  /'
	fact "$reject_what is refused ($reject_errno), and nothing changes" refused_unchanged
}

# hplab exited 1 (rejected), the module logged ERRNO, the kernel's view
# and the module's ranges are as before
refused_unchanged() {
	[ "$reject_status" = 1 ] &&
	tail -n 1 $D/events | grep -q "\] $reject_errno: " &&
	[ "$(cat $D/ranges; kernel_view)" = "$before" ]
}

step "A static group: memory that comes and goes as one device"
say "memory_group_register_static() tells the kernel that the memory blocks added with this group id belong to one device, of at most the given size, like a DIMM. hotplug_lab adds them with MHP_NID_IS_MGID and removes them only as a whole."
s=$(hplab group create static 256M)
run "hplab group list"
run "hplab add $s $(hex $START) 256M"
run "grep -A2 'hotplug_lab region' /proc/iomem"
fact "one static add is one 'System RAM (hotplug_lab)' resource of 256M" \
	grep -q "$(printf '%08x-%08x' $START $((START + 0x10000000 - 1))) : System RAM (hotplug_lab)" /proc/iomem
before=$(cat $D/ranges; kernel_view)
reject "growing the static group past its maximum size" ENOSPC hplab add "$s" "$(hex $((START + 0x10000000)))" 128M
reject "removing half of the static group" EINVAL hplab remove "$s" "$(hex $START)" 128M
run "hplab remove $s --all"
fact "removed as a whole, its blocks are gone from sysfs" test ! -d "$(block_dir $START)"

step "A dynamic group: memory that grows and shrinks in units"
say "memory_group_register_dynamic() declares a device that adds and removes memory in units (a power of two, at least a block), like virtio-mem. Units are aligned to the unit size."
d=$(hplab group create dynamic 256M)
run "hplab add $d $(hex $START) 768M"
fact "768M in a 256M-unit group is three adds" test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 3
run "hplab remove $d $(hex $((START + 0x10000000))) 256M"
run "hplab map"
fact "one unit in the middle came out" test ! -d "$(block_dir $((START + 0x10000000)))"
before=$(cat $D/ranges; kernel_view)
reject "removing half a unit" EINVAL hplab remove "$d" "$(hex $START)" 128M
reject "adding half a unit, in the hole, at an address that is not unit-aligned" EINVAL hplab add "$d" "$(hex $((START + 0x18000000)))" 128M
reject "adding over memory that is there already" EEXIST hplab add "$d" "$(hex $START)" 256M
run "hplab events"
say "Each rejection above is in the module's event log with the errno and the reason. The kernel uses the groups when it picks a zone with the auto-movable online policy: see the auto-movable demo."
demo_finish
