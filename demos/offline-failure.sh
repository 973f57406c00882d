#!/bin/sh
# offline-failure: a remove that cannot offline its memory fails, and nothing is lost.
# boot: memory_hotplug.memmap_on_memory=1
# blocks: 6 (a dynamic group of 1-block units in the first 3 blocks of the
# region, a static group of 2 blocks in the 5th and 6th)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
need_blocks 6
plan 6
last_in_boot "the kernel-zone block may keep kernel allocations"
INJECT=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error


step "Memory the kernel itself holds cannot be offlined"
say "Offlining migrates every page away. Pages the kernel allocated for itself cannot move, and they land in kernel zones. One example: the memmap of memory added without memmap_on_memory is allocated from online memory, from the highest zone that has room. Put a kernel-zone block of ours in the way and see."
normal=$(zone_pages Normal present)
say "ZONE_NORMAL of node 0 has $normal present pages now. When it has none (all RAM below 4G is ZONE_DMA32, as in a small VM), the block we online to the kernel zone becomes all of ZONE_NORMAL, and the memmap of the next add is taken from it."
if [ "$normal" != 0 ]; then
	say "Here ZONE_NORMAL has memory of its own (as every box with 2G memory blocks, 64G of RAM or more, has): the memmap of the next add may come from any of it, not from our block, and the remove may well succeed. This part needs a box whose RAM is all below 4G."
	for what in "three blocks are added, the second online in a kernel zone" \
		"the remove is refused while the kernel-zone block holds kernel pages" \
		"nothing was lost: /proc/iomem, every block's state and MemTotal are as before" \
		"the block offlined first is online movable again"; do
		skip "$what" "ZONE_NORMAL has $normal pages besides ours"
	done
else
	d=$(hplab group create dynamic "$(size_of 1)")
	run "hplab add $d $(hex $START) $(size_of 2)"
	run "hplab online $(hex $START) $(size_of 1) --zone=movable"
	run "hplab online $(hex $((START + BLOCK))) $(size_of 1) --zone=kernel"
	run "hplab add $d $(hex $((START + 2 * BLOCK))) $(size_of 1)"
	fact "three blocks are added, the second online in a kernel zone" \
		sh -c "test -d $(block_dir $((START + 2 * BLOCK))) && grep -qvx Movable $(block_dir $((START + BLOCK)))/valid_zones && grep -qx online $(block_dir $((START + BLOCK)))/state"
	before=$(kernel_view)
	run_refused "hplab remove $d $(hex $START) $(size_of 2)"
	after=$(kernel_view)
	say "The remove failed with EBUSY: the kernel-zone block holds pages that cannot move (the memmap of the third block, and whatever else the kernel allocated there). hotplug_lab had offlined the first block already; it put it back online, movable, before it gave up."
	fact "the remove is refused while the kernel-zone block holds kernel pages" test -d "$(block_dir $START)"
	fact "nothing was lost: /proc/iomem, every block's state and MemTotal are as before" \
		test "$before" = "$after"
	fact "the block offlined first is online movable again" \
		grep -qx Movable "$(block_dir $START)/valid_zones"
	run "hplab remove $d $(hex $((START + 2 * BLOCK))) $(size_of 1)"
	say "The third block and its memmap are gone. The kernel-zone block may still hold other kernel allocations; memory you want to unplug again belongs in ZONE_MOVABLE."
fi

step "The same, on purpose: memory-notifier-error-inject"
if [ -n "${HPLAB_INJECT_DIR:-}" ] || [ -r /modules/memory-notifier-error-inject.ko ]; then
	insmod "${HPLAB_INJECT_DIR:-/modules}/notifier-error-inject.ko" 2> /dev/null
	insmod "${HPLAB_INJECT_DIR:-/modules}/memory-notifier-error-inject.ko" 2> /dev/null
else
	modprobe memory-notifier-error-inject 2> /dev/null
fi
if [ ! -w "$INJECT" ]; then
	say "memory-notifier-error-inject is not available here: skipped."
	skip "remove fails while offlining fails, and nothing is lost" "no memory-notifier-error-inject"
	skip "once offlining works again, the remove goes through" "no memory-notifier-error-inject"
	exit $FAILED
fi
say "The kernel's fault injection module makes every MEM_GOING_OFFLINE notification fail with the errno we write."
s=$(hplab group create static "$(size_of 2)")
run "hplab add $s $(hex $((START + 4 * BLOCK))) $(size_of 2) --memmap-on-memory --online=movable"
run "echo -16 > $INJECT"
before=$(kernel_view)
run_refused "hplab remove $s --all"
after=$(kernel_view)
fact "remove fails while offlining fails, and nothing is lost" test "$before" = "$after"
run "echo 0 > $INJECT"
run "hplab remove $s --all"
fact "once offlining works again, the remove goes through" test ! -d "$(block_dir $((START + 4 * BLOCK)))"
exit $FAILED
