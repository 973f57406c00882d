#!/bin/sh
# A short tour of hotplug_lab: claim the reserved range, add memory to a
# static group with memmap_on_memory, look at what the kernel shows, try a
# remove in the wrong granularity, remove it properly.
#
# Runs in the test VM (make demo) or on a test box booted with
# memmap=1G$0x40000000 memory_hotplug.memmap_on_memory=1, as root, with
# hotplug_lab.ko loaded. POSIX sh.
set -u
D=/sys/kernel/debug/hotplug_lab
MEM=/sys/devices/system/memory
START=${HPLAB_START:-0x40000000}

say() {
	printf '\n== %s\n' "$*"
}
run() {
	printf '$ %s\n' "$*"
	sh -c "$*" 2>&1 | sed 's/^/  /'
}

[ -d "$D" ] || { echo "hotplug_lab is not loaded (insmod hotplug_lab.ko)" >&2; exit 1; }
echo offline > $MEM/auto_online_blocks

say "What the kernel and the module say before anything happens"
run "cat $D/info"
run "grep Reserved /proc/iomem"

say "Claim 1G of the reserved range; it nests below 'Reserved' in /proc/iomem"
run "echo '$START 1G' > $D/region"
run "grep -B1 'hotplug_lab region' /proc/iomem"

say "A static group is like a DIMM: added and removed as a whole"
run "echo 'static 512M' > $D/groups"
g=$(tail -n 1 "$D/groups" | cut -d' ' -f1)
run "cat $D/groups"

say "Hot-add 512M with the memmap (struct pages) placed inside the new memory"
run "echo '$g $START 512M memmap=on' > $D/add"
run "cat $D/ranges"
run "grep -A4 'hotplug_lab region' /proc/iomem"

say "Online the new blocks into ZONE_MOVABLE: MemTotal grows 126M per 128M block"
run "grep MemTotal /proc/meminfo"
block_size=$((0x$(cat $MEM/block_size_bytes)))
for block in $(seq $((START / block_size)) $(((START + 0x20000000) / block_size - 1))); do
	run "echo online_movable > $MEM/memory$block/state"
done
run "grep MemTotal /proc/meminfo"
run "cat $D/ranges"

say "Removing 128M of a static group is refused: it goes as a whole"
run "echo '$g $START 128M' > $D/remove"
run "tail -n 1 $D/events"

say "Remove it as a whole: offlined, removed, gone from /proc/iomem"
run "echo '$g all' > $D/remove"
run "grep -A1 'hotplug_lab region' /proc/iomem"
run "grep MemTotal /proc/meminfo"

echo "delete $g" > "$D/groups"
echo release > "$D/region"
