# A remove whose offlining fails leaves everything added and online as
# before: with memory-notifier-error-inject, and with a block that holds
# the memmap of other memory.
. /tests/lib.sh
plan 23
last_in_boot "a kernel-zone block may keep kernel allocations and stay unremovable"

INJECT=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error
setup
s=$(new_group "static $(blocks 2)")
expect_ok add "$s $(at 0) $(blocks 2)"
d=$(new_group "dynamic $(blocks 1)")
expect_ok add "$d $(at 2) $(blocks 3) memmap=on"
check "online all five blocks movable" online_range $(at 0) $(blocks 5) online_movable
if ! load_kernel_module memory-notifier-error-inject; then
	bail "insmod memory-notifier-error-inject"
fi
total=$(meminfo MemTotal)
echo -16 > "$INJECT"
expect_err EBUSY remove "$s all"
expect_err EBUSY remove "$d $(at 2) $(blocks 3)"
expect_err EBUSY remove "$d all"
echo 0 > "$INJECT"
check "MemTotal is unchanged after the failed removes" test "$(meminfo MemTotal)" = "$total"
all_online_movable() {
	for n in 0 1 2 3 4; do
		[ "$(block_zone $(at $n))" = Movable ] || return 1
	done
}
check "every block is still online movable" all_online_movable
check "kernel matches module after the failed removes" kernel_matches_module
expect_ok remove "$d $(at 2) $(blocks 3)"
expect_ok remove "$s all"
check "kernel matches module after the removes" kernel_matches_module
rmmod memory-notifier-error-inject notifier-error-inject

# A memmap=off add puts its memmap on memory that is online already, taken
# from the highest zone first. On this rig the guest's RAM is all below
# 4G (ZONE_DMA32), so a block of ours onlined to ZONE_NORMAL is the only
# ZONE_NORMAL memory there is, and the memmap lands in it: that block
# cannot be offlined, and the offline phase must put the block before it
# back.
check "the rig's RAM has no ZONE_NORMAL of its own" test "$(zone_pages Normal present)" = 0
expect_ok add "$d $(at 0) $(blocks 2)"
check "online the first block movable" online_range $(at 0) $(blocks 1) online_movable
check "online the second block to the kernel zone, the only ZONE_NORMAL memory" \
	sh -c "echo online_kernel > $(block_dir $(at 1))/state && test \"\$(cat $(block_dir $(at 1))/valid_zones)\" = Normal"
expect_ok add "$d $(at 2) $(blocks 1) memmap=off"
expect_err EBUSY remove "$d $(at 0) $(blocks 2)"
check "the block offlined first is online movable again" \
	test "$(block_zone $(at 0))" = Movable
check "both blocks are online, in their zones" \
	test "$(block_zone $(at 0)) $(block_zone $(at 1))" = "Movable Normal"
check "kernel matches module after the rolled-back remove" kernel_matches_module
expect_ok remove "$d $(at 2) $(blocks 1)"
# The kernel-zone block may hold kernel allocations by now: that memory
# can stay unremovable, which is why hot-added memory is onlined movable.
# Only consistency is asserted, and this script runs last in its boot.
write remove "$d all"
diag "last remove: $(last_event)"
check "kernel matches module at the end" kernel_matches_module
