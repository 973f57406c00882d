#!/bin/sh
# build-kernel.sh LINE: build a kernel for the test rig from Debian's
# kernel source package, cached in build/kernels/LINE/ and rebuilt only
# when the source, the config fragment or this script changes. Prints the
# kernel release.
#
# LINE is VERSION-FLAVOUR: 6.1-debug is /usr/src/linux-source-6.1.tar.xz
# (make deps installs it) configured as defconfig + kvm_guest.config +
# tests/debug.config. build/kernels/LINE/ then holds vmlinuz, the build
# tree for external modules (obj/), the modules (lib/modules/RELEASE/),
# release and key.
set -eu
# Called from make, this script would inherit its MAKEFLAGS: "-w" makes
# every make below print "Entering directory" lines into its output (the
# kernelrelease it writes), and command-line variables such as W=1 would
# leak into the kernel build.
unset MAKEFLAGS MFLAGS MAKELEVEL
top=$(cd "$(dirname "$0")/.." && pwd)
line=$1
version=${line%-*}
flavour=${line##*-}
tarball=/usr/src/linux-source-$version.tar.xz
fragment=$top/tests/$flavour.config
out=$top/build/kernels/$line
src=$top/build/kernels/src/linux-source-$version

[ -r "$tarball" ] || { echo "build-kernel.sh: no $tarball (make deps installs linux-source-$version)" >&2; exit 1; }
[ -r "$fragment" ] || { echo "build-kernel.sh: no config fragment $fragment" >&2; exit 1; }
key=$(cat "$tarball" "$fragment" "$0" | sha256sum | cut -c1-16)
if [ "$(cat "$out/key" 2> /dev/null)" = "$key" ]; then
	cat "$out/release"
	exit 0
fi

start=$(date +%s)
rm -rf "$out" "$src"
mkdir -p "$out/obj" "$src"
tar -xJf "$tarball" -C "$src" --strip-components=1
make -s -C "$src" O="$out/obj" defconfig kvm_guest.config > /dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out/obj" "$out/obj/.config" "$fragment" > "$out/merge.log"
make -s -C "$src" O="$out/obj" olddefconfig
# Every option of the fragment must have taken: a dependency that is not
# met silently drops it.
missing=$(grep '^CONFIG_' "$fragment" | sed 's/=n$/ is not set/; s/^\(CONFIG_[A-Z0-9_]*\) is not set$/# \1 is not set/' |
	while read -r want; do grep -qxF "$want" "$out/obj/.config" || echo "$want"; done)
[ -z "$missing" ] || { echo "build-kernel.sh: $line: not in .config: $missing" >&2; exit 1; }
make -s -C "$src" O="$out/obj" -j"$(nproc)" bzImage modules > "$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; exit 1; }
make -s -C "$src" O="$out/obj" modules_install INSTALL_MOD_PATH="$out" INSTALL_MOD_STRIP=1 DEPMOD=true > /dev/null
cp "$out/obj/arch/x86/boot/bzImage" "$out/vmlinuz"
make -s -C "$src" O="$out/obj" kernelrelease > "$out/release"
grep -qx '[0-9][0-9A-Za-z.+_-]*' "$out/release" ||
	{ echo "build-kernel.sh: $line: kernelrelease printed no single release:" >&2; cat "$out/release" >&2; exit 1; }
echo "$key" > "$out/key"
echo "build-kernel.sh: built $line ($(cat "$out/release")) in $(($(date +%s) - start)) s" >&2
cat "$out/release"
