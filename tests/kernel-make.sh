#!/bin/sh
# kernel-make.sh RELEASE MAKE-ARGUMENT...: make in the build tree of
# kernel RELEASE (tests/kernel-paths.sh), as external modules are built:
# make -C TREE MAKE-ARGUMENT...
#
# A kernel of the Debian 13 build root (tests/build-root.sh) wants that
# root's gcc-14: make runs chrooted into it, in a private mount namespace
# with /proc and this source tree mounted at the same path as outside, so
# that M= and every other path mean the same in and out. The mounts go
# away with make. The tree is mounted at its real path too: make's CURDIR,
# which M= often comes from, has no symlinks in it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
paths=$("$top/tests/kernel-paths.sh" "$1")
shift
tree=$(echo "$paths" | cut -d' ' -f1)
root=$(echo "$paths" | cut -d' ' -f4)
[ "$root" = / ] && exec make -C "$tree" "$@"
real=$(cd "$top" && pwd -P)
mkdir -p "$root$top" "$root$real"
# shellcheck disable=SC2016
exec unshare --mount sh -c 'root=$1 top=$2 real=$3 tree=$4
	shift 4
	mount -t proc proc "$root/proc" && mount --bind "$top" "$root$top" &&
		mount --bind "$real" "$root$real" &&
		exec chroot "$root" make -C "$tree" "$@"' \
	sh "$root" "$top" "$real" "${tree#"$root"}" "$@"
