# Allocation failures: the Nth slab or page allocation of the writing task
# fails (failslab and fail_page_alloc through /proc/thread-self/fail-nth),
# for every N from 1 until the write runs without meeting a fault. After
# every injected failure the module and the kernel are as they were;
# kmemleak at the end of the boot finds nothing the failures leaked.
# Kernels without CONFIG_FAULT_INJECTION skip it (Debian's have none).
. /tests/lib.sh
OPERATIONS=9
plan $((OPERATIONS * 2 + 1))
last_in_boot "an add that fails half-way leaves memory sections the kernel does not take back"

# No write of the module comes near this many injection points; reaching
# it means the loop never ends.
MAX_POINTS=3000

setup
if [ ! -w /proc/thread-self/fail-nth ]; then
	i=0
	while [ $i -lt $((OPERATIONS * 2)) ]; do
		tap 0 "allocation failure injection # SKIP no CONFIG_FAULT_INJECTION (/proc/thread-self/fail-nth)"
		i=$((i + 1))
	done
	check "cleanup" cleanup
	exit 0
fi
# Fail sleeping allocations too, without a stack dump for each (the rig
# fails a boot on any Call Trace). Page allocations of order 0 are left
# alone: x86's phys_pud_init() and phys_pmd_init() map hot-added memory
# with page tables from alloc_low_page() (GFP_ATOMIC) and do not check it
# for NULL, so a hot-add whose page-table allocation fails oopses the
# kernel (seen on 6.1: a NULL dereference in phys_pmd_init(); 7.3 has the
# same code). So order-0 page allocations are not failed; slab ones of
# every size and larger page allocations (the memmap's) are.
FI=/sys/kernel/debug
echo N > $FI/failslab/ignore-gfp-wait
echo 0 > $FI/failslab/verbose
echo N > $FI/fail_page_alloc/ignore-gfp-wait
echo N > $FI/fail_page_alloc/ignore-gfp-highmem
echo 1 > $FI/fail_page_alloc/min-order
echo 0 > $FI/fail_page_alloc/verbose

# What an injected failure must leave as it was, in one process instead of
# snapshot()'s many, for the hundreds of writes: the memory block devices
# in sysfs, the module's files (the ranges file reads each block's state
# and zone from the kernel), /proc/iomem and MemTotal.
# kernel_matches_module runs after each operation.
fi_snapshot() {
	echo $MEMORY/memory*
	awk 'FILENAME == "/proc/iomem" { if (/hotplug_lab/) print; next }
		FILENAME == "/proc/meminfo" { if ($1 == "MemTotal:") print; next }
		{ print }' "$HPLAB/region" "$HPLAB/groups" "$HPLAB/ranges" \
		"$HPLAB/granularity" /proc/iomem /proc/meminfo
}

# expect_unchanged DIAG: the box is as fi_snapshot found it before the
# write; otherwise count it in $changed and show DIAG and the difference
expect_unchanged() {
	fi_snapshot > /tmp/fi.after
	cmp -s /tmp/fi.before /tmp/fi.after && return
	changed=$((changed + 1))
	diag "$1"
	diff /tmp/fi.before /tmp/fi.after | grep '^[-+][^-+]' | sed 's/^/# /'
}

# inject NAME FILE TEXT PREPARE REVERT: PREPARE brings the box to the state
# the write starts from, REVERT undoes a write that succeeded.
inject() {
	name=$1 file=$2 text=$3 prepare=$4 revert=$5
	n=1 failed=0 absorbed=0 changed=0 result=
	while [ "$n" -le "$MAX_POINTS" ]; do
		$prepare
		fi_snapshot > /tmp/fi.before
		result=$(onewrite -f "$n" -l -- "$HPLAB/$file" "$text")
		case $result in
		*missed) break ;;
		injected)
			# a caller that falls back (kvmalloc, a retry) took
			# it; the write succeeded and must undo cleanly
			absorbed=$((absorbed + 1))
			$revert
			expect_unchanged "$name: the write that absorbed point $n did not undo cleanly:" ;;
		*injected)
			failed=$((failed + 1))
			expect_unchanged "$name: the failure at point $n ($(echo $result)) changed:" ;;
		*)
			changed=$((changed + 1))
			diag "$name: onewrite -f $n gave no verdict: '$(echo $result)'"
			break ;;
		esac
		n=$((n + 1))
	done
	matches=yes
	kernel_matches_module || matches=no
	# The write's own kmalloc() is the first point: a fault always lands.
	check "$name: $failed injected failures over $((n - 1)) injection points ($absorbed absorbed) changed nothing; kernel matches module" \
		sh -c "[ $failed -gt 0 ] && [ $changed = 0 ] && [ $n -le $MAX_POINTS ] && [ $matches = yes ]"
	if [ "$file" = add ] && [ "$(echo $result)" = "EEXIST missed" ] && section_leaked $text; then
		tap 0 "$name: the write succeeds when no fault reaches it # SKIP Linux's __add_pages() keeps the memory sections it added before the one whose allocation failed (mm/memory_hotplug.c, 6.1 and 7.3 alike), so the range cannot be added again (EEXIST) though nothing of it is in /proc/iomem or sysfs"
		return
	fi
	check "$name: the write succeeds when no fault reaches it" test "$result" = missed
	[ "$result" = missed ] || diag "$name: at point $n: $(echo $result); $(last_event)"
	[ "$result" = missed ] && $revert
	$prepare
}

nothing() {
	:
}

# section_leaked GROUP START SIZE [memmap=...]: an add the kernel refuses
# with EEXIST although neither /proc/iomem nor sysfs has any memory of
# ours, after add_pages() warned that __add_pages() failed
section_leaked() {
	! grep -q 'System RAM (hotplug_lab)' /proc/iomem &&
		! test -e "$(block_dir $2)" && ! test -e "$(block_dir $(($2 + $3 - BLOCK)))" &&
		dmesg | grep -q 'add_pages+'
}

# claim
no_region() {
	[ "$(cat $HPLAB/region)" = none ] || write region release
}
claim_region() {
	[ "$(cat $HPLAB/region)" != none ] || write region "$(at 0) $(hex $REGION_SIZE)"
}
inject "claim" region "$(at 0) $(hex $REGION_SIZE)" no_region no_region
claim_region

# group create
delete_last_group() {
	write groups "delete $(last_group)"
}
inject "group create" groups "dynamic $(blocks 1)" nothing delete_last_group

# Each operation on blocks of its own: a range the kernel cannot take
# back (see section_leaked) stays out of the others' way.
s=$(new_group "static $(blocks 2)")
d=$(new_group "dynamic $(blocks 1)")
remove_group() {
	! grep -q "^$1 " $HPLAB/ranges || write remove "$1 all"
}
remove_static() {
	remove_group $s
}
remove_dynamic() {
	remove_group $d
}
inject "add, one chunk of two blocks, memmap=off" add "$s $(at 0) $(blocks 2) memmap=off" remove_static remove_static
inject "add, one chunk, memmap=on" add "$d $(at 2) $(blocks 1) memmap=on" remove_dynamic remove_dynamic
inject "add, two chunks, memmap=off" add "$d $(at 3) $(blocks 2) memmap=off" remove_dynamic remove_dynamic

# removes of online movable memory: a failure must put every block back
add_online() {
	grep -q "^$d " $HPLAB/ranges && return
	write add "$d $(at 5) $(blocks $1)" && online_range $(at 5) $(blocks $1) online_movable
}
add_one_online() {
	add_online 1
}
add_two_online() {
	add_online 2
}
inject "remove, one chunk, online movable" remove "$d all" add_one_online add_one_online
remove_dynamic
inject "remove, two chunks, online movable" remove "$d all" add_two_online add_two_online
remove_dynamic

default_granularity() {
	write granularity "$s default"
}
inject "granularity set" granularity "$s $(blocks 1)" default_granularity default_granularity
inject "granularity check=kernel" granularity "check=kernel" nothing "write granularity check=module"

check "cleanup" cleanup
