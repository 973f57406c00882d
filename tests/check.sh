#!/usr/bin/env bash
# The whole test suite: host checks, the kernels the project builds, and
# the VM boots on every supported kernel (tests/kernels.sh).
#
# usage: tests/check.sh [--only RELEASE...]
#
# --only runs the VM boots on the given releases alone (make check
# KERNELS=...) and builds no kernel; every supported kernel left out is
# reported as skipped.
# Each step is held to its exit status and to its TAP plan: a step that
# exits non-zero, or prints more or fewer results than its "1..N", fails.
# Steps run HPLAB_JOBS at a time (default: the number of cores; a kernel
# build counts as one), in the order they are listed below, except that a
# step may wait for another to end (one kernel build after the other) or
# need it to pass (a kernel's boots need its build): the debug kernels are
# built while the other kernels' boots run beside. A step whose
# prerequisite failed is reported as not run, one that ended without an
# exit status as failed. Steps are reported in the order listed.
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

jobs_max=${HPLAB_JOBS:-$(nproc)}
case $jobs_max in
'' | *[!0-9]* | 0) echo "check.sh: HPLAB_JOBS must be a number of 1 or more" >&2; exit 2 ;;
esac
# Interrupted, stop every step (timeout passes the signal on to QEMU).
trap 'trap - INT TERM; kill 0' INT TERM
steps=$top/build/check-steps
rm -rf "$steps"
mkdir -p "$steps"

# The steps, in the order they start and are reported. A step's name and
# command are evaluated when it starts, so that they can name the release
# of a kernel built by an earlier step (release_of).
step_name=()
step_after=()
step_needs_pass=()
step_command=()
step_state=()
step_pid=()
# add_step NAME AFTER COMMAND: AFTER is the index of the step this one
# needs to have passed (added_step after add_step), "wait:INDEX" for one
# it only waits for, or "-" for none
add_step() {
	step_name+=("$1")
	step_after+=("${2#wait:}")
	if [ "${2#wait:}" = "$2" ]; then step_needs_pass+=(1); else step_needs_pass+=(0); fi
	step_command+=("$3")
	step_state+=(queued)
	step_pid+=("")
	added_step=$((${#step_name[@]} - 1))
}

start_step() {
	local i=$1 dir=$steps/$1
	mkdir -p "$dir"
	eval "echo \"${step_name[i]}\"" > "$dir/name"
	step_state[i]=running
	(
		start=$(date +%s)
		eval "${step_command[i]}" < /dev/null > "$dir/out" 2>&1
		echo $? > "$dir/status.tmp"
		echo $(($(date +%s) - start)) > "$dir/seconds"
		mv "$dir/status.tmp" "$dir/status"
	) &
	step_pid[i]=$!
}

# A step whose prerequisite failed: reported, not run.
not_run() {
	local i=$1 dir=$steps/$1
	mkdir -p "$dir"
	eval "echo \"${step_name[i]}\"" > "$dir/name"
	{
		echo "not ok 1 - $(cat "$dir/name"): not run, '$(cat "$steps/${step_after[i]}/name")' failed"
		echo "1..1"
	} > "$dir/out"
	echo 0 > "$dir/seconds"
	echo 0 > "$dir/status"
	step_state[i]=done
}

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
		ran=$(grep -cE '^(ok|not ok)( |$)' "$dir/out")
		planned=$(grep -E '^1\.\.[0-9]+$' "$dir/out")
		[ "$status" = 0 ] || note "not ok - $name: exited with status $status"
		[ "$planned" = "1..$ran" ] ||
			note "not ok - $name: printed $ran results for the plan '${planned:-none}'"
		printf '%5ds  %s\n' "$(cat "$dir/seconds")" "$name" >> "$times"
		reported=$((reported + 1))
	done
}

# Run every step: start what may start, in list order, while fewer than
# jobs_max run; wait for one to end; again until all are reported.
run_steps() {
	local i after running
	while [ "$reported" -lt "${#step_name[@]}" ]; do
		running=0
		for i in "${!step_name[@]}"; do
			if [ "${step_state[i]}" = running ] && [ ! -r "$steps/$i/status" ] &&
				! kill -0 "${step_pid[i]}" 2> /dev/null; then
				# killed before it could write its status
				sleep 1
				if [ ! -r "$steps/$i/status" ]; then
					echo "not ok - $(cat "$steps/$i/name"): ended without an exit status" >> "$steps/$i/out"
					echo 0 > "$steps/$i/seconds"
					echo 1 > "$steps/$i/status"
				fi
			fi
			if [ "${step_state[i]}" = running ] && [ -r "$steps/$i/status" ]; then
				step_state[i]=done
			fi
			[ "${step_state[i]}" = running ] && running=$((running + 1))
		done
		for i in "${!step_name[@]}"; do
			[ "$running" -lt "$jobs_max" ] || break
			[ "${step_state[i]}" = queued ] || continue
			after=${step_after[i]}
			if [ "$after" != - ]; then
				[ "${step_state[after]}" = done ] || continue
				if [ "${step_needs_pass[i]}" = 1 ] &&
					{ [ "$(cat "$steps/$after/status")" != 0 ] ||
						grep -q '^not ok' "$steps/$after/out"; }; then
					not_run "$i"
					continue
				fi
			fi
			start_step "$i"
			running=$((running + 1))
		done
		report_finished
		[ "$running" -gt 0 ] && wait -n
	done
}

# The release a built line's kernel has (its line while not built).
release_of() {
	cat "$top/build/kernels/$1/release" 2> /dev/null || echo "$1"
}

# prepare LINE|RELEASE: as TAP, build the kernel of a line the project
# builds (tests/build-kernel.sh, cached), and the module for the kernel.
prepare() {
	local release=$1 n=0 out
	case " $built_lines " in
	*" $1 "*)
		n=$((n + 1))
		if out=$("$top/tests/build-kernel.sh" "$1" 2>&1); then
			release=$(release_of "$1")
			echo "ok $n - the $1 kernel is built: $release"
			echo "$out" | grep -v -x -F "$release" | sed 's/^/# /'
		else
			echo "not ok $n - the $1 kernel is built"
			echo "$out" | sed 's/^/# /'
			echo "1..$n"
			return
		fi
		;;
	esac
	n=$((n + 1))
	if make -s -C "$top" "build/$release/hotplug_lab.ko" > "$top/build/module-$release.log" 2>&1; then
		echo "ok $n - hotplug_lab.ko builds against $release (W=1 -Werror)"
	else
		echo "not ok $n - hotplug_lab.ko builds against $release (W=1 -Werror)"
		tail -n 20 "$top/build/module-$release.log" | sed 's/^/# /'
	fi
	echo "1..$n"
}

# The VM boots, each "name|kernel arguments|scripts|tests/vm/run.sh
# options", the last field most often empty. Every guest script
# and every demo must be in one. The scenarios are two boots, so that a
# debug kernel's (the slowest) share the cores; offline-failure may leave
# memory behind, so it ends one. Demos boot with their
# "# boot:" line, those with the same one together (tests/vm/init holds
# each to leaving the box as it found it), a demo that may leave memory
# behind last in its boot.
boots() {
	local args clean last demo name multi=0
	# region.sh: a reserved block at 4G, above the guest's RAM, where the
	# firmware has none
	echo "main|memmap=128M\$0x100000000|load region static dynamic granularity memmap notifier-inject target offline-failure"
	echo "input||input fuzz concurrency stuck-offline zones cli"
	# the mixed load, then allocation failures the kernel cannot take
	# back: fault-inject ends the boot
	echo "faults||stress fault-inject"
	echo "param-off|memory_hotplug.memmap_on_memory=0|param-off cli-param-off irreversible"
	# The geometries of real boxes (tests/vm/run.sh -m, -c, -r): 2G
	# blocks, as x86 bare metal with 64G or more has them (68G of RAM, no
	# hypervisor bit), and a region of 256 blocks of 128M added in one
	# call. geometry.sh checks that the boot got what it asked for. The
	# second memmap= hides 42G of the 68G (the kernel sizes blocks by
	# where RAM ends, 69G), so that a debug kernel's kmemleak scans 10G
	# at the end of the boot, not 52G: 2 minutes, not 6, on 6.1-debug.
	# The memmap-on-memory demo there: its numbers (8192 memmap pages a
	# block, MemTotal per block) come from the box, not from 128M.
	echo "blocks-2g|memmap=42G\$0x580000000 hplab_block_mb=2048 hplab_min_blocks=8|geometry demo:memmap-on-memory cli|-m 68G -c max,-la57,-hypervisor -r 16G@0x100000000"
	echo "blocks-256|hplab_block_mb=128 hplab_min_blocks=256|geometry cli|-m 40G -r 32G@0x100000000"
	while read -r args; do
		clean=""
		last=()
		for demo in "$top"/demos/*.sh; do
			[ "$(sed -n 's/^# boot: //p' "$demo")" = "$args" ] || continue
			name=$(basename "$demo" .sh)
			if grep -q '^last_in_boot ' "$demo"; then
				last+=("$name")
			else
				clean="$clean demo:$name"
			fi
		done
		# the clean demos and one that runs last; every other alone
		set -- $clean ${last[0]:+demo:${last[0]}}
		if [ $# = 1 ]; then
			echo "demo-${1#demo:}|$args|$1"
		else
			multi=$((multi + 1))
			echo "demos$([ "$multi" = 1 ] || echo "-$multi")|$args|$*"
		fi
		for name in "${last[@]:1}"; do
			echo "demo-$name|$args|demo:$name"
		done
	done < <(sed -n 's/^# boot: //p' "$top"/demos/*.sh | sort -u)
}
# The guest scripts that are in no boot; dkms-smoke boots on its own, with
# the module DKMS built, after tests/dkms.sh, and bench in make bench's
# own guest (tests/bench/run.sh), here its smoke run.
coverage() {
	local missing="" demos
	demos=$(boots | cut -d'|' -f3 | tr ' ' '\n')
	for script in "$top"/tests/guest/*.sh; do
		name=$(basename "$script" .sh)
		case $name in lib|dkms-smoke|bench) continue ;; esac
		echo "$demos" | grep -qx "$name" || missing="$missing $name"
	done
	for demo in "$top"/demos/*.sh; do
		name=demo:$(basename "$demo" .sh)
		echo "$demos" | grep -qx "$name" || missing="$missing $name"
	done
	echo "${missing:-none}"
}

built_lines=$("$top/tests/kernels.sh" --to-build)
debian_kernels=$("$top/tests/kernels.sh" --debian 2> "$top/build/kernels.err")
debian_status=$?
if [ "${1:-}" = --only ]; then
	shift
	only=1
	releases="$*"
	supported=$("$top/tests/kernels.sh" 2> /dev/null)
else
	only=0
	releases=$debian_kernels
	supported=$debian_kernels
fi

echo "## the suite itself" | tee -a "$log"
{
	missing=$(coverage)
	[ "$missing" = none ]
	echo "$([ $? = 0 ] || echo 'not ')ok - every guest script and demo runs in a boot (missing: $missing)"
	[ "$debian_status" = 0 ]
	echo "$([ $? = 0 ] || echo 'not ')ok - every supported Debian kernel is installed: $(echo $debian_kernels)"
	sed 's/^/# /' "$top/build/kernels.err"
	for release in $supported; do
		case " $(echo $releases) " in
		*" $release "*) ;;
		*) echo "ok - $release is tested # SKIP left out by KERNELS=$(echo $releases)" ;;
		esac
	done
	if [ "$only" = 1 ]; then
		for line in $built_lines; do
			[ -r "$top/build/kernels/$line/release" ] ||
				echo "ok - the $line kernel is tested # SKIP not built, and KERNELS= builds none"
		done
	fi
	[ -n "$releases" ] || [ "$only" = 0 ]
	echo "$([ $? = 0 ] || echo 'not ')ok - at least one kernel to boot"
} | tee -a "$log"

# What each kernel's boots wait for: its module (and its kernel, for a
# line built here). Debian's modules first, so that boots can start while
# the debug kernels build, one after the other (each build uses every core).
declare -A prepared
for release in $releases; do
	add_step "$release: kernel and module" - "prepare $release"
	prepared[$release]=$added_step
done
if [ "$only" = 0 ]; then
	after=-
	for line in $built_lines; do
		add_step "\$(release_of $line): kernel and module" "$after" "prepare $line"
		prepared[$line]=$added_step
		after=wait:$added_step
	done
	releases="$releases $built_lines"
fi

add_step style - '"$top/tests/style.sh" --checkpatch'
add_step "cli host tests" - 'HPLAB_UNIT=$top/userspace-cli/test_util "$top/tests/cli/run.sh"'
add_step "cli host tests, ASan and UBSan" - \
	'HPLAB=$top/build/cli-asan/hplab HPLAB_UNIT=$top/build/cli-asan/test_util "$top/tests/cli/run.sh"'
# DKMS builds for Debian 12's kernels, whose headers live in /lib/modules.
dkms_releases=$(for release in $releases; do
	[ -d "/lib/modules/$release/build" ] && echo "$release"
done)
add_step "dkms and packaging" - "\"\$top/tests/dkms.sh\" $(echo $dkms_releases)"
dkms_step=$added_step
# The debug kernels' boots take longest: they come first.
for release in $(printf '%s\n' $releases | grep -- '-debug$') $(printf '%s\n' $releases | grep -v -- '-debug$'); do
	name="\$(release_of $release)"
	add_step "$name sparse" "${prepared[$release]}" "\"\$top/tests/style.sh\" --sparse $name"
	# An empty -k (DKMS built nothing) makes run.sh fail, not fall back.
	case " $(echo $dkms_releases) " in
	*" $release "*)
		add_step "$release dkms-smoke" "wait:$dkms_step" \
			"\"\$top/tests/vm/run.sh\" -D -n dkms -k \"\$(ls \"\$top/build/dkms/built/$release\"/hotplug_lab.ko* 2> /dev/null)\" $release dkms-smoke" ;;
	esac
	while IFS='|' read -r boot args scripts rig; do
		add_step "$name $boot" "${prepared[$release]}" \
			"\"\$top/tests/vm/run.sh\" -n $boot -a $(printf %q "$args") $rig $name $scripts"
	done < <(boots)
	# make bench once, 1G, no timing asserted: every contender's steps
	# work. Debian's kernels: the project's debug kernels have no dax.
	case $release in
	*-debug) ;;
	*) add_step "$name bench smoke" "${prepared[$release]}" "\"\$top/tests/bench/run.sh\" -S $name" ;;
	esac
done

run_steps

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
