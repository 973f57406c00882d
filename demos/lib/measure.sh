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
