#!/bin/sh
# The kernels hotplug-lab is tested on. Prints one release per line; exits
# 1, naming each missing kernel on stderr, so a missing kernel fails the
# suite instead of shrinking it.
#
# - Debian's, one per line below: the newest installed release that has
#   its headers (make deps installs them).
# - The project's own builds (tests/build-kernel.sh, make kernels), in
#   build/kernels/LINE/.
#
# kernels.sh --to-build prints the lines the project builds; --debian
# lists and checks Debian's kernels only.
DEBIAN_LINES="6.1 6.12"
BUILT_LINES="6.1-debug"
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = --to-build ]; then
	echo $BUILT_LINES
	exit 0
fi

status=0
for line in $DEBIAN_LINES; do
	release=$(for image in /boot/vmlinuz-"$line".*-amd64; do
		release=${image#/boot/vmlinuz-}
		case $release in
		*-rt-amd64|*-cloud-amd64) continue ;;
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
