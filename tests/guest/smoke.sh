# Quick look around: load, claim, add, remove, unload.
. /tests/lib.sh
set_auto_online_offline
check "insmod succeeds" load_module
cat $HPLAB/info | sed 's/^/# /'
grep -B2 -A2 40000000 /proc/iomem | sed 's/^/# /'
expect_ok region "0x40000000 1G"
expect_ok groups "static 512M"
g=$(last_group)
expect_ok add "$g 0x40000000 512M memmap=on"
cat $HPLAB/ranges | sed 's/^/# /'
grep -A6 "hotplug_lab region" /proc/iomem | sed 's/^/# /'
check "kernel matches module" kernel_matches_module
expect_err EINVAL remove "$g 0x40000000 128M"
expect_ok remove "$g all"
check "kernel matches module after remove" kernel_matches_module
check "rmmod" rmmod hotplug_lab
cat /proc/iomem > /dev/null
