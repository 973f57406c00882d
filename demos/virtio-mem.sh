#!/bin/sh
# virtio-mem: a dynamic group follows a requested size as a virtio-mem device does: plug, unplug, a busy unit, retries.
# boot: memory_hotplug.memmap_on_memory=1 memory_hotplug.online_policy=auto-movable
# blocks: 3 (a dynamic group of 1-block units in the first 3 blocks of the
# region)
. "$(dirname "$0")/lib/demo.sh"
demo_setup
need_blocks 3
plan 8
PARAMS=/sys/module/hotplug_lab/parameters
MIN_MS_BEFORE=$(cat $PARAMS/target_retry_min_ms)
MAX_MS_BEFORE=$(cat $PARAMS/target_retry_max_ms)
unit=$(size_of 1)

# target_row: the group's row of the target file (requested plugged
# memmap state retry_ms)
target_row() {
	awk -v id="$d" 'NR > 1 && $1 == id { print $2, $3, $4, $5, $6 }' $D/target
}

finish() {
	[ -n "${pinner:-}" ] && kill "$pinner" 2> /dev/null && wait "$pinner"
	hplab target "$d" none > /dev/null 2>&1
	echo "$MIN_MS_BEFORE" > $PARAMS/target_retry_min_ms
	echo "$MAX_MS_BEFORE" > $PARAMS/target_retry_max_ms
	demo_finish
}

step "A virtio-mem device, played by a dynamic group"
say "A virtio-mem device is told by its hypervisor how much memory the guest should have (requested-size). Its driver plugs memory in units until the plugged size matches, and unplugs what it can when the request shrinks: it skips memory it cannot offline and keeps trying, with a growing delay. hotplug_lab's target file plays the hypervisor for a dynamic group: the module plugs and unplugs the group's units by itself."
d=$(hplab group create dynamic "$unit")
run "hplab group list"
say "virtio-mem leaves onlining to the kernel (auto_online_blocks) and the zone to the online policy, here auto-movable, which decides per unit of a dynamic group. So does the module."
run "echo online > $MEM/auto_online_blocks"
run "cat /sys/module/memory_hotplug/parameters/online_policy"
say "virtio-mem retries after 50 s, doubling up to 5 minutes (target_retry_min_ms and target_retry_max_ms have those defaults: $MIN_MS_BEFORE and $MAX_MS_BEFORE ms). The demo shortens them so that it does not wait minutes."
run "echo 1000 > $PARAMS/target_retry_min_ms"
run "echo 4000 > $PARAMS/target_retry_max_ms"

step "Where will the next unit go?"
run "hplab zones"
predicted=$(zones_field "$d" next)
say "hplab zones applies the kernel's rule: the group's next unit goes to $predicted."

step "The hypervisor asks for $(size_of 3)"
run "hplab target $d $(size_of 3)"
run "hplab blocks"
run "grep 'target \[$d ' $D/events | tail -n 4"
fact "the module plugged the lowest free units of the region, one per step" \
	test "$(group_units "$d")" = "$(hex $START) $(hex $((START + BLOCK))) $(hex $((START + 2 * BLOCK)))"
zones="$(block_zone $START) $(block_zone $((START + BLOCK))) $(block_zone $((START + 2 * BLOCK)))"
say "The kernel onlined them, in: $zones."
fact "the kernel put every unit where hplab zones said ($predicted)" \
	test "$zones" = "$predicted $predicted $predicted"

step "The request shrinks to $(size_of 1)"
seq=$(last_seq)
run "hplab target $d $unit"
run "grep 'target \[$d ' $D/events | tail -n 3"
fact "the module unplugged from the highest unit down" \
	test "$(target_steps "$seq" "$d" | tr '\n' ';')" = "unplug $(hex $((START + 2 * BLOCK))) ok;unplug $(hex $((START + BLOCK))) ok;reached $(hex $BLOCK) ok;"
say "Unplugging offlines a unit (its pages migrate elsewhere) and removes it. virtio-mem goes from the top down too, so that what stays plugged stays together at the bottom."

step "A unit that cannot be unplugged"
run "hplab target $d $(size_of 3)"
if ! command -v pinpages > /dev/null; then
	say "pinpages (tests/vm/pinpages.c, which the test rig builds) is not installed here: this part needs a page that cannot migrate."
	for what in "a page of the group's memory is pinned" \
		"the request stalls: hplab target exits 64 with the module's reason" \
		"the busy unit was skipped, and every other unit unplugged" \
		"the busy unit is as it was, online in $predicted" \
		"once the pin is gone, a retry unplugs the unit: the request is met"; do
		skip "$what" "no pinpages"
	done
	finish
fi
say "A process holds one page of the group's memory in a pipe (vmsplice): until the pipe is read the page cannot move, and so its unit cannot go offline. Pages pinned for I/O do the same to a virtio-mem device."
: > /tmp/pinned
pinpages "$(hex $START)" "$(hex $((3 * BLOCK)))" > /tmp/pinned &
pinner=$!
while kill -0 $pinner 2> /dev/null && ! grep -q . /tmp/pinned; do sleep 0.2; done
run "cat /tmp/pinned"
pinned=$(sed -n 's/^pinned //p' /tmp/pinned)
fact "a page of the group's memory is pinned" test -n "$pinned"
busy=$(hex $((pinned / BLOCK * BLOCK)))
say "The page at $pinned lies in the unit at $busy."
run_expect 64 "hplab target $d 0"
stall_status=$run_status
run "grep 'target \[$d ' $D/events | tail -n 4"
fact "the request stalls: hplab target exits 64 with the module's reason" test "$stall_status" = 64
fact "the busy unit was skipped, and every other unit unplugged" test "$(group_units "$d")" = "$busy"
fact "the busy unit is as it was, online in $predicted" test "$(block_zone "$busy")" = "$predicted"
say "Before it offlines a unit, the module migrates its pages away with alloc_contig_range(), as virtio-mem does, and gives up after a few tries: offline_pages() would wait for the page for as long as no signal comes, and none comes to a kernel worker. It names what is left plugged, and tries again later: $(target_row | cut -d' ' -f5) ms from now, twice as long after each pass that fails."

step "The pin goes away"
kill $pinner
wait $pinner 2> /dev/null
pinner=""
waited=0
while [ "$(target_row | cut -d' ' -f4)" != reached ] && [ $waited -lt 60 ]; do
	sleep 1
	waited=$((waited + 1))
done
run "grep 'target \[$d ' $D/events | tail -n 3"
fact "once the pin is gone, a retry unplugs the unit: the request is met" \
	test "$(target_row)" = "0x0 0x0 off reached 0"
say "Nobody asked again: the next retry, about $waited s after the pin went, found the page free to move. virtio-mem behaves the same way, which is why a guest can take minutes to give memory back."
finish
