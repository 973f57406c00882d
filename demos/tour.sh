#!/bin/sh
# tour: the short tour: claim, add with memmap_on_memory, look, remove in the wrong granularity, remove.
# boot: memory_hotplug.memmap_on_memory=1
. "$(dirname "$0")/lib/demo.sh"
demo_setup
plan 4

step "What the module and the kernel say before anything happens"
run "hplab status"
run "grep Reserved /proc/iomem"

step "The claimed range nests below 'Reserved' in /proc/iomem"
run "grep -B1 'hotplug_lab region' /proc/iomem"
fact "the region is claimed inside the reserved range" \
	grep -q "^  $(printf '%08x' $START)-.* : hotplug_lab region" /proc/iomem

step "A static group is like a DIMM: added and removed as a whole"
g=$(hplab group create static 512M)
run "hplab group list"

step "Hot-add 512M with the memmap (struct pages) inside the new memory"
total_before=$(meminfo MemTotal)
run "hplab add $g $(hex $START) 512M --memmap-on-memory --online=movable"
run "hplab blocks"
run "hplab map"
run "grep -A2 'hotplug_lab region' /proc/iomem"
growth=$(($(meminfo MemTotal) - total_before))
vmemmap_kb=$(awk 'NR > 1 { n += $6 * 4 } END { print n + 0 }' $D/ranges)
say "MemTotal grew by $growth kB, $((growth / 4 / 1024))M per $((BLOCK >> 20))M block: the blocks keep $vmemmap_kb kB for their own struct pages."
fact "MemTotal grew by 512M less the self-hosted memmap" test "$growth" = $((512 * 1024 - vmemmap_kb))

step "Removing 128M of a static group is refused: it goes as a whole"
run_refused "hplab remove $g $(hex $START) 128M"
fact "the refused remove left the memory in place" test -d "$(block_dir $START)"

step "Remove it as a whole: offlined, removed, gone from /proc/iomem"
run "hplab remove $g --all"
run "grep -A1 'hotplug_lab region' /proc/iomem"
fact "MemTotal is back where it was" test "$(meminfo MemTotal)" = "$total_before"
say "More: make demo-list."
demo_finish
