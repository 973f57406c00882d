# A memory notifier refuses one block of an operation over several adds
# (memory-notifier-error-inject): the first, a middle or the last block
# going offline in a remove, or going online in an add that the kernel's
# online policy onlines. The module's hold_block parameter stops the
# operation at that block, the error is armed, and the operation runs
# into it. Each fails with EBUSY and leaves everything as it was.
. /tests/lib.sh
plan 36

INJECT=/sys/kernel/debug/notifier-error-inject/memory/actions
PARAMS=/sys/module/hotplug_lab/parameters
setup
load_kernel_module memory-notifier-error-inject || bail "insmod memory-notifier-error-inject"
d=$(new_group "dynamic $(blocks 1)")
range="$d $(at 0) $(blocks 3)"

held() {
	[ "$(cat $PARAMS/held)" = Y ]
}

# refuse_at ACTION N FILE TEXT: write TEXT to FILE, the Nth block going
# online or offline held until ACTION's notifier error is armed; checks
# that it failed with EBUSY, the error injected once, one event logged,
# and nothing changed
refuse_at() {
	desc="$1 refused at block $2 of 3: '$4' > $3 fails with EBUSY"
	snapshot > /tmp/before
	seq=$(last_seq)
	injected=$(dmesg | grep -c "Injecting error (-16) to $1")
	echo "$2" > $PARAMS/hold_block
	onewrite -l -- "$HPLAB/$3" "$4" > /tmp/refused &
	writer=$!
	wait_until 30 held || diag "block $2 was never held"
	echo -16 > "$INJECT/$1/error"
	echo 0 > $PARAMS/hold_block
	wait $writer
	echo 0 > "$INJECT/$1/error"
	errno=$(cat /tmp/refused)
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
for n in 1 2 3; do
	refuse_at MEM_GOING_OFFLINE $n remove "$range"
done
all_movable() {
	for n in 0 1 2; do
		[ "$(block_zone $(at $n))" = Movable ] || return 1
	done
}
check "the three blocks are online movable" all_movable

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
# until the remove is asleep: in the guard's wait, or (without it) in
# the retries of a block state write that finds device_hotplug_lock taken
wait_until 30 grep -q '^State:.*S (sleeping)' /proc/$remover/status
sleep 1
echo 0 > $PARAMS/hold_block
wait $onliner
wait $remover
check "the remove that started meanwhile succeeds, logged as one event (write(2): $(cat /tmp/removed))" \
	event_is remove "$range" "$seq" ok
check "kernel matches module after the remove" kernel_matches_module

# The kernel onlines what it adds as its policy says, and leaves a block
# that fails to online offline; the module undoes the whole add.
echo online_movable > $MEMORY/auto_online_blocks
for n in 1 2 3; do
	refuse_at MEM_GOING_ONLINE $n add "$range"
done
expect_ok add "$range"
check "without a refusal the add onlines all three blocks movable" all_movable
expect_ok remove "$d all"
set_auto_online_offline
check "kernel matches module at the end" kernel_matches_module
rmmod memory-notifier-error-inject notifier-error-inject
check "cleanup" cleanup
