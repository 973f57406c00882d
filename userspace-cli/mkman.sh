#!/bin/sh
# mkman.sh HPLAB: print the hplab(1) man page, made from hplab's own help
# texts so that the manual and --help never disagree.
set -eu
hplab=$1
version=$("$hplab" --version | cut -d' ' -f2)

# roff: a leading dot or quote would be a request; backslashes escape.
roff() {
	sed -e 's/\\/\\e/g' -e "s/^[.']/\\\\\\&&/"
}

cat <<HEAD
.TH HPLAB 1 "" "hplab $version" "User Commands"
.SH NAME
hplab \\- drive the hotplug_lab memory hotplug module and watch the kernel
.SH SYNOPSIS
.B hplab
[options] <command> [arguments]
.SH DESCRIPTION
HEAD
"$hplab" --help | sed -n '3p' | roff
echo '.SH COMMANDS'
for command in $("$hplab" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }'); do
	echo '.TP'
	"$hplab" help "$command" | sed -n '1s/^Usage: //p' | roff | sed 's/^/.B /'
	# The summary (line 3) on a line of its own, the description; options
	# and columns come last, one a line.
	"$hplab" help "$command" | sed -n '3p' | roff
	echo '.br'
	"$hplab" help "$command" | sed -n '5,$p' | grep -v '^Options -J' | roff |
		sed -e '/^$/d' -e 's/^\(Options\|Columns\)\(.*\):$/.sp\n\1\2:\n.nf/'
	echo '.fi'
done
echo '.SH OPTIONS'
"$hplab" --help | sed -n '/^Options/,/^$/p' | sed '1d;$d' | roff | sed 's/^/.br\n/'
echo '.SH "EXIT STATUS"'
"$hplab" --help | sed -n '/^Exit status/,$p' | roff
cat <<'TAIL'
.SH ENVIRONMENT
.TP
.B HPLAB_SYSROOT
read and write the kernel's files below this directory, as --sysroot
.TP
.B NO_COLOR
no colors in the map, even on a terminal
.SH EXAMPLES
.nf
hplab doctor
hplab region candidates
hplab region claim 0x40000000 1G
hplab group create static 512M
hplab add 0 0x40000000 256M \-\-memmap\-on\-memory \-\-online=movable
hplab blocks \-o BLOCK,STATE,ZONE
hplab \-\-json status
hplab remove 0 \-\-all
hplab group create dynamic 128M
hplab target 1 384M \-\-timeout=120
hplab zones
.fi
.SH FILES
The files hplab reads (and, for the module's and the blocks' state, writes):
.TP
.I /sys/kernel/debug/hotplug_lab/
the module's files (debugfs-api.txt)
.TP
.I /sys/devices/system/memory/
block_size_bytes, auto_online_blocks, memory*/state, valid_zones, node*
.TP
.I /sys/module/memory_hotplug/parameters/
memmap_on_memory, online_policy, auto_movable_ratio, auto_movable_numa_aware
.TP
.I /sys/firmware/memmap/
the firmware's memory map, to tell RAM from MMIO
.TP
.I /sys/kernel/security/lockdown
the kernel's lockdown mode
.TP
.I /proc/iomem, /proc/mounts, /proc/sys/kernel/osrelease
reserved ranges; whether debugfs is mounted; the kernel release
.TP
.I /proc/zoneinfo, /proc/cmdline
present, spanned and CMA pages per zone and node, and movable_node (zones)
.TP
.I /lib/udev/rules.d/, /etc/udev/rules.d/
udev rules that online memory (doctor)
.SH "SEE ALSO"
.BR lsmem (1),
.BR chmem (8),
.BR daxctl (1)
TAIL
