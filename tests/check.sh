#!/usr/bin/env bash
# The whole test suite: host checks, the kernels the project builds, and
# the VM boots on every supported kernel (tests/kernels.sh).
#
# usage: tests/check.sh [--only RELEASE...]
#
# --only runs the VM boots on the given releases alone (make check
# KERNELS=...) and builds no kernel; every supported kernel left out is
# reported as skipped.
# The steps run as tests/scheduler.sh says, HPLAB_JOBS at a time
# (default: the number of cores; a kernel build counts as one), the
# debug kernels built while the other kernels' boots run beside, with a
# deadline HPLAB_CHECK_DEADLINE seconds after make check started
# (HPLAB_CHECK_START, seconds since the epoch; the suite's own start
# without it): default 4320, 72 minutes, since CI gives .ci/run 90, of
# which its first make deps takes up to 8 on a fresh machine, and 10 are
# margin. Each step takes about the time tests/step-seconds says,
# measured; a boot is stopped at three times that (at least 120 s), or
# when its console is silent three times as long as it was at most (at
# least 240 s: tests/vm/run.sh).
# The suite fails when a supported kernel is missing, and ends with
# "N passed, N failed, N skipped" and the time each step took, deadline
# or not.
set -u -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
log=$top/build/check.log
times=$top/build/check.times
mkdir -p "$top/build"
: > "$log"
: > "$times"
suite_start=$(date +%s)

jobs_max=${HPLAB_JOBS:-$(nproc)}
deadline_after=${HPLAB_CHECK_DEADLINE:-4320}
check_start=${HPLAB_CHECK_START:-$suite_start}
for number in "$jobs_max" "$deadline_after" "$check_start"; do
	case $number in
	'' | *[!0-9]* | 0*) echo "check.sh: HPLAB_JOBS, HPLAB_CHECK_DEADLINE and HPLAB_CHECK_START are whole numbers of 1 or more" >&2; exit 2 ;;
	esac
done
deadline=$((check_start + deadline_after))
steps=$top/build/check-steps
rm -rf "$steps"
mkdir -p "$steps"
. "$top/tests/scheduler.sh"

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
kernel_lines=$("$top/tests/kernels.sh" --lines 2> /dev/null)
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

# line_of RELEASE|LINE: the kernel line (6.1, 6.12-rt, 7.3-debug, ...)
line_of() {
	case " $built_lines " in *" $1 "*) echo "$1"; return ;; esac
	echo "$kernel_lines" | awk -v release="$1" '$2 == release { print $1; found = 1 } END { if (!found) print "?" }'
}
# measure LINE STEP: how long the step takes, from tests/step-seconds,
# in took; for a boot, its time limit, three times that and at least
# 120 s, in limit, and the silence it is stopped after, three times its
# longest and at least 240 s, in silent. A kernel of
# no line there (one's own, with KERNELS=) is taken as its slowest line;
# a step the table lacks is named in unmeasured, and taken to take 600 s.
unmeasured=""
measure() {
	set -- $(awk -v line="$1" -v step="$2" '$2 == step && ($1 == line || line == "?") {
			found = 1
			if ($3 > took) took = $3
			if ($4 > silent) silent = $4
		}
		END { if (found) print took + 0, silent + 0 }' "$top/tests/step-seconds") "$1/$2"
	if [ $# = 1 ]; then
		unmeasured="$unmeasured $1"
		set -- 600 80
	fi
	took=$1
	limit=$(($1 * 3 > 120 ? $1 * 3 : 120))
	silent=$(($2 * 3 > 240 ? $2 * 3 : 240))
}

# What each kernel's boots wait for: its module (and its kernel, for a
# line built here). Debian's modules first, so that boots can start while
# the debug kernels build, one after the other (each build uses every core).
declare -A prepared
for release in $releases; do
	measure "$(line_of "$release")" module
	add_step "$release: kernel and module" - "$took" "prepare $release"
	prepared[$release]=$added_step
done
if [ "$only" = 0 ]; then
	after=-
	for line in $built_lines; do
		measure "$line" kernel
		add_step "\$(release_of $line): kernel and module" "$after" "$took" "prepare $line"
		prepared[$line]=$added_step
		after=wait:$added_step
	done
	releases="$releases $built_lines"
fi

measure - style
add_step style - "$took" '"$top/tests/style.sh" --checkpatch'
measure - cli
add_step "cli host tests" - "$took" 'HPLAB_UNIT=$top/userspace-cli/test_util "$top/tests/cli/run.sh"'
measure - cli-asan
add_step "cli host tests, ASan and UBSan" - "$took" \
	'HPLAB=$top/build/cli-asan/hplab HPLAB_UNIT=$top/build/cli-asan/test_util "$top/tests/cli/run.sh"'
measure - scheduler
add_step "the scheduler's deadline" - "$took" '"$top/tests/scheduler-test.sh"'
# DKMS builds for Debian 12's kernels, whose headers live in /lib/modules.
dkms_releases=$(for release in $releases; do
	[ -d "/lib/modules/$release/build" ] && echo "$release"
done)
measure - dkms
add_step "dkms and packaging" - "$took" "\"\$top/tests/dkms.sh\" $(echo $dkms_releases)"
dkms_step=$added_step
# The rig's watch over a hung guest, on the first Debian kernel (the
# quickest to boot).
watch_release=$(echo $debian_kernels | cut -d' ' -f1)
case " $(echo $releases) " in
*" $watch_release "*)
	measure "$(line_of "$watch_release")" watch
	add_step "$watch_release: the rig stops a hung guest" "${prepared[$watch_release]}" "$took" \
		"\"\$top/tests/vm/watch-test.sh\" $watch_release" ;;
esac
# The debug kernels' boots take longest: they come first.
for release in $(printf '%s\n' $releases | grep -- '-debug$') $(printf '%s\n' $releases | grep -v -- '-debug$'); do
	name="\$(release_of $release)"
	line=$(line_of "$release")
	measure "$line" sparse
	add_step "$name sparse" "${prepared[$release]}" "$took" "\"\$top/tests/style.sh\" --sparse $name"
	# An empty -k (DKMS built nothing) makes run.sh fail, not fall back.
	case " $(echo $dkms_releases) " in
	*" $release "*)
		measure "$line" dkms-smoke
		add_step "$release dkms-smoke" "wait:$dkms_step" "$took" \
			"\"\$top/tests/vm/run.sh\" -t $limit -s $silent -D -n dkms -k \"\$(ls \"\$top/build/dkms/built/$release\"/hotplug_lab.ko* 2> /dev/null)\" $release dkms-smoke" ;;
	esac
	while IFS='|' read -r boot args scripts rig; do
		measure "$line" "$boot"
		add_step "$name $boot" "${prepared[$release]}" "$took" \
			"\"\$top/tests/vm/run.sh\" -t $limit -s $silent -n $boot -a $(printf %q "$args") $rig $name $scripts"
	done < <(boots)
	# make bench once, 1G, no timing asserted: every contender's steps
	# work. Debian's kernels: the project's debug kernels have no dax.
	case $release in
	*-debug) ;;
	*)
		measure "$line" bench-smoke
		add_step "$name bench smoke" "${prepared[$release]}" "$took" \
			"\"\$top/tests/bench/run.sh\" -S -t $limit -Q $silent $name" ;;
	esac
done

echo "## the suite itself" | tee -a "$log"
{
	missing=$(coverage)
	[ "$missing" = none ]
	echo "$([ $? = 0 ] || echo 'not ')ok - every guest script and demo runs in a boot (missing: $missing)"
	[ -z "$unmeasured" ]
	echo "$([ $? = 0 ] || echo 'not ')ok - every step's time is measured in tests/step-seconds (missing:${unmeasured:- none})"
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
	echo "# the deadline: $(date -d "@$deadline" '+%H:%M:%S'), $deadline_after s after make check started"
} | tee -a "$log"

run_steps
summary "$suite_start"
