#!/bin/sh
# fixture.sh KIND DIR: build a fake root for hplab --sysroot.
#   loaded     module loaded, region claimed, two groups, four blocks
#   unloaded   no module, no debugfs, memmap_on_memory off, a udev rule
#   malformed  loaded, but the module's files do not parse
#   big        loaded, and one add of 32G: 256 blocks of 128M
#   big-addable  big, an add succeeds; the state files of the odd blocks
#              161-239 and of 256-287 cannot be written (EISDIR)
#   big2g      loaded, with 2G blocks (block_size_bytes 80000000)
#   addable    loaded, an add succeeds (add is a plain file), the blocks
#              of 0x40000000-0x4fffffff cannot be onlined, and the kernel's
#              policy onlines (so hplab looks at each block after the add)
#   addable-offline  addable, with the policy offline: the module's
#              online= onlined every block, and hplab reads none
#   masked     unloaded, with the udev rule masked in /etc/udev/rules.d
#   nonroot    loaded, /proc/iomem as a user who is not root reads it
#   iomem-odd  loaded, /proc/iomem lines without " : " and a bad firmware entry
#   size0, size-small, bad-letter  loaded, a ranges row that lies
#   group-type, group-unit, group-twice  loaded, a groups row that lies:
#              type Dynamic, a unit of 384M, group 0 twice
#   range-no-group, range-outside, range-overlap, vmemmap-big  loaded, a
#              ranges row of group 5 (none), at 0x80000000 (past the
#              region), at 0x48000000 (in the row before), with 65537
#              vmemmap pages in 256M
#   region-huge  loaded, a region of 2^63 bytes from 0
#   region-big loaded, a region of 2^20 + 1 blocks (128T and 128M)
#   no-valid-zones  loaded, memory12 (online) without valid_zones
#   bs0, bs-odd, bs-none  loaded, no adds, block_size_bytes 0, 0x3000000, absent
#   bad-seq    loaded, an event whose sequence number is not a number
#   target     loaded, groups 3 and 13 more, a target file with a row in
#              each state, and the module's target events
#   target-bad-state, target-bad-hex, target-bad-retry  target, with a row
#              that lies
#   zones-auto     loaded with /proc/zoneinfo (DMA, DMA32, ZONE_MOVABLE),
#                  online_policy=auto-movable, ratio 301, NUMA-aware; group
#                  0 static (m-), 1 dynamic (km), 2 dynamic (k-)
#   zones-tight    zones-auto with auto_movable_ratio 30
#   zones-contig   zones-auto with online_policy=contig-zones
#   zones-nomovable  auto-movable, no ZONE_MOVABLE memory, a kernel without
#                  NUMA (no auto_movable_numa_aware); 0 (--), 1 (kk), 2 (k-)
#   zones-old      zones-nomovable on a kernel before 5.15: no online_policy,
#                  auto_movable_ratio or auto_movable_numa_aware
#   zones-bad      zones-auto whose zoneinfo has more present than spanned
#   zones-group0   zones-auto whose group 2 has size 0
#   granularity-kernel  loaded, check=kernel, group 0 with an add
#              granularity of 256M that memmap on cannot use (before 6.8)
#   granularity-bad  loaded, a granularity row whose unit is not hex
#   lockdown   loaded under lockdown: [integrity], info's locked_down: yes,
#              and the module's writable files (0600 in debugfs) cannot be
#              opened for writing (EPERM), as lockdown refuses them. They
#              are immutable (chattr +i, root only); lockdown refuses their
#              reads too, which no file can be made to do for root. The
#              paths are listed in ROOT/immutable: chattr -i them.
#   lockdown-info  lockdown without securityfs: no lockdown file
set -eu
kind=$1
root=$2
if [ -f "$root/immutable" ]; then
	(cd "$root" && xargs chattr -i < immutable)
fi
rm -rf "$root"
mkdir -p "$root/proc/sys/kernel" "$root/sys/devices/system/memory" \
	"$root/sys/module/memory_hotplug/parameters" "$root/lib/udev/rules.d"

put() {
	mkdir -p "$(dirname "$root/$1")"
	printf '%s\n' "$2" > "$root/$1"
}

block() {
	put "sys/devices/system/memory/memory$1/state" "$2"
	put "sys/devices/system/memory/memory$1/valid_zones" "$3"
	mkdir -p "$root/sys/devices/system/memory/memory$1/node0"
}

# firmware N START END TYPE: entry N of /sys/firmware/memmap
firmware() {
	put "sys/firmware/memmap/$1/start" "$2"
	put "sys/firmware/memmap/$1/end" "$3"
	put "sys/firmware/memmap/$1/type" "$4"
}

put proc/sys/kernel/osrelease 6.1.0-56-amd64
firmware 0 0x0 0x9fbff "System RAM"
firmware 1 0x100000 0x7fffffff "System RAM"
put sys/devices/system/memory/block_size_bytes 8000000
put sys/module/memory_hotplug/parameters/online_policy contig-zones
block 7 online Normal

if [ "$kind" = unloaded ] || [ "$kind" = masked ]; then
	put sys/module/memory_hotplug/parameters/memmap_on_memory N
	put sys/devices/system/memory/auto_online_blocks online
	put proc/mounts "sysfs /sys sysfs rw 0 0"
	put sys/kernel/security/lockdown "none [integrity] confidentiality"
	put lib/udev/rules.d/40-memory.rules 'SUBSYSTEM=="memory", ACTION=="add", ATTR{state}=="offline", ATTR{state}="online"'
	put proc/iomem "00000000-00000fff : Reserved
00001000-0009fbff : System RAM
00100000-7ffdffff : System RAM"
	if [ "$kind" = masked ]; then
		mkdir -p "$root/etc/udev/rules.d"
		ln -s /dev/null "$root/etc/udev/rules.d/40-memory.rules"
	fi
	exit 0
fi

put sys/module/memory_hotplug/parameters/memmap_on_memory Y
put sys/kernel/security/lockdown "[none] integrity confidentiality"
put sys/devices/system/memory/auto_online_blocks offline
put proc/mounts "sysfs /sys sysfs rw 0 0
debugfs /sys/kernel/debug debugfs rw 0 0"
put proc/iomem "00000000-00000fff : Reserved
00001000-0009fbff : System RAM
00100000-3fffffff : System RAM
40000000-7fffffff : Reserved
  40000000-7fffffff : hotplug_lab region
    40000000-4fffffff : System RAM (hotplug_lab)
    60000000-6fffffff : System RAM (hotplug_lab)
f0000000-f7ffffff : Reserved
  f0000000-f7ffffff : PCI ECAM 0000 [bus 00-7f]
fd00000000-ffffffffff : Reserved"
# Not RAM to the firmware: PCI ECAM, and AMD's HyperTransport range.
firmware 2 0xf0000000 0xf7ffffff Reserved
firmware 3 0xfd00000000 0xffffffffff Reserved
block 8 online Movable
block 9 offline "Normal Movable"
block 12 online Normal
block 13 online Normal

d=sys/kernel/debug/hotplug_lab
put $d/info "version: 0.1.0
kernel: 6.1.0-56-amd64
page_size: 4096
struct_page_size: 64
block_size: 0x8000000
memmap_on_memory: yes
memmap_on_memory_multi_block: no
remove_path: sysfs-offline+offline_and_remove_memory
region: 0x40000000-0x7fffffff 0x40000000
groups: 2
added: 0x20000000
check: module"
put $d/region "0x40000000-0x7fffffff 0x40000000"
put $d/groups "id type node size added
0 static 0 0x20000000 0x10000000
1 dynamic 0 0x10000000 0x10000000"
put $d/ranges "group start end size memmap vmemmap_pages state blocks
0 0x40000000 0x4fffffff 0x10000000 on 1024 partial m-
1 0x60000000 0x6fffffff 0x10000000 off 0 online kk"
put $d/granularity "check: module
block_size: 0x8000000
memmap_on_memory: yes
memmap_on_memory_multi_block: no
remove_path: sysfs-offline+offline_and_remove_memory
id type add_granularity add_granularity_memmap remove_rule
0 static request 0x8000000 whole-group
1 dynamic 0x10000000 0x8000000 units:0x10000000"
put $d/events "0 region [0x40000000 1G] ok
1 groups [static 512M] ok
2 groups [dynamic 256M] ok
3 add [0 0x40000000 256M memmap=on] ok add_ns=18250112
4 add [1 0x60000000 256M memmap=off online=movable] ok add_ns=9120554 online_ns=31002870
5 add [0 0x50000000 384M memmap=off] ENOSPC: the static group would grow past its maximum size"
: > "$root/$d/remove"
# A write to add fails like the module's ENOSPC: /dev/full says ENOSPC.
ln -s /dev/full "$root/$d/add"

if [ "$kind" = malformed ]; then
	put $d/ranges "group start end size memmap vmemmap_pages state blocks
0 0x40000000 garbage"
	put $d/groups "id type node size added
x y"
fi

ranges_header="group start end size memmap vmemmap_pages state blocks"
case $kind in
big|big-addable)
	# 64 blocks online movable, 64 in a kernel zone, 128 offline
	letters=$(printf '%64s' '' | tr ' ' m)$(printf '%64s' '' | tr ' ' k)$(printf '%128s' '' | tr ' ' -)
	put $d/region "0x100000000-0x8ffffffff 0x800000000"
	put $d/groups "id type node size added
0 static 0 0x800000000 0x800000000"
	put $d/ranges "$ranges_header
0 0x100000000 0x8ffffffff 0x800000000 on 131072 partial $letters"
	n=0
	while [ $n -lt 256 ]; do
		case $n in
		?|[0-5]?|6[0-3]) block $((32 + n)) online Movable ;;
		6[4-9]|[7-9]?|1[01]?|12[0-7]) block $((32 + n)) online Normal ;;
		*) block $((32 + n)) offline "Normal Movable" ;;
		esac
		n=$((n + 1))
	done
	if [ "$kind" = big-addable ]; then
		put sys/devices/system/memory/auto_online_blocks online
		rm "$root/$d/add"
		: > "$root/$d/add"
		for n in $(seq 161 2 239) $(seq 256 287); do
			rm "$root/sys/devices/system/memory/memory$n/state"
			mkdir "$root/sys/devices/system/memory/memory$n/state"
		done
	fi
	;;
big2g)
	put sys/devices/system/memory/block_size_bytes 80000000
	put $d/region "0x100000000-0x4ffffffff 0x400000000"
	put $d/groups "id type node size added
0 dynamic 0 0x80000000 0x100000000"
	put $d/ranges "$ranges_header
0 0x100000000 0x1ffffffff 0x100000000 on 16384 partial m-"
	block 2 online Movable
	block 3 offline "Normal Movable"
	;;
addable|addable-offline)
	[ "$kind" = addable ] && put sys/devices/system/memory/auto_online_blocks online
	rm "$root/$d/add"
	: > "$root/$d/add"
	# The blocks' state files cannot be read or written (EISDIR).
	for n in 8 9; do
		rm "$root/sys/devices/system/memory/memory$n/state"
		mkdir "$root/sys/devices/system/memory/memory$n/state"
	done
	;;
nonroot)
	put proc/iomem "00000000-00000000 : Reserved
00000000-00000000 : System RAM
00000000-00000000 : System RAM
00000000-00000000 : Reserved
  00000000-00000000 : hotplug_lab region"
	;;
iomem-odd)
	put proc/iomem "00000000-00000fff
00001000-0009fbff System RAM
40000000-7fffffff : Reserved
  40000000-7fffffff : hotplug_lab region
7fffffff-40000000 : Reserved
f0000000-f7ffffff : Reserved"
	put sys/firmware/memmap/1/end "0x7fffffffjunk"
	firmware 4 0x40000000 0x7fffffff "System RAM"
	;;
size0)
	put $d/ranges "$ranges_header
0 0x40000000 0x4fffffff 0x0 on 1024 partial m-"
	;;
size-small)
	put $d/ranges "$ranges_header
0 0x40000000 0x4fffffff 0x1000 on 1024 partial m-"
	;;
bad-letter)
	put $d/ranges "$ranges_header
0 0x40000000 0x4fffffff 0x10000000 on 1024 partial mx"
	;;
group-type|group-unit|group-twice)
	case $kind in
	group-type) row="1 Dynamic 0 0x10000000 0x10000000" ;;
	group-unit) row="1 dynamic 0 0x18000000 0x10000000" ;;
	group-twice) row="0 dynamic 0 0x10000000 0x10000000" ;;
	esac
	put $d/groups "id type node size added
0 static 0 0x20000000 0x10000000
$row"
	;;
range-no-group|range-outside|range-overlap|vmemmap-big)
	case $kind in
	range-no-group) row="5 0x60000000 0x6fffffff 0x10000000 off 0 online kk" ;;
	range-outside) row="1 0x80000000 0x8fffffff 0x10000000 off 0 online kk" ;;
	range-overlap) row="1 0x48000000 0x57ffffff 0x10000000 off 0 online kk" ;;
	vmemmap-big) row="1 0x60000000 0x6fffffff 0x10000000 on 65537 online kk" ;;
	esac
	put $d/ranges "$ranges_header
0 0x40000000 0x4fffffff 0x10000000 on 1024 partial m-
$row"
	;;
region-huge)
	put $d/region "0x0-0x7fffffffffffffff 0x8000000000000000"
	;;
region-big)
	put $d/region "0x40000000-0x800047ffffff 0x800008000000"
	;;
no-valid-zones)
	rm "$root/sys/devices/system/memory/memory12/valid_zones"
	;;
bs0|bs-odd|bs-none)
	put $d/ranges "$ranges_header"
	case $kind in
	bs0) put sys/devices/system/memory/block_size_bytes 0 ;;
	bs-odd) put sys/devices/system/memory/block_size_bytes 3000000 ;;
	bs-none) rm "$root/sys/devices/system/memory/block_size_bytes" ;;
	esac
	;;
bad-seq)
	put $d/events "0 region [0x40000000 1G] ok
1x groups [static 512M] ok
2 groups [dynamic 256M] ok"
	;;
target*)
	put $d/groups "id type node size added
0 static 0 0x20000000 0x10000000
1 dynamic 0 0x10000000 0x10000000
3 dynamic 0 0x8000000 0x0
13 dynamic 0 0x8000000 0x0"
	put $d/target "id requested plugged memmap state retry_ms
1 0x10000000 0x10000000 off reached 0
3 0x40000000 0 off retrying 50000
13 0x8000000 0 on working 0"
	# Group 13's retry must not be taken for group 3's, nor 3's older
	# retry for its newest.
	put $d/events "0 region [0x40000000 1G] ok
1 groups [static 512M] ok
2 groups [dynamic 256M] ok
3 add [0 0x40000000 256M memmap=on] ok
4 add [1 0x60000000 256M memmap=off] ok
5 target [1 256M memmap=off] ok
6 target [1 reached 0x10000000] ok
7 target [3 1G memmap=off] ok
8 target [3 plug 0x50000000 0x8000000] ENOSPC: an old pass
9 target [3 retry 50000] ENOSPC: 0 of 0x40000000 plugged: an older retry
10 target [3 plug 0x70000000 0x8000000] EEXIST: the range overlaps memory added already
11 target [3 unplug 0x60000000 0x8000000] ok
12 target [13 retry 100000] EBUSY: 0 of 0x8000000 plugged: group 13's reason
13 target [3 retry 50000] ENOSPC: 0 of 0x40000000 plugged: no free unit in the region
14 target [13 plug 0x48000000 0x8000000] ok"
	case $kind in
	target-bad-state) put $d/target "id requested plugged memmap state retry_ms
3 0x40000000 0 off done 0" ;;
	target-bad-hex) put $d/target "id requested plugged memmap state retry_ms
3 1G 0 off working 0" ;;
	target-bad-retry) put $d/target "id requested plugged memmap state retry_ms
3 0x40000000 0 off working 50000" ;;
	esac
	;;
granularity-kernel)
	put $d/granularity "check: kernel
block_size: 0x8000000
memmap_on_memory: yes
memmap_on_memory_multi_block: no
remove_path: sysfs-offline+offline_and_remove_memory
id type add_granularity add_granularity_memmap remove_rule
0 static 0x10000000 unsupported kernel
1 dynamic 0x10000000 0x8000000 kernel"
	;;
granularity-bad)
	sed -i 's/units:0x10000000$/units:256M/' "$root/$d/granularity"
	;;
lockdown|lockdown-info)
	if [ "$kind" = lockdown ]; then
		put sys/kernel/security/lockdown "none [integrity] confidentiality"
	else
		rm "$root/sys/kernel/security/lockdown"
	fi
	printf 'locked_down: yes\n' >> "$root/$d/info"
	rm "$root/$d/add"
	: > "$root/$d/add"
	for f in region groups add remove granularity; do
		echo "$d/$f"
	done > "$root/immutable"
	(cd "$root" && xargs chattr +i < immutable)
	;;
zones*)
	# 4K pages, 128M blocks of 32768 pages. Boot RAM: 0-1G and the 128M
	# above the region; DMA32 spans to pfn 0x88000 (557056).
	dma32=290806
	case $kind in
	zones-nomovable|zones-old)
		letters0=-- letters1=kk movable_start=0 movable_spanned=0 movable=0
		hot_kernel=98304
		;;
	*)
		# Movable: blocks 8 and 13 (pfn 262144 to 458752)
		letters0=m- letters1=km movable_start=262144 movable_spanned=196608 movable=65536
		hot_kernel=65536
		;;
	esac
	put $d/groups "id type node size added
0 static 0 0x20000000 0x10000000
1 dynamic 0 0x10000000 0x10000000
2 dynamic 0 0x10000000 0x10000000"
	put $d/ranges "$ranges_header
0 0x40000000 0x4fffffff 0x10000000 on 1024 partial $letters0
1 0x60000000 0x6fffffff 0x10000000 off 0 online $letters1
2 0x70000000 0x7fffffff 0x10000000 off 0 partial k-"
	zone_lines() {
		printf 'Node 0, zone %8s\n' "$1"
		[ "$1" = DMA ] && printf '  per-node stats\n      nr_inactive_anon 1234\n      nr_active_file 99\n'
		printf '  pages free     3840\n        boost    0\n        min      21\n        spanned  %s\n        present  %s\n        managed  %s\n        cma      0\n        protection: (0, 1928, 1928, 1928, 1928)\n' "$3" "$4" "$4"
		[ "$4" = 0 ] && return
		printf '      nr_free_pages 3840\n  pagesets\n    cpu: 0\n              count:    0\n  node_unreclaimable:  0\n  start_pfn:           %s\n  reserved_highatomic: 0\n' "$2"
	}
	{
		zone_lines DMA 1 4095 3998
		zone_lines DMA32 4096 552960 $((dma32 + hot_kernel))
		zone_lines Normal 0 0 0
		zone_lines Movable $movable_start $movable_spanned $movable
		zone_lines Device 0 0 0
	} > "$root/proc/zoneinfo"
	put proc/cmdline "BOOT_IMAGE=/vmlinuz memmap=1G\$0x40000000 memory_hotplug.memmap_on_memory=1"
	p=sys/module/memory_hotplug/parameters
	put $p/online_policy auto-movable
	put $p/auto_movable_ratio 301
	put $p/auto_movable_numa_aware Y
	put sys/devices/system/memory/auto_online_blocks online
	for n in 8 9 10 11 12 13 14 15; do rm -rf "$root/sys/devices/system/memory/memory$n"; done
	# What the kernel's valid_zones says, by its rule (see the expected output)
	case $kind in
	zones-auto|zones-group0)
		block 8 online Movable
		block 9 offline "Movable DMA32"
		block 12 online DMA32
		block 13 online Movable
		block 15 offline "DMA32 Movable"
		;;
	zones-tight|zones-contig|zones-bad)
		block 8 online Movable
		block 9 offline "DMA32 Movable"
		block 12 online DMA32
		block 13 online Movable
		block 15 offline "DMA32 Movable"
		;;
	*)
		block 8 offline "DMA32 Movable"
		block 9 offline "DMA32 Movable"
		block 12 online DMA32
		block 13 online DMA32
		block 15 offline "DMA32 Movable"
		;;
	esac
	block 14 online DMA32
	case $kind in
	zones-tight) put $p/auto_movable_ratio 30 ;;
	zones-contig) put $p/online_policy contig-zones ;;
	zones-nomovable) rm "$root/$p/auto_movable_numa_aware" ;;
	zones-old) rm "$root/$p/auto_movable_numa_aware" "$root/$p/auto_movable_ratio" "$root/$p/online_policy" ;;
	zones-bad) sed -i 's/^        present  3998$/        present  4096/' "$root/proc/zoneinfo" ;;
	zones-group0) sed -i 's/^2 dynamic 0 0x10000000 /2 dynamic 0 0x0 /' "$root/$d/groups" ;;
	esac
	;;
esac
