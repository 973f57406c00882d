#!/bin/sh
# auto-movable: how the auto-movable online policy picks zones per group.
# boot: memory_hotplug.memmap_on_memory=1 memory_hotplug.online_policy=auto-movable
# blocks: 7 (a dynamic group of two 2-block units, then static groups of 1
# and 2 blocks, from the first 2-block aligned address of the region)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
# The dynamic group's units (2 blocks) must be aligned to their size: it
# takes the first 4 blocks from the first aligned address, the static
# groups the 3 after them.
unit_size=$((2 * BLOCK))
u1=$(align_up $START $unit_size)
need_blocks 7 $u1
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
# The kernel counts CMA pages (in kernel zones) as movable, not early.
cma_kb=$(meminfo CmaTotal)
cma=$((${cma_kb:-0} * 1024 / PAGE_SIZE))
early=$(($(zone_present kernel) - cma))
# movable_now: the pages the kernel counts as movable
movable_now() {
	echo $(($(zone_present Movable) + cma))
}
# fits PAGES RATIO EARLY: PAGES more movable pages stay within RATIO% of
# EARLY kernel pages, in the kernel's integer arithmetic
# (auto_movable_can_online_movable() in mm/memory_hotplug.c)
fits() {
	[ $(($(movable_now) + $1)) -le $(($2 * $3 / 100)) ]
}
block_pages=$((BLOCK / PAGE_SIZE))

# valid_zones of an offline block lists the zone 'online' would pick first.
default_zone() {
	cut -d' ' -f1 "$(block_dir "$1")/valid_zones"
}

u2=$((u1 + unit_size))
s0=$((u2 + unit_size))
t0=$((s0 + BLOCK))

step "A static group, with the default ratio ($ratio%)"
say "ZONE_MOVABLE holds $(movable_now) pages, the kernel zones booted with $early; a static group of $(size_of 1) is $block_pages pages: $(($(movable_now) + block_pages)) against $ratio% of $early, $((ratio * early / 100))."
s=$(hplab group create static "$(size_of 1)")
run "hplab add $s $(hex $s0) $(size_of 1)"
run "cat $(block_dir $s0)/valid_zones"
first=$(default_zone $s0)
run "hplab online $(hex $s0) $(size_of 1)"
run "hplab blocks"
fact "valid_zones named the zone the kernel then chose ($first)" \
	grep -qx "$first" "$(block_dir $s0)/valid_zones"
fact "within the ratio, a static group goes to ZONE_MOVABLE" \
	grep -qx Movable "$(block_dir $s0)/valid_zones"

step "The same with a ratio the group does not fit in"
t_pages=$((2 * block_pages))
say "At ratio 1% ZONE_MOVABLE may hold $((early / 100)) pages; it holds $(movable_now), and a static group of $(size_of 2) is $t_pages pages more."
if fits $t_pages 1 $early; then
	say "1% of this box's early kernel memory is more than that: no ratio above 0 puts the group over it (ratio 0 is not a ratio but 'never movable')."
	skip "over the ratio, the kernel puts the static group in a kernel zone" "the group fits in 1% of $early early kernel pages"
	skip "a static group is never split between zones" "the group fits in 1% of $early early kernel pages"
else
	run "echo 1 > $P/auto_movable_ratio"
	t=$(hplab group create static "$(size_of 2)")
	run "hplab add $t $(hex $t0) $(size_of 2)"
	run "cat $(block_dir $t0)/valid_zones"
	run "hplab online $(hex $t0) $(size_of 2)"
	run "hplab blocks"
	fact "over the ratio, the kernel puts the static group in a kernel zone" \
		grep -qx Normal "$(block_dir $t0)/valid_zones"
	fact "a static group is never split between zones" \
		grep -qx Normal "$(block_dir $((t0 + BLOCK)))/valid_zones"
	say "Memory in a kernel zone may end up holding unmovable kernel allocations, and then it cannot be offlined or removed any more: that is what the ratio protects."
fi

step "A dynamic group decides unit by unit, and its own kernel memory counts"
unit=$((unit_size / PAGE_SIZE))
movable=$(movable_now)
# The smallest ratio at which a unit fits once the group holds one unit of
# kernel memory: the kernel's test is movable + unit <= ratio * early / 100
# (integer division), with the group's own kernel pages added to early.
fit=$(((100 * (movable + unit) + early + unit - 1) / (early + unit)))
say "The kernel zones had $early pages at boot; ZONE_MOVABLE has $movable pages now; a $(size_str $unit_size) unit is $unit pages. A unit may go MOVABLE if $movable + $unit <= ratio% of the early kernel pages, where for a dynamic group the group's own kernel memory counts as early too. The smallest ratio for a group that holds one unit of kernel memory: $fit, as $((movable + unit)) <= $((fit * (early + unit) / 100))."
if fits $unit "$fit" $early; then
	say "At $fit% the unit fits without the group's kernel memory too ($((movable + unit)) <= $((fit * early / 100))): whole percents of this box's early kernel memory ($((early / 100)) pages a step) are too coarse against the $((fit * unit / 100)) pages one unit of kernel memory earns the group, so no ratio tells the two apart here."
	for what in "before any of the group is online, valid_zones offers a kernel zone first for both units" \
		"with one unit of kernel memory in the group, valid_zones offers ZONE_MOVABLE first for the next unit" \
		"the first unit went to a kernel zone, as a whole" \
		"the second unit went to ZONE_MOVABLE, as a whole"; do
		skip "$what" "no ratio separates a unit with and without one unit of kernel memory against $early early pages"
	done
	run "echo $ratio > $P/auto_movable_ratio"
	exit $FAILED
fi
say "With ratio $fit: $((movable + unit)) > $((fit * early / 100)) for a group without kernel memory, but $((movable + unit)) <= $((fit * (early + unit) / 100)) once it holds one unit of it."
run "echo $fit > $P/auto_movable_ratio"
d=$(hplab group create dynamic "$(size_str $unit_size)")
run "hplab add $d $(hex $u1) $(size_str $((2 * unit_size)))"
run "cat $(block_dir $u1)/valid_zones $(block_dir $u2)/valid_zones"
fact "before any of the group is online, valid_zones offers a kernel zone first for both units" \
	sh -c "grep -q '^Normal' $(block_dir $u1)/valid_zones && grep -q '^Normal' $(block_dir $u2)/valid_zones"
run "hplab online $(hex $u1) $(size_str $unit_size)"
run "cat $(block_dir $u2)/valid_zones"
fact "with one unit of kernel memory in the group, valid_zones offers ZONE_MOVABLE first for the next unit" \
	grep -q '^Movable' "$(block_dir $u2)/valid_zones"
run "hplab online $(hex $u2) $(size_str $unit_size)"
run "hplab blocks"
fact "the first unit went to a kernel zone, as a whole" \
	sh -c "grep -qx Normal $(block_dir $u1)/valid_zones && grep -qx Normal $(block_dir $((u1 + BLOCK)))/valid_zones"
fact "the second unit went to ZONE_MOVABLE, as a whole" \
	sh -c "grep -qx Movable $(block_dir $u2)/valid_zones && grep -qx Movable $(block_dir $((u2 + BLOCK)))/valid_zones"
say "Kernel memory inside a dynamic group earns the group room for MOVABLE memory of its own: that is how a virtio-mem device can grow mostly movable while keeping the ratio."
say "The kernel-zone memory above may not come out again; this demo does not try."
run "echo $ratio > $P/auto_movable_ratio"
exit $FAILED
