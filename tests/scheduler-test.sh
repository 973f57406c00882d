#!/usr/bin/env bash
# The scheduler (tests/scheduler.sh) held to its deadline, on steps that
# only sleep: a suite whose deadline comes before its steps are done ends
# at the deadline, the step still running stopped (its child too), the
# steps that cannot finish in time not started, each reported as not run,
# and the summary printed; on the way, a step that fails keeps the one
# that needs it from running, and one killed before it could say how it
# ended fails. As TAP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/scheduler-test
rm -rf "$work"
mkdir -p "$work"
n=0
failed=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - scheduler: $2"; else echo "not ok $n - scheduler: $2"; failed=1; fi
}

# The suite under test, in a shell of its own: 10 s to its deadline, of
# which the grace leaves 6 s to the steps.
started=$(date +%s)
(
	steps=$work/steps log=$work/log times=$work/times jobs_max=2
	mkdir -p "$steps"
	: > "$log"
	: > "$times"
	. "$top/tests/scheduler.sh"
	deadline_grace=4
	start=$(date +%s)
	deadline=$((start + 10))
	add_step quick - 1 'echo "ok 1 - quick"; echo 1..1'
	add_step "after quick" "$added_step" 1 'sleep 1; echo "ok 1 - after quick"; echo 1..1'
	# runs past the deadline, with a child that would outlive it
	add_step endless - 2 'sleep 600 & echo $! > '"$work/child"'; wait'
	add_step "too long" - 100 'echo "ok 1 - too long ran"; echo 1..1'
	add_step "behind endless" wait:2 0 'echo "ok 1 - behind endless ran"; echo 1..1'
	add_step failing - 0 'echo "not ok 1 - failing"; echo 1..1'
	add_step "needs failing" "$added_step" 0 'echo "ok 1 - needs failing ran"; echo 1..1'
	# its shell dies before it can write its status
	add_step vanishing - 0 'kill -KILL $BASHPID'
	run_steps
	summary "$start"
	echo "summary status $?"
) > "$work/out" 2>&1
ended=$(date +%s)

grep -qx 'ok 1 - quick' "$work/out" && grep -qx 'ok 1 - after quick' "$work/out"
check $? "the steps that fit ran and passed"
grep -q "^not ok - endless: stopped at the suite's deadline" "$work/out"
check $? "the step running at the deadline is stopped and fails"
# gone, or a zombie nobody has reaped yet
child=$(cat "$work/child" 2> /dev/null)
[ -n "$child" ] && ! ps -o stat= -p "$child" | grep -qv '^Z'
check $? "its child process is stopped with it"
grep -q "^not ok 1 - too long: not run, it takes about 100 s and the steps' deadline is [0-9]* s away" "$work/out" &&
	! grep -q 'too long ran' "$work/out"
check $? "a step that cannot finish before the deadline is not started, and fails"
grep -q "^not ok 1 - behind endless: not run, the suite's deadline came first" "$work/out" &&
	! grep -q 'behind endless ran' "$work/out"
check $? "a step still waiting at the deadline is reported as not run"
grep -q "^not ok 1 - needs failing: not run, 'failing' did not pass" "$work/out" &&
	! grep -q 'needs failing ran' "$work/out"
check $? "a step whose prerequisite failed is reported as not run"
grep -q "^not ok - vanishing: ended without an exit status" "$work/out"
check $? "a step that ended without an exit status fails"
grep -qx '2 passed, 6 failed, 0 skipped' "$work/out" && grep -qx 'summary status 1' "$work/out" &&
	grep -q '^ *[0-9]*s  the whole suite$' "$work/out"
check $? "the summary is printed, with the step times, and fails"
[ $((ended - started)) -le 15 ]
check $? "the suite ends at its deadline ($((ended - started)) s for a deadline of 10 s)"
[ "$failed" = 0 ] || sed 's/^/# | /' "$work/out"
echo "1..$n"
exit $failed
