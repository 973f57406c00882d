#!/usr/bin/env bash
# The whole test suite: host checks, then the VM boots on every supported
# kernel (tests/kernels.sh).
#
# usage: tests/check.sh [--only RELEASE...]
#
# --only runs the VM boots on the given releases alone (make check
# KERNELS=...); every supported kernel left out is reported as skipped.
# Each step is held to its exit status and to its TAP plan: a step that
# exits non-zero, or prints more or fewer results than its "1..N", fails.
# Steps run HPLAB_JOBS at a time (default: the number of cores), reported
# in order.
# The suite fails when a supported kernel is missing, and ends with
# "N passed, N failed, N skipped" and the time each step took.
set -u -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
log=$top/build/check.log
times=$top/build/check.times
mkdir -p "$top/build"
: > "$log"
: > "$times"
suite_start=$(date +%s)

note() {
	echo "$*" | tee -a "$log"
}

# step NAME COMMAND...: run one step of the suite. Steps run in the
# background, HPLAB_JOBS at a time (default: one per core; a TCG guest is
# one host thread), and are reported in the order they were started, each
# with its exit status, its TAP plan and the time it took.
jobs_max=${HPLAB_JOBS:-$(nproc)}
case $jobs_max in
'' | *[!0-9]* | 0) echo "check.sh: HPLAB_JOBS must be a number of 1 or more" >&2; exit 2 ;;
esac
# Interrupted, stop every step (timeout passes the signal on to QEMU).
trap 'trap - INT TERM; kill 0' INT TERM
steps=$top/build/check-steps
rm -rf "$steps"
mkdir -p "$steps"
started=0
reported=0
step() {
	local dir=$steps/$started
	mkdir -p "$dir"
	echo "$1" > "$dir/name"
	shift
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
		report_finished
	done
	(
		start=$(date +%s)
		"$@" < /dev/null > "$dir/out" 2>&1
		echo $? > "$dir/status.tmp"
		echo $(($(date +%s) - start)) > "$dir/seconds"
		mv "$dir/status.tmp" "$dir/status"
	) &
	started=$((started + 1))
	report_finished
}

# Report the steps that have finished, up to the first that has not.
report_finished() {
	local dir name status ran planned
	while [ "$reported" -lt "$started" ] && [ -r "$steps/$reported/status" ]; do
		dir=$steps/$reported
		name=$(cat "$dir/name")
		status=$(cat "$dir/status")
		note "## $name"
		tee -a "$log" < "$dir/out"
		ran=$(grep -cE '^(ok|not ok)( |$)' "$dir/out")
		planned=$(grep -E '^1\.\.[0-9]+$' "$dir/out")
		[ "$status" = 0 ] || note "not ok - $name: exited with status $status"
		[ "$planned" = "1..$ran" ] ||
			note "not ok - $name: printed $ran results for the plan '${planned:-none}'"
		printf '%5ds  %s\n' "$(cat "$dir/seconds")" "$name" >> "$times"
		reported=$((reported + 1))
	done
}

# Wait for every step, reporting each as soon as it and those before it
# are done.
finish_steps() {
	while [ "$reported" -lt "$started" ]; do
		wait -n || [ -n "$(jobs -rp)" ] || { report_finished; break; }
		report_finished
	done
	# A step killed before it could write its status.
	while [ "$reported" -lt "$started" ]; do
		note "not ok - $(cat "$steps/$reported/name"): ended without an exit status"
		reported=$((reported + 1))
	done
}

# The VM boots, each "name|kernel arguments|scripts". Every guest script
# and every demo must be in one; demos boot with their "# boot:" line. The
# scenarios are two boots, so that a debug kernel's (the slowest) share
# the cores.
boots() {
	echo "main||load region static dynamic granularity memmap"
	echo "input||input concurrency cli"
	echo "offline||offline-failure"
	echo "param-off|memory_hotplug.memmap_on_memory=0|param-off cli-param-off"
	for demo in "$top"/demos/*.sh; do
		name=$(basename "$demo" .sh)
		echo "demo-$name|$(sed -n 's/^# boot: //p' "$demo")|demo:$name"
	done
}
# The guest scripts that are in no boot; dkms-smoke boots on its own, with
# the module DKMS built, after tests/dkms.sh.
coverage() {
	local missing=""
	for script in "$top"/tests/guest/*.sh; do
		name=$(basename "$script" .sh)
		case $name in lib|dkms-smoke) continue ;; esac
		boots | cut -d'|' -f3 | tr ' ' '\n' | grep -qx "$name" || missing="$missing $name"
	done
	echo "${missing:-none}"
}

kernels=$("$top/tests/kernels.sh" 2> "$top/build/kernels.err")
kernels_status=$?
if [ "${1:-}" = --only ]; then
	shift
	releases="$*"
else
	releases=$kernels
fi

echo "## the suite itself" | tee -a "$log"
{
	missing=$(coverage)
	[ "$missing" = none ]
	echo "$([ $? = 0 ] || echo 'not ')ok - every guest script runs in a boot (missing: $missing)"
	[ "$kernels_status" = 0 ]
	echo "$([ $? = 0 ] || echo 'not ')ok - every supported kernel is installed: $(echo $kernels)"
	sed 's/^/# /' "$top/build/kernels.err"
	for release in $kernels; do
		case " $(echo $releases) " in
		*" $release "*) ;;
		*) echo "ok - $release is tested # SKIP left out by KERNELS=$(echo $releases)" ;;
		esac
	done
	[ -n "$releases" ]
	echo "$([ $? = 0 ] || echo 'not ')ok - at least one kernel to boot"
} | tee -a "$log"

step style "$top/tests/style.sh"
HPLAB_UNIT=$top/userspace-cli/test_util step "cli host tests" "$top/tests/cli/run.sh"
HPLAB=$top/build/cli-asan/hplab HPLAB_UNIT=$top/build/cli-asan/test_util \
	step "cli host tests, ASan and UBSan" "$top/tests/cli/run.sh"
# DKMS builds for Debian's kernels, whose headers live in /lib/modules.
debian_releases=$(for release in $releases; do
	[ -d "/lib/modules/$release/build" ] && echo "$release"
done)
# shellcheck disable=SC2086
step "dkms and packaging" "$top/tests/dkms.sh" $debian_releases
# The dkms-smoke boots take the modules DKMS built.
finish_steps
# The debug kernels' boots take longest: they start first.
for release in $(printf '%s\n' $releases | grep -- '-debug$') $(printf '%s\n' $releases | grep -v -- '-debug$'); do
	# An empty -k (DKMS built nothing) makes run.sh fail, not fall back.
	case " $(echo $debian_releases) " in
	*" $release "*)
		step "$release dkms-smoke" "$top/tests/vm/run.sh" -D -n dkms \
			-k "$(ls "$top/build/dkms/built/$release"/hotplug_lab.ko* 2> /dev/null)" \
			"$release" dkms-smoke ;;
	esac
	while IFS='|' read -r name args scripts; do
		# shellcheck disable=SC2086
		step "$release $name" "$top/tests/vm/run.sh" -n "$name" -a "$args" "$release" $scripts
	done < <(boots)
done

finish_steps

passed=$(grep -E '^ok( |$)' "$log" | grep -vc '# SKIP')
skipped=$(grep -E '^ok( |$)' "$log" | grep -c '# SKIP')
failed=$(grep -cE '^not ok( |$)' "$log")
echo
echo "Time per step:"
cat "$times"
printf '%5ds  the whole suite\n' $(($(date +%s) - suite_start))
echo
grep -E '^not ok( |$)' "$log"
grep -E '^ok .*# SKIP' "$log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
