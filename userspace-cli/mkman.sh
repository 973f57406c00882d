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
	"$hplab" help "$command" | sed -n '5,$p' | grep -v '^Options -J' | roff
done
echo '.SH OPTIONS'
"$hplab" --help | sed -n '/^Options/,/^$/p' | sed '1d;$d' | roff | sed 's/^/.br\n/'
echo '.SH "EXIT STATUS"'
"$hplab" --help | sed -n '/^Exit status/,$p' | roff
cat <<'TAIL'
.SH FILES
/sys/kernel/debug/hotplug_lab/ (see debugfs-api.txt),
/sys/devices/system/memory/, /proc/iomem, /proc/meminfo
.SH "SEE ALSO"
.BR lsmem (1),
.BR chmem (8),
.BR daxctl (1)
TAIL
