#!/bin/sh
# Print the releases of the installed Debian kernels that have headers.
for image in /boot/vmlinuz-*; do
	release=${image#/boot/vmlinuz-}
	[ -d "/lib/modules/$release/build" ] && echo "$release"
done
exit 0
