# Shared helpers of the guest scripts (POSIX sh, busybox). Sourced, not run.
#
# Every script declares its plan (plan N) and prints TAP lines through
# check() and the expect_*() helpers; tests/vm/init holds it to the plan and
# checks that it leaves the box as it found it. Tests assert what the
# kernel reports (/proc/iomem, /sys/devices/system/memory, /proc/meminfo,
# dmesg), not only what the module says.

. /demos/lib/tap.sh
. /demos/lib/measure.sh

HPLAB=/sys/kernel/debug/hotplug_lab
MEMORY=/sys/devices/system/memory
M=$((1024 * 1024))

# The layout, read once from the running guest: the memory block size from
# sysfs, the region from the first memmap=<size>$<start> the rig boots
# with (tests/vm/run.sh puts it first), cut to what the module's rule
# lets it claim: whole blocks of RAM in the firmware's memory map. With
# the rig's 2G guest and memmap=1G$0x40000000 that is 896M: SeaBIOS keeps
# the top 128K of RAM below 2G for itself. Scenarios address memory in
# blocks of the region with at() and blocks(), so that they run
# unchanged on any block size. RESERVED_END ends what memmap= reserved.
BLOCK=$((0x$(cat $MEMORY/block_size_bytes)))
layout=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^memmap=\([0-9a-zA-Z]*\)\$\(0x[0-9a-fA-F]*\)$/\1 \2/p' | head -n 1)
REGION_START=$((${layout#* }))
RESERVED_END=$((REGION_START + $(bytes "${layout% *}")))
region_end=$RESERVED_END
for entry in /sys/firmware/memmap/*; do
	read -r type < "$entry/type"
	read -r first < "$entry/start"
	read -r last < "$entry/end"
	[ "$type" = "System RAM" ] && [ $((first)) -le "$REGION_START" ] &&
		[ "$REGION_START" -le $((last)) ] && [ $((last + 1)) -lt "$region_end" ] &&
		region_end=$((last + 1))
done
REGION_SIZE=$((region_end / BLOCK * BLOCK - REGION_START))
REGION_BLOCKS=$((REGION_SIZE / BLOCK))

# human BYTES: a size as hplab and lsmem print it: 1G, 1.5G, 128M
human() {
	awk -v n="$1" 'BEGIN {
		split("K M G T P E", units, " ")
		scale = 1
		for (unit = 0; unit < 6 && n >= scale * 1024; unit++)
			scale *= 1024
		if (!unit) print n
		else if (n % scale) printf "%.1f%s\n", n / scale, units[unit]
		else printf "%d%s\n", n / scale, units[unit]
	}'
}

# at N: the address N blocks into the region, in hex
at() {
	hex $((REGION_START + $1 * BLOCK))
}

# blocks N: the size of N blocks, in hex
blocks() {
	hex $(($1 * BLOCK))
}

# check DESCRIPTION COMMAND...: one test, passing when COMMAND succeeds
check() {
	check_desc=$1
	shift
	if "$@"; then tap 0 "$check_desc"; else tap 1 "$check_desc"; fi
}

# bail REASON: a step every later check depends on failed; stop the script
# (tests/vm/init reports the checks it then did not run)
bail() {
	tap 1 "$1"
	exit 1
}

# write FILE TEXT: one write(2) of TEXT and a newline to a debugfs file
write() {
	onewrite -l -- "$HPLAB/$1" "$2" > /dev/null
}

# new_events SEQ: the events logged after event SEQ
new_events() {
	awk -v seq="$1" '$1 > seq' "$HPLAB/events"
}

last_event() {
	tail -n 1 "$HPLAB/events"
}

# Everything a rejected write must leave as it was: the module's view and
# the kernel's.
snapshot() {
	cat "$HPLAB/region" "$HPLAB/groups" "$HPLAB/ranges" "$HPLAB/granularity" \
		"$HPLAB/target"
	kernel_view
}

# expect_ok FILE TEXT: the write succeeds and logs one event, "ok"
expect_ok() {
	seq=$(last_seq)
	if ! errno=$(onewrite -l -- "$HPLAB/$1" "$2"); then
		tap 1 "'$2' > $1 succeeds"
		diag "write(2): $errno; $(new_events "$seq")"
		return
	fi
	event_is "$1" "$2" "$seq" ok
	tap $? "'$2' > $1 succeeds"
}

# ok_phases FILE TEXT: the phase times an ok event of that write carries,
# each as "<phase>_ns=N" (debugfs-api.txt, events)
ok_phases() {
	case $1:$2 in
	add:*online=*) echo " add_ns=N online_ns=N" ;;
	add:*) echo " add_ns=N" ;;
	remove:*) echo " offline_ns=N remove_ns=N" ;;
	esac
}

# event_is FILE TEXT SEQ RESULT: exactly one event was logged after SEQ,
# for this write, with RESULT ("ok", or an errno name and a reason)
event_is() {
	events=$(new_events "$3")
	want="$(($3 + 1)) $1 [$2] $4"
	[ "$4" = ok ] && want=$want$(ok_phases "$1" "$2")
	if [ "$(printf '%s\n' "$events" | wc -l)" = 1 ]; then
		[ "$4" = ok ] && [ "$(printf '%s\n' "$events" | sed 's/_ns=[0-9][0-9]*/_ns=N/g')" = "$want" ] &&
			return 0
		[ "$4" != ok ] && case $events in "$want: "?*) return 0 ;; esac
	fi
	diag "want one new event '$want'; got: ${events:-none}"
	return 1
}

# expect_err ERRNO FILE TEXT: write(2) fails with ERRNO, exactly one event
# says why, and nothing changes
expect_err() {
	reject ERRNO_LOGGED "$@"
}

# expect_err_unlogged ERRNO FILE TEXT: the same for a write rejected
# before it is read (debugfs-api.txt: such writes log no event)
expect_err_unlogged() {
	reject ERRNO_UNLOGGED "$@"
}

reject() {
	snapshot > /tmp/before
	seq=$(last_seq)
	desc="'$4' > $3 is rejected with $2 and changes nothing"
	if errno=$(onewrite ${ONEWRITE_FLAGS:--l} -- "$HPLAB/$3" "$4"); then
		tap 1 "$desc"
		diag "the write succeeded"
		return
	fi
	if [ "$errno" != "$2" ]; then
		tap 1 "$desc"
		diag "write(2) failed with ${errno:-no errno}; $(new_events "$seq")"
		return
	fi
	if [ "$1" = ERRNO_LOGGED ]; then
		event_is "$3" "$4" "$seq" "$2" || { tap 1 "$desc"; return; }
	elif [ -n "$(new_events "$seq")" ]; then
		tap 1 "$desc"
		diag "logged: $(new_events "$seq")"
		return
	fi
	snapshot > /tmp/after
	if ! cmp -s /tmp/before /tmp/after; then
		tap 1 "$desc"
		diff /tmp/before /tmp/after | sed 's/^/# /'
		return
	fi
	tap 0 "$desc"
}

# expect_raw_err ERRNO FILE TEXT LOGGED: one write(2) of TEXT with its
# escapes (\0, \xHH, \n, \t) fails with ERRNO, the one new event shows it
# as LOGGED ("[words] ERRNO: reason"), and nothing changes
expect_raw_err() {
	snapshot > /tmp/before
	seq=$(last_seq)
	errno=$(onewrite -e -- "$HPLAB/$2" "$3")
	events=$(new_events "$seq")
	snapshot > /tmp/after
	if [ "$errno" = "$1" ] && [ "$events" = "$((seq + 1)) $2 $4" ] &&
		cmp -s /tmp/before /tmp/after; then
		tap 0 "'$3' > $2 is rejected with $1, logged as one event, and changes nothing"
		return
	fi
	tap 1 "'$3' > $2 is rejected with $1, logged as one event, and changes nothing"
	diag "write(2): ${errno:-no error}; events: ${events:-none}"
	diff /tmp/before /tmp/after | sed 's/^/# /'
}

# A group id is the last row of the groups file after creating it.
last_group() {
	tail -n 1 "$HPLAB/groups" | cut -d' ' -f1
}

# iomem_has START END NAME: /proc/iomem lists START-END as NAME
iomem_has() {
	grep -q "^ *$(printf '%08x-%08x' "$1" "$2") : $3\$" /proc/iomem
}

# Bytes of all "System RAM (hotplug_lab)" resources in /proc/iomem.
iomem_hotplug_lab_bytes() {
	sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM (hotplug_lab)$/\1 \2/p' /proc/iomem |
		while read -r first last; do
			echo $((0x$last - 0x$first + 1))
		done | awk '{ n += $1 } END { print n + 0 }'
}

# Pages of ZONE_MOVABLE that are present but not managed: on this rig the
# memmap pages that memmap_on_memory blocks host (nothing else is there).
movable_unmanaged() {
	echo $(($(zone_pages Movable present) - $(zone_pages Movable managed)))
}

# ranges_letter_ok LETTER DIR: a letter of the ranges file agrees with the
# state and zone of the block device DIR in sysfs. Reads with the shell's
# read, not a process per file: kernel_matches_module() asks for every
# block, and a fork costs milliseconds on a debug kernel under TCG.
ranges_letter_ok() {
	read -r letter_state < "$2/state"
	zone=-
	[ "$letter_state" = online ] && read -r zone < "$2/valid_zones"
	case "$1:$zone" in
	-:-|m:Movable) return 0 ;;
	m:*|-:*) ;;
	k:-|k:Movable) ;;
	k:*) return 0 ;;
	esac
	diag "$2: zone $zone, ranges says '$1'"
	return 1
}

# The cells of hplab map, every row's joined, its addresses left out: one
# character per block of the region. Fails unless the first row starts
# at the region.
hplab_map_cells() {
	hplab map > /tmp/map || return 1
	grep -q "^ *$(at 0) " /tmp/map || { diag "$(cat /tmp/map)"; return 1; }
	sed -n 's/^ *0x[0-9a-f]* \([.=MKmk-]*\)$/\1/p' /tmp/map | tr -d '\n'
}

# hplab blocks and util-linux lsmem list the same blocks of the region,
# at least one, each with the same state and zone (for an offline block
# lsmem lists the zones it could go to, hplab "-").
blocks_match_lsmem() {
	lsmem -a -n -o BLOCK,STATE,ZONES |
		awk -v first=$((REGION_START / BLOCK)) -v n="$REGION_BLOCKS" '
			$1 >= first && $1 < first + n { print $1, $2, ($2 == "online" ? $3 : "-") }' > /tmp/lsmem
	hplab blocks -n -o BLOCK,STATE,ZONE | awk '{ print $1, $2, $3 }' > /tmp/hplab
	[ -s /tmp/hplab ] && cmp -s /tmp/hplab /tmp/lsmem ||
		{ diag "hplab and lsmem differ:" "$(diff /tmp/hplab /tmp/lsmem | head -n 10)"; return 1; }
}

# How many blocks of the region have a memory block device.
region_blocks_present() {
	present=0
	i=0
	while [ "$i" -lt "$REGION_BLOCKS" ]; do
		[ -d "$MEMORY/memory$((REGION_START / BLOCK + i))" ] && present=$((present + 1))
		i=$((i + 1))
	done
	echo "$present"
}

# The module's ranges, /proc/iomem and the memory block devices all agree:
# one resource per row, a block device per block with the state and zone
# its letter says, the state column, and memory blocks in the region for
# exactly what the module says is added.
kernel_matches_module() {
	[ -r "$HPLAB/ranges" ] || { diag "no $HPLAB/ranges"; return 1; }
	rows=0
	movable_memmap=0
	while read -r group start end size memmap vmemmap state letters; do
		[ "$group" = group ] && continue
		rows=$((rows + 1))
		if ! iomem_has "$start" "$end" "System RAM (hotplug_lab)"; then
			diag "iomem lacks $start-$end"
			return 1
		fi
		nr=$((size / BLOCK))
		if [ "${#letters}" != "$nr" ]; then
			diag "$start: $nr blocks, ranges has '$letters'"
			return 1
		fi
		i=0
		while [ "$i" -lt "$nr" ]; do
			dir=$MEMORY/memory$(((start + i * BLOCK) / BLOCK))
			[ -d "$dir" ] || { diag "no $dir"; return 1; }
			ranges_letter_ok "${letters:i:1}" "$dir" || return 1
			i=$((i + 1))
		done
		case $letters in
		*-*[km]*|*[km]*-*) want=partial ;;
		*-*) want=offline ;;
		*) want=online ;;
		esac
		[ "$state" = "$want" ] || { diag "$start: state $state, letters '$letters'"; return 1; }
		case "$memmap:$vmemmap" in
		off:0|on:$((nr * MEMMAP_PAGES))) ;;
		*) diag "$start: memmap $memmap with $vmemmap vmemmap pages for $nr blocks"; return 1 ;;
		esac
		movable=$(printf '%s' "$letters" | tr -cd m | wc -c)
		movable_memmap=$((movable_memmap + vmemmap / nr * movable))
	done < "$HPLAB/ranges"
	# The kernel counts a self-hosted memmap as present, unmanaged pages
	# of the zone its block is online in.
	if [ "$(movable_unmanaged)" != "$movable_memmap" ]; then
		diag "ZONE_MOVABLE has $(movable_unmanaged) unmanaged pages; the module counts $movable_memmap memmap pages in its movable blocks"
		return 1
	fi
	iomem_rows=$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)
	if [ "$iomem_rows" != "$rows" ]; then
		diag "iomem has $iomem_rows hotplug_lab resources, ranges has $rows"
		return 1
	fi
	present=$(region_blocks_present)
	added=$(info added)
	[ -n "$added" ] || { diag "info has no added: line"; return 1; }
	if [ "$((present * BLOCK))" != "$((added))" ] ||
		[ "$(iomem_hotplug_lab_bytes)" != "$((added))" ]; then
		diag "$present blocks present in the region and $(iomem_hotplug_lab_bytes) bytes in /proc/iomem; module says $added added"
		return 1
	fi
}

# The online policy the box had, put back by cleanup.
AUTO_ONLINE_BEFORE=$(cat "$MEMORY/auto_online_blocks")

# Keep hot-added memory offline so that tests decide about onlining.
# zoneinfo_bytes KERNEL|Movable: present pages of node 0's kernel zones
# (all but Movable and Device) or of ZONE_MOVABLE, in bytes
zoneinfo_bytes() {
	awk -v want="$1" -v page="$PAGE_SIZE" '/^Node 0, zone/ { z = $4 }
		$1 == "present" && ((want == "Movable" && z == "Movable") ||
			(want == "kernel" && z != "Movable" && z != "Device")) { n += $2 }
		END { printf "%.0f\n", n * page }' /proc/zoneinfo
}

# nodes_field KEY: node 0's value in hplab zones --json
nodes_field() {
	hplab zones --json | awk -v key="\"$1\":" '
		$1 == "\"node\":" { in_node = 1 }
		$1 == "\"groups\":" { in_node = 0 }
		in_node && $1 == key { v = $2; sub(/,$/, "", v); print v; exit }'
}

set_auto_online_offline() {
	echo offline > "$MEMORY/auto_online_blocks"
}

# info KEY: a value of the module's info file
info() {
	awk -v key="$1:" '$1 == key { print $2 }' "$HPLAB/info"
}

# The page and struct page sizes the kernel was built with, as the loaded
# module reports them: MEMMAP_PAGES is the memmap of one block, in pages.
read_module_facts() {
	PAGE_SIZE=$(info page_size)
	[ -n "$PAGE_SIZE" ] || return 1
	MEMMAP_PAGES=$((BLOCK / PAGE_SIZE * $(info struct_page_size) / PAGE_SIZE))
}

load_module() {
	insmod /modules/hotplug_lab.ko "$@" && read_module_facts
}

# online_range START SIZE STATE: write STATE (online_movable, ...) to the
# state file of each block; fails at the first block that refuses
online_range() {
	addr=$(($1))
	while [ "$addr" -lt $(($1 + $2)) ]; do
		echo "$3" > "$(block_dir $addr)/state" || return 1
		addr=$((addr + BLOCK))
	done
}

# wait_until SECONDS COMMAND...: poll COMMAND every 0.2 s
wait_until() {
	tries=$(($1 * 5))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.2
	done
}

# cmdline_value NAME: the number NAME=N on the kernel command line
cmdline_value() {
	tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=\([0-9][0-9]*\)\$/\1/p" | tail -n 1
}

# The seed of a script's random choices: hplab_seed=N on the kernel
# command line (tests/vm/run.sh -a hplab_seed=N RELEASE SCRIPT repeats a
# run), else drawn from /dev/urandom.
random_seed() {
	seed=$(cmdline_value hplab_seed)
	[ -n "$seed" ] || seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo "$seed"
}

# expect_restore_failures begin|end: between the two, the module's reports
# of blocks it could not put back are expected (tests/vm/run.sh); the
# script checks them itself
expect_restore_failures() {
	echo "hotplug-lab expected restore failures $1" > /dev/kmsg
}

# kernel_at_least MAJOR MINOR: the running kernel is that version or later
kernel_at_least() {
	major=$(uname -r | cut -d. -f1)
	minor=$(uname -r | cut -d. -f2)
	[ "$major" -gt "$1" ] || { [ "$major" = "$1" ] && [ "$minor" -ge "$2" ]; }
}

kernel_is_6_8_or_later() {
	grep -q '^memmap_on_memory_multi_block: yes' "$HPLAB/info"
}

# Load the module and claim the whole region; nothing else can be tested
# when that fails.
setup() {
	set_auto_online_offline
	load_module || bail "setup: insmod hotplug_lab.ko"
	write region "$(hex $REGION_START) $(hex $REGION_SIZE)" || bail "setup: claim the region"
}

# Undo whatever a script left: stop following requests, remove all
# memory, delete the groups, release the region, unload, restore the
# online policy. Returns non-zero if any of it fails.
cleanup() {
	if [ -d "$HPLAB" ]; then
		for g in $(awk 'NR > 1 { print $1 }' "$HPLAB/target"); do
			write target "$g none" || return 1
		done
		for g in $(awk 'NR > 1 { print $1 }' "$HPLAB/groups"); do
			grep -q "^$g " "$HPLAB/ranges" && { write remove "$g all" || return 1; }
			write groups "delete $g" || return 1
		done
		if [ "$(cat "$HPLAB/region")" != none ]; then
			write region release || return 1
		fi
		rmmod hotplug_lab || return 1
	fi
	echo "$AUTO_ONLINE_BEFORE" > "$MEMORY/auto_online_blocks"
}

# new_group TEXT: create a group, print its id
new_group() {
	write groups "$1" && last_group
}

# load_kernel_module NAME [PARAM...]: insmod a module the rig copied to
# /modules, and what it depends on
load_kernel_module() {
	name=$1
	shift
	for dep in $(cat "/modules/$name.deps" 2> /dev/null); do
		grep -q "^$dep " /proc/modules || insmod "/modules/$dep.ko" || return 1
	done
	insmod "/modules/$name.ko" "$@"
}
