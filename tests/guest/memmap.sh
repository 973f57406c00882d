# memmap_on_memory: where the memmap of hot-added memory lives, measured
# in /proc/meminfo. 4 blocks of 128M need 4 x 2M of struct pages.
. /tests/lib.sh

setup
g=$(new_group "static 512M")
BLOCKS=4

# add_and_online MEMMAP: print the free memory drop at add, then the
# MemTotal growth at online, in kB
add_and_online() {
	sync
	free_before=$(free_kb)
	write add "$g 0x40000000 512M memmap=$1" || return 1
	free_after=$(free_kb)
	total_before=$(meminfo MemTotal)
	online_range 0x40000000 0x20000000 online_movable || return 1
	total_after=$(meminfo MemTotal)
	echo "$((free_before - free_after)) $((total_after - total_before))"
}

set -- $(add_and_online on)
on_free_drop=$1 on_total_growth=$2
diag "memmap=on: free memory dropped ${on_free_drop} kB at add, MemTotal grew ${on_total_growth} kB at online"
check "memmap=on: 512 memmap pages inside each block" \
	test "$(awk 'NR > 1 && $5 == "on" { n += $6 } END { print n + 0 }' "$HPLAB/ranges")" = $((BLOCKS * 512))
check "memmap=on: free memory drops by less than one block's memmap (2048 kB) at add" \
	test "$on_free_drop" -lt 2048
check "memmap=on: MemTotal grows by 126M per onlined block" \
	test "$on_total_growth" = $((BLOCKS * 126 * 1024))
expect_ok remove "$g all"

set -- $(add_and_online off)
off_free_drop=$1 off_total_growth=$2
diag "memmap=off: free memory dropped ${off_free_drop} kB at add, MemTotal grew ${off_total_growth} kB at online"
check "memmap=off: no memmap page inside the added range" \
	grep -q ' off 0 ' "$HPLAB/ranges"
# The kernel frees and allocates other memory meanwhile (RCU, per-cpu
# lists): allow 1M of noise, half of one block's memmap.
extra=$((off_free_drop - on_free_drop))
diag "memmap=off cost $extra kB more free memory than memmap=on"
check "memmap=off costs 2048 kB more free memory per block than memmap=on (+-1M)" \
	test "$extra" -ge $((BLOCKS * 2048 - 1024)) -a "$extra" -le $((BLOCKS * 2048 + 1024))
check "memmap=off: MemTotal grows by 128M per onlined block" \
	test "$off_total_growth" = $((BLOCKS * 128 * 1024))
expect_ok remove "$g all"
check "cleanup" cleanup
