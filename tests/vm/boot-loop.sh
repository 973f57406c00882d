#!/bin/sh
# boot-loop.sh COUNT COMMAND...: run a boot command (tests/vm/run.sh,
# tests/bench/run.sh -S, ...) COUNT times, to catch a hang that comes
# once in many boots. Each run's output and the console of every boot
# that hung before init and was retried (tests/vm/run.sh keeps it as
# console-hung.log) go to build/boot-loop/; prints a line a run, then
# how many failed and how many were retried.
#
# e.g. tests/vm/boot-loop.sh 50 tests/bench/run.sh -S 7.3.4+deb13-amd64
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
case ${1:-} in
'' | *[!0-9]*) echo "usage: $0 COUNT COMMAND..." >&2; exit 2 ;;
esac
count=$1
shift
[ $# -gt 0 ] || { echo "usage: $0 COUNT COMMAND..." >&2; exit 2; }
out=$top/build/boot-loop
rm -rf "$out"
mkdir -p "$out"
failed=0
retried=0
for run in $(seq "$count"); do
	started=$(date +%s)
	touch "$out/.started"
	"$@" > "$out/$run.out" 2>&1
	status=$?
	hung=$(find "$top/build/vm" -name console-hung.log -newer "$out/.started")
	for console in $hung; do
		cp "$console" "$out/$run-$(basename "$(dirname "$console")").hung.log"
	done
	[ "$status" = 0 ] || failed=$((failed + 1))
	[ -z "$hung" ] || retried=$((retried + 1))
	echo "run $run: exit $status, $(($(date +%s) - started)) s${hung:+, retried after a hang before init}"
done
echo "$count runs: $failed failed, $retried retried after a hang before init (build/boot-loop/)"
[ "$failed" = 0 ] && [ "$retried" = 0 ]
