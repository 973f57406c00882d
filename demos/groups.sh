#!/bin/sh
# groups: static memory groups (like a DIMM) and dynamic ones (like virtio-mem).
# boot: memory_hotplug.memmap_on_memory=1
# blocks: 6 (a static group of 2 blocks, then a dynamic group of 2-block
# units over 6 blocks, from the first 2-block aligned address of the region)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
# The dynamic group's units (2 blocks) are aligned to their size.
unit=$((2 * BLOCK))
base=$(align_up $START $unit)
need_blocks 6 $base
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
s=$(hplab group create static "$(size_of 2)")
run "hplab group list"
run "hplab add $s $(hex $base) $(size_of 2)"
run "grep -A2 'hotplug_lab region' /proc/iomem"
fact "one static add is one 'System RAM (hotplug_lab)' resource of $(size_of 2)" \
	grep -q "$(printf '%08x-%08x' $base $((base + 2 * BLOCK - 1))) : System RAM (hotplug_lab)" /proc/iomem
before=$(cat $D/ranges; kernel_view)
reject "growing the static group past its maximum size" ENOSPC hplab add "$s" "$(hex $((base + 2 * BLOCK)))" "$(size_of 1)"
reject "removing half of the static group" EINVAL hplab remove "$s" "$(hex $base)" "$(size_of 1)"
run "hplab remove $s --all"
fact "removed as a whole, its blocks are gone from sysfs" test ! -d "$(block_dir $base)"

step "A dynamic group: memory that grows and shrinks in units"
say "memory_group_register_dynamic() declares a device that adds and removes memory in units (a power of two, at least a block), like virtio-mem. Units are aligned to the unit size."
d=$(hplab group create dynamic "$(size_str $unit)")
run "hplab add $d $(hex $base) $(size_str $((3 * unit)))"
fact "$(size_str $((3 * unit))) in a $(size_str $unit)-unit group is three adds" test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 3
run "hplab remove $d $(hex $((base + unit))) $(size_str $unit)"
run "hplab map"
fact "one unit in the middle came out" test ! -d "$(block_dir $((base + unit)))"
before=$(cat $D/ranges; kernel_view)
reject "removing half a unit" EINVAL hplab remove "$d" "$(hex $base)" "$(size_of 1)"
reject "adding half a unit, in the hole, at an address that is not unit-aligned" EINVAL hplab add "$d" "$(hex $((base + unit + BLOCK)))" "$(size_of 1)"
reject "adding over memory that is there already" EEXIST hplab add "$d" "$(hex $base)" "$(size_str $unit)"
run "hplab events"
say "Each rejection above is in the module's event log with the errno and the reason. The kernel uses the groups when it picks a zone with the auto-movable online policy: see the auto-movable demo."
demo_finish
