# The module as DKMS installed it: depmod, modprobe with region=, claim,
# add, remove, modprobe -r; the same steps as README's test-box section.
. /tests/lib.sh
plan 10

set_auto_online_offline
check "the DKMS-installed module is in updates/dkms" \
	test -f "/lib/modules/$(uname -r)/updates/dkms/hotplug_lab.ko"
check "depmod indexes it" sh -c 'depmod && grep -q "updates/dkms/hotplug_lab.ko" /lib/modules/$(uname -r)/modules.dep'
param="$((REGION_SIZE >> 20))M@$(hex $REGION_START)"
check "modprobe hotplug_lab region=$param" modprobe hotplug_lab region=$param
read_module_facts || bail "the module's info file has no page_size"
check "the region is claimed" \
	iomem_has $REGION_START $((REGION_START + REGION_SIZE - 1)) "hotplug_lab region"
g=$(new_group "static $(blocks 2)")
expect_ok add "$g $(at 0) $(blocks 2) memmap=on"
check "kernel matches module" kernel_matches_module
expect_ok remove "$g all"
expect_ok groups "delete $g"
check "modprobe -r hotplug_lab" modprobe -r hotplug_lab
check "the module is gone and /proc/iomem is readable" \
	sh -c '! grep -q hotplug_lab /proc/iomem && ! test -d /sys/module/hotplug_lab'
cleanup
