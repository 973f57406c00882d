#!/bin/sh
# Boot one Debian kernel under QEMU (TCG) with a reserved range, run guest
# scripts in it and report their TAP lines.
#
# usage: tests/vm/run.sh [-a "kernel args"] [-k module.ko] [-D] [-n name] RELEASE SCRIPT...
#
# -k names the module to test (default: build/RELEASE/hotplug_lab.ko); the
# guest finds it in /modules/. With -D it is placed where DKMS installs it,
# /lib/modules/RELEASE/updates/dkms/, for modprobe.
# SCRIPT names files in tests/guest/ (without .sh), or demo:NAME for
# demos/NAME.sh. The run fails when the
# guest does not reach its end marker, or when its dmesg has a WARNING,
# BUG, Oops or Call Trace. Set HPLAB_KVM=1 to use KVM instead of TCG.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
append_extra=""
module=""
name=main
dkms_layout=0
while getopts a:k:Dn: opt; do
	case $opt in
	a) append_extra=$OPTARG ;;
	k) module=$OPTARG ;;
	D) dkms_layout=1 ;;
	n) name=$OPTARG ;;
	*) echo "usage: $0 [-a args] [-k module.ko] [-D] [-n name] RELEASE SCRIPT..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "usage: $0 [-a args] [-k module.ko] [-D] [-n name] RELEASE SCRIPT..." >&2; exit 2; }
release=$1
shift

kernel=/boot/vmlinuz-$release
[ -r "$kernel" ] || { echo "no kernel image $kernel" >&2; exit 2; }
[ -n "$module" ] || module=$top/build/$release/hotplug_lab.ko
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
for ko in notifier-error-inject memory-notifier-error-inject; do
	src=$(find "/lib/modules/$release/kernel/lib" -name "$ko.ko*" | head -n 1)
	[ -z "$src" ] || copy_module "$src" "$root/modules/$ko.ko"
done
# The CLI, and util-linux's lsmem to compare it with, with the shared
# libraries they need (Debian has no static libsmartcols).
for program in "$top/userspace-cli/hplab" /usr/bin/lsmem; do
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
accel="-accel tcg,thread=single -cpu max"
[ "${HPLAB_KVM:-0}" = 1 ] && accel="-accel kvm -cpu host"
append="console=ttyS0 panic=-1 loglevel=5 memmap=1G\$0x40000000 memory_hotplug.memmap_on_memory=1 $append_extra"
console=$work/console.log
set -- qemu-system-x86_64 $accel -smp 2 -m 2G -nodefaults -display none \
	-no-reboot -serial "file:$console" -kernel "$kernel" \
	-initrd "$work/initramfs.gz" -append "$append"
echo "# $*"
status=0
timeout "${HPLAB_VM_TIMEOUT:-900}" "$@" || status=$?

sed -n '/^@@TAP-BEGIN/,/^@@TAP-END/p' "$console" | tr -d '\r' | grep -v '^@@' || true
if ! grep -q '^@@DONE' "$console"; then
	echo "not ok - $release/$name: the guest did not finish (qemu status $status); console: $console"
	tail -n 30 "$console" | sed 's/^/# /'
	exit 1
fi
if sed -n '/^@@DMESG-BEGIN/,/^@@DMESG-END/p' "$console" |
	grep -E 'WARNING:|BUG:|Oops|Call Trace' > "$work/dmesg-bad"; then
	echo "not ok - $release/$name: guest dmesg is clean"
	sed 's/^/# /' "$work/dmesg-bad"
	exit 1
fi
echo "ok - $release/$name: guest dmesg is clean"
