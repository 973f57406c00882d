# Add granularity, the module's remove rule, and check=kernel: what the
# kernel itself does with removes in another granularity than the add.
. /tests/lib.sh

setup
s=$(new_group "static 512M")
d=$(new_group "dynamic 256M")
check "granularity lists the kernel's limits" \
	sh -c "grep -qx 'block_size: $(hex $BLOCK)' $HPLAB/granularity && grep -q '^memmap_on_memory_multi_block: ' $HPLAB/granularity && grep -qx 'check: module' $HPLAB/granularity"
if kernel_is_6_8_or_later; then memmap_gran=request; else memmap_gran=$(hex $BLOCK); fi
check "a static group adds the whole request (memmap=on: $memmap_gran)" \
	grep -qx "$s static request $memmap_gran whole-group" "$HPLAB/granularity"
if kernel_is_6_8_or_later; then memmap_gran=0x10000000; else memmap_gran=$(hex $BLOCK); fi
check "a dynamic group adds one unit per call (memmap=on: $memmap_gran)" \
	grep -qx "$d dynamic 0x10000000 $memmap_gran units:0x10000000" "$HPLAB/granularity"
expect_err EINVAL granularity "$s 100M"
expect_err EINVAL granularity "$s 1G"
expect_err EINVAL granularity "$d 512M"
expect_err EINVAL granularity "$d 384M"
expect_err ENOENT granularity "12345 128M"
expect_err EINVAL granularity "check=maybe"
expect_ok granularity "$s 256M"
expect_ok add "$s 0x40000000 512M"
two_adds() {
	iomem_has 0x40000000 0x4fffffff "System RAM (hotplug_lab)" &&
	iomem_has 0x50000000 0x5fffffff "System RAM (hotplug_lab)"
}
check "granularity 256M: 512M is added in two calls" two_adds
check "kernel matches module" kernel_matches_module
expect_err EINVAL remove "$s 0x40000000 256M"
expect_ok remove "$s all"
if kernel_is_6_8_or_later; then
	expect_ok add "$s 0x40000000 256M memmap=on"
	check "6.8+: one memmap=on add of 256M self-hosts 2x512 pages" \
		grep -q " 0x40000000 0x4fffffff 0x10000000 on 1024 " "$HPLAB/ranges"
	expect_ok remove "$s all"
else
	expect_err EOPNOTSUPP add "$s 0x40000000 256M memmap=on"
fi
expect_ok granularity "$s default"
expect_ok granularity "$d 128M"
expect_ok add "$d 0x40000000 256M"
check "granularity 128M: a 256M unit is added in two calls" \
	test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 2
expect_err EINVAL remove "$d 0x40000000 128M"
expect_ok remove "$d 0x40000000 256M"
expect_ok granularity "$d default"

# check=kernel: one offline_and_remove_memory() over the request.
expect_ok granularity "check=kernel"
check "granularity shows check: kernel" grep -qx 'check: kernel' "$HPLAB/granularity"
k=$(new_group "dynamic 128M")
expect_ok add "$k 0x40000000 256M memmap=on"
online_range 0x40000000 0x10000000 online_movable
if kernel_is_6_8_or_later; then
	expect_ok remove "$k 0x40000000 256M"
	check "6.8+: the kernel removes two memmap=on adds in one call" \
		test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 0
	check "kernel matches module after the kernel-judged remove" kernel_matches_module
else
	dmesg -c > /dev/null
	expect_err EINVAL remove "$k 0x40000000 256M"
	check "before 6.8: the kernel itself refuses ('wrong granularity' in dmesg)" \
		sh -c 'dmesg | grep -q "Refuse to remove 0x40000000 - 0x50000000.*wrong granularity"'
	check "the refused memory is online as before" \
		test "$(block_state 0x40000000)$(block_state 0x48000000)" = onlineonline
	expect_ok remove "$k all"
fi
expect_ok add "$k 0x40000000 128M memmap=on"
expect_ok add "$k 0x48000000 128M memmap=off"
expect_err EINVAL remove "$k 0x40000000 256M"
expect_ok remove "$k all"
expect_ok add "$s 0x40000000 512M"
online_range 0x40000000 0x20000000 online_movable
expect_ok remove "$s 0x48000000 128M"
hole() {
	iomem_has 0x40000000 0x47ffffff "System RAM (hotplug_lab)" &&
	iomem_has 0x50000000 0x5fffffff "System RAM (hotplug_lab)"
}
check "check=kernel: the kernel punches a hole into a memmap=off add" hole
check "the module's records follow the kernel's split" kernel_matches_module
expect_ok remove "$s 0x50000000 256M"
expect_ok remove "$s 0x40000000 128M"
check "kernel matches module after removing both pieces" kernel_matches_module
expect_ok granularity "$s 256M"
expect_ok add "$s 0x40000000 512M"
expect_err EINVAL remove "$s 0x48000000 256M"
expect_ok granularity "check=module"
expect_ok remove "$s all"
check "cleanup" cleanup
