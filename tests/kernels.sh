#!/bin/sh
# The kernels hotplug-lab is tested on. Prints one release per line; exits
# 1, naming each missing kernel on stderr, so a missing kernel fails the
# suite instead of shrinking it.
#
# - Debian's, one per line below: the newest installed release that has
#   its headers (make deps installs them). A line is VERSION or
#   VERSION-FLAVOUR: 6.12 is linux-image-6.12.*-amd64, 6.12-rt is
#   linux-image-6.12.*-rt-amd64 (PREEMPT_RT).
# - The project's own builds (tests/build-kernel.sh, make kernels), in
#   build/kernels/LINE/: the debug kernel, and 7.3, newer than any
#   kernel Debian 12 has and built from Debian's linux-source-7.3.
#
# kernels.sh --to-build prints the lines the project builds; --debian
# lists and checks Debian's kernels only.
DEBIAN_LINES="6.1 6.12 6.12-rt"
BUILT_LINES="6.1-debug 7.3"
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = --to-build ]; then
	echo $BUILT_LINES
	exit 0
fi

status=0
for line in $DEBIAN_LINES; do
	version=${line%%-*}
	flavour=${line#"$version"}
	release=$(for image in /boot/vmlinuz-"$version".*"$flavour"-amd64; do
		release=${image#/boot/vmlinuz-}
		# 6.12 is the generic flavour: not 6.12-rt's nor 6.12-cloud's
		case $flavour:$release in
		:*-rt-amd64 | :*-cloud-amd64) continue ;;
		esac
		[ -r "$image" ] && [ -d "/lib/modules/$release/build" ] && echo "$release"
	done | sort -V | tail -n 1)
	if [ -n "$release" ]; then
		echo "$release"
	else
		echo "kernels.sh: no Debian $line kernel with headers is installed (make deps installs it)" >&2
		status=1
	fi
done
[ "${1:-}" = --debian ] && BUILT_LINES=""
for line in $BUILT_LINES; do
	if [ -r "$top/build/kernels/$line/vmlinuz" ] && [ -r "$top/build/kernels/$line/release" ]; then
		cat "$top/build/kernels/$line/release"
	else
		echo "kernels.sh: the $line kernel is not built (make kernels builds it)" >&2
		status=1
	fi
done
exit $status
