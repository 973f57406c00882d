# hplab on a box booted without memmap_on_memory.
. /tests/lib.sh
plan 9

setup
export NO_COLOR=1
hplab doctor > /tmp/doctor
check "hplab doctor fails without memmap_on_memory" test $? = 1
check "... and prints the kernel command line to add" \
	grep -q '^Add to the kernel command line: memory_hotplug.memmap_on_memory=1$' /tmp/doctor
check "hplab status warns about memmap_on_memory" \
	sh -c 'hplab status | grep -q "warnings .*memmap_on_memory is off"'
g=$(hplab group create static $(blocks 1))
hplab add "$g" $(at 0) $(blocks 1) --memmap-on-memory 2> /tmp/err
rc=$?
check "hplab add --memmap-on-memory is rejected (exit 1), and nothing is added" \
	sh -c "test $rc = 1 && ! grep -q 'System RAM (hotplug_lab)' /proc/iomem && ! test -d $(block_dir $(at 0))"
check "... with the parameter to set as the hint" \
	grep -q 'hint: add memory_hotplug.memmap_on_memory=1 to the kernel command line' /tmp/err
check "cleanup" cleanup
check "hplab status warns when the module is not loaded" \
	sh -c 'hplab status | grep -q "warnings .*hotplug_lab is not loaded"'
hplab blocks 2> /tmp/err
rc=$?
check "hplab blocks without the module exits 1" test "$rc" = 1
check "... and says why" grep -q 'hotplug_lab is not loaded' /tmp/err
