# Static memory groups: added up to their maximum size, removed as a whole,
# with memmap on and off.
. /tests/lib.sh
plan 44

setup
g=$(new_group "static $(blocks 4)")
check "groups lists the new static group last" \
	grep -qx "$g static 0 $(blocks 4) 0x0" "$HPLAB/groups"
expect_err ENOENT add "12345 $(at 0) $(blocks 1)"
expect_err EINVAL add "$g $(at 0) $(hex $((BLOCK - M)))"
expect_err EINVAL add "$g $(hex $((REGION_START + BLOCK / 2))) $(blocks 1)"
expect_err ENOSPC add "$g $(at 0) $(blocks 5)"
expect_ok add "$g $(at 0) $(blocks 2)"
check "kernel matches module after a static add" kernel_matches_module
check "one add, one System RAM (hotplug_lab) resource" \
	iomem_has $(at 0) $(($(at 2) - 1)) "System RAM (hotplug_lab)"
check "memmap=off: no memmap page inside the added range" \
	grep -q "^$g $(at 0) $(hex $(($(at 2) - 1))) $(blocks 2) off 0 " "$HPLAB/ranges"
expect_err EEXIST add "$g $(at 1) $(blocks 2)"
expect_err ENOSPC add "$g $(at 2) $(blocks 3)"
expect_ok add "$g $(at 2) $(blocks 2) memmap=on"
# The module's count and the kernel's: 4 blocks of memory blocks in sysfs
# and of System RAM (hotplug_lab) in /proc/iomem.
group_has_4_blocks() {
	grep -qx "$g static 0 $(blocks 4) $(blocks 4)" "$HPLAB/groups" &&
	[ "$(iomem_hotplug_lab_bytes)" = $((4 * BLOCK)) ] &&
	[ -d "$(block_dir $(at 3))" ]
}
check "the group counts 4 blocks added, as /proc/iomem and sysfs do" group_has_4_blocks
check "kernel matches module after a memmap=on add" kernel_matches_module
vmemmap_total() {
	awk -v g="$1" '$1 == g && $5 == "on" { n += $6 } END { print n + 0 }' "$HPLAB/ranges"
}
check "memmap=on: $MEMMAP_PAGES memmap pages inside each block" \
	test "$(vmemmap_total "$g")" = $((2 * MEMMAP_PAGES))
if kernel_is_6_8_or_later; then
	check "6.8+: the memmap=on request is one add" \
		iomem_has $(at 2) $(($(at 4) - 1)) "System RAM (hotplug_lab)"
else
	check "before 6.8: the memmap=on request is added block by block" \
		sh -c "grep -c 'System RAM (hotplug_lab)' /proc/iomem | grep -qx 3"
fi
expect_err EINVAL remove "$g $(at 0) $(blocks 2)"
expect_err EINVAL remove "$g $(at 0) $(blocks 1)"
expect_err EINVAL remove "$g $(at 1) $(blocks 2)"
expect_err ENOENT remove "$g $(at 4) $(blocks 1)"
expect_err ENOENT remove "12345 all"
check "blocks are offline (auto_online_blocks=offline)" \
	test "$(block_state $(at 0))" = offline
check "online every block movable" online_range $(at 0) $(blocks 4) online_movable
check "kernel matches module with the blocks online" kernel_matches_module
# The memmap pages of memmap=on blocks are present in ZONE_MOVABLE but not
# managed: the kernel's own count of what the module measured.
check "the kernel keeps $((2 * MEMMAP_PAGES)) present pages of ZONE_MOVABLE unmanaged: the self-hosted memmap" \
	test "$(movable_unmanaged)" = $((2 * MEMMAP_PAGES))
total_before=$(meminfo MemTotal)
expect_ok remove "$g all"
total_after=$(meminfo MemTotal)
check "remove all takes the online memory out of MemTotal (4 blocks less 2 blocks' memmap)" \
	test $((total_before - total_after)) = $(((4 * BLOCK - 2 * MEMMAP_PAGES * PAGE_SIZE) / 1024))
check "kernel matches module after remove all" kernel_matches_module
no_block_left() {
	i=0
	while [ $i -lt 4 ]; do
		[ ! -d "$(block_dir $(at $i))" ] || return 1
		i=$((i + 1))
	done
}
check "the region has no memory block left" no_block_left
check "the group is empty again, and so is /proc/iomem" \
	sh -c "grep -qx '$g static 0 $(blocks 4) 0x0' $HPLAB/groups && ! grep -q 'System RAM (hotplug_lab)' /proc/iomem"
expect_err ENOENT remove "$g all"

# online=: the module onlines the blocks in the add's own write, and the
# events show where the time of an add and of a remove went.
expect_err EINVAL add "$g $(at 0) $(blocks 2) online=sideways"
expect_err EINVAL add "$g $(at 0) $(blocks 2) online=movable memmap=on"
expect_ok add "$g $(at 0) $(blocks 2) memmap=on online=movable"
check "online=movable: both blocks are online movable" \
	test "$(block_zone $(at 0)) $(block_zone $(at 1))" = "Movable Movable"
# phase_ns PHASE: the nanoseconds the newest event gives PHASE
phase_ns() {
	last_event | sed -n "s/.* $1_ns=\([0-9]*\).*/\1/p"
}
check "the add's event times the kernel's add call and the online, each non-zero" \
	test "$(phase_ns add)" -gt 0 -a "$(phase_ns online)" -gt 0
expect_ok remove "$g all"
check "the remove of online memory times a non-zero offline and remove" \
	test "$(phase_ns offline)" -gt 0 -a "$(phase_ns remove)" -gt 0
expect_ok add "$g $(at 0) $(blocks 2)"
expect_ok remove "$g all"
check "the remove of offline memory has no offline phase, and a non-zero remove" \
	test "$(phase_ns offline)" = 0 -a "$(phase_ns remove)" -gt 0
expect_ok groups "delete $g"
expect_err ENOENT groups "delete $g"
check "cleanup" cleanup
