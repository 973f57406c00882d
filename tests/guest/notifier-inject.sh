# A memory notifier refuses one block of an operation over several adds
# (memory-notifier-error-inject): the first, a middle or the last block
# going offline in a remove, or going online in an add that the kernel's
# online policy onlines or the add's online= asks. The module's
# hold_block parameter stops the operation at that block, the error is
# armed, and the operation runs into it. Each fails with EBUSY and leaves everything as it was. Then a
# remove that cannot put blocks back (EIO, naming them), and a remove
# that starts while another task's online is in flight.
. /tests/lib.sh
plan 62

INJECT=/sys/kernel/debug/notifier-error-inject/memory/actions
PARAMS=/sys/module/hotplug_lab/parameters
setup
load_kernel_module memory-notifier-error-inject || bail "insmod memory-notifier-error-inject"
d=$(new_group "dynamic $(blocks 1)")
range="$d $(at 0) $(blocks 3)"

held() {
	[ "$(cat $PARAMS/held)" = Y ]
}

# The states of the three blocks in sysfs, "-" for one that is not there.
states() {
	echo $(for n in 0 1 2; do
		if [ -d "$(block_dir $(at $n))" ]; then block_state $(at $n); else echo -; fi
	done)
}

# refuse_at ACTION N FILE TEXT STATES: write TEXT to FILE, the Nth block
# going online or offline held until ACTION's notifier error is armed;
# checks that the three blocks were in STATES then (so the hold was at
# that block), that the write failed with EBUSY, the error injected once,
# one event logged, and nothing changed
refuse_at() {
	desc="$1 refused at block $2 of 3: '$4' > $3 fails with EBUSY"
	snapshot > /tmp/before
	seq=$(last_seq)
	injected=$(dmesg | grep -c "Injecting error (-16) to $1")
	echo "$2" > $PARAMS/hold_block
	onewrite -l -- "$HPLAB/$3" "$4" > /tmp/refused &
	writer=$!
	wait_until 30 held || diag "block $2 was never held"
	held_states=$(states)
	echo -16 > "$INJECT/$1/error"
	echo 0 > $PARAMS/hold_block
	wait $writer
	echo 0 > "$INJECT/$1/error"
	errno=$(cat /tmp/refused)
	check "held at block $2: the blocks were '$5' ($held_states)" test "$held_states" = "$5"
	check "$desc (write(2): ${errno:-succeeded})" test "$errno" = EBUSY
	check "the error was injected once, at the held block" \
		test "$(dmesg | grep -c "Injecting error (-16) to $1")" = $((injected + 1))
	check "one event says why" event_is "$3" "$4" "$seq" EBUSY
	snapshot > /tmp/after
	if cmp -s /tmp/before /tmp/after; then
		tap 0 "everything is as it was after the refusal at block $2"
	else
		tap 1 "everything is as it was after the refusal at block $2"
		diff /tmp/before /tmp/after | sed 's/^/# /'
	fi
}

expect_ok add "$range"
check "online the three blocks movable" online_range $(at 0) $(blocks 3) online_movable
refuse_at MEM_GOING_OFFLINE 1 remove "$range" "going-offline online online"
refuse_at MEM_GOING_OFFLINE 2 remove "$range" "offline going-offline online"
refuse_at MEM_GOING_OFFLINE 3 remove "$range" "offline offline going-offline"
all_movable() {
	for n in 0 1 2; do
		[ "$(block_zone $(at $n))" = Movable ] || return 1
	done
}
check "the three blocks are online movable" all_movable

# The last block refuses to go offline and the first two, offlined
# already, refuse to go online again: the remove cannot put them back.
# It fails with EIO, the event names the first of them, dmesg both.
seq=$(last_seq)
reports=$(dmesg | grep -c 'hotplug_lab: could not re-online memory')
expect_restore_failures begin
echo 3 > $PARAMS/hold_block
onewrite -l -- "$HPLAB/remove" "$range" > /tmp/refused &
writer=$!
wait_until 30 held || diag "block 3 was never held"
echo -16 > "$INJECT/MEM_GOING_OFFLINE/error"
echo -16 > "$INJECT/MEM_GOING_ONLINE/error"
echo 0 > $PARAMS/hold_block
wait $writer
echo 0 > "$INJECT/MEM_GOING_ONLINE/error"
echo 0 > "$INJECT/MEM_GOING_OFFLINE/error"
expect_restore_failures end
check "a remove that cannot put two blocks back fails with EIO (write(2): $(cat /tmp/refused))" \
	test "$(cat /tmp/refused)" = EIO
# one_event_names ID: the remove logged one event, EIO, naming memoryID
one_event_names() {
	[ "$(new_events "$seq" | wc -l)" = 1 ] &&
		new_events "$seq" | grep -q "EIO: .*memory$1 could not be onlined again"
}
check "its one event names memory$((REGION_START / BLOCK)), the first block left offline" \
	one_event_names $((REGION_START / BLOCK))
check "dmesg names both blocks" \
	test "$(dmesg | grep -c 'hotplug_lab: could not re-online memory')" = $((reports + 2))
check "the first two blocks are added and offline, the third online" \
	test "$(block_state $(at 0)) $(block_state $(at 1)) $(block_zone $(at 2))" = "offline offline Movable"
check "kernel matches module after the failed restore" kernel_matches_module
check "online the first two blocks movable again" online_range $(at 0) $(blocks 2) online_movable

# An online past the notifiers when a remove starts is in flight: the
# remove waits for it to end (it reads the block's state next), then
# offlines that block too.
check "offline the first block" online_range $(at 0) $(blocks 1) offline
echo 1 > $PARAMS/hold_block
echo online_movable > "$(block_dir $(at 0))/state" &
onliner=$!
check "an online of the first block is held past the notifiers" wait_until 30 held
seq=$(last_seq)
onewrite -l -- "$HPLAB/remove" "$range" > /tmp/removed &
remover=$!
# until the remove waits: in the guard (S), or where the held online
# keeps it: device_hotplug_lock on 7.3, and without the guard's wait the
# retries of a block state write that finds it taken (D)
remove_waits() {
	grep -qE '^State:.*(S \(sleeping\)|D \(disk sleep\))' /proc/$remover/status
}
wait_until 30 remove_waits || diag "the remove never waited"
echo 0 > $PARAMS/hold_block
wait $onliner
onlined=$?
wait $remover
check "the held online succeeds (exit status $onlined)" test "$onlined" = 0
check "the remove that started meanwhile succeeds, logged as one event (write(2): $(cat /tmp/removed))" \
	event_is remove "$range" "$seq" ok
check "kernel matches module after the remove" kernel_matches_module

# The kernel onlines what it adds as its policy says, and leaves a block
# that fails to online offline; the module undoes the whole add.
echo online_movable > $MEMORY/auto_online_blocks
refuse_at MEM_GOING_ONLINE 1 add "$range" "offline - -"
refuse_at MEM_GOING_ONLINE 2 add "$range" "online offline -"
refuse_at MEM_GOING_ONLINE 3 add "$range" "online online offline"
expect_ok add "$range"
check "without a refusal the add onlines all three blocks movable" all_movable
expect_ok remove "$d all"
set_auto_online_offline

# The module onlines what the policy left offline (online=) after adding
# all three: a block that refuses undoes the whole add, as above.
refuse_at MEM_GOING_ONLINE 2 add "$range online=movable" "online offline offline"
refuse_at MEM_GOING_ONLINE 3 add "$range online=movable" "online online offline"
expect_ok add "$range online=movable"
check "without a refusal add online=movable onlines all three blocks movable" all_movable
expect_ok remove "$d all"
check "kernel matches module at the end" kernel_matches_module
rmmod memory-notifier-error-inject notifier-error-inject
check "cleanup" cleanup
