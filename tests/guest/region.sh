# Claiming the region: only block-aligned, firmware-reserved ranges that are
# neither System RAM nor held by another driver.
. /tests/lib.sh
plan 43

set_auto_online_offline
load_module || bail "insmod hotplug_lab.ko"
end=$((REGION_START + REGION_SIZE))
# A block of the PCI hole (a root bus window a block fits in): no RAM,
# not reserved.
hole=
while read -r range _ type; do
	[ "$type" = "PCI Bus 0000:00" ] && [ -z "$hole" ] || continue
	first=$(((0x${range%-*} + BLOCK - 1) / BLOCK * BLOCK))
	[ $((first + BLOCK - 1)) -le $((0x${range#*-})) ] && hole=$first
done < /proc/iomem
# A claim that runs past the region's end meets what lies there: System
# RAM (EBUSY) or no RAM at all (EINVAL).
past_end=EINVAL
while read -r range _ type; do
	[ "$type" = "System RAM" ] || continue
	[ $((0x${range%-*})) -le $end ] && [ $end -le $((0x${range#*-})) ] && past_end=EBUSY
done < /proc/iomem
# Start 0 is not special: the System RAM there makes it EBUSY.
expect_err EBUSY region "0 $(blocks 1)"
expect_err EINVAL region "$(at 0) $(hex $((BLOCK - M)))"
expect_err EINVAL region "$(hex $((REGION_START + BLOCK / 2))) $(blocks 1)"
expect_err EINVAL region "$(at 0) 0"
expect_err EINVAL region "$(hex $hole) $(blocks 1)"
expect_err EBUSY region "$(hex $((REGION_START - BLOCK))) $(blocks 2)"
expect_err $past_end region "$(hex $((end - BLOCK))) $(blocks 2)"
# Overflow, and a range beyond what the kernel can hot-plug (2^56).
expect_err ERANGE region "0xfffffffff8000000 $(blocks 1)"
expect_err ERANGE region "0x100000000000000 $(blocks 1)"
expect_err EINVAL region "$(at 0)"
expect_err ENOENT region release
# The main boot also reserves a block where the firmware has no RAM
# (tests/check.sh: memmap= above the guest's RAM). It is Reserved in
# /proc/iomem like the region, but adding it as RAM would add memory that
# is not there: only force claims it.
no_ram=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^memmap=[0-9a-zA-Z]*\$\(0x[0-9a-fA-F]*\)$/\1/p' | sed -n 2p)
if [ -n "$no_ram" ]; then
	expect_err EINVAL region "$no_ram $(blocks 1)"
	reason_names_memmap() {
		last_event | grep -q "not all RAM in the firmware's memory map (/sys/firmware/memmap)" &&
			last_event | grep -qF "memmap=$(blocks 1)\$$no_ram"
	}
	check "the reason says the range is not RAM to the firmware, and names memmap=" reason_names_memmap
	expect_ok region "$no_ram $(blocks 1) force"
	expect_ok region release
else
	for desc in "a reserved block without RAM is refused" "the reason names memmap=" \
		"force claims it" "and releases it"; do
		tap 0 "$desc # SKIP the boot reserves no range without RAM"
	done
fi
expect_err EINVAL region "$(at 0) $(blocks 1) forced"
expect_ok region "$(at 1) $(blocks 2)"
check "the claim is nested in the reserved range in /proc/iomem" \
	sh -c "grep -B1 '^  $(printf '%08x-%08x' $(at 1) $(($(at 3) - 1))) : hotplug_lab region\$' /proc/iomem | grep -q '^$(printf '%08x-%08x' $REGION_START $((RESERVED_END - 1))) : Reserved\$'"
check "region reads back start-end size" \
	grep -qx "$(at 1)-$(hex $(($(at 3) - 1))) $(blocks 2)" "$HPLAB/region"
expect_err EBUSY region "$(at 0) $(hex $REGION_SIZE)"
g=$(new_group "static $(blocks 4)")
expect_err ERANGE add "$g $(at 0) $(blocks 1)"
expect_err ERANGE add "$g $(at 2) $(blocks 2)"
expect_ok add "$g $(at 1) $(blocks 2)"
check "the added memory is nested in the claim in /proc/iomem" \
	sh -c "grep -A1 'hotplug_lab region' /proc/iomem | grep -q '^    $(printf '%08x-%08x' $(at 1) $(($(at 3) - 1))) : System RAM (hotplug_lab)\$'"
expect_err ERANGE remove "$g $(at 3) $(blocks 1)"
expect_err EBUSY region release
expect_ok remove "$g all"
expect_ok region release
check "release removes the claim from /proc/iomem" sh -c '! grep -q "hotplug_lab" /proc/iomem'
check "region reads none after release" grep -qx none "$HPLAB/region"
expect_err ERANGE add "$g $(at 1) $(blocks 1)"
expect_err ERANGE remove "$g $(at 1) $(blocks 1)"

# Another driver holding part of the range busy: ramoops, told to keep its
# records in the last 64K of the reserved range, requests them busy.
records=$((end - 0x10000))
if ! load_kernel_module ramoops mem_address=$(hex $records) mem_size=0x10000; then
	bail "insmod ramoops mem_address=$(hex $records)"
fi
check "ramoops holds its records busy inside the reserved range" \
	sh -c "grep -q '^  $(printf '%08x' $records)-.* : ramoops' /proc/iomem"
expect_err EBUSY region "$(at 0) $(hex $REGION_SIZE)"
expect_ok region "$(at 0) $(hex $((REGION_SIZE - BLOCK)))"
expect_ok region release

# A claim made before ramoops came: an add over its records fails in the
# kernel, and the adds of the same request made before it are removed.
rmmod ramoops
expect_ok region "$(at 0) $(hex $REGION_SIZE)"
check "ramoops could be unloaded and loaded again inside the claim" \
	load_kernel_module ramoops mem_address=$(hex $records) mem_size=0x10000
s=$(new_group "static $(hex $REGION_SIZE)")
expect_ok granularity "$s $(blocks 1)"
expect_err EEXIST add "$s $(at $((REGION_BLOCKS - 3))) $(blocks 3)"
check "the failed add left no memory block of its earlier pieces" \
	sh -c "! test -e $(block_dir $(at $((REGION_BLOCKS - 3)))) && ! test -e $(block_dir $(at $((REGION_BLOCKS - 2))))"
check "the kernel's reason for the failed piece is in the event" \
	sh -c "tail -n 1 $HPLAB/events | grep -q 'EEXIST: the kernel has memory or a resource in the range'"
rmmod ramoops reed_solomon
check "cleanup" cleanup
