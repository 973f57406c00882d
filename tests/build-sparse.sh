#!/bin/sh
# build-sparse.sh: sparse from Debian's newest source package (sid's, in
# the apt of the Debian 13 build root, which tests/build-root.sh sets up
# and updates), built for this machine into build/sparse/sparse. Linux
# 6.12 and later ask sparse for __typeof_unqual__
# (scripts/checker-valid.sh), which Debian 12's sparse 0.6.4 does not
# know, and Kbuild then builds without it. Kept while the source version
# is the same.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
root=$top/build/debian/trixie
out=$top/build/sparse
version=$(chroot "$root" apt-cache showsrc sparse | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$version" ] || { echo "build-sparse.sh: no sparse source package" >&2; exit 1; }
[ "$(cat "$out/version" 2> /dev/null)" = "$version" ] && [ -x "$out/sparse" ] && exit 0
rm -rf "$out" "$root/tmp/sparse-source"
mkdir -p "$out" "$root/tmp/sparse-source"
chroot "$root" sh -c "cd /tmp/sparse-source && apt-get source --download-only -qq sparse=$version" 2> /dev/null
tar -xf "$root"/tmp/sparse-source/sparse_*.orig.tar.* -C "$out" --strip-components=1
rm -rf "$root/tmp/sparse-source"
make -s -C "$out" sparse > "$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; exit 1; }
echo "$version" > "$out/version"
