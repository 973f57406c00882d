# What cannot be undone in a boot: a forced unload with memory added
# (Debian builds CONFIG_MODULE_FORCE_UNLOAD), and kernel lockdown, as
# Secure Boot gives. Nothing the kernel still uses may point into the
# unloaded module, and a locked-down kernel is reported, not misread.
. /tests/lib.sh
plan 18
last_in_boot "rmmod -f leaves its memory added until reboot, and lockdown stays on"

LOCKDOWN=/sys/kernel/security/lockdown

setup
s=$(new_group "static $(blocks 2)")
expect_ok add "$s $(at 0) $(blocks 2)"
d=$(new_group "dynamic $(blocks 1)")
expect_ok add "$d $(at 2) $(blocks 1)"
check "online the dynamic group's block movable" online_range $(at 2) $(blocks 1) online_movable
total=$(meminfo MemTotal)
cat /proc/iomem > /tmp/iomem.before
check "plain rmmod refuses while memory is added" sh -c '! rmmod hotplug_lab 2> /dev/null'
# A forced unload taints the kernel (TAINT_FORCED_RMMOD), and lockdep
# stops trusting itself: it is checked here, and the end of the boot
# skips its check (tests/vm/init).
if [ -r /proc/lockdep_stats ]; then
	check "lockdep is still on before the forced unload switches it off" \
		grep -qE '^ *debug_locks: +1$' /proc/lockdep_stats
	echo "rmmod -f (TAINT_FORCED_RMMOD) switched lockdep off in irreversible.sh; it was on before" > "$TAP_DIR/lockdep-off"
else
	tap 0 "lockdep is still on before the forced unload switches it off # SKIP no lockdep in this kernel"
fi
check "rmmod -f unloads hotplug_lab with memory added" rmmod -f hotplug_lab
check "hotplug_lab is gone from /proc/modules" sh -c '! grep -q "^hotplug_lab " /proc/modules'
# The names in /proc/iomem are read from where the module kept them.
check "/proc/iomem is unchanged: the region and the memory keep their names" \
	sh -c 'cat /proc/iomem | cmp -s /tmp/iomem.before -'
check "the three blocks are still present, the dynamic one online movable" \
	test "$(block_state $(at 0)) $(block_state $(at 1)) $(block_zone $(at 2))" = "offline offline Movable"
check "MemTotal is unchanged" test "$(meminfo MemTotal)" = "$total"
check "the module said what it left behind" \
	sh -c "dmesg | grep -q 'hotplug_lab: forced unload with $(blocks 3) bytes added'"

mount -t securityfs securityfs /sys/kernel/security 2> /dev/null
if [ ! -w "$LOCKDOWN" ]; then
	for desc in "load hotplug_lab again; info says locked_down: no" \
		"lock the kernel down (integrity)" \
		"info stays readable and says locked_down: yes" \
		"a writable file refuses to open under lockdown" \
		"hplab doctor fails on lockdown (exit 1)" \
		"hplab status warns that the kernel is locked down" \
		"rmmod hotplug_lab"; do
		tap 0 "$desc # SKIP no lockdown LSM in this kernel"
	done
	exit 0
fi
check "load hotplug_lab again; info says locked_down: no" \
	sh -c "insmod /modules/hotplug_lab.ko && grep -qx 'locked_down: no' $HPLAB/info"
check "lock the kernel down (integrity)" sh -c "echo integrity > $LOCKDOWN && grep -q '\[integrity\]' $LOCKDOWN"
check "info stays readable and says locked_down: yes" grep -qx "locked_down: yes" "$HPLAB/info"
check "a writable file refuses to open under lockdown" sh -c "! cat $HPLAB/groups 2> /dev/null"
hplab doctor > /tmp/doctor
status=$?
check "hplab doctor fails on lockdown (exit $status)" \
	sh -c "[ $status = 1 ] && grep -q '^lockdown  *fail  *integrity: debugfs refuses every write' /tmp/doctor"
check "hplab status warns that the kernel is locked down" \
	sh -c "hplab status | grep -q 'the kernel is locked down (integrity)'"
check "rmmod hotplug_lab" rmmod hotplug_lab
