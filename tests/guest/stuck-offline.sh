# A remove that cannot finish: a page pinned by vmsplice(2) in a movable
# block makes offline_pages() retry until a signal. Writers and readers
# waiting for the module can be killed, a killed remove puts every block
# back and logs one event, a remove waiting for device_hotplug_lock logs
# one event too, and (before 7.3) nobody else can online what a remove
# has offlined.
. /tests/lib.sh
plan 29

running() {
	kill -0 "$1" 2> /dev/null
}

gone() {
	! running "$1"
}

state_is() {
	[ "$(block_state "$1")" = "$2" ]
}

all_movable() {
	for addr in "$@"; do
		[ "$(block_zone "$addr")" = Movable ] || return 1
	done
}

setup
a=$(new_group "dynamic $(blocks 1)")
b=$(new_group "dynamic $(blocks 1)")
expect_ok add "$a $(at 0) $(blocks 2)"
expect_ok add "$b $(at 2) $(blocks 2)"
# The pinned page must land in the second block: it is the only movable
# memory when the page is taken.
check "online the second block movable" online_range $(at 1) $(blocks 1) online_movable
pinpages $(at 1) $(blocks 1) > /tmp/pinned &
pinner=$!
wait_until 30 grep -q . /tmp/pinned
check "a page of the second block is pinned ($(cat /tmp/pinned))" grep -q '^pinned ' /tmp/pinned
check "online the other three blocks movable" sh -c \
	"echo online_movable > $(block_dir $(at 0))/state && echo online_movable > $(block_dir $(at 2))/state && echo online_movable > $(block_dir $(at 3))/state"

# Somebody else's offline of the pinned block holds device_hotplug_lock
# while it retries. A remove meanwhile waits for the lock: before 7.3 its
# sysfs writes are restarted, which must not restart the user's write.
echo offline > "$(block_dir $(at 1))/state" 2> /dev/null &
holder=$!
sleep 2
check "an offline of the pinned block waits (pid $holder)" running $holder
seq=$(last_seq)
onewrite -l -- "$HPLAB/remove" "$b all" > /tmp/remove-b &
remover=$!
sleep 2
kill -KILL $holder
wait $holder
check "the remove of the other group goes on once the lock is free" wait_until 60 gone $remover
check "the remove waiting for device_hotplug_lock succeeds, logged as one event" \
	event_is remove "$b all" "$seq" ok
check "kernel matches module after the remove" kernel_matches_module

# A remove stuck on the pinned block: the first block is offline by now.
total=$(meminfo MemTotal)
groups_before=$(cat "$HPLAB/groups")
seq=$(last_seq)
onewrite -l -- "$HPLAB/remove" "$a all" > /tmp/remove-a &
remover=$!
check "the remove offlines the first block and waits on the pinned one" \
	wait_until 60 state_is $(at 0) offline
sleep 1
check "the remove is still running" running $remover
cat "$HPLAB/ranges" > /dev/null 2>&1 &
reader=$!
sleep 1
check "a reader waits for the module" running $reader
kill -TERM $reader
check "a fatal signal ends the reader's wait" wait_until 5 gone $reader
onewrite -l -- "$HPLAB/groups" "dynamic $(blocks 1)" > /dev/null &
writer=$!
sleep 1
check "a writer waits for the module" running $writer
kill -KILL $writer
check "SIGKILL ends the writer's wait" wait_until 5 gone $writer
kill -KILL $remover
check "SIGKILL ends the stuck remove" wait_until 30 gone $remover
killed_remove_logged() {
	event_is remove "$a all" "$seq" EINTR &&
		last_event | grep -q ': the remove was interrupted by a signal; nothing was removed$'
}
check "the killed remove logged one event, EINTR, interrupted by a signal" killed_remove_logged
check "the killed writer created no group and logged nothing" \
	test "$(cat "$HPLAB/groups")" = "$groups_before"
check "both blocks are online movable again" all_movable $(at 0) $(at 1)
check "MemTotal is what it was before the killed remove" test "$(meminfo MemTotal)" = "$total"
check "kernel matches module after the killed remove" kernel_matches_module

kill -TERM $pinner
wait $pinner 2> /dev/null
expect_ok remove "$a all"

# Between offlining and removing the adds of a multi-add remove, before
# 7.3, the blocks are offline and device_hotplug_lock is free: the guard
# refuses to online them for anybody but the module. phase_hold keeps the
# remove there until the test lets it go on.
expect_ok add "$a $(at 0) $(blocks 2)"
check "online both blocks movable" online_range $(at 0) $(blocks 2) online_movable
if [ "$(info remove_path)" = offline_and_remove_memory_ranges ]; then
	for desc in "the remove offlines both blocks and waits between its phases" \
		"nobody else can online a block the remove has offlined"; do
		tap 0 "$desc # SKIP offline_and_remove_memory_ranges() holds device_hotplug_lock from offline to remove"
	done
	expect_ok remove "$a all"
else
	echo Y > /sys/module/hotplug_lab/parameters/phase_hold
	seq=$(last_seq)
	onewrite -l -- "$HPLAB/remove" "$a all" > /tmp/remove-a &
	remover=$!
	check "the remove offlines both blocks and waits between its phases" \
		wait_until 30 sh -c "[ \"\$(cat $(block_dir $(at 0))/state $(block_dir $(at 1))/state)\" = \"offline
offline\" ]"
	errno=$(onewrite -- "$(block_dir $(at 0))/state" online_movable)
	check "nobody else can online a block the remove has offlined (write(2): ${errno:-succeeded})" \
		test "$errno" = EBUSY
	echo N > /sys/module/hotplug_lab/parameters/phase_hold
	wait_until 30 gone $remover
	check "the delayed remove succeeds, logged as one event" event_is remove "$a all" "$seq" ok
fi
check "kernel matches module at the end" kernel_matches_module
check "cleanup" cleanup
