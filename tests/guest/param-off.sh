# Booted with memory_hotplug.memmap_on_memory=0: memmap=on is refused with
# a reason, memmap=off works.
. /tests/lib.sh
plan 8

setup
check "info says memmap_on_memory: no, as the kernel's parameter does" \
	sh -c "grep -qx N /sys/module/memory_hotplug/parameters/memmap_on_memory && grep -qx 'memmap_on_memory: no' $HPLAB/info"
check "granularity says memmap_on_memory: no" grep -qx 'memmap_on_memory: no' "$HPLAB/granularity"
g=$(new_group "static $(blocks 1)")
expect_err EOPNOTSUPP add "$g $(at 0) $(blocks 1) memmap=on"
check "the reason names the kernel parameter" \
	sh -c "tail -n 1 $HPLAB/events | grep -q 'memory_hotplug.memmap_on_memory=1'"
expect_ok add "$g $(at 0) $(blocks 1)"
check "kernel matches module" kernel_matches_module
online_without_unmanaged() {
	online_range $(at 0) $(blocks 1) online_movable && [ "$(movable_unmanaged)" = 0 ]
}
check "online, the memmap=off block has no unmanaged page: its memmap is elsewhere" \
	online_without_unmanaged
check "cleanup" cleanup
