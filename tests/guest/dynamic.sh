# Dynamic memory groups: added and removed in whole, aligned units.
. /tests/lib.sh

setup
expect_err EINVAL groups "dynamic 384M"
expect_err EINVAL groups "dynamic 64M"
expect_err EINVAL groups "static 100M"
expect_err EINVAL groups "dynamic 256M node=9999"
g=$(new_group "dynamic 256M node=0")
check "groups lists the new dynamic group last" \
	grep -qx "$g dynamic 0 0x10000000 0x0" "$HPLAB/groups"
expect_err EINVAL add "$g 0x40000000 128M"
expect_err EINVAL add "$g 0x48000000 256M"
expect_ok add "$g 0x40000000 768M"
check "768M in 256M units is three adds" \
	test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 3
check "kernel matches module after a dynamic add" kernel_matches_module
expect_err EINVAL remove "$g 0x40000000 128M"
expect_err EINVAL remove "$g 0x48000000 256M"
expect_ok remove "$g 0x50000000 256M"
check "the middle unit is gone from /proc/iomem" \
	sh -c "! grep -q '50000000-5fffffff' /proc/iomem"
check "kernel matches module after removing one unit" kernel_matches_module
expect_err ENOENT remove "$g 0x40000000 768M"
expect_ok add "$g 0x50000000 256M memmap=on"
online_range 0x40000000 0x30000000 online_movable
check "kernel matches module with every unit online" kernel_matches_module
expect_ok remove "$g 0x40000000 512M"
check "two online units removed in one write" kernel_matches_module
other=$(new_group "dynamic 128M")
expect_ok add "$other 0x70000000 128M"
expect_err EINVAL remove "$g 0x68000000 256M"
check "kernel matches module with two dynamic groups" kernel_matches_module
check "cleanup" cleanup
