# Add granularity, the module's remove rule, and check=kernel: what the
# kernel itself does with removes in another granularity than the add.
. /tests/lib.sh

setup
if kernel_is_6_8_or_later; then plan 57; else plan 56; fi
s=$(new_group "static $(blocks 4)")
d=$(new_group "dynamic $(blocks 2)")
# row GROUP: the group's row of the granularity file
row() {
	awk -v g="$1" 'NF == 5 && $1 == g' "$HPLAB/granularity"
}
check "granularity lists the kernel's limits" \
	sh -c "grep -qx 'block_size: $(hex $BLOCK)' $HPLAB/granularity && grep -q '^memmap_on_memory_multi_block: ' $HPLAB/granularity && grep -qx 'check: module' $HPLAB/granularity"
check "granularity says memmap_on_memory: yes, as the kernel's parameter does" \
	sh -c "grep -qx Y /sys/module/memory_hotplug/parameters/memmap_on_memory && grep -qx 'memmap_on_memory: yes' $HPLAB/granularity"
if kernel_is_6_8_or_later; then memmap_gran=request; else memmap_gran=$(blocks 1); fi
check "a static group adds the whole request (memmap=on: $memmap_gran)" \
	test "$(row $s)" = "$s static request $memmap_gran whole-group"
if kernel_is_6_8_or_later; then memmap_gran=$(blocks 2); else memmap_gran=$(blocks 1); fi
check "a dynamic group adds one unit per call (memmap=on: $memmap_gran)" \
	test "$(row $d)" = "$d dynamic $(blocks 2) $memmap_gran units:$(blocks 2)"
expect_err EINVAL granularity "$s 0"
expect_err EINVAL granularity "$s $(hex $((BLOCK - M)))"
expect_err EINVAL granularity "$s $(blocks 8)"
expect_err EINVAL granularity "$d $(blocks 4)"
expect_err EINVAL granularity "$d $(blocks 3)"
expect_err ENOENT granularity "12345 $(blocks 1)"
expect_err EINVAL granularity "check=maybe"
expect_ok granularity "$s $(blocks 2)"
# Before 6.8 memmap=on self-hosts one block per add only.
if kernel_is_6_8_or_later; then memmap_gran=$(blocks 2); else memmap_gran=unsupported; fi
check "a set granularity shows in both columns (memmap=on: $memmap_gran)" \
	test "$(row $s)" = "$s static $(blocks 2) $memmap_gran whole-group"
expect_ok add "$s $(at 0) $(blocks 4)"
two_adds() {
	iomem_has $(at 0) $(($(at 2) - 1)) "System RAM (hotplug_lab)" &&
	iomem_has $(at 2) $(($(at 4) - 1)) "System RAM (hotplug_lab)"
}
check "granularity 2 blocks: 4 blocks are added in two calls" two_adds
check "kernel matches module" kernel_matches_module
expect_err EINVAL remove "$s $(at 0) $(blocks 2)"
expect_ok remove "$s all"
if kernel_is_6_8_or_later; then
	expect_ok add "$s $(at 0) $(blocks 2) memmap=on"
	check "6.8+: one memmap=on add of 2 blocks self-hosts 2x$MEMMAP_PAGES pages" \
		grep -q " $(at 0) $(hex $(($(at 2) - 1))) $(blocks 2) on $((2 * MEMMAP_PAGES)) " "$HPLAB/ranges"
	expect_ok remove "$s all"
else
	expect_err EOPNOTSUPP add "$s $(at 0) $(blocks 2) memmap=on"
fi
expect_ok granularity "$s default"
check "'default' puts the static group back to whole requests" \
	test "$(row $s | cut -d' ' -f3)" = request
expect_ok granularity "$d $(blocks 1)"
expect_ok add "$d $(at 0) $(blocks 2)"
check "granularity 1 block: a 2-block unit is added in two calls" \
	test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 2
expect_err EINVAL remove "$d $(at 0) $(blocks 1)"
expect_ok remove "$d $(at 0) $(blocks 2)"
expect_ok granularity "$d default"
check "'default' puts the dynamic group back to one unit per call" \
	test "$(row $d | cut -d' ' -f3)" = "$(blocks 2)"

# check=kernel: one offline_and_remove_memory() over the request.
expect_ok granularity "check=kernel"
check "granularity and info show check: kernel" \
	sh -c "grep -qx 'check: kernel' $HPLAB/granularity && grep -qx 'check: kernel' $HPLAB/info"
check "every group's remove rule is now kernel" \
	test "$(row $s | cut -d' ' -f5)$(row $d | cut -d' ' -f5)" = kernelkernel
k=$(new_group "dynamic $(blocks 1)")
expect_ok add "$k $(at 0) $(blocks 2) memmap=on"
check "online both blocks movable" online_range $(at 0) $(blocks 2) online_movable
if kernel_is_6_8_or_later; then
	expect_ok remove "$k $(at 0) $(blocks 2)"
	check "6.8+: the kernel removes two memmap=on adds in one call" \
		test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" = 0
	check "kernel matches module after the kernel-judged remove" kernel_matches_module
else
	mark=$(log_mark)
	expect_err EINVAL remove "$k $(at 0) $(blocks 2)"
	log_since "$mark" > /tmp/log
	check "before 6.8: the kernel itself refuses ('wrong granularity' in its log)" \
		grep -q "Refuse to remove $(at 0) - $(at 2).*wrong granularity" /tmp/log
	check "the refused memory is online as before" \
		test "$(block_state $(at 0))$(block_state $(at 1))" = onlineonline
	expect_ok remove "$k all"
fi
expect_ok add "$k $(at 0) $(blocks 1) memmap=on"
expect_ok add "$k $(at 1) $(blocks 1) memmap=off"
expect_err EINVAL remove "$k $(at 0) $(blocks 2)"
expect_ok remove "$k all"
expect_ok add "$s $(at 0) $(blocks 4)"
check "online the whole add movable" online_range $(at 0) $(blocks 4) online_movable
expect_ok remove "$s $(at 1) $(blocks 1)"
hole() {
	iomem_has $(at 0) $(($(at 1) - 1)) "System RAM (hotplug_lab)" &&
	iomem_has $(at 2) $(($(at 4) - 1)) "System RAM (hotplug_lab)" &&
	[ ! -d "$(block_dir $(at 1))" ]
}
check "check=kernel: the kernel punches a hole into a memmap=off add" hole
check "the module's records follow the kernel's split" kernel_matches_module
expect_ok remove "$s $(at 2) $(blocks 2)"
expect_ok remove "$s $(at 0) $(blocks 1)"
check "kernel matches module after removing both pieces" kernel_matches_module
expect_ok granularity "$s $(blocks 2)"
expect_ok add "$s $(at 0) $(blocks 4)"
expect_err EINVAL remove "$s $(at 1) $(blocks 2)"
expect_ok granularity "check=module"
check "info shows check: module again" grep -qx 'check: module' "$HPLAB/info"
expect_ok remove "$s all"
check "cleanup" cleanup
