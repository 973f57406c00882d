#!/bin/sh
# DKMS, install and packaging tests, as TAP, through the same make targets
# README tells people to use, with a scratch DKMS tree so the host's DKMS
# state and /lib/modules are left alone:
#   make dkms-install / dkms-remove for every kernel given, modinfo of the
#   result, make install / uninstall into a DESTDIR, make deb. The module
#   DKMS built for each kernel is kept in build/dkms/built/RELEASE/ for the
#   VM boot that modprobes it (tests/guest/dkms-smoke.sh, from check.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
scratch=$top/build/dkms
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
quiet() {
	"$@" > "$scratch/last.log" 2>&1 || { sed 's/^/# /' "$scratch/last.log" | tail -n 20; return 1; }
}

rm -rf "$scratch"
mkdir -p "$scratch/tree" "$scratch/src"
flags="--dkmstree $scratch/tree --sourcetree $scratch/src --installtree $scratch/install"
for release in "$@"; do
	mkdir -p "$scratch/install/$release"
	quiet make -C "$top" dkms-install KERNELRELEASE="$release" \
		DKMS_SOURCE_TREE="$scratch/src" DKMS_FLAGS="$flags"
	result $? "make dkms-install KERNELRELEASE=$release (dkms add, build, install)"
	ko=$(find "$scratch/install/$release/updates/dkms" -name 'hotplug_lab.ko*' 2>/dev/null)
	[ -n "$ko" ]
	result $? "DKMS installed $release's module in updates/dkms"
	[ -n "$ko" ] || continue
	info=$(modinfo "$ko")
	echo "$info" | grep -q "^vermagic: *$release "
	result $? "modinfo: vermagic is $release"
	echo "$info" | grep -qx "license: *GPL" &&
		echo "$info" | grep -qx "version: *$version" &&
		echo "$info" | grep -q "^description: *Memory hotplug laboratory" &&
		echo "$info" | grep -q "^parm: *region:Claim <size>@<start> .*(default: none) (charp)"
	result $? "modinfo: license GPL, version $version, description, parameter description"
	echo "$info" | grep -q "^signer:"
	result $? "DKMS signed the module (MOK), as Secure Boot needs"
	mkdir -p "$scratch/built/$release"
	cp "$ko" "$scratch/built/$release/"
	# The module built in its own tree, as README shows, and cleaned the
	# kernel's way (Kbuild reads the module's Kbuild file for clean too).
	tree=$scratch/in-tree-$release
	mkdir -p "$tree"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$tree/"
	quiet make -C "/lib/modules/$release/build" M="$tree" modules &&
		quiet make -C "/lib/modules/$release/build" M="$tree" clean &&
		[ -z "$(find "$tree" -name '*.o' -o -name '*.ko')" ]
	result $? "make -C /lib/modules/$release/build M=... modules, then clean, leaves no object"
done
if [ $# -gt 0 ]; then
	quiet make -C "$top" dkms-remove DKMS_SOURCE_TREE="$scratch/src" DKMS_FLAGS="$flags"
	result $? "make dkms-remove removes it for every kernel"
	! find "$scratch/install" -name 'hotplug_lab.ko*' | grep -q . && [ ! -d "$scratch/src/hotplug-lab-$version" ]
	result $? "no module and no source are left in the scratch tree"
else
	n=$((n + 1))
	echo "ok $n - make dkms-remove # SKIP no Debian 12 kernel was given to build for"
fi

dest=$scratch/destdir
quiet make -C "$top" install DESTDIR="$dest" PREFIX=/usr
result $? "make install DESTDIR=... PREFIX=/usr"
[ -x "$dest/usr/bin/hplab" ] && [ -s "$dest/usr/share/man/man1/hplab.1" ] &&
	[ -s "$dest/usr/share/doc/hotplug-lab/debugfs-api.txt" ]
result $? "hplab, hplab.1 and debugfs-api.txt are installed"
"$dest/usr/bin/hplab" --version | grep -qx "hplab $version"
result $? "the installed hplab --version is $version, as dkms.conf says"
man -l "$dest/usr/share/man/man1/hplab.1" > "$scratch/man.txt" 2>/dev/null
commands=$("$dest/usr/bin/hplab" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
undocumented=""
for command in $commands; do
	grep -qE "hplab +$command( |$)" "$scratch/man.txt" || undocumented="$undocumented $command"
done
[ -n "$commands" ] && [ -z "$undocumented" ]
result $? "the man page documents every command of hplab --help ($(echo $commands | wc -w) commands; missing:${undocumented:- none})"
quiet make -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr
! find "$dest" -type f | grep -q .
result $? "make uninstall removes every installed file"

quiet make -C "$top" deb
result $? "make deb"
deb=$top/build/deb/hotplug-lab-dkms_${version}_all.deb
dpkg-deb -f "$deb" Package Version Depends | tr '\n' ' ' |
	grep -q "Package: hotplug-lab-dkms Version: $version Depends: dkms"
result $? "the .deb is hotplug-lab-dkms $version, depending on dkms"
dpkg-deb -c "$deb" > "$scratch/deb.list"
missing=""
for f in dkms.conf Kbuild $(cd "$top" && ls module/*.[ch]); do
	grep -q " ./usr/src/hotplug-lab-$version/$f\$" "$scratch/deb.list" || missing="$missing $f"
done
[ -z "$missing" ]
result $? "the .deb carries the module source in /usr/src/hotplug-lab-$version (missing:${missing:- none})"
dpkg-deb -I "$deb" postinst | grep -q "common.postinst hotplug-lab $version"
result $? "its postinst adds, builds and installs through DKMS"
echo "1..$n"
