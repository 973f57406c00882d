#!/bin/sh
# build-kernel.sh LINE: build a kernel for the test rig from Debian's
# kernel source package, cached in build/kernels/LINE/ and rebuilt only
# when the source, a config fragment or this script changes. Prints the
# kernel release.
#
# LINE is VERSION or VERSION-FLAVOUR. The source is Debian's
# linux-source-VERSION: /usr/src/linux-source-VERSION.tar.xz where the
# machine has the package (6.1: make deps installs it), else the same in
# the Debian 13 build root (newer lines: tests/build-root.sh). The
# configuration is allnoconfig + tests/rig.config (what the guest needs),
# + tests/VERSION.config and tests/FLAVOUR.config where they exist; the
# release ends in -hplab or -hplab-FLAVOUR. A line with patches,
# tests/patches/LINE/*.patch (each says why), builds from its own patched
# copy of the source. build/kernels/LINE/ then holds vmlinuz, the build
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
version=${line%%-*}
flavour=""
[ "$line" = "$version" ] || flavour=${line#*-}
out=$top/build/kernels/$line
src=$top/build/kernels/src/linux-source-$version

tarball=/usr/src/linux-source-$version.tar.xz
[ -r "$tarball" ] || tarball=$top/build/debian/trixie/usr/src/linux-source-$version.tar.xz
[ -r "$tarball" ] || { echo "build-kernel.sh: no linux-source-$version.tar.xz (make deps fetches it)" >&2; exit 1; }
fragments=$top/tests/rig.config
for name in "$version" $flavour; do
	[ -r "$top/tests/$name.config" ] && fragments="$fragments $top/tests/$name.config"
done
[ -z "$flavour" ] || [ -r "$top/tests/$flavour.config" ] ||
	{ echo "build-kernel.sh: no config fragment tests/$flavour.config" >&2; exit 1; }
patches=$(ls "$top/tests/patches/$line"/*.patch 2> /dev/null || true)
# shellcheck disable=SC2086
key=$(cat "$tarball" $fragments $patches "$0" | sha256sum | cut -c1-16)
if [ "$(cat "$out/key" 2> /dev/null)" = "$key" ]; then
	cat "$out/release"
	exit 0
fi

start=$(date +%s)
rm -rf "$out"
mkdir -p "$out/obj"
# The unpatched lines of one version share its source tree, which their
# build trees point into: unpack it only when the tarball changed.
source_key=$(sha256sum < "$tarball" | cut -c1-16)
if [ -n "$patches" ]; then
	src=$out/src
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	for patch in $patches; do
		patch -s -p1 -d "$src" < "$patch" ||
			{ echo "build-kernel.sh: $line: $patch does not apply" >&2; exit 1; }
	done
elif [ "$(cat "$src.key" 2> /dev/null)" != "$source_key" ]; then
	rm -rf "$src" "$src.key"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	echo "$source_key" > "$src.key"
fi
# shellcheck disable=SC2086
cat $fragments > "$out/fragment.config"
echo "CONFIG_LOCALVERSION=\"-hplab${flavour:+-$flavour}\"" >> "$out/fragment.config"
make -s -C "$src" O="$out/obj" allnoconfig > /dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out/obj" "$out/obj/.config" "$out/fragment.config" > "$out/merge.log"
make -s -C "$src" O="$out/obj" olddefconfig
# Every option of the fragments must have taken: a dependency that is not
# met silently drops it. An option asked to be off only must not be on (a
# kernel that does not have it at all is fine).
missing=$(grep '^CONFIG_' "$out/fragment.config" | while read -r want; do
	case $want in
	*=n) ! grep -q "^${want%=n}=[ym]\$" "$out/obj/.config" ;;
	*) grep -qxF "$want" "$out/obj/.config" ;;
	esac || echo "$want"
done)
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
