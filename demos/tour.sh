#!/bin/sh
# tour: the short tour: claim, add with memmap_on_memory, look, remove in the wrong granularity, remove.
# boot: memory_hotplug.memmap_on_memory=1
# blocks: 4 (one static group of 4 blocks at the region's start)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
need_blocks 4
plan 4
n=4

step "What the module and the kernel say before anything happens"
run "hplab status"
run "grep Reserved /proc/iomem"

step "The claimed range nests below 'Reserved' in /proc/iomem"
run "grep -B1 'hotplug_lab region' /proc/iomem"
fact "the region is claimed inside the reserved range" \
	grep -q "^  $(printf '%08x' $START)-.* : hotplug_lab region" /proc/iomem

step "A static group is like a DIMM: added and removed as a whole"
g=$(hplab group create static "$(size_of $n)")
run "hplab group list"

step "Hot-add $(size_of $n) with the memmap (struct pages) inside the new memory"
total_before=$(meminfo MemTotal)
run "hplab add $g $(hex $START) $(size_of $n) --memmap-on-memory --online=movable"
run "hplab blocks"
run "hplab map"
run "grep -A2 'hotplug_lab region' /proc/iomem"
growth=$(($(meminfo MemTotal) - total_before))
vmemmap_kb=$(awk -v kb=$((PAGE_SIZE / 1024)) 'NR > 1 { n += $6 * kb } END { print n + 0 }' $D/ranges)
say "MemTotal grew by $growth kB, $((growth / n / 1024))M per $(size_of 1) block: the blocks keep $vmemmap_kb kB for their own struct pages."
fact "MemTotal grew by $(size_of $n) less the self-hosted memmap" test "$growth" = $((n * BLOCK / 1024 - vmemmap_kb))

step "Removing $(size_of 1) of a static group is refused: it goes as a whole"
run_refused "hplab remove $g $(hex $START) $(size_of 1)"
fact "the refused remove left the memory in place" test -d "$(block_dir $START)"

step "Remove it as a whole: offlined, removed, gone from /proc/iomem"
run "hplab remove $g --all"
run "grep -A1 'hotplug_lab region' /proc/iomem"
fact "MemTotal is back where it was" test "$(meminfo MemTotal)" = "$total_before"
say "More: make demo-list."
demo_finish
