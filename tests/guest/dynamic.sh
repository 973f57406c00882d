# Dynamic memory groups: added and removed in whole, aligned units.
. /tests/lib.sh
plan 27

setup
expect_err EINVAL groups "dynamic $(blocks 3)"
expect_err EINVAL groups "dynamic $(hex $((BLOCK / 2)))"
expect_err EINVAL groups "static $(hex $((BLOCK - M)))"
expect_err EINVAL groups "dynamic $(blocks 2) node=9999"
g=$(new_group "dynamic $(blocks 2) node=0")
check "groups lists the new dynamic group last" \
	grep -qx "$g dynamic 0 $(blocks 2) 0x0" "$HPLAB/groups"
expect_err EINVAL add "$g $(at 0) $(blocks 1)"
expect_err EINVAL add "$g $(at 1) $(blocks 2)"
expect_ok add "$g $(at 0) $(blocks 6)"
check "6 blocks in 2-block units is three adds" \
	test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 3
check "kernel matches module after a dynamic add" kernel_matches_module
expect_err EINVAL remove "$g $(at 0) $(blocks 1)"
expect_err EINVAL remove "$g $(at 1) $(blocks 2)"
expect_ok remove "$g $(at 2) $(blocks 2)"
check "the middle unit is gone from /proc/iomem and sysfs" \
	sh -c "! grep -q '$(printf '%08x-%08x' $(at 2) $(($(at 4) - 1)))' /proc/iomem && ! test -d $(block_dir $(at 2))"
check "kernel matches module after removing one unit" kernel_matches_module
expect_err ENOENT remove "$g $(at 0) $(blocks 6)"
expect_ok add "$g $(at 2) $(blocks 2) memmap=on"
# The unit added last, at block 2, is listed between the other two (on
# 6.1 as two single-block adds: memmap=on is added block by block there).
sorted_by_address() {
	previous=-1
	for start in $(awk 'NR > 1 { print $2 }' "$HPLAB/ranges"); do
		[ $((start)) -gt $previous ] || { diag "$(cat "$HPLAB/ranges")"; return 1; }
		previous=$((start))
	done
	[ "$(awk 'NR > 1 { print $2 }' "$HPLAB/ranges" | sed -n 2p)" = "$(at 2)" ]
}
check "ranges lists the adds by address, not in the order they came" sorted_by_address
check "every unit onlines movable" online_range $(at 0) $(blocks 6) online_movable
check "kernel matches module with every unit online" kernel_matches_module
expect_ok remove "$g $(at 0) $(blocks 4)"
check "two online units removed in one write" \
	sh -c "! test -d $(block_dir $(at 0)) && ! test -d $(block_dir $(at 3)) && test -d $(block_dir $(at 4))"
check "kernel matches module after removing two units" kernel_matches_module
other=$(new_group "dynamic $(blocks 1)")
expect_ok add "$other $(at 6) $(blocks 1)"
expect_err EINVAL remove "$g $(at 5) $(blocks 2)"
check "kernel matches module with two dynamic groups" kernel_matches_module
check "cleanup" cleanup
