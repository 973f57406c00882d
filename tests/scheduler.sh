# The suite's step scheduler, sourced (bash) by tests/check.sh and by
# tests/scheduler-test.sh, which holds it to its deadline.
#
# The caller sets steps (a scratch directory), log (the suite's log),
# times (the step-time table), jobs_max and deadline (seconds since the
# epoch, 0 for none), adds its steps with add_step, then calls run_steps
# and summary.
#
# Steps run jobs_max at a time, in the order they were added, except
# that a step may wait for another to end (one kernel build after the
# other) or need it to pass (a kernel's boots need its build); a step
# whose prerequisite failed is reported as not run, one that ended
# without an exit status as failed. Each step runs in a process group of
# its own, so that the whole of it (QEMU, make's jobs) can be stopped.
# Each is held to its exit status and to its TAP plan: a step that exits
# non-zero, or prints more or fewer results than its "1..N", fails.
# Steps are reported in the order added.
#
# The deadline: a step is started only if the time it takes (add_step's
# SECONDS, as measured) ends before it, less deadline_grace; the steps
# see that earlier time as HPLAB_DEADLINE, so that tests/vm/run.sh stops
# its guest and reports in time. Whatever still runs at the deadline is
# stopped and fails; whatever has not started by then is reported as not
# run, and fails the suite. summary always follows.
set -m
deadline_grace=30

step_name=()
step_after=()
step_needs_pass=()
step_seconds=()
step_command=()
step_state=()
step_pid=()
# add_step NAME AFTER SECONDS COMMAND: AFTER is the index of the step
# this one needs to have passed (added_step after add_step), "wait:INDEX"
# for one it only waits for, or "-" for none; SECONDS is how long the
# step takes (0: moments). NAME and COMMAND are evaluated when the step
# starts, so that they can name what an earlier step made.
add_step() {
	step_name+=("$1")
	step_after+=("${2#wait:}")
	if [ "${2#wait:}" = "$2" ]; then step_needs_pass+=(1); else step_needs_pass+=(0); fi
	step_seconds+=("$3")
	step_command+=("$4")
	step_state+=(queued)
	step_pid+=("")
	added_step=$((${#step_name[@]} - 1))
}

# name_step INDEX: the step's directory, with its name evaluated
name_step() {
	mkdir -p "$steps/$1"
	eval "echo \"${step_name[$1]}\"" > "$steps/$1/name"
}

start_step() {
	local i=$1 dir=$steps/$1
	name_step "$i"
	step_state[i]=running
	(
		set +m # the step's own background jobs stay in its group
		start=$(date +%s)
		eval "${step_command[i]}" < /dev/null > "$dir/out" 2>&1
		echo $? > "$dir/status.tmp"
		echo $(($(date +%s) - start)) > "$dir/seconds"
		mv "$dir/status.tmp" "$dir/status"
	) &
	step_pid[i]=$!
	date +%s > "$dir/started"
}

# not_run INDEX WHY: a step reported as not run, which fails the suite.
not_run() {
	local i=$1 dir=$steps/$1
	name_step "$i"
	{
		echo "not ok 1 - $(cat "$dir/name"): not run, $2"
		echo "1..1"
	} > "$dir/out"
	echo 0 > "$dir/seconds"
	echo 0 > "$dir/status"
	step_state[i]=done
}

# end_group INDEX: whatever of a step's process group is left (what it
# started and did not wait for, or all of it) gets TERM, and KILL 10 s
# later.
end_group() {
	local group=-${step_pid[$1]} _
	kill -TERM -- "$group" 2> /dev/null || return 0
	for _ in $(seq 10); do
		sleep 1
		kill -0 -- "$group" 2> /dev/null || return 0
	done
	kill -KILL -- "$group" 2> /dev/null
}

# stop_step INDEX STATUS WHY: stop a running step, the whole of its
# process group, and fail it with STATUS unless it ended meanwhile.
stop_step() {
	local i=$1 dir=$steps/$1
	end_group "$i"
	wait "${step_pid[i]}" 2> /dev/null
	if [ ! -r "$dir/status" ]; then
		# on a line of its own, whatever the step printed last
		[ -z "$(tail -c 1 "$dir/out")" ] || echo >> "$dir/out"
		echo "not ok - $(cat "$dir/name"): $3" >> "$dir/out"
		echo $(($(date +%s) - $(cat "$dir/started"))) > "$dir/seconds"
		echo "$2" > "$dir/status"
		touch "$dir/stopped"
	fi
	step_state[i]=done
}

# On Ctrl-C or TERM, every step stops, the whole of it, and the suite
# ends without its summary.
stop_all() {
	local i
	for i in "${!step_name[@]}"; do
		[ "${step_state[i]}" = running ] && kill -TERM -- "-${step_pid[i]}" 2> /dev/null
	done
	[ -n "${sleeper:-}" ] && kill "$sleeper" 2> /dev/null
}
trap 'trap - INT TERM; stop_all; exit 130' INT
trap 'trap - INT TERM; stop_all; exit 143' TERM

reported=0
# Report the steps that have finished, up to the first that has not.
report_finished() {
	local dir name status ran planned
	while [ "$reported" -lt "${#step_name[@]}" ] && [ "${step_state[reported]}" = done ]; do
		dir=$steps/$reported
		name=$(cat "$dir/name")
		status=$(cat "$dir/status")
		note "## $name"
		tee -a "$log" < "$dir/out"
		[ -z "$(tail -c 1 "$dir/out")" ] || note ""
		ran=$(grep -cE '^(ok|not ok)( |$)' "$dir/out")
		planned=$(grep -E '^1\.\.[0-9]+$' "$dir/out")
		# a stopped step has said so; its status and plan say nothing more
		if [ ! -e "$dir/stopped" ]; then
			[ "$status" = 0 ] || note "not ok - $name: exited with status $status"
			[ "$planned" = "1..$ran" ] ||
				note "not ok - $name: printed $ran results for the plan '${planned:-none}'"
		fi
		printf '%5ds  %s\n' "$(cat "$dir/seconds")" "$name" >> "$times"
		reported=$((reported + 1))
	done
}

note() {
	echo "$*" | tee -a "$log"
}

# Run every step: start what may start, in order, while fewer than
# jobs_max run; wait for one to end, or for the sleeper (at most 10 s,
# so that the deadline is seen whatever wait -n saw); again until all
# are reported.
run_steps() {
	local i after running now
	sleeper=""
	[ "$deadline" = 0 ] || export HPLAB_DEADLINE=$((deadline - deadline_grace))
	while [ "$reported" -lt "${#step_name[@]}" ]; do
		now=$(date +%s)
		running=0
		for i in "${!step_name[@]}"; do
			[ "${step_state[i]}" = running ] || continue
			if [ -r "$steps/$i/status" ]; then
				end_group "$i"
				step_state[i]=done
			elif [ "$deadline" != 0 ] && [ "$now" -ge "$deadline" ]; then
				stop_step "$i" 124 "stopped at the suite's deadline"
			elif ! kill -0 "${step_pid[i]}" 2> /dev/null; then
				# killed before it could write its status
				sleep 1
				stop_step "$i" 1 "ended without an exit status"
			else
				running=$((running + 1))
			fi
		done
		for i in "${!step_name[@]}"; do
			[ "${step_state[i]}" = queued ] || continue
			if [ "$deadline" != 0 ] && [ "$now" -ge "$deadline" ]; then
				not_run "$i" "the suite's deadline came first"
				continue
			fi
			[ "$running" -lt "$jobs_max" ] || break
			after=${step_after[i]}
			if [ "$after" != - ]; then
				[ "${step_state[after]}" = done ] || continue
				if [ "${step_needs_pass[i]}" = 1 ] &&
					{ [ "$(cat "$steps/$after/status")" != 0 ] ||
						grep -q '^not ok' "$steps/$after/out"; }; then
					not_run "$i" "'$(cat "$steps/$after/name")' did not pass"
					continue
				fi
			fi
			if [ "$deadline" != 0 ] && [ $((now + step_seconds[i])) -gt "$HPLAB_DEADLINE" ]; then
				not_run "$i" "it takes about ${step_seconds[i]} s and the steps' deadline is $((HPLAB_DEADLINE > now ? HPLAB_DEADLINE - now : 0)) s away"
				continue
			fi
			start_step "$i"
			running=$((running + 1))
		done
		report_finished
		[ "$running" -gt 0 ] || continue
		if [ -z "$sleeper" ] || ! kill -0 "$sleeper" 2> /dev/null; then
			[ -z "$sleeper" ] || wait "$sleeper" 2> /dev/null
			sleep 10 &
			sleeper=$!
		fi
		wait -n 2> /dev/null
	done
	if [ -n "$sleeper" ]; then
		kill "$sleeper" 2> /dev/null
		wait "$sleeper" 2> /dev/null
	fi
	sleeper=""
}

# summary START: the time of each step and of the whole suite (since
# START), what failed, what was skipped, which boots were retried, and
# the counts; fails unless something passed and nothing failed.
summary() {
	local passed failed skipped
	passed=$(grep -E '^ok( |$)' "$log" | grep -vc '# SKIP')
	skipped=$(grep -E '^ok( |$)' "$log" | grep -c '# SKIP')
	failed=$(grep -cE '^not ok( |$)' "$log")
	echo
	echo "Time per step:"
	cat "$times"
	printf '%5ds  the whole suite\n' $(($(date +%s) - $1))
	echo
	grep -E '^not ok( |$)' "$log"
	grep -E '^ok .*# SKIP' "$log"
	# a boot that hung before init and was booted again: a flake, counted
	grep -E '^ok .*# RETRIED' "$log" && echo "boots retried after a hang before init: $(grep -cE '^ok .*# RETRIED' "$log")"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}
