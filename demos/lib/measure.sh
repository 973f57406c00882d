# Reading numbers off the kernel, shared by the demos and the guest tests
# (POSIX sh, sourced).

hex() {
	printf '%#x' "$1"
}

meminfo() {
	awk -v key="$1:" '$1 == key { print $2 }' /proc/meminfo
}

# Free memory in kB: MemFree plus the pages cached on per-cpu lists, which
# MemFree leaves out. Order-9 pages, like a 2M memmap freed by a remove,
# wait there and are handed to the next add without MemFree moving.
free_kb() {
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	echo $(($(meminfo MemFree) + pcp * 4))
}

# KASAN holds freed memory in its quarantine and releases it later, so on
# a KASAN kernel free memory does not measure an add (6.1-debug: single
# memmap=off drops from 6560 to 10132 kB for an 8192 kB memmap).
free_memory_measures_adds() {
	! grep -q ' kasan_report$' /proc/kallsyms
}

# zone_pages ZONE FIELD: a page count (present, managed, spanned) of a
# zone of node 0 in /proc/zoneinfo, 0 for a zone that has none
zone_pages() {
	awk -v zone="$1" -v field="$2" '/^Node 0, zone/ { z = $4 }
		z == zone && $1 == field { n += $2 } END { print n + 0 }' /proc/zoneinfo
}

# The kernel's view of hot-added memory, to compare before and after a
# refused or failed operation: /proc/iomem, every block's state, MemTotal.
kernel_view() {
	grep hotplug_lab /proc/iomem
	# read, not cat: a process per block is slow on a debug kernel
	for b in /sys/devices/system/memory/memory*; do
		read -r state < "$b/state"
		echo "$b $state"
	done
	meminfo MemTotal
}

# bytes SIZE: a size as 1G, 512M, 64K, 0x40000000 or 1073741824, in bytes
bytes() {
	case $1 in
	*[kK]) echo $((${1%?} << 10)) ;;
	*[mM]) echo $((${1%?} << 20)) ;;
	*[gG]) echo $((${1%?} << 30)) ;;
	*) echo $(($1)) ;;
	esac
}

# log_mark: write a unique line into the kernel log and print it, so that
# log_since MARK can show what the kernel logged after it. The log is never
# cleared: dmesg -c would hide earlier warnings from whoever reads it next.
log_mark() {
	log_mark_line="hotplug-lab mark $(cat /proc/sys/kernel/random/uuid)"
	echo "$log_mark_line" > /dev/kmsg
	echo "$log_mark_line"
}

log_since() {
	dmesg | sed -n "\\|$1|,\$p" | sed 1d
}

# target_steps SEQ GROUP: the target work item's events for GROUP after
# event SEQ, one a line, as "plug ADDR ok", "unplug ADDR EBUSY",
# "reached SIZE ok", "retry MS ERRNO"
target_steps() {
	awk -v seq="$1" -v id="$2" '$1 > seq && $2 == "target" && $3 == "[" id &&
		$4 ~ /^(plug|unplug|reached|retry)$/ {
		verdict = $0
		sub(/^[^]]*\] /, "", verdict)
		sub(/[: ].*/, "", verdict)
		sub(/\]$/, "", $5)
		print $4, $5, verdict
	}' /sys/kernel/debug/hotplug_lab/events
}

# group_units GROUP: the start of each add of GROUP, in address order
group_units() {
	awk -v id="$1" 'NR > 1 && $1 == id { printf "%s%s", sep, $2; sep = " " }
		END { print "" }' /sys/kernel/debug/hotplug_lab/ranges
}

# zones_field GROUP KEY: a group's value in hplab zones --json, quotes
# stripped ("null" when it has none)
zones_field() {
	hplab zones --json | awk -v g="$1" -v key="\"$2\":" 'BEGIN { cur = "none" }
		$1 == "\"group\":" { cur = $2; sub(/,$/, "", cur) }
		$1 == key && cur == g { sub(/^[^:]*: /, ""); sub(/,$/, ""); gsub(/"/, ""); print; exit }'
}

# last_seq: the number of the module's newest event (-1 before any)
last_seq() {
	tail -n 1 /sys/kernel/debug/hotplug_lab/events | awk '{ print $1 } END { if (!NR) print -1 }'
}

# block_dir ADDR: the sysfs directory of the memory block at ADDR
block_dir() {
	echo "/sys/devices/system/memory/memory$(($1 / BLOCK))"
}

block_state() {
	cat "$(block_dir "$1")/state"
}

# block_zone ADDR: the zone an online block is in (valid_zones names only
# that one), "-" while it is offline
block_zone() {
	if [ "$(block_state "$1")" = online ]; then
		cat "$(block_dir "$1")/valid_zones"
	else
		echo -
	fi
}
