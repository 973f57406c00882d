# Shared helpers of the guest scripts (POSIX sh, busybox). Sourced, not run.
#
# Every script prints TAP lines through tap(); the count runs across the
# scripts of one boot. Tests assert what the kernel reports (/proc/iomem,
# /sys/devices/system/memory, /proc/meminfo, dmesg), not only the module.

. /demos/lib/measure.sh

HPLAB=/sys/kernel/debug/hotplug_lab
MEMORY=/sys/devices/system/memory
BLOCK=$((0x$(cat $MEMORY/block_size_bytes)))
REGION_START=$((0x40000000))
REGION_SIZE=$((0x40000000))
M=$((1024 * 1024))

tap() {
	tap_n=$(($(cat /tmp/tap.count 2>/dev/null || echo 0) + 1))
	echo "$tap_n" > /tmp/tap.count
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $T: $2"
	else
		echo "not ok $tap_n - $T: $2"
	fi
}

# check DESCRIPTION COMMAND...: one test, passing when COMMAND succeeds
check() {
	check_desc=$1
	shift
	if "$@"; then tap 0 "$check_desc"; else tap 1 "$check_desc"; fi
}

skip() {
	tap_n=$(($(cat /tmp/tap.count 2>/dev/null || echo 0) + 1))
	echo "$tap_n" > /tmp/tap.count
	echo "ok $tap_n - $T: $1 # SKIP $2"
}

diag() {
	echo "$*" | sed 's/^/# /'
}

# write FILE TEXT: one write() of TEXT to a debugfs file
write() {
	printf '%s\n' "$2" > "$HPLAB/$1" 2>/dev/null
}

last_event() {
	tail -n 1 "$HPLAB/events"
}

# Everything a rejected write must leave as it was.
snapshot() {
	for f in region groups ranges granularity; do
		cat "$HPLAB/$f"
	done
	grep -i hotplug_lab /proc/iomem
	for b in "$MEMORY"/memory*; do
		echo "$b $(cat "$b/state")"
	done
}

# expect_ok FILE TEXT: the write succeeds
expect_ok() {
	if write "$1" "$2"; then
		tap 0 "'$2' > $1 succeeds"
	else
		tap 1 "'$2' > $1 succeeds"
		diag "$(last_event)"
	fi
}

# expect_err ERRNO FILE TEXT: the write fails with ERRNO, the event log says
# why, and nothing changes
expect_err() {
	snapshot > /tmp/before
	if write "$2" "$3"; then
		tap 1 "'$3' > $2 is rejected with $1"
		return
	fi
	snapshot > /tmp/after
	event=$(last_event)
	case $event in
	*"] $1: "?*) ;;
	*) tap 1 "'$3' > $2 is rejected with $1"
	   diag "event: $event"
	   return ;;
	esac
	if ! cmp -s /tmp/before /tmp/after; then
		tap 1 "'$3' > $2 is rejected with $1 and changes nothing"
		diff /tmp/before /tmp/after | sed 's/^/# /'
		return
	fi
	tap 0 "'$3' > $2 is rejected with $1 and changes nothing"
}

# A group id is the last row of the groups file after creating it.
last_group() {
	tail -n 1 "$HPLAB/groups" | cut -d' ' -f1
}

block_state() {
	cat "$MEMORY/memory$(($1 / BLOCK))/state"
}

# iomem_has START END NAME: /proc/iomem lists START-END as NAME
iomem_has() {
	grep -q "^ *$(printf '%08x-%08x' "$1" "$2") : $3\$" /proc/iomem
}


# The module's ranges, /proc/iomem and the memory block devices all agree.
kernel_matches_module() {
	rows=0
	while read -r group start end size memmap vmemmap state blocks; do
		[ "$group" = group ] && continue
		rows=$((rows + 1))
		if ! iomem_has "$start" "$end" "System RAM (hotplug_lab)"; then
			diag "iomem lacks $start-$end"
			return 1
		fi
		addr=$(($start))
		i=1
		while [ "$addr" -le $(($end)) ]; do
			letter=$(echo "$blocks" | cut -c$i)
			dir=$MEMORY/memory$((addr / BLOCK))
			[ -d "$dir" ] || { diag "no $dir"; return 1; }
			case "$letter$(cat "$dir/state")" in
			-offline|?online) ;;
			*) diag "$dir is $(cat "$dir/state"), ranges says $letter"; return 1 ;;
			esac
			addr=$((addr + BLOCK))
			i=$((i + 1))
		done
	done < "$HPLAB/ranges"
	iomem_rows=$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)
	if [ "$iomem_rows" != "$rows" ]; then
		diag "iomem has $iomem_rows hotplug_lab resources, ranges has $rows"
		return 1
	fi
	# Memory blocks inside the region exist exactly for added memory.
	present=0
	addr=$REGION_START
	while [ "$addr" -lt $((REGION_START + REGION_SIZE)) ]; do
		[ -d "$MEMORY/memory$((addr / BLOCK))" ] && present=$((present + 1))
		addr=$((addr + BLOCK))
	done
	added=$(awk '$1 == "added:" { print $2 }' "$HPLAB/info")
	if [ "$((present * BLOCK))" != "$((added))" ]; then
		diag "$present blocks present in the region, module says $added added"
		return 1
	fi
}

# Keep hot-added memory offline so that tests decide about onlining.
set_auto_online_offline() {
	echo offline > "$MEMORY/auto_online_blocks"
}

load_module() {
	insmod /modules/hotplug_lab.ko "$@"
}

# online_range START SIZE STATE: write STATE (online_movable, ...) to each block
online_range() {
	addr=$(($1))
	while [ "$addr" -lt $(($1 + $2)) ]; do
		echo "$3" > "$MEMORY/memory$((addr / BLOCK))/state" || return 1
		addr=$((addr + BLOCK))
	done
}

kernel_is_6_8_or_later() {
	grep -q '^memmap_on_memory_multi_block: yes' "$HPLAB/info"
}

# Load the module and claim the whole reserved range.
setup() {
	set_auto_online_offline
	load_module && write region "$(hex $REGION_START) $(hex $REGION_SIZE)"
}

# Undo whatever a script left: remove all memory, delete the groups,
# release the region, unload. Returns non-zero if any of it fails.
cleanup() {
	[ -d "$HPLAB" ] || return 0
	for g in $(awk 'NR > 1 { print $1 }' "$HPLAB/groups"); do
		grep -q "^$g " "$HPLAB/ranges" && { write remove "$g all" || return 1; }
		write groups "delete $g" || return 1
	done
	if [ "$(cat "$HPLAB/region")" != none ]; then
		write region release || return 1
	fi
	rmmod hotplug_lab
}

# new_group TEXT: create a group, print its id
new_group() {
	write groups "$1" && last_group
}
