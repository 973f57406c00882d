#!/bin/sh
# The kernels hotplug-lab is tested on: one Debian kernel per supported
# line, the newest installed release of each that has its headers.
# Prints one release per line; exits 1, naming each missing line on
# stderr, when a line has no such kernel (make deps installs them), so a
# missing kernel fails the suite instead of shrinking it.
#
# Lines: Debian 12's 6.1 (linux-image-amd64) and 6.12 (linux-image-6.12-amd64).
LINES="6.1 6.12"

status=0
for line in $LINES; do
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
exit $status
