# Several writers at once: the one lock keeps the state consistent.
. /tests/lib.sh

setup
d=$(new_group "dynamic 128M")
writer() {
	i=0
	while [ $i -lt 6 ]; do
		write add "$d $1 128M"
		write remove "$d $1 128M"
		i=$((i + 1))
	done
	write add "$d $1 128M"
}
for a in 0x40000000 0x48000000 0x50000000 0x58000000; do
	writer $a &
done
# A reader and an overlapping writer at the same time.
(i=0; while [ $i -lt 20 ]; do cat "$HPLAB/ranges" "$HPLAB/info" > /dev/null; write add "$d 0x40000000 256M"; i=$((i + 1)); done) &
wait
check "kernel matches module after concurrent writers" kernel_matches_module
check "each writer's last add stands" \
	test "$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)" -ge 4
check "cleanup" cleanup
