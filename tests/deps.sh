#!/bin/sh
# Install what hotplug-lab needs from Debian's packages, skipping what is
# there already: Debian 12's kernels with headers (6.1, 6.12, 6.12-rt),
# QEMU, the initramfs tools, codespell, libsmartcols for the CLI, dkms,
# the 6.1 kernel source (checkpatch.pl, and the 6.1 debug kernel), what
# building a kernel needs; then the Debian 13 build root
# (tests/build-root.sh) with Debian 13's kernels (7.3) and the source of
# the newer kernels the project builds (7.3-debug), and sparse built from
# Debian's newest source (tests/build-sparse.sh).
set -eu

packages="make gcc libc6-dev qemu-system-x86 busybox-static cpio kmod xz-utils util-linux
gzip perl openssl codespell pkg-config libsmartcols-dev dkms man-db linux-source-6.1 linux-image-amd64 linux-headers-amd64
flex bison bc libelf-dev libssl-dev patch debootstrap python3 gnuplot-nox"

missing=""
for p in $packages; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

# What the build root holds: the kernels of tests/kernels.sh --trixie, and
# the source of every line the project builds that Debian 12 has no
# source package of. Asked once the packages above are in
# (linux-source-6.1 is one of them).
top=$(cd "$(dirname "$0")/.." && pwd)
root_wants() {
	for line in $("$top/tests/kernels.sh" --trixie); do
		echo "--kernel $line"
	done
	for line in $("$top/tests/kernels.sh" --to-build); do
		version=${line%%-*}
		[ -r "/usr/src/linux-source-$version.tar.xz" ] ||
			[ -r "$top/build/debian/trixie/usr/src/linux-source-$version.tar.xz" ] ||
			echo "linux-source-$version"
	done | sort -u
}

# Every Debian kernel line needs its image and its headers: tests/kernels.sh
# says whether each has both (the project's own builds come later, from
# make kernels).
if [ -z "$missing" ] && [ -z "$(root_wants | grep -v -- --kernel)" ] &&
	[ -x "$top/build/sparse/sparse" ] && "$top/tests/kernels.sh" --debian > /dev/null 2>&1; then
	echo "deps: everything is installed"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Debian 12's 6.12 kernels live in bookworm-security under names that
# change with every update: prefer the meta-packages, else the newest.
kernels=""
for flavour in amd64 rt-amd64; do
	if apt-cache show "linux-image-6.12-$flavour" > /dev/null 2>&1; then
		kernels="$kernels linux-image-6.12-$flavour linux-headers-6.12-$flavour"
		continue
	fi
	release=$(apt-cache search --names-only "^linux-image-6\\.12\\.[0-9]+\\+deb12-$flavour\$" |
		cut -d' ' -f1 | sed 's/^linux-image-//' | sort -V | tail -n 1)
	[ -n "$release" ] || { echo "deps: no 6.12 $flavour kernel package found" >&2; exit 1; }
	kernels="$kernels linux-image-$release linux-headers-$release"
done
echo "deps: installing$missing$kernels"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing $kernels
echo "deps: the Debian 13 build root:" $(root_wants)
# shellcheck disable=SC2046
"$top/tests/build-root.sh" $(root_wants)
"$top/tests/build-sparse.sh"
"$top/tests/kernels.sh" --debian > /dev/null
