#!/bin/sh
# kernel-paths.sh RELEASE: where a kernel's files are, as one line
# "BUILD-TREE IMAGE MODULES-DIR ROOT": for a kernel tests/build-kernel.sh
# built, in build/kernels/LINE/; for a Debian 13 kernel, in the build root
# build/debian/trixie/ (tests/build-root.sh), which is then ROOT, the
# system its modules are built in (tests/kernel-make.sh); for a Debian 12
# kernel, in /lib/modules and /boot. ROOT is / but for the build root.
top=$(cd "$(dirname "$0")/.." && pwd)
for release_file in "$top"/build/kernels/*/release; do
	[ "$(cat "$release_file" 2> /dev/null)" = "$1" ] || continue
	dir=${release_file%/release}
	echo "$dir/obj $dir/vmlinuz $dir/lib/modules/$1 /"
	exit 0
done
root=$top/build/debian/trixie
modules=$root/usr/lib/modules/$1
if [ -r "$modules/vmlinuz" ]; then
	echo "$modules/build $modules/vmlinuz $modules $root"
	exit 0
fi
echo "/lib/modules/$1/build /boot/vmlinuz-$1 /lib/modules/$1 /"
