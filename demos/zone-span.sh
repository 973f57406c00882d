#!/bin/sh
# zone-span: what online, offline and remove do to a zone's spanned, present and managed pages.
# boot: memory_hotplug.memmap_on_memory=1
# blocks: 2 (one static group of 2 blocks at the region's start)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
need_blocks 2

# movable FIELD: a field of the Movable zone of node 0 in /proc/zoneinfo
movable() {
	awk -v f="$1" '/^Node 0, zone/ { z = $4 } z == "Movable" && $1 == f { print $2; exit }' /proc/zoneinfo
}
show_zone() {
	printf '  Movable: spanned %s present %s managed %s (pages)\n' \
		"$(movable spanned)" "$(movable present)" "$(movable managed)"
}
pages=$((2 * BLOCK / PAGE_SIZE))

step "ZONE_MOVABLE before anything is added"
say "A zone spans a range of page frames (spanned), of which some exist (present), of which some are given to the page allocator (managed)."
show_zone
span0=$(movable spanned) present0=$(movable present) managed0=$(movable managed)
plan 5

step "Add $(size_of 2) with memmap_on_memory and online it movable"
g=$(hplab group create static "$(size_of 2)")
run "hplab add $g $(hex $START) $(size_of 2) --memmap-on-memory --online=movable"
show_zone
vmemmap=$(awk 'NR > 1 { n += $6 } END { print n + 0 }' $D/ranges)
fact "present grows by every page of the 2 blocks ($pages), memmap pages included" \
	test $(($(movable present) - present0)) = $pages
fact "managed grows by $((pages - vmemmap)): the $vmemmap memmap pages are present but never managed" \
	test $(($(movable managed) - managed0)) = $((pages - vmemmap))
say "spanned grew from $span0 to $(movable spanned) pages."

step "Offline the first block"
run "hplab offline $(hex $START) $(size_of 1)"
show_zone
say "Since 'mm/memory_hotplug: Shrink spanned pages when offlining memory' (LKML, 2018) offlining shrinks the zone: the offline block no longer counts as present, and the zone's span starts at the next online block."
fact "present shrinks by one block at offline" \
	test $(($(movable present) - present0)) = $((pages / 2))
# The span check needs a ZONE_MOVABLE that was empty before (no movablecore=).
if [ "$span0" = 0 ]; then
	fact "the span shrinks to the one online block" test "$(movable spanned)" = $((pages / 2))
else
	skip "the span shrinks to the one online block" "ZONE_MOVABLE was not empty before the add"
fi

step "Remove the memory"
run "hplab remove $g --all"
show_zone
fact "after the remove, the zone is as before the add" \
	test "$(movable spanned) $(movable present) $(movable managed)" = "$span0 $present0 $managed0"
demo_finish
