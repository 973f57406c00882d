#!/bin/sh
# mkdeb.sh VERSION DIR: build DIR/hotplug-lab-dkms_VERSION_all.deb, the
# module source for DKMS, laid out as dh_dkms lays it out: the source in
# /usr/src/hotplug-lab-VERSION, and DKMS's common.postinst to add, build and
# install it for the installed kernels.
set -eu
version=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
root=$out/root
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/src/hotplug-lab-$version"
cp -r "$top/dkms.conf" "$top/Kbuild" "$top/module" "$root/usr/src/hotplug-lab-$version/"
cat > "$root/DEBIAN/control" <<CONTROL
Package: hotplug-lab-dkms
Version: $version
Architecture: all
Section: kernel
Priority: optional
Depends: dkms (>= 3.0)
Maintainer: hotplug-lab developers <hotplug-lab@localhost>
Description: memory hotplug laboratory module, as DKMS source
 hotplug_lab.ko registers static and dynamic memory groups and hot-adds and
 removes a reserved physical range with add_memory_driver_managed() and
 MHP_MEMMAP_ON_MEMORY, driven through debugfs. For test boxes.
CONTROL
cat > "$root/DEBIAN/postinst" <<POSTINST
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	/usr/lib/dkms/common.postinst hotplug-lab $version "" "" "\$2"
fi
POSTINST
cat > "$root/DEBIAN/prerm" <<PRERM
#!/bin/sh
set -e
if [ "\$1" = remove ] || [ "\$1" = upgrade ]; then
	dkms remove -m hotplug-lab -v $version --all || true
fi
PRERM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
dpkg-deb --root-owner-group --build "$root" "$out/hotplug-lab-dkms_${version}_all.deb"
