#!/bin/sh
# watch-test.sh RELEASE: tests/vm/run.sh stops a guest that hangs, on
# purpose, with a short silence bound (-s 15) so that the test is quick
# (run.sh reports the stack an NMI makes the kernel print): one that
# hangs before init (the kernel waits forever for a root device
# it will never find) is booted once more, reported as retried, and
# fails; one whose script hangs (hplab_hang_in=, tests/vm/init) fails
# without a retry, whether the silence, the time limit (-t) or the
# suite's deadline stops it. As TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
release=$1
n=0
failed=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - watch: $2"; else echo "not ok $n - watch: $2"; failed=1; fi
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
# says PATTERN: run.sh said it (a grep -E pattern)
says() {
	echo "$out" | grep -qE "$1"
}
# stack_in FILE: the console shows where a CPU was (the panic an NMI made)
stack_in() {
	grep -q 'RIP: ' "$top/build/vm/$release-watch-$name/$1"
}

boot early -s 15 -a "rdinit=/nonexistent root=/dev/vdz rootwait"
[ "$status" = 1 ] && says '^not ok - .*: the guest ran to its end marker \(the guest printed nothing for 1[5-9] s'
check $? "a guest that hangs before init fails (run.sh exit $status)"
[ "$(echo "$out" | grep -c '^ok - .*: booted again # RETRIED the first boot printed nothing for 1[5-9] s before init')" = 1 ] &&
	[ -s "$top/build/vm/$release-watch-early/console-hung.log" ]
check $? "it is booted once more, and the retry is reported"
stack_in console-hung.log && stack_in console.log && [ "$(echo "$out" | grep -c '^# | .*RIP: ')" -ge 2 ]
check $? "each boot's report shows where its CPUs were (the stack an NMI made the kernel print)"
[ "$took" -le 150 ]
check $? "both boots are stopped soon after they fall silent ($took s)"

boot script -s 15 -a hplab_hang_in=static
[ "$status" = 1 ] && says '^not ok - .*: the guest ran to its end marker \(the guest printed nothing for 1[5-9] s' &&
	! says RETRIED && grep -q '^@@TAP-BEGIN' "$top/build/vm/$release-watch-script/console.log"
check $? "a guest whose script hangs fails, without a retry (run.sh exit $status)"
says '^# \| .*sysrq: Show Blocked State' && stack_in console.log
check $? "its report lists the blocked tasks (SysRq w) and shows where its CPUs were"
[ "$took" -le 100 ]
check $? "it is stopped soon after it falls silent ($took s)"

# a hung script again, with the silence watch off: only the time limit
# can stop it
boot limit -s 0 -t 40 -a hplab_hang_in=static
[ "$status" = 1 ] && says '^not ok - .*: the guest ran to its end marker \(the guest ran past its limit of 40 s' &&
	! says RETRIED && stack_in console.log
check $? "a guest that runs past its time limit is stopped and fails, without a retry"

# and with no time limit either: only the deadline can
HPLAB_DEADLINE=$(($(date +%s) + 40)) boot deadline -s 0 -a hplab_hang_in=static
[ "$status" = 1 ] && says "^not ok - .*: the guest ran to its end marker \\(the guest reached the suite's deadline" &&
	! says RETRIED && grep -q '^@@TAP-BEGIN' "$top/build/vm/$release-watch-deadline/console.log"
check $? "a guest still running at the suite's deadline is stopped and fails, without a retry"
[ "$took" -le 55 ]
check $? "it is stopped at the deadline ($took s for 40 s)"
echo "1..$n"
[ "$failed" = 0 ]
