# Several writers at once: the one lock keeps the state consistent.
. /tests/lib.sh
plan 4

setup
d=$(new_group "dynamic $(blocks 1)")
writer() {
	i=0
	while [ $i -lt 6 ]; do
		write add "$d $1 $(blocks 1)"
		write remove "$d $1 $(blocks 1)"
		i=$((i + 1))
	done
	write add "$d $1 $(blocks 1)"
}
for n in 0 1 2 3; do
	writer "$(at $n)" &
done
# A reader and an overlapping writer at the same time.
(i=0; while [ $i -lt 20 ]; do cat "$HPLAB/ranges" "$HPLAB/info" > /dev/null; write add "$d $(at 0) $(blocks 2)"; i=$((i + 1)); done) &
wait
check "kernel matches module after concurrent writers" kernel_matches_module
check "each writer's last add stands: 4 blocks in /proc/iomem and sysfs" \
	sh -c "test \"\$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)\" = 4 && test -d $(block_dir $(at 3))"
check "the event log has one event per write: 4 x 13 + 20, after the group's" \
	test "$(grep -c ' \(add\|remove\) \[' "$HPLAB/events")" = 72
check "cleanup" cleanup
