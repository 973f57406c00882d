# A remove whose offlining fails leaves everything added and online as
# before: with memory-notifier-error-inject, and with a block that holds
# the memmap of other memory.
. /tests/lib.sh

INJECT=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error
setup
if ! insmod /modules/notifier-error-inject.ko ||
	! insmod /modules/memory-notifier-error-inject.ko; then
	skip "offline failure through memory-notifier-error-inject" "module not available"
else
	s=$(new_group "static 256M")
	expect_ok add "$s 0x40000000 256M"
	d=$(new_group "dynamic 128M")
	expect_ok add "$d 0x50000000 384M memmap=on"
	online_range 0x40000000 0x10000000 online_movable
	online_range 0x50000000 0x18000000 online_movable
	total=$(meminfo MemTotal)
	echo -16 > "$INJECT"
	expect_err EBUSY remove "$s all"
	expect_err EBUSY remove "$d 0x50000000 384M"
	expect_err EBUSY remove "$d all"
	echo 0 > "$INJECT"
	check "MemTotal is unchanged after the failed removes" test "$(meminfo MemTotal)" = "$total"
	all_online() {
		for a in 0x40000000 0x48000000 0x50000000 0x58000000 0x60000000; do
			[ "$(block_state $a)" = online ] || return 1
		done
	}
	check "every block is still online" all_online
	check "kernel matches module after the failed removes" kernel_matches_module
	expect_ok remove "$d 0x50000000 384M"
	expect_ok remove "$s all"
	check "kernel matches module after the removes" kernel_matches_module
	rmmod memory-notifier-error-inject notifier-error-inject
fi

# A memmap=off add puts its memmap on memory that is online already. When
# that lands in an online kernel-zone block of ours, that block cannot be
# offlined: the offline phase must put the block before it back.
d=$(new_group "dynamic 128M")
expect_ok add "$d 0x40000000 256M"
online_range 0x40000000 0x8000000 online_movable
online_range 0x48000000 0x8000000 online_kernel
expect_ok add "$d 0x50000000 128M memmap=off"
if echo offline > "$MEMORY/memory$((0x48000000 / BLOCK))/state" 2>/dev/null; then
	echo online_kernel > "$MEMORY/memory$((0x48000000 / BLOCK))/state"
	skip "rollback of the offline phase" "the kernel put the memmap elsewhere this time"
else
	expect_err EBUSY remove "$d 0x40000000 256M"
	check "the block offlined first is online movable again" \
		grep -qx "Movable" "$MEMORY/memory$((0x40000000 / BLOCK))/valid_zones"
	check "both blocks are online" \
		test "$(block_state 0x40000000)$(block_state 0x48000000)" = onlineonline
	check "kernel matches module after the rolled-back remove" kernel_matches_module
fi
expect_ok remove "$d 0x50000000 128M"
# The kernel-zone block may hold kernel allocations by now: that memory can
# stay unremovable, which is why hot-added memory is onlined movable. Only
# consistency is asserted, and this script runs last in its own boot.
write remove "$d all"
diag "last remove: $(last_event)"
check "kernel matches module at the end" kernel_matches_module
