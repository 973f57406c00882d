# Booted with memory_hotplug.memmap_on_memory=0: memmap=on is refused with
# a reason, memmap=off works.
. /tests/lib.sh

setup
check "info says memmap_on_memory: no" grep -qx 'memmap_on_memory: no' "$HPLAB/info"
g=$(new_group "static 128M")
expect_err EOPNOTSUPP add "$g 0x40000000 128M memmap=on"
check "the reason names the kernel parameter" \
	sh -c "tail -n 1 $HPLAB/events | grep -q 'memory_hotplug.memmap_on_memory=1'"
expect_ok add "$g 0x40000000 128M"
check "kernel matches module" kernel_matches_module
check "cleanup" cleanup
