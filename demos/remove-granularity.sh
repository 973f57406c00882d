#!/bin/sh
# remove-granularity: memmap-on-memory memory and removing it in another granularity.
# boot: memory_hotplug.memmap_on_memory=1
# blocks: 2 (one static group of 2 blocks at the region's start)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
need_blocks 2
if kernel_multi_block; then plan 3; else plan 4; fi

step "Memory whose memmap lives on itself"
say "With memmap_on_memory the struct pages of a block sit at the start of that block. Removing part of such memory would pull the memory out from under struct pages that are still in use, so the kernel has to know how the memmap was laid out when the memory was added."
run "hplab granularity"
g=$(hplab group create static "$(size_of 2)")
run "hplab add $g $(hex $START) $(size_of 2) --memmap-on-memory"
run "hplab blocks"
if kernel_multi_block; then
	say "Linux $(uname -r) is 6.8 or later: one add of $(size_of 2) gave every block its own altmap (its own memmap at its own start), so the add went to the kernel in one call."
	fact "6.8+: one add_memory_driver_managed() call for $(size_of 2) with memmap_on_memory" \
		test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 1
else
	say "Linux $(uname -r) is older than 6.8: it self-hosts the memmap only for an add of exactly one block, so hotplug_lab added the $(size_of 2) block by block."
	fact "before 6.8: one add per block with memmap_on_memory" \
		test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 2
fi

step "The module's rule: memory goes in the pieces it came in"
run_refused "hplab remove $g $(hex $START) $(size_of 1)"
fact "the module refuses to remove $(size_of 1) of the $(size_of 2)" test -d "$(block_dir $START)"

step "Let the kernel judge"
say "With check=kernel hotplug_lab passes the request to offline_and_remove_memory() unchanged."
run "hplab granularity --check=kernel"
mark=$(log_mark)
refused_in_log() {
	log_since "$mark" | grep -q "Refuse to remove $(hex $START) - $(hex $((START + 2 * BLOCK))),wrong granularity"
}
if kernel_multi_block; then
	run "hplab remove $g $(hex $START) $(size_of 1)"
	say "The kernel removed one block of a two-block add: each block carries its own altmap since 6.8 (commit 'mm/memory_hotplug: split memmap_on_memory requests across memblocks'), so removing one block frees exactly that block's memmap. The resource in /proc/iomem was trimmed to the block that is left."
	run "grep -A2 'hotplug_lab region' /proc/iomem"
	fact "6.8+: the kernel removes one block of a memmap_on_memory add" \
		test ! -d "$(block_dir $START)" -a -d "$(block_dir $((START + BLOCK)))"
else
	run_refused "hplab remove $g $(hex $START) $(size_of 2)"
	run "dmesg | grep 'wrong granularity' | tail -n 1"
	say "Two single-block adds removed in one call: the kernel refuses, because before 6.8 try_remove_memory() only knows how to free the memmap of memory_hotplug.memmap_on_memory memory one block at a time ('Refuse to remove ... wrong granularity'). offline_and_remove_memory() put everything back as it was."
	fact "before 6.8: the kernel refuses with 'wrong granularity' in dmesg" \
		refused_in_log
	fact "... and both blocks are still there" \
		test -d "$(block_dir $START)" -a -d "$(block_dir $((START + BLOCK)))"
fi
run "hplab granularity --check=module"
say "What the LKML discussion of 'mm,memory_hotplug: Allocate memmap from the added memory range' (2019) settled on: remove memmap_on_memory memory in the granularity it was added in. 6.8 made that granularity a block for every such add."
demo_finish
