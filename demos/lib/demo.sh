# Shared by the demos (POSIX sh, sourced). A demo narrates what it does,
# runs hplab and reads the kernel's own files, and states each fact it
# teaches as a TAP check: "ok N - ..." or "not ok N - ...". It declares
# how many facts it checks (plan N), which the test rig holds it to. Every
# number it prints is measured on the running kernel. The demo exits 1 if
# a fact failed.
#
# On a test box: run as root, with hotplug_lab installed (modprobe) or
# HPLAB_MODULE=/path/to/hotplug_lab.ko, booted with the demo's "# boot:"
# arguments and a reserved range at HPLAB_START (default 0x40000000; the
# demo claims what hplab region candidates offers from there).
# --step pauses between steps when run on a terminal.

. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/measure.sh"

DEMO=$(basename "$0" .sh)
T=$DEMO
D=/sys/kernel/debug/hotplug_lab
MEM=/sys/devices/system/memory
START=$((${HPLAB_START:-0x40000000}))
BLOCK=$((0x$(cat $MEM/block_size_bytes)))
STEP=0
[ "${1:-}" = --step ] && [ -t 0 ] && STEP=1
FAILED=0
LOADED=0
CLAIMED=0
OLD_AUTO_ONLINE=$(cat $MEM/auto_online_blocks)
export NO_COLOR=1

step() {
	if [ "$STEP" = 1 ]; then
		printf '\n[press Enter] '
		read -r _
	fi
	printf '\n== %s\n' "$*"
}

say() {
	printf '%s\n' "$*" | fold -s -w 76 | sed 's/^/   /'
}

# run COMMAND: show a command and what it prints, as typed on the box. A
# command that fails fails the demo: every step of it is meant to work.
run() {
	run_expect 0 "$@"
}

# run_refused COMMAND: the same for an hplab request the module must
# refuse: hplab exits 1 (rejected), and anything else fails the demo.
run_refused() {
	run_expect 1 "$@"
}

run_expect() {
	run_want=$1
	shift
	printf '$ %s\n' "$*"
	run_out=$(sh -c "$*" 2>&1)
	run_status=$?
	[ -z "$run_out" ] || printf '%s\n' "$run_out" | sed 's/^/  /'
	if [ "$run_status" != "$run_want" ]; then
		diag "the command exited $run_status; the demo expected $run_want"
		FAILED=1
	fi
}

# fact DESCRIPTION COMMAND...: state a fact the demo teaches, and check it
fact() {
	fact_desc=$1
	shift
	if "$@"; then
		tap 0 "$fact_desc"
	else
		tap 1 "$fact_desc"
		FAILED=1
	fi
}

block_dir() {
	echo "$MEM/memory$(($1 / BLOCK))"
}

kernel_multi_block() {
	grep -q '^memmap_on_memory_multi_block: yes' $D/info
}

# The last event's reason, for narration.
last_reason() {
	tail -n 1 $D/events | sed 's/^[^]]*] //'
}

# free_memory_fact DESCRIPTION COMMAND...: a fact about free memory, which
# a KASAN kernel cannot show (its quarantine moves free memory by MBs)
free_memory_fact() {
	if free_memory_measures_adds; then
		fact "$@"
	else
		skip "$1" "KASAN's quarantine moves free memory by MBs"
	fi
}

# Load the module, keep hot-added memory offline, claim the region.
demo_setup() {
	if [ ! -d $D ]; then
		if [ -n "${HPLAB_MODULE:-}" ]; then
			insmod "$HPLAB_MODULE" || exit 1
		else
			modprobe hotplug_lab || exit 1
		fi
		LOADED=1
	fi
	echo offline > $MEM/auto_online_blocks
	if grep -qx none $D/region; then
		# as much as the module's rule allows from START on
		size=$(hplab -b region candidates | awk -v start="$(hex $START)" '$1 == start { print $3 }')
		[ -n "$size" ] || { echo "no claimable range at $(hex $START): hplab region candidates" >&2; exit 1; }
		hplab region claim "$(hex $START)" "$size" || exit 1
		CLAIMED=1
	fi
	say "kernel $(uname -r); memory blocks of $((BLOCK >> 20))M; memmap_on_memory=$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory)"
}

# Remove what the demo added, put back what it changed (the test rig
# checks that the box is as it was), exit.
demo_finish() {
	for g in $(awk 'NR > 1 { print $1 }' $D/groups); do
		hplab remove "$g" --all 2> /dev/null
		hplab group delete "$g" 2> /dev/null
	done
	[ "$CLAIMED" = 1 ] && hplab region release 2> /dev/null
	[ "$LOADED" = 1 ] && rmmod hotplug_lab
	echo "$OLD_AUTO_ONLINE" > $MEM/auto_online_blocks
	exit $FAILED
}
