#!/bin/sh
# kernel-paths.sh RELEASE: where a kernel's files are, as one line
# "BUILD-TREE IMAGE MODULES-DIR": for a kernel tests/build-kernel.sh built,
# in build/kernels/LINE/; for a Debian kernel, /lib/modules and /boot.
top=$(cd "$(dirname "$0")/.." && pwd)
for release_file in "$top"/build/kernels/*/release; do
	[ "$(cat "$release_file" 2> /dev/null)" = "$1" ] || continue
	dir=${release_file%/release}
	echo "$dir/obj $dir/vmlinuz $dir/lib/modules/$1"
	exit 0
done
echo "/lib/modules/$1/build /boot/vmlinuz-$1 /lib/modules/$1"
