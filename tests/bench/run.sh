#!/bin/sh
# make bench: hot-add, online, offline and remove speed and memmap cost of
# hotplug_lab, side by side with virtio-mem, dax/kmem and an ACPI DIMM, in
# one guest per kernel (tests/guest/bench.sh), reported in
# build/bench/<kernel>/results.{md,json} and plot.png
# (tests/bench/report.py).
#
# usage: tests/bench/run.sh [-b SECONDS] [-Q SECONDS] [-r RUNS] [-s GIB,GIB,...] [-S] [-t SECONDS] [RELEASE...]
#
# -S is make check's smoke run: 1G once, into build/bench-smoke/, the
# boot's TAP on standard output (nothing about time is checked).
# -t stops a guest that runs longer (default: three times what the
# default 5 runs of 53 GiB took per kernel, 288 s, in proportion to the
# runs and GiB asked for, and at least 300 s; check.sh sets the smoke
# run's); -Q stops one whose console is silent that long (tests/vm/run.sh
# -s, default 240).
# Default: 5 runs of 1, 4, 16 and 32 GiB on the oldest and the newest
# generic Debian kernel of tests/kernels.sh; a contender whose step would
# take more than 20 s (-b) at a size, at the speed it had at the smaller
# ones, is skipped there (tests/guest/bench.sh). Every size is added by every
# contender in every run, interleaved, so that a slow moment of the host
# falls on all of them. The guest's RAM, the DIMM and the virtio-mem
# device are not reserved on the host (reserve=off): a guest adds and
# removes 32G on this 24G host and touches little more than the memmap.
# The virtio-mem device plugs in 128M blocks, the memory block size, as
# every other contender works (HPLAB_BENCH_VMEM_BLOCK sets another; its
# unplug took 2 s per GiB with QEMU's default 2M, 128M and 256M alike, in
# trial runs of 1G and 4G on 7.3).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
runs=5
sizes=1,4,16,32
budget=20
name=bench
limit=""
silence=240
while getopts b:Q:r:s:St: opt; do
	case $opt in
	b) budget=$OPTARG ;;
	r) runs=$OPTARG ;;
	s) sizes=$OPTARG ;;
	S) runs=1 sizes=1 name=bench-smoke ;;
	t) limit=$OPTARG ;;
	Q) silence=$OPTARG ;;
	*) echo "usage: $0 [-b SECONDS] [-Q SECONDS] [-r RUNS] [-s GIB,GIB,...] [-S] [-t SECONDS] [RELEASE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
case $limit:$silence in
*[!0-9:]* | *:) echo "bench: the limit and the silence are numbers of seconds" >&2; exit 2 ;;
esac
case $budget:$runs:$sizes in
*[!0-9,:]* | :* | *: | *::* | *,,* | *:, | *, | *:,*) echo "bench: the budget, runs and sizes are numbers (seconds, runs, GiB), sizes separated by commas" >&2; exit 2 ;;
esac
if [ -z "$limit" ]; then
	total=0
	for gib in $(echo "$sizes" | tr ',' ' '); do
		total=$((total + runs * gib))
	done
	limit=$((3 * 288 * total / 265))
	[ "$limit" -ge 300 ] || limit=300
fi
if [ $# = 0 ]; then
	generic=$("$top/tests/kernels.sh" --debian | grep -v -- '-rt-')
	set -- $(echo "$generic" | head -n 1) $(echo "$generic" | tail -n 1)
fi

# The guest's physical layout, in GiB: 3G of RAM below 4G (QEMU's pc
# machine with more than 3.5G), then from 4G the hotplug_lab region
# (memmap=$) as large as the largest size, then one soft-reserved range
# per size (memmap=%, type 1 RAM to 0xefffffff Soft Reserved: dax_hmem
# makes each a dax device), each after a 1G gap of RAM that keeps e820
# from merging them. The DIMM and the virtio-mem device live in the
# device memory above RAM (maxmem).
largest=0
for gib in $(echo "$sizes" | tr ',' ' '); do
	[ "$gib" -gt "$largest" ] && largest=$gib
done
at=$((4 + largest))
soft_reserved=""
for gib in $(echo "$sizes" | tr ',' ' '); do
	at=$((at + 1))
	soft_reserved="$soft_reserved memmap=${gib}G%$(printf '%#x' $((at << 30)))-1+0xefffffff"
	at=$((at + gib))
done
# RAM ends 128M past a GiB: x86 sizes memory blocks by the largest power
# of two up to 2G that the end of boot memory is aligned to, once it
# reaches 64G (arch/x86/mm/init_64.c), and every contender here works in
# 128M blocks, as the rig's guests do.
ram=$(((3 + at - 4 + 1) * 1024 + 128))
maxmem=$((ram + 2 * largest * 1024))

status=0
all_start=$(date +%s)
for release in "$@"; do
	start=$(date +%s)
	out=$top/build/$name/$release
	mkdir -p "$out"
	echo "# bench: $release: sizes $sizes GiB, $runs runs, a ${ram}M guest"
	"$top/tests/vm/run.sh" -n $name -q -t "$limit" -s "$silence" \
		-m "${ram}M" -M "${maxmem}M" -r "${largest}G@0x100000000" \
		-a "hplab_bench_sizes=$sizes hplab_bench_runs=$runs hplab_bench_budget=$budget$soft_reserved" \
		-e "-object memory-backend-ram,id=vmem0-mem,size=${largest}G,reserve=off
		    -device virtio-mem-pci,id=vmem0,memdev=vmem0-mem,requested-size=0,block-size=${HPLAB_BENCH_VMEM_BLOCK:-128M}" \
		"$release" bench > "$out/tap" || status=1
	if [ "$name" = bench-smoke ]; then
		cat "$out/tap"
	else
		grep -E '^not ok|^# the bench' "$out/tap" || true
	fi
	python3 "$top/tests/bench/report.py" "$release" "$out" < "$top/build/vm/$release-$name/tap" 2> "$out/report.log" ||
		{ status=1; cat "$out/report.log"; }
	echo "# bench: $release took $(($(date +%s) - start)) s: $out/results.md"
done
echo "# bench: $(($(date +%s) - all_start)) s in all"
exit $status
