# Static memory groups: added up to their maximum size, removed as a whole,
# with memmap on and off.
. /tests/lib.sh

setup
g=$(new_group "static 512M")
check "groups lists the new static group last" \
	grep -qx "$g static 0 0x20000000 0x0" "$HPLAB/groups"
expect_err ENOENT add "12345 0x40000000 128M"
expect_err EINVAL add "$g 0x40000000 100M"
expect_err EINVAL add "$g 0x44000000 128M"
expect_err ENOSPC add "$g 0x40000000 640M"
expect_ok add "$g 0x40000000 256M"
check "kernel matches module after a static add" kernel_matches_module
check "one add, one System RAM (hotplug_lab) resource" \
	iomem_has 0x40000000 0x4fffffff "System RAM (hotplug_lab)"
check "memmap=off: no memmap page inside the added range" \
	grep -q '^[0-9]* 0x40000000 0x4fffffff 0x10000000 off 0 ' "$HPLAB/ranges"
expect_err EEXIST add "$g 0x48000000 256M"
expect_err ENOSPC add "$g 0x50000000 384M"
expect_ok add "$g 0x50000000 256M memmap=on"
check "the group counts 512M added" grep -qx "$g static 0 0x20000000 0x20000000" "$HPLAB/groups"
check "kernel matches module after a memmap=on add" kernel_matches_module
vmemmap_total() {
	awk -v g="$1" '$1 == g && $5 == "on" { n += $6 } END { print n + 0 }' "$HPLAB/ranges"
}
check "memmap=on: 512 memmap pages inside each 128M block" \
	test "$(vmemmap_total "$g")" = $((2 * 512))
if kernel_is_6_8_or_later; then
	check "6.8+: the memmap=on request is one add" \
		iomem_has 0x50000000 0x5fffffff "System RAM (hotplug_lab)"
else
	check "before 6.8: the memmap=on request is added block by block" \
		sh -c "grep -c 'System RAM (hotplug_lab)' /proc/iomem | grep -qx 3"
fi
expect_err EINVAL remove "$g 0x40000000 256M"
expect_err EINVAL remove "$g 0x40000000 128M"
expect_err EINVAL remove "$g 0x48000000 256M"
expect_err ENOENT remove "$g 0x60000000 128M"
expect_err ENOENT remove "12345 all"
check "blocks are offline (auto_online_blocks=offline)" \
	test "$(block_state 0x40000000)" = offline
online_range 0x40000000 0x20000000 online_movable
check "kernel matches module with the blocks online" kernel_matches_module
total_before=$(meminfo MemTotal)
expect_ok remove "$g all"
total_after=$(meminfo MemTotal)
check "remove all takes the online memory out of MemTotal (2x128M + 2x126M)" \
	test $((total_before - total_after)) = $(((2 * 128 + 2 * 126) * 1024))
check "kernel matches module after remove all" kernel_matches_module
check "the region has no memory block left" \
	sh -c "! ls -d $MEMORY/memory8 $MEMORY/memory9 $MEMORY/memory10 $MEMORY/memory11 2>/dev/null"
check "the group is empty again" grep -qx "$g static 0 0x20000000 0x0" "$HPLAB/groups"
expect_err ENOENT remove "$g all"
expect_ok groups "delete $g"
expect_err ENOENT groups "delete $g"
check "cleanup" cleanup
