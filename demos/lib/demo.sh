# Shared by the demos (POSIX sh, sourced). A demo narrates what it does,
# runs hplab and reads the kernel's own files, and states each fact it
# teaches as a TAP check: "ok N - ..." or "not ok N - ...". It declares
# how many facts it checks (plan N), which the test rig holds it to. Every
# number it prints is measured on the running kernel. The demo exits 1 if
# a fact failed.
#
# On a test box: run as root, with hotplug_lab installed (modprobe) or
# HPLAB_MODULE=/path/to/hotplug_lab.ko, booted with the demo's "# boot:"
# arguments and a reserved range at HPLAB_START (default: the start of the
# first memmap=<size>$<start> on the kernel command line, as the test rig
# boots, else 0x40000000; the demo claims what hplab region candidates
# offers from there). Sizes and addresses are in memory blocks of the
# running box (BLOCK: 128M, or 2G on x86 with 64G or more of RAM); a demo
# says in its "# blocks:" line how many blocks of the region it needs, and
# need_blocks skips it cleanly on a box whose region is smaller.
# --step pauses between steps when run on a terminal.

. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/measure.sh"

DEMO=$(basename "$0" .sh)
T=$DEMO
D=/sys/kernel/debug/hotplug_lab
MEM=/sys/devices/system/memory
cmdline_start=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^memmap=[0-9a-zA-Z]*\$\(0x[0-9a-fA-F]*\)$/\1/p' | head -n 1)
START=$((${HPLAB_START:-${cmdline_start:-0x40000000}}))
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

# size_str BYTES: a size as hplab takes it, in the largest unit that
# divides it exactly: 2G, 384M, 64K (never 1.5G, which hplab would refuse)
size_str() {
	if [ $(($1 % (1 << 30))) = 0 ]; then
		echo "$(($1 >> 30))G"
	elif [ $(($1 % (1 << 20))) = 0 ]; then
		echo "$(($1 >> 20))M"
	elif [ $(($1 % 1024)) = 0 ]; then
		echo "$(($1 >> 10))K"
	else
		echo "$1"
	fi
}

# size_of N: the size of N memory blocks, as size_str prints it
size_of() {
	size_str $(($1 * BLOCK))
}

# align_up ADDR ALIGN: ADDR rounded up to a multiple of ALIGN (a dynamic
# group's units are aligned to their size in physical memory)
align_up() {
	echo $((($1 + $2 - 1) / $2 * $2))
}

# module_info KEY: a value of the module's info file
module_info() {
	awk -v key="$1:" '$1 == key { print $2 }' $D/info
}

# need_blocks N [FROM]: the demo needs N blocks of the claimed region from
# FROM on (default START). If the region has fewer, the demo is one
# skipped check: it says why, puts the box back and exits. Call it before
# plan.
need_blocks() {
	need_from=${2:-$START}
	need_have=$(((START + REGION_SIZE - need_from) / BLOCK))
	[ "$need_from" -ge "$START" ] && [ "$need_have" -ge "$1" ] && return 0
	[ "$need_have" -ge 0 ] || need_have=0
	say "This demo needs $1 memory blocks of $(size_of 1) ($(size_of "$1")) from $(hex "$need_from"); the region $(hex $START)-$(hex $((START + REGION_SIZE - 1))) has $need_have there. Reserve more (memmap=<size>\$<start>) to run it."
	plan 1
	skip "$DEMO needs $1 blocks of the region" "the region has $need_have blocks of $(size_of 1) from $(hex "$need_from")"
	demo_finish
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
	# The region as claimed ("<start>-<end> <size>"), by us or before us.
	region=$(cat $D/region)
	START=$((${region%%-*}))
	REGION_SIZE=$((${region##* }))
	REGION_BLOCKS=$((REGION_SIZE / BLOCK))
	# The page and struct page sizes the kernel was built with: the memmap
	# of a block is MEMMAP_PAGES pages (512 for 128M, 8192 for 2G blocks).
	PAGE_SIZE=$(module_info page_size)
	MEMMAP_PAGES=$((BLOCK / PAGE_SIZE * $(module_info struct_page_size) / PAGE_SIZE))
	say "kernel $(uname -r); memory blocks of $(size_of 1); region $(hex $START) of $REGION_BLOCKS blocks; memmap_on_memory=$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory)"
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
