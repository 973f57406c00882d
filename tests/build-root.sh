#!/bin/sh
# build-root.sh [--kernel LINE]... [PACKAGE]...: Debian 13 (trixie, with
# trixie-backports) in build/debian/trixie/, with each PACKAGE installed
# in it, and for each --kernel LINE the newest Debian 13 kernel of that
# line (7.3: linux-binary-, linux-modules- and linux-headers-
# 7.3.N+deb13-amd64). Debian 13's kernels are built with gcc-14, which
# Debian 12 lacks, and their headers build modules with it alone, so
# modules for them are built in this root (tests/kernel-make.sh) and the
# kernels boot from it (tests/kernel-paths.sh). Newer kernel sources
# (linux-source-7.3) come from here too.
#
# The machine's apt sources and dpkg database are left alone: debootstrap
# makes the root from the archive the machine's apt sources name (the
# first "URIs:" of /etc/apt/sources.list.d/debian.sources, or the first
# "deb" line of /etc/apt/sources.list), and apt runs inside it. Versions
# are whatever the archive has when this runs; what is installed stays.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
root=$top/build/debian/trixie

uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2> /dev/null | head -n 1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list 2> /dev/null | head -n 1)
# debootstrap takes a plain URI, not apt's mirror+file: lists.
case $uri in
http://* | https://* | ftp://* | file:/*) ;;
*) uri=http://deb.debian.org/debian ;;
esac

in_root() {
	chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# A root whose debootstrap did not finish is made anew (not crossing into
# a file system a killed run may have left mounted in it).
if [ ! -e "$root/.complete" ]; then
	[ ! -d "$root" ] || rm -rf --one-file-system "$root"
	mkdir -p "$root"
	debootstrap --variant=minbase --include=make,gcc-14 trixie "$root" "$uri" > "$root.log" 2>&1 ||
		{ tail -n 20 "$root.log" >&2; echo "build-root.sh: debootstrap failed (log: $root.log)" >&2; exit 1; }
	echo "deb $uri trixie-backports main" > "$root/etc/apt/sources.list.d/trixie-backports.list"
	touch "$root/.complete"
fi
# Sources too, for tests/build-sparse.sh: sid's, whose Release file in
# this archive may be past its Valid-Until date, so the date check is off
# for that one list (the signature is checked).
echo "deb-src [check-valid-until=no] $uri sid main" > "$root/etc/apt/sources.list.d/sid-source.list"
in_root apt-get update -qq

packages=""
while [ $# -gt 0 ]; do
	case $1 in
	--kernel)
		line=$2
		shift 2
		release=$(in_root apt-cache search --names-only "^linux-headers-$line\\.[0-9]+\\+deb13-amd64\$" |
			cut -d' ' -f1 | sed 's/^linux-headers-//' | sort -V | tail -n 1)
		[ -n "$release" ] || { echo "build-root.sh: Debian 13 has no $line kernel" >&2; exit 1; }
		packages="$packages linux-binary-$release linux-modules-$release linux-headers-$release"
		;;
	*)
		packages="$packages $1"
		shift
		;;
	esac
done
# shellcheck disable=SC2086
[ -z "$packages" ] || in_root apt-get install -y -qq --no-install-recommends $packages > "$root.install.log" 2>&1 ||
	{ tail -n 20 "$root.install.log" >&2; echo "build-root.sh: could not install$packages" >&2; exit 1; }
