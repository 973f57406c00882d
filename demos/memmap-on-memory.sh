#!/bin/sh
# memmap-on-memory: where the struct pages of hot-added memory live.
# boot: memory_hotplug.memmap_on_memory=1
# blocks: 4 (one static group of 4 blocks at the region's start)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
need_blocks 4
plan 5
blocks=4
SIZE=$((blocks * BLOCK))
# How far free memory may move in a round for reasons of the kernel's own
TOLERANCE_KB=1024
# The memmap of a block, as the kernel's page and struct page sizes make it
memmap_block=$((MEMMAP_PAGES * PAGE_SIZE))

step "Every $((PAGE_SIZE >> 10)) KiB page has a struct page; hot-added memory needs them too"
say "The memmap (the array of struct pages) of $(size_str $SIZE) must exist before the memory can be used. Normally the kernel allocates it from memory that is already online. With memmap_on_memory it is placed at the start of each added block instead."
g=$(hplab group create static "$(size_str $SIZE)")

# add_and_online MEMMAP-OPTION: add and online SIZE, narrated; sets
# free_drop (kB, at add) and total_growth (kB, at online)
add_and_online() {
	sync
	free_before=$(free_kb)
	run "hplab add $g $(hex $START) $(size_str $SIZE) $1"
	free_after=$(free_kb)
	run "hplab blocks"
	total_before=$(meminfo MemTotal)
	run "hplab online $(hex $START) $(size_str $SIZE) --zone=movable"
	total_after=$(meminfo MemTotal)
	free_drop=$((free_before - free_after))
	total_growth=$((total_after - total_before))
}

# median_drop MEMMAP-OPTION FIRST-DROP: sets median to the median free
# memory drop at add over FIRST-DROP and two more quiet rounds of remove,
# add and online
median_drop() {
	drops=$2
	for round in 2 3; do
		hplab remove "$g" --all
		sync
		free_before=$(free_kb)
		hplab add "$g" "$(hex $START)" "$(size_str $SIZE)" $1 > /dev/null
		drops="$drops $((free_before - $(free_kb)))"
		hplab online "$(hex $START)" "$(size_str $SIZE)" --zone=movable > /dev/null
	done
	say "Free memory drops at add over three rounds: $drops kB."
	median=$(printf '%s\n' $drops | sort -n | sed -n 2p)
}

huge_kb=$(meminfo Hugepagesize)
huge_pages="huge pages${huge_kb:+ of $(size_str $((huge_kb * 1024)))}"
say "Free memory below is MemFree plus the pages waiting on the per-cpu page lists (/proc/zoneinfo 'count:'). MemFree alone leaves those out, and the memmap an earlier remove freed, in $huge_pages (the pages the kernel maps a memmap with), waits there, to be handed to the next add without MemFree moving at all. The kernel frees and allocates memory of its own meanwhile (up to $((TOLERANCE_KB >> 10))M either way in a round here), so each add is measured three times and the median counts."

step "Add $(size_str $SIZE) with the memmap on the added memory"
add_and_online --memmap-on-memory
vmemmap_pages=$(awk 'NR > 1 { n += $6 } END { print n + 0 }' $D/ranges)
per_block=$((vmemmap_pages / blocks))
median_drop --memmap-on-memory $free_drop
on_drop=$median
say "Free memory dropped by $on_drop kB (median) while adding: the memmap did not come from it. The module found $vmemmap_pages memmap pages inside the added range, $per_block per block: $((per_block * PAGE_SIZE / (BLOCK / PAGE_SIZE))) bytes of struct page per $((PAGE_SIZE >> 10)) KiB page."
free_memory_fact "memmap=on: free memory does not pay for the memmap (median drop $on_drop kB, within +-$((TOLERANCE_KB >> 10))M)" \
	test "$on_drop" -gt -$TOLERANCE_KB -a "$on_drop" -lt $TOLERANCE_KB
fact "memmap=on: each block hosts its own memmap ($per_block pages, $(size_str $((per_block * PAGE_SIZE))) per $(size_of 1))" \
	test "$per_block" = "$MEMMAP_PAGES"
say "Online, MemTotal grew by $total_growth kB: $((total_growth / blocks / 1024))M per $(size_of 1) block, because the memmap pages inside each block are not handed to the page allocator."
fact "memmap=on: MemTotal grows by block size minus memmap per block" \
	test "$total_growth" = $((blocks * (BLOCK - per_block * PAGE_SIZE) / 1024))
run "hplab remove $g --all"

step "The same with the memmap allocated from online memory"
add_and_online ""
median_drop "" $free_drop
off_drop=$median
memmap_kb=$((blocks * memmap_block / 1024))
say "Free memory dropped by $off_drop kB (median) at add: $(((off_drop - on_drop) / blocks)) kB per block more than with memmap_on_memory, the memmap taken from memory that was already online. Online, MemTotal grew by $total_growth kB, all of each block."
free_memory_fact "memmap=off: the add costs the memmap ($memmap_kb kB) in online memory: $((off_drop - on_drop)) kB more than memmap=on (+-$((TOLERANCE_KB >> 10))M)" \
	test $((off_drop - on_drop)) -ge $((memmap_kb - TOLERANCE_KB)) -a $((off_drop - on_drop)) -le $((memmap_kb + TOLERANCE_KB))
fact "memmap=off: MemTotal grows by the whole block size" \
	test "$total_growth" = $((blocks * BLOCK / 1024))
run "hplab remove $g --all"

step "Why it matters"
say "Hot-adding memory to a machine that is short of memory (a balloon driver, a VM being resized because it is about to run out) needs $(size_str $memmap_block) of free memory per $(size_of 1) added (the memmap of a block), before the new memory can be used: if free memory runs out first, the add fails or the OOM killer runs. With memmap_on_memory the add costs almost nothing. The price: those pages of the block are never usable memory, and the memmap of the block lives on the block itself (it can only be removed in the granularity it was added in: see the remove-granularity demo)."
demo_finish
