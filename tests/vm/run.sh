#!/bin/sh
# Boot one Debian kernel under QEMU (TCG) with a reserved range, run guest
# scripts in it and report their TAP lines.
#
# usage: tests/vm/run.sh [-a "kernel args"] [-c CPU] [-e "qemu args"] [-k module.ko] [-D] [-m RAM] [-M MAXMEM] [-n name] [-q] [-r SIZE@START] [-s SECONDS] [-t SECONDS] RELEASE SCRIPT...
#
# -r sets the reserved range the guest boots with (memmap=SIZE$START,
# default 1G@0x40000000); the guest scripts read it back from the kernel
# command line.
# -m sets the guest's RAM (default 2G). It is not reserved on the host, so
# a guest may have more than the host has, as long as it touches less: a
# 68G guest boots here and touches about a gigabyte.
# -c sets QEMU's CPU model (default max,-la57). Without the hypervisor
# bit (max,-la57,-hypervisor) an x86 kernel sizes memory blocks as on bare
# metal: 2G once boot memory reaches 64G.
# -k names the module to test (default: build/RELEASE/hotplug_lab.ko); the
# guest finds it in /modules/. With -D it is placed where DKMS installs it,
# /lib/modules/RELEASE/updates/dkms/, for modprobe.
# -M gives the guest MAXMEM of address space for hot-plugged memory
# (-m RAM,slots=4,maxmem=MAXMEM): pc-dimm and virtio-mem devices. -e adds
# QEMU arguments (devices). -q is for make bench: QEMU opens a QMP socket
# and a second serial port (the guest's /dev/ttyS1), tests/bench/agent.py
# answers the guest's requests there, and the kernel modules of the other
# hotplug mechanisms (virtio-mem, dax/kmem) are in the guest's /modules.
# SCRIPT names files in tests/guest/ (without .sh), or demo:NAME for
# demos/NAME.sh. Prints the guest's TAP lines, then its own, then the plan
# of the whole run. The run fails (exit 1) when the guest does not reach
# its end marker (an Oops panics the guest: oops=panic), when it ran
# fewer or more checks than its scripts planned, or when the kernel
# reported a problem, in the console copy or in the dmesg the guest
# prints at the end (see bad_kernel_lines). Set HPLAB_KVM=1 to use KVM
# instead of TCG.
# A guest is stopped when its console stays silent for -s seconds
# (default 240, far above the longest silence of a healthy boot,
# tests/step-seconds; 0: not watched), when it runs past -t seconds
# (default 1800; check.sh gives each boot three times its measured time),
# or at HPLAB_DEADLINE (seconds since the epoch: check.sh's deadline); a
# silent or overrunning one is first made to print its blocked tasks and
# where its CPUs are (where_is_it). One that hung before its first
# script started (before init's @@TAP-BEGIN) is booted once more, and a
# "# RETRIED" result says so.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
append_extra=""
module=""
module_given=0
name=main
dkms_layout=0
region=1G@0x40000000
ram=2G
maxmem=""
qemu_extra=""
control=0
cpu=max,-la57
silence=240
limit=1800
deadline=${HPLAB_DEADLINE:-0}
usage="usage: $0 [-a args] [-c cpu] [-e qemu-args] [-k module.ko] [-D] [-m ram] [-M maxmem] [-n name] [-q] [-r SIZE@START] [-s seconds] [-t seconds] RELEASE SCRIPT..."
while getopts a:c:e:k:Dm:M:n:qr:s:t: opt; do
	case $opt in
	a) append_extra=$OPTARG ;;
	c) cpu=$OPTARG ;;
	e) qemu_extra=$OPTARG ;;
	m) ram=$OPTARG ;;
	M) maxmem=$OPTARG ;;
	q) control=1 ;;
	k) module=$OPTARG module_given=1 ;;
	D) dkms_layout=1 ;;
	n) name=$OPTARG ;;
	r) region=$OPTARG ;;
	s) silence=$OPTARG ;;
	t) limit=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
for seconds in "$silence" "$limit" "$deadline"; do
	case $seconds in
	'' | *[!0-9]*) echo "run.sh: -s, -t and HPLAB_DEADLINE are whole seconds" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
release=$1
shift
scripts=" $* "

# A Debian kernel, or one tests/build-kernel.sh built.
paths=$("$top/tests/kernel-paths.sh" "$release")
kernel=$(echo "$paths" | cut -d' ' -f2)
kernel_modules=$(echo "$paths" | cut -d' ' -f3)
[ -r "$kernel" ] || { echo "no kernel image $kernel" >&2; exit 2; }
[ "$module_given" = 1 ] || module=$top/build/$release/hotplug_lab.ko
[ -r "$module" ] || { echo "no module $module: run make modules" >&2; exit 2; }

work=$top/build/vm/$release-$name
rm -rf "$work"
root=$work/root
mkdir -p "$root/bin" "$root/tests" "$root/modules" "$root/proc" "$root/sys" \
	"$root/dev" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
cp "$top/tests/vm/init" "$root/init"
# Kernel modules may come xz-compressed (Debian 6.12, and DKMS for it).
copy_module() {
	case $1 in
	*.xz) xz -dc "$1" > "$2" ;;
	*) cp "$1" "$2" ;;
	esac
}
if [ "$dkms_layout" = 1 ]; then
	mkdir -p "$root/lib/modules/$release/updates/dkms"
	copy_module "$module" "$root/lib/modules/$release/updates/dkms/hotplug_lab.ko"
else
	copy_module "$module" "$root/modules/hotplug_lab.ko"
fi
# Kernel modules the scenarios load, each with a NAME.deps list of the
# modules it needs first (load_kernel_module in tests/guest/lib.sh).
copy_kernel_module() {
	src=$(find "$kernel_modules/kernel" -name "$1.ko*" | head -n 1)
	[ -n "$src" ] || return 0
	copy_module "$src" "$root/modules/$1.ko"
	deps=$(modinfo -F depends "$src" | tr ',' ' ')
	echo "$deps" > "$root/modules/$1.deps"
	for dep in $deps; do
		copy_kernel_module "$dep"
	done
}
for ko in notifier-error-inject memory-notifier-error-inject ramoops; do
	copy_kernel_module $ko
done
if [ "$control" = 1 ]; then
	for ko in virtio_pci virtio_mem dax_hmem device_dax kmem; do
		copy_kernel_module $ko
	done
fi
# One write(2) with its errno, a pinned page, the mixed load, the
# fuzzer and the benchmark's clock (tests/vm/onewrite.c, pinpages.c,
# stress.c, fuzz.c, hpbench.c).
# Built once for all boots (build/vm/bin), again when a source changes;
# a boot beside that builds it too renames its own copy over it.
mkdir -p "$top/build/vm/bin"
for helper in onewrite pinpages stress fuzz hpbench; do
	built=$top/build/vm/bin/$helper
	if [ ! "$built" -nt "$top/tests/vm/$helper.c" ] || [ "$top/tests/vm/random.h" -nt "$built" ]; then
		gcc -static -O2 -Wall -Werror -o "$built.$$" "$top/tests/vm/$helper.c"
		mv "$built.$$" "$built"
	fi
	cp "$built" "$root/bin/$helper"
done
# The CLI, and util-linux's lsmem to compare it with, with the shared
# libraries they need (Debian has no static libsmartcols); $HPLAB names
# another build of the CLI, as for tests/cli/run.sh.
for program in "${HPLAB:-$top/userspace-cli/hplab}" /usr/bin/lsmem; do
	[ -x "$program" ] || continue
	cp "$program" "$root/bin/"
	for lib in $(ldd "$program" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
cp "$top"/tests/guest/*.sh "$root/tests/"
cp -r "$top/demos" "$root/demos"
: > "$root/tests/list"
for script in "$@"; do
	case $script in
	demo:*) file=$top/demos/${script#demo:}.sh ;;
	*) file=$top/tests/guest/$script.sh ;;
	esac
	[ -r "$file" ] || { echo "no guest script $file" >&2; exit 2; }
	echo "$script" >> "$root/tests/list"
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$work/initramfs.gz"

# Single-threaded TCG: with one host thread per vCPU, the kernel's int3
# text patching at boot races and oopses now and then (seen on 6.12).
# No 5-level paging: while identify_boot_cpu() has cleared the boot CPU's
# feature bits and before alternatives are patched, pgtable_l5_enabled()
# reads false, so an interrupt in that window makes 6.1's KASAN take the
# LA57 direct map (0xff11...) for a wild address ("BUG: KASAN:
# wild-memory-access in do_raw_spin_lock" from handle_edge_irq, seen once
# in about 20 boots of the debug kernel on a loaded host).
accel="-accel tcg,thread=single -cpu $cpu"
# Under KVM the host's CPU, with -c's feature flags (-hypervisor).
case $cpu in *,*) cpu_flags=,${cpu#*,} ;; *) cpu_flags="" ;; esac
[ "${HPLAB_KVM:-0}" = 1 ] && accel="-accel kvm -cpu host$cpu_flags"
append="console=ttyS0 panic=-1 oops=panic unknown_nmi_panic sysrq_always_enabled loglevel=5 memmap=${region%@*}\$${region#*@} memory_hotplug.memmap_on_memory=1 $append_extra"
console=$work/console.log
memory=$ram
[ -n "$maxmem" ] && memory=$ram,slots=4,maxmem=$maxmem
control_args=""
[ "$control" = 1 ] && control_args="-qmp unix:$work/qmp.sock,server=on,wait=off
	-chardev socket,id=control,path=$work/control.sock,server=on,wait=off
	-device isa-serial,chardev=control"
# shellcheck disable=SC2086 # the extra arguments are words
set -- qemu-system-x86_64 $accel -smp 2 -m "$memory" \
	-machine pc,memory-backend=ram -object memory-backend-ram,id=ram,size="$ram",reserve=off \
	-nodefaults -display none \
	-no-reboot -serial "file:$console" -qmp "unix:$work/watch.sock,server=on,wait=off" -kernel "$kernel" \
	-initrd "$work/initramfs.gz" -append "$append" $control_args $qemu_extra
echo "# $*"
set +e
# The host's load and free memory every 10 s of the boot: a stall the
# guest reports may be the host's (TCG runs on one host thread).
(
	while :; do
		echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg) $(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo)"
		sleep 10
	done
) > "$work/host.log" 2>&1 &
host_sampler=$!
qemu=""
agent=""
# Stopped from outside (check.sh's deadline, Ctrl-C): QEMU and the agent
# go too.
trap 'kill $host_sampler $qemu $agent 2> /dev/null; exit 1' INT TERM

# boot: run the guest once, its console watched every 2 s. A guest that
# prints nothing for $silence s has hung, one that runs past $limit s or
# past the suite's deadline (HPLAB_DEADLINE, seconds since the epoch) is
# stopped. Sets status (QEMU's exit status), hang (why the guest was
# stopped, or empty), provoked (the size of the console when it was: what
# follows is what where_is_it made it print) and longest (its longest
# silence, s, and the console line before it, in longest_after).
boot() {
	: > "$console"
	rm -f "$work/qmp.sock" "$work/control.sock" "$work/watch.sock"
	"$@" &
	qemu=$!
	if [ "$control" = 1 ]; then
		python3 "$top/tests/bench/agent.py" "$work/qmp.sock" "$work/control.sock" 2> "$work/agent.log" &
		agent=$!
	fi
	started=$(date +%s)
	size=0
	changed=$started
	longest=0
	longest_offset=0
	hang=""
	while kill -0 "$qemu" 2> /dev/null; do
		sleep 2
		now=$(date +%s)
		new_size=$(stat -c %s "$console")
		if [ "$new_size" != "$size" ]; then
			[ $((now - changed)) -gt "$longest" ] && longest=$((now - changed)) longest_offset=$size
			size=$new_size
			changed=$now
		fi
		if [ "$deadline" != 0 ] && [ "$now" -ge "$deadline" ]; then
			hang="reached the suite's deadline"
		elif [ "$silence" != 0 ] && [ $((now - changed)) -ge "$silence" ]; then
			hang="printed nothing for $((now - changed)) s"
		elif [ $((now - started)) -ge "$limit" ]; then
			hang="ran past its limit of $limit s"
		fi
		[ -z "$hang" ] || break
	done
	provoked=$(stat -c %s "$console")
	[ $((now - changed)) -gt "$longest" ] && longest=$((now - changed)) longest_offset=$size
	# a hung guest is asked where it is, unless the deadline is too near
	case $hang in
	printed* | ran*) [ "$deadline" != 0 ] && [ $((deadline - now)) -lt 40 ] || where_is_it ;;
	esac
	stop_qemu
	wait "$qemu"
	status=$?
	longest_after=$(head -c "$longest_offset" "$console" | tr -d '\r' | tail -n 1)
	if [ -n "$agent" ]; then
		wait "$agent" || echo "# the bench agent failed: $(tail -n 3 "$work/agent.log")"
		agent=""
	fi
	qemu=""
}

# stop_qemu: TERM, and KILL 10 s later (a QEMU whose main loop is stuck)
stop_qemu() {
	kill "$qemu" 2> /dev/null || return 0
	for _ in $(seq 10); do
		sleep 1
		kill -0 "$qemu" 2> /dev/null || return 0
	done
	kill -KILL "$qemu" 2> /dev/null
}

# qmp COMMAND-JSON...: send QMP commands to the guest's QEMU
qmp() {
	python3 -c '
import socket, sys
qmp = socket.socket(socket.AF_UNIX)
qmp.settimeout(5)
qmp.connect(sys.argv[1])
f = qmp.makefile("rw")
f.readline()
for command in ["{\"execute\": \"qmp_capabilities\"}"] + sys.argv[2:]:
    f.write(command + "\n")
    f.flush()
    f.readline()
' "$work/watch.sock" "$@" 2> /dev/null
}
# sysrq KEY: Alt-SysRq-KEY on the guest's keyboard
sysrq() {
	echo "{\"execute\": \"send-key\", \"arguments\": {\"keys\": [{\"type\": \"qcode\", \"data\": \"alt\"}, {\"type\": \"qcode\", \"data\": \"sysrq\"}, {\"type\": \"qcode\", \"data\": \"$1\"}]}}"
}

# where_is_it: make the hung guest say where it is: SysRq 9 (every
# message on the console) and w (the blocked tasks, with their stacks:
# a script waiting forever), then an NMI to every CPU (QMP inject-nmi):
# with unknown_nmi_panic the first to take it panics and prints its
# stack (the function a guest spinning in early boot is in), and the
# guest powers off (panic=-1). Waits 20 s for that.
where_is_it() {
	qmp "$(sysrq 9)" "$(sysrq w)" || return
	sleep 3
	qmp '{"execute": "inject-nmi"}' || return
	for _ in $(seq 20); do
		kill -0 "$qemu" 2> /dev/null || return
		sleep 1
	done
}

# unprovoked CONSOLE: the console up to where the guest was stopped
# (provoked), carriage returns gone
unprovoked() {
	head -c "$provoked" "$1" | tr -d '\r'
}
# hang_report CONSOLE: a stopped guest's last line, what where_is_it made
# it print (or its last lines), and what the host had to give over the
# boot.
hang_report() {
	echo "# the guest $hang after: $(unprovoked "$1" | tail -n 1)"
	if [ "$(stat -c %s "$1")" -gt "$provoked" ]; then
		tail -c +"$((provoked + 1))" "$1" | tr -d '\r' | head -n 120 | sed 's/^/# | /'
	else
		unprovoked "$1" | tail -n 20 | sed 's/^/# | /'
	fi
	host_summary
}

# What the host had to give over the boot.
host_summary() {
	awk 'NR == 1 { t0 = $1; lo = $3 } $2 > load { load = $2 } $3 < lo { lo = $3 }
		END { printf "# host over the boot: %d s, 1-min load up to %s, MemAvailable down to %d MiB\n", $1 - t0, load, lo }' "$work/host.log"
}

boot "$@"
# A boot that hung before init started the scripts is booted once more,
# and says so: a flake is counted, not hidden. A hang after that is the
# scripts' or the module's, and fails.
retried=""
if [ -n "$hang" ] && [ "$hang" = "${hang#reached}" ] && ! grep -q '^@@TAP-BEGIN' "$console"; then
	hang_report "$console"
	retried="the first boot $hang before init started the scripts, after: $(unprovoked "$console" | tail -n 1)"
	# what its kernel reported before it hung is checked with the rest
	unprovoked "$console" > "$work/console-hung.txt"
	mv "$console" "$work/console-hung.log"
	boot "$@"
fi
kill $host_sampler
echo "# the guest's longest silence: $longest s, after: ${longest_after:-the start of the boot}"

# Kernel reports that fail a run: WARN, BUG, Oops, the checkers' reports
# (KASAN and lockdep print BUG: and WARNING:, SLUB "BUG <cache> (...)"),
# hung tasks, RCU stalls, kmemleak switching itself off (its reports are
# read below), and the module's own warning that it could not put a block
# back.
# Only kernel lines count (they carry a printk timestamp), so test
# descriptions cannot match.
bad_kernel_lines() {
	grep -E '^\[ *[0-9]+\.[0-9]+\] .*(WARNING:|BUG:|BUG [a-z0-9_:-]+ \(|Oops|Call Trace|Kernel panic|general protection fault|UBSAN:|INFO: task .* blocked for more than|rcu: INFO:|kmemleak: .*disabled|hotplug_lab: could not)' "$@"
}

# What the guest printed, but what where_is_it made a hung guest print
# (hang_report showed that, and the hang has failed the run already);
# the kernel's reports are read from the first boot's too, if it was
# retried.
if [ -n "$hang" ]; then unprovoked "$console"; else tr -d '\r' < "$console"; fi > "$work/console.txt"
cat ${retried:+"$work/console-hung.txt"} "$work/console.txt" > "$work/console-kernel.txt"
# What the guest printed between its markers: TAP lines, and the demos'
# narration; the guest's plan line is replaced by the plan of the run.
sed -n '/^@@TAP-BEGIN/,/^@@TAP-END/p' "$work/console.txt" | grep -v '^@@' > "$work/tap"
grep -v '^1\.\.' "$work/tap"
guest_ran=$(grep -cE '^(ok|not ok) ' "$work/tap")
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/tap")
ran=$guest_ran
failed=0
grep -q '^not ok' "$work/tap" && failed=1
result() {
	[ "$1" = 0 ] || failed=1
	if [ "$1" = 0 ]; then echo "ok - $release/$name: $2"; else echo "not ok - $release/$name: $2"; fi
	ran=$((ran + 1))
}
finished=0
grep -q '^@@DONE' "$work/console.txt" && finished=1
[ -n "$retried" ] && { echo "ok - $release/$name: booted again # RETRIED $retried"; ran=$((ran + 1)); }
[ "$finished" = 1 ]
result $? "the guest ran to its end marker (${hang:+the guest $hang, }qemu status $status)"
if [ -n "$hang" ]; then
	hang_report "$console"
elif [ "$finished" = 0 ]; then
	tail -n 40 "$work/console.txt" | sed 's/^/# /'
	host_summary
fi
[ "$guest_ran" = "${planned:-none}" ]
result $? "the guest ran the ${planned:-?} checks its scripts planned ($guest_ran ran)"
# A kernel with lockdep must end the boot with lockdep still on.
lockdep=$(sed -n 's/^@@LOCKDEP *//p' "$work/console.txt")
lockdep_off=$(sed -n 's/^@@LOCKDEP-OFF *//p' "$work/console.txt")
if [ -n "$lockdep_off" ]; then
	echo "ok - $release/$name: lockdep is still on at the end of the boot # SKIP $lockdep_off"
	ran=$((ran + 1))
elif [ -n "$lockdep" ]; then
	echo "$lockdep" | grep -qE '^debug_locks: +1$'
	result $? "lockdep is still on at the end of the boot ($lockdep)"
fi
# A debug kernel's kmemleak: every object the scripts left unreferenced
# (tests/vm/init clears what booting left).
if grep -q '^@@KMEMLEAK-BEGIN' "$work/console.txt"; then
	sed -n '/^@@KMEMLEAK-BEGIN/,/^@@KMEMLEAK-END/p' "$work/console.txt" | grep -v '^@@' > "$work/kmemleak"
	! grep -qE 'unreferenced object|scan failed' "$work/kmemleak"
	result $? "kmemleak found no object left unreferenced ($(grep -c 'unreferenced object' "$work/kmemleak") reported)"
	grep -q 'unreferenced object' "$work/kmemleak" && head -n 60 "$work/kmemleak" | sed 's/^/# /'
fi
# Two reports are the kernel's own answer to what fault-inject.sh
# injects, and are listed as expected in a boot that runs it (from the
# report's first line to the end of its stack, "</TASK>", 80 lines at
# most); no other is:
# add_pages() (arch/x86/mm/init_64.c) does WARN_ON_ONCE() when
# __add_pages() fails, which it does with -ENOMEM under injected failures
# (6.1 prints "WARNING: CPU: 1 PID: 1 at FILE:LINE add_pages+...", 7.3
# "WARNING: FILE:LINE at add_pages+..., CPU#1: ..."); and
# vmemmap_alloc_block() warns with a stack when a huge page for the
# memmap cannot be allocated, before it falls back to base pages.
known_reports='^\[ *[0-9]+\.[0-9]+\] (WARNING: (.* at )?arch/x86/mm/init_64\.c:[0-9]+ (at )?add_pages\+|.*: vmemmap alloc failure: order:)'
allocation_failures=0
case $scripts in *" fault-inject "*) allocation_failures=1 ;; esac
# A script that makes a remove fail so that it cannot put a block back
# says so (lib.sh's expect_restore_failures): between its two kernel log
# lines the module's "could not re-online" reports are expected too.
awk -v known="$known_reports" -v allocation_failures=$allocation_failures \
	-v list="$work/kernel-known" '
	/hotplug-lab expected restore failures begin/ { expected = 1 }
	/hotplug-lab expected restore failures end/ { expected = 0 }
	expected && /hotplug_lab: could not re-online memory/ { print > list; next }
	allocation_failures && $0 ~ known { skip = 80; print > list }
	!skip { print }
	skip && (/<\/TASK>/ || !--skip) { skip = 0 }' "$work/console-kernel.txt" > "$work/console-checked.txt"
[ -s "$work/kernel-known" ] && sed 's/^/# expected: /' "$work/kernel-known" | awk '!seen[$0]++'
bad_kernel_lines "$work/console-checked.txt" | awk '!seen[$0]++' > "$work/kernel-bad"
[ ! -s "$work/kernel-bad" ]
result $? "the kernel reported no WARNING, BUG, Oops or restore failure (console and dmesg)"
sed 's/^/# /' "$work/kernel-bad"
# The first report whole, the check the guest had reached, and what the
# host had to give meanwhile, so that one failure in CI can be read.
if [ -s "$work/kernel-bad" ]; then
	first=$(head -n 1 "$work/kernel-bad")
	awk -v first="$first" '$0 == first { at = NR } at && NR < at + 40' "$work/console-checked.txt" | sed 's/^/# | /'
	awk -v first="$first" '$0 == first { print "# the last check before it: " (last ? last : "none"); exit }
		/^(ok|not ok) / { last = $0 }' "$work/console-checked.txt"
	host_summary
fi
echo "1..$ran"
exit $failed
