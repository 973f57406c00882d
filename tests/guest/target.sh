# A dynamic group that follows a requested size, as a virtio-mem device
# follows its hypervisor's: the module plugs the lowest free units and
# unplugs from the highest down, skips a unit it cannot unplug, retries
# with a doubling delay, takes a new request at once, and stops at unload.
. /tests/lib.sh
plan 83

PARAMS=/sys/module/hotplug_lab/parameters
INJECT=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error

# target_row ID: the group's row of the target file (requested plugged
# memmap state retry_ms), empty when it follows no request
target_row() {
	awk -v id="$1" 'NR > 1 && $1 == id { print $2, $3, $4, $5, $6 }' "$HPLAB/target"
}

target_state() {
	target_row "$1" | cut -d' ' -f4
}

# reached ID SIZE: the group follows SIZE and has reached it
reached() {
	[ "$(target_row "$1")" = "$2 $2 off reached 0" ]
}

retrying() {
	[ "$(target_state "$1")" = retrying ]
}

# request TEXT: a write of TEXT to target succeeds, as its own event, read
# back from the file it was written to, says (the work item's events
# follow it at once in the events file)
request() {
	exec 3<> "$HPLAB/target"
	printf '%s\n' "$1" >&3 2> /dev/null
	verdict=$(cat <&3)
	exec 3<&-
	case $verdict in *" target [$1] ok") return 0 ;; esac
	diag "read back '$verdict'"
	return 1
}

# expect_steps SEQ ID STEPS: the first steps after SEQ are STEPS (a slow
# kernel may have begun the next pass by the time they are read)
expect_steps() {
	got=$(target_steps "$1" "$2" | head -n $(echo "$3" | tr -cd ';' | wc -c) | tr '\n' ';')
	[ "$got" = "$3" ] && return 0
	diag "want steps '$3'; got '$got'"
	return 1
}

setup
echo 200 > $PARAMS/target_retry_min_ms
echo 800 > $PARAMS/target_retry_max_ms
# 0 would make the work item spin on a request it cannot meet, and a
# delay near UINT_MAX would wrap when doubled.
check "target_retry_min_ms refuses 0 and 99 ms, target_retry_max_ms an hour and a millisecond" \
	sh -c "! echo 0 > $PARAMS/target_retry_min_ms && ! echo 99 > $PARAMS/target_retry_min_ms &&
		! echo 3600001 > $PARAMS/target_retry_max_ms" 2> /dev/null
check "... and keeps the delays it had" \
	test "$(cat $PARAMS/target_retry_min_ms) $(cat $PARAMS/target_retry_max_ms)" = "200 800"
g=$(new_group "dynamic $(blocks 1)")
s=$(new_group "static $(blocks 1)")
other=$(new_group "dynamic $(blocks 1)")

# Requests that cannot be followed change nothing.
expect_err EINVAL target "$s $(blocks 1)"
expect_err ENOENT target "99 $(blocks 1)"
expect_err EINVAL target "$g $(hex $((BLOCK / 2)))"
expect_err ENOSPC target "$g $(blocks $((REGION_BLOCKS + 1)))"
expect_err ENOENT target "$g none"
expect_err EINVAL target "$g $(blocks 1) memmap=maybe"
write region release
expect_err ERANGE target "$g $(blocks 1)"
write region "$(hex $REGION_START) $(hex $REGION_SIZE)" || bail "claim the region again"
# A unit that a remove with check=kernel took part of would make the
# work item plug and unplug for ever: the request is refused.
h=$(new_group "dynamic $(blocks 2)")
expect_ok add "$h $(at 0) $(blocks 2)"
write granularity check=kernel
expect_ok remove "$h $(at 1) $(blocks 1)"
expect_err EBUSY target "$h $(blocks 2)"
check "... naming the partly added unit" \
	grep -qF "$(at 0) is only partly added" "$HPLAB/events"
expect_ok remove "$h $(at 0) $(blocks 1)"
write granularity check=module
expect_ok groups "delete $h"

# Up: the lowest free units, around another group's memory.
expect_ok add "$other $(at 1) $(blocks 1)"
seq=$(last_seq)
check "'$g $(blocks 3)' > target is taken" request "$g $(blocks 3)"
check "the request of 3 units is reached" wait_until 60 reached "$g" "$(blocks 3)"
check "it plugged the lowest free units, around the other group's, then said so" \
	expect_steps "$seq" "$g" "plug $(at 0) ok;plug $(at 2) ok;plug $(at 3) ok;reached $(blocks 3) ok;"
check "ranges lists the units the events name" test "$(group_units "$g")" = "$(at 0) $(at 2) $(at 3)"
check "kernel matches module after plugging" kernel_matches_module
check "the plugged units are offline, as auto_online_blocks=offline has it" \
	sh -c "test $(block_state $(at 0)) = offline && test $(block_state $(at 3)) = offline"

# The module alone changes a group that follows a request.
expect_err EBUSY add "$g $(at 4) $(blocks 1)"
expect_err EBUSY remove "$g all"
expect_err EBUSY groups "delete $g"
expect_err EBUSY region release

# Down: from the highest unit.
seq=$(last_seq)
check "'$g $(blocks 1)' > target is taken" request "$g $(blocks 1)"
check "the request of 1 unit is reached" wait_until 60 reached "$g" "$(blocks 1)"
check "it unplugged from the highest unit down" \
	expect_steps "$seq" "$g" "unplug $(at 3) ok;unplug $(at 2) ok;reached $(blocks 1) ok;"
check "the units are gone from sysfs and /proc/iomem" \
	sh -c "! test -d $(block_dir $(at 2)) && ! test -d $(block_dir $(at 3)) && test \$(grep -c 'System RAM (hotplug_lab)' /proc/iomem) = 2"
check "kernel matches module after unplugging" kernel_matches_module

# Nobody onlines or offlines a unit while the work item migrates its
# pages: alloc_contig_range() over a block that went offline meanwhile
# would walk a poisoned memmap. hold_fence stops the work item there.
check "the unit left is onlined movable" sh -c "echo online_movable > $(block_dir $(at 0))/state"
echo Y > $PARAMS/hold_fence
seq=$(last_seq)
# Not request(): its read-back would wait for the held work item's lock.
check "'$g 0' > target is taken" onewrite -l -- "$HPLAB/target" "$g 0"
check "the work item stops with the unit it is about to migrate fenced" wait_until 30 grep -qx Y $PARAMS/held
check "an offline of the fenced unit through sysfs is refused" \
	sh -c "! echo offline > $(block_dir $(at 0))/state" 2> /dev/null
check "... and the block is still online" test "$(block_state $(at 0))" = online
echo N > $PARAMS/hold_fence
check "then the unit is unplugged" wait_until 60 reached "$g" 0x0
check "... in one step" expect_steps "$seq" "$g" "unplug $(at 0) ok;reached 0x0 ok;"
check "'$g $(blocks 1)' > target is taken" request "$g $(blocks 1)"
check "the request of 1 unit is reached again" wait_until 60 reached "$g" "$(blocks 1)"

# The fence is not set over an online in flight: a unit whose block
# someone else is onlining is busy (hold_block holds that online).
echo 1 > $PARAMS/hold_block
echo online_movable > "$(block_dir $(at 0))/state" &
onliner=$!
check "someone else's online of the unit's block is held on its way" wait_until 30 grep -qx Y $PARAMS/held
check "'$g 0' > target is taken" onewrite -l -- "$HPLAB/target" "$g 0"
check "the unit being onlined is busy: the pass stalls" wait_until 60 retrying "$g"
check "... and the step says why" grep -qF \
	"[$g unplug $(at 0) $(blocks 1)] EBUSY: a block of the unit is being onlined or offlined by someone else" "$HPLAB/events"
echo 0 > $PARAMS/hold_block
wait $onliner
check "once that online is done, a retry unplugs the unit" wait_until 60 reached "$g" 0x0
check "'$g $(blocks 1)' > target is taken" request "$g $(blocks 1)"
check "the request of 1 unit is reached once more" wait_until 60 reached "$g" "$(blocks 1)"

# A new request replaces the old one between two steps: the second plug
# is held in the memory notifier while the new request waits for its turn.
echo online_movable > $MEMORY/auto_online_blocks
echo 1 > $PARAMS/hold_block
seq=$(last_seq)
onewrite -l -- "$HPLAB/target" "$g $(blocks 4)"
check "the next plug is held on its way online" wait_until 30 grep -qx Y $PARAMS/held
onewrite -l -- "$HPLAB/target" "$g $(blocks 2)" > /tmp/superseded &
writer=$!
sleep 1
check "a new request waits for the step under way" kill -0 $writer
echo 0 > $PARAMS/hold_block
wait $writer
check "then it is taken" test ! -s /tmp/superseded
check "the new request of 2 units is reached" wait_until 60 reached "$g" "$(blocks 2)"
check "no step of the old request followed the new one" \
	expect_steps "$seq" "$g" "plug $(at 2) ok;reached $(blocks 2) ok;"
check "the plugged unit is online movable, as the kernel's policy asks" \
	test "$(block_zone $(at 2))" = Movable

# A unit that cannot be unplugged is skipped. The pinned page lands in
# the highest unit: it is the only movable memory when it is taken.
check "'$g $(blocks 3)' > target is taken" request "$g $(blocks 3)"
check "the request of 3 units is reached" wait_until 60 reached "$g" "$(blocks 3)"
echo offline > "$(block_dir $(at 2))/state"
: > /tmp/pinned
pinpages $(at 3) $(blocks 1) > /tmp/pinned &
pinner=$!
wait_until 30 grep -q . /tmp/pinned
check "a page of the highest unit is pinned ($(cat /tmp/pinned))" grep -q '^pinned ' /tmp/pinned
check "the units below it online movable" sh -c \
	"echo online_movable > $(block_dir $(at 0))/state && echo online_movable > $(block_dir $(at 2))/state"
seq=$(last_seq)
check "'$g 0' > target is taken" request "$g 0"
check "the request stalls with the pinned unit plugged" wait_until 60 retrying "$g"
check "the busy unit was skipped and the ones below it unplugged" \
	expect_steps "$seq" "$g" "unplug $(at 3) EBUSY;unplug $(at 2) ok;unplug $(at 0) ok;retry 200 EBUSY;"
check "the busy unit is online movable, as it was" test "$(block_zone $(at 3))" = Movable
shortfall_named() {
	new_events "$seq" | grep -qF "[$g retry 200] EBUSY: $(blocks 1) of 0x0 plugged: "
}
check "the shortfall is named in the retry event" shortfall_named
# the retries of this stall: the events after SEQ
retry_delays() {
	new_events "$seq" | grep -o "\[$g retry [0-9]*\]" | tr -d ']' | cut -d' ' -f3
}
retries_at_least() {
	[ "$(retry_delays | wc -l)" -ge "$1" ]
}
# retrying between passes, working while one runs: a pass on a debug
# kernel can take longer than the 200 ms between them
shows_stall() {
	awk -v g="$g" 'NR > 1 && $1 == g { print $2, $3, $5 }' "$HPLAB/target" |
		grep -qx "0x0 $(blocks 1) retrying"
}
check "the target file shows the stall" wait_until 30 shows_stall
wait_until 30 retries_at_least 4
check "the delay doubles up to target_retry_max_ms: $(echo $(retry_delays | head -n 4))" \
	test "$(echo $(retry_delays | head -n 4))" = "200 400 800 800"
check "kernel matches module while the request stalls" kernel_matches_module
kill $pinner
wait $pinner
check "once the page is let go, a retry unplugs the unit" wait_until 30 reached "$g" 0x0
check "kernel matches module after the stall" kernel_matches_module

# Writers racing each other: the last request wins, nothing is lost.
echo offline > $MEMORY/auto_online_blocks
pids=""
for writer in 1 2 3 4; do
	(
		n=0
		while [ $n -lt 10 ]; do
			onewrite -l -- "$HPLAB/target" "$g $(blocks $((RANDOM % 4)))" || exit 1
			n=$((n + 1))
		done
	) &
	pids="$pids $!"
done
racing=0
for pid in $pids; do
	wait "$pid" || racing=$((racing + 1))
done
check "40 racing requests are all taken" test $racing = 0
check "'$g $(blocks 2)' > target is taken" request "$g $(blocks 2)"
check "the last request is reached" wait_until 60 reached "$g" "$(blocks 2)"
check "its units are the lowest two" test "$(group_units "$g")" = "$(at 0) $(at 2)"
check "kernel matches module after the race" kernel_matches_module

# Unloading stops the work: refused while memory is plugged, done while a
# request waits with nothing plugged.
check "rmmod is refused while a request has memory plugged" sh -c "! rmmod hotplug_lab 2> /dev/null"
check "'$g 0' > target is taken" request "$g 0"
check "the group is empty again" wait_until 60 reached "$g" 0x0
check "'$g none' > target is taken" request "$g none"
check "the target file lists no request now" test "$(awk 'NR > 1' $HPLAB/target)" = ""
expect_ok remove "$other all"
if load_kernel_module memory-notifier-error-inject && [ -w $INJECT ]; then
	# One failed pass, then a long wait: rmmod meets no step under way.
	echo 600000 > $PARAMS/target_retry_min_ms
	echo 600000 > $PARAMS/target_retry_max_ms
	echo online_movable > $MEMORY/auto_online_blocks
	echo -16 > $INJECT
	check "'$g $(blocks 1)' > target is taken" request "$g $(blocks 1)"
	check "a plug the kernel will not online stalls with nothing plugged" wait_until 60 retrying "$g"
	check "the refused plug was undone" test "$(group_units "$g")" = ""
	check "rmmod with a request pending" rmmod hotplug_lab
	echo 0 > $INJECT
	check "nothing of the module is left in /proc/iomem" sh -c "! grep -q hotplug_lab /proc/iomem"
	rmmod memory_notifier_error_inject
	rmmod notifier_error_inject 2> /dev/null
	echo "$AUTO_ONLINE_BEFORE" > "$MEMORY/auto_online_blocks"
else
	for what in "a plug the kernel will not online stalls" "the refused plug was undone" \
		"rmmod with a request pending" "nothing of the module is left"; do
		skip "$what" "no memory-notifier-error-inject"
	done
	check "cleanup" cleanup
fi
