# Several writers at once: the one lock keeps the state consistent.
. /tests/lib.sh
plan 5

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
# Writers at once, each reading its verdict back from the file it wrote
# through: every reason is the writer's own, never another's.
own_verdicts() {
	i=0
	while [ $i -lt 10 ]; do
		exec 3<> "$HPLAB/groups"
		printf 'delete 9%s%s' "$1" "$i" >&3 2> /dev/null
		verdict=$(cat <&3)
		exec 3<&-
		case $verdict in
		*" groups [delete 9$1$i] ENOENT: "*) ;;
		*) echo "writer $1, write $i read back '$verdict'" ;;
		esac
		i=$((i + 1))
	done
}
for n in 1 2 3 4; do
	own_verdicts $n > /tmp/verdicts.$n &
done
wait
verdicts_all_own() {
	cat /tmp/verdicts.* > /tmp/verdicts
	[ -s /tmp/verdicts ] || return 0
	diag "$(head -n 3 /tmp/verdicts)"
	return 1
}
check "4 writers at once, 10 writes each, each read back its own verdict" verdicts_all_own
check "cleanup" cleanup
