#!/bin/sh
# Install what hotplug-lab needs from Debian's packages, skipping what is
# there already: both Debian 12 kernels with headers, QEMU, the initramfs
# tools, sparse and codespell, libsmartcols for the CLI, dkms, the 6.1
# kernel source (checkpatch.pl, and the debug kernel) and what building a
# kernel needs.
set -eu

packages="make gcc libc6-dev qemu-system-x86 busybox-static cpio kmod xz-utils util-linux
gzip perl openssl sparse codespell pkg-config libsmartcols-dev dkms man-db linux-source-6.1 linux-image-amd64 linux-headers-amd64
flex bison bc libelf-dev libssl-dev"

missing=""
for p in $packages; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

# Every Debian kernel line needs its image and its headers: tests/kernels.sh
# says whether each has both (the project's own builds come later, from
# make kernels).
if [ -z "$missing" ] && "$(dirname "$0")/kernels.sh" --debian > /dev/null 2>&1; then
	echo "deps: everything is installed"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Debian 12's 6.12 kernel lives in bookworm-security under a name that
# changes with every update: prefer the meta-package, else the newest.
if apt-cache show linux-image-6.12-amd64 > /dev/null 2>&1; then
	k612="linux-image-6.12-amd64 linux-headers-6.12-amd64"
else
	release=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		cut -d' ' -f1 | sed 's/^linux-image-//' | sort -V | tail -n 1)
	[ -n "$release" ] || { echo "deps: no 6.12 kernel package found" >&2; exit 1; }
	k612="linux-image-$release linux-headers-$release"
fi
echo "deps: installing$missing $k612"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing $k612
"$(dirname "$0")/kernels.sh" --debian > /dev/null
