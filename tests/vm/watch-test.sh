#!/bin/sh
# watch-test.sh RELEASE: tests/vm/run.sh stops a guest that hangs, on
# purpose, with a short silence bound (-s 15) so that the test is quick
# (run.sh reports the stack an NMI makes the kernel print): one that
# hangs before init (the kernel waits forever for a root device
# it will never find) is booted once more, reported as retried, and
# fails; one whose script hangs (hplab_hang_in=, tests/vm/init) fails
# without a retry; one that reaches the suite's deadline is stopped
# there, even with the silence watch off (-s 0). As TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
release=$1
n=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - watch: $2"; else echo "not ok $n - watch: $2"; fi
}
# boot NAME RUN.SH-ARGS...: a boot of the static scenario; sets out
# (run.sh's output), status and took (seconds)
boot() {
	name=$1
	shift
	started=$(date +%s)
	out=$("$top/tests/vm/run.sh" -n "watch-$name" "$@" "$release" static 2>&1)
	status=$?
	took=$(($(date +%s) - started))
	echo "$out" > "$top/build/vm/$release-watch-$name/run.out"
}
# shows NAME PATTERN: run.sh said it (a grep -E pattern)
says() {
	echo "$out" | grep -qE "$1"
}

boot early -s 15 -a "rdinit=/nonexistent root=/dev/vdz rootwait"
[ "$status" = 1 ] && says '^not ok - .*: the guest ran to its end marker \(the guest printed nothing for 1[5-9] s'
check $? "a guest that hangs before init fails (run.sh exit $status)"
[ "$(echo "$out" | grep -c '^ok - .*: booted again # RETRIED the first boot printed nothing for 1[5-9] s before init')" = 1 ] &&
	[ -s "$top/build/vm/$release-watch-early/console-hung.log" ]
check $? "it is booted once more, and the retry is reported"
[ "$(echo "$out" | grep -c '^# | .*RIP: ')" = 2 ]
check $? "each boot's report shows where the guest was (the stack its NMI printed)"
[ "$took" -le 150 ]
check $? "both boots are stopped within the silence bound ($took s)"

boot script -s 15 -a hplab_hang_in=static
[ "$status" = 1 ] && says '^not ok - .*: the guest ran to its end marker \(the guest printed nothing for 1[5-9] s' &&
	! says RETRIED && grep -q '^@@TAP-BEGIN' "$top/build/vm/$release-watch-script/console.log"
check $? "a guest whose script hangs fails, without a retry (run.sh exit $status)"
[ "$took" -le 100 ]
check $? "it is stopped within the silence bound ($took s)"

# a hung script again, with the silence watch off: only the deadline
# can stop it
HPLAB_DEADLINE=$(($(date +%s) + 20)) boot deadline -s 0 -a hplab_hang_in=static
[ "$status" = 1 ] && says "^not ok - .*: the guest ran to its end marker \\(the guest reached the suite's deadline" &&
	! says RETRIED
check $? "a guest still running at the suite's deadline is stopped and fails, without a retry"
[ "$took" -le 35 ]
check $? "it is stopped at the deadline ($took s for 20 s)"
echo "1..$n"
