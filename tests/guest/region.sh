# Claiming the region: only block-aligned, firmware-reserved ranges that are
# neither System RAM nor held by another driver.
. /tests/lib.sh

set_auto_online_offline
load_module
expect_err EBUSY region "0 128M"
expect_err EINVAL region "0x40000000 100M"
expect_err EINVAL region "0x40100000 128M"
expect_err EINVAL region "0x40000000 0"
expect_err EINVAL region "0x80000000 128M"
expect_err EBUSY region "0x38000000 256M"
expect_err EINVAL region "0x78000000 256M"
expect_err ERANGE region "0xfffffffff8000000 128M"
expect_err EINVAL region "0x40000000"
expect_err ENOENT region release
expect_ok region "0x48000000 256M"
check "the claim is nested in the reserved range in /proc/iomem" \
	sh -c "grep -B1 '^  48000000-57ffffff : hotplug_lab region\$' /proc/iomem | grep -q '^40000000-7fffffff : Reserved\$'"
check "region reads back start-end size" \
	grep -qx '0x48000000-0x57ffffff 0x10000000' "$HPLAB/region"
expect_err EBUSY region "0x40000000 1G"
g=$(new_group "static 512M")
expect_err ERANGE add "$g 0x40000000 128M"
expect_err ERANGE add "$g 0x50000000 256M"
expect_ok add "$g 0x48000000 256M"
check "the added memory is nested in the claim in /proc/iomem" \
	sh -c "grep -A1 'hotplug_lab region' /proc/iomem | grep -q '^    48000000-57ffffff : System RAM (hotplug_lab)\$'"
expect_err EBUSY region release
expect_ok remove "$g all"
expect_ok region release
check "release removes the claim from /proc/iomem" sh -c '! grep -q "hotplug_lab" /proc/iomem'
check "region reads none after release" grep -qx none "$HPLAB/region"
expect_err ERANGE add "$g 0x48000000 128M"
check "cleanup" cleanup
