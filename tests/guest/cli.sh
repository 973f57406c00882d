# hplab in the VM: every command, its output checked against the kernel's
# own files, its exit codes, and its advice on rejections.
. /tests/lib.sh

setup
export NO_COLOR=1
check "hplab --help lists every command" sh -c 'hplab --help | grep -c "^  [a-z]" | grep -qx 12'
check "hplab doctor passes on a box booted with memmap= and memmap_on_memory=1" sh -c 'hplab doctor > /tmp/doctor'
check "hplab doctor finds the claimed reserved range" grep -q 'reserved range.*ok.*0x40000000-0x7fffffff (1G), claimed' /tmp/doctor
check "hplab region candidates lists the range as claimed" \
	sh -c 'hplab region candidates | grep -q "^0x40000000 *0x7fffffff *1G yes\$"'

g=$(hplab group create static 512M)
check "hplab group create prints the new group's id" grep -q "^$g static " "$HPLAB/groups"
d=$(hplab group create dynamic 128M --node 0)
check "hplab group list matches the groups file" \
	test "$(hplab group list --json | grep -c '"id":')" = "$(($(wc -l < "$HPLAB/groups") - 1))"
check "hplab add --memmap-on-memory --online=movable" \
	hplab add "$g" 0x40000000 256M --memmap-on-memory --online=movable
check "every new block is online movable in sysfs" \
	sh -c "grep -qx Movable $MEMORY/memory8/valid_zones && grep -qx Movable $MEMORY/memory9/valid_zones"
check "hplab add --online=offline" hplab add "$d" 0x50000000 128M --online=offline
check "the dynamic group's block is offline" test "$(block_state 0x50000000)" = offline

blocks_match_sysfs() {
	hplab blocks --json > /tmp/blocks.json || return 1
	listed=$(grep -c '"block":' /tmp/blocks.json)
	[ "$listed" = 3 ] || { diag "hplab lists $listed blocks"; return 1; }
	for b in 8 9 10; do
		state=$(cat "$MEMORY/memory$b/state")
		zone=-
		# An online block's valid_zones names its zone only.
		[ "$state" = online ] && zone=$(cat "$MEMORY/memory$b/valid_zones")
		grep -A3 "\"block\": $b," /tmp/blocks.json | grep -q "\"state\": \"$state\"" || return 1
		grep -A3 "\"block\": $b," /tmp/blocks.json | grep -q "\"zone\": \"$zone\"" || return 1
	done
}
check "hplab blocks --json matches /sys/devices/system/memory" blocks_match_sysfs
# util-linux lsmem, one line per block: "<block> <state> <zones>"
blocks_match_lsmem() {
	lsmem -a -n -o BLOCK,STATE,ZONES > /tmp/lsmem || return 1
	# For an offline block lsmem lists the zones it could go to, hplab "-".
	for b in 8 9 10; do
		want=$(awk -v b=$b '$1 == b { print $2, ($2 == "online" ? $3 : "-") }' /tmp/lsmem)
		got=$(hplab blocks | awk -v b=$b '$1 == b { print $3, $4 }')
		[ "$got" = "$want" ] || { diag "block $b: hplab '$got', lsmem '$want'"; return 1; }
	done
}
check "hplab blocks agrees with util-linux lsmem on state and zone" blocks_match_lsmem
check "hplab blocks -b shows the vmemmap pages the module measured" \
	sh -c "hplab blocks | grep -q '^ *8 0x40000000-0x47ffffff online *Movable *0 *$g *512 '"
status_matches() {
	hplab status --json > /tmp/status.json
	added=$(awk '$1 == "added:" { print $2 }' "$HPLAB/info")
	grep -q "\"added\": $((added))," /tmp/status.json &&
	grep -q "\"online\": $((2 * BLOCK))," /tmp/status.json &&
	grep -q "\"vmemmap_self_hosted\": $((2 * 512 * 4096))," /tmp/status.json &&
	grep -q "\"memmap_on_memory\": \"$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory)\"" /tmp/status.json
}
check "hplab status --json matches info and sysfs" status_matches
check "hplab map draws the region: M M - and five empty blocks" \
	sh -c 'hplab map | grep -q "^ *0x40000000 MM-.....\$"'

hplab remove "$g" 0x40000000 128M 2> /tmp/err
check "a remove in the wrong granularity exits 1" test $? = 1
check "... and says what was asked, the errno, the module's reason and a hint" \
	sh -c "grep -q \"remove '$g 0x40000000 128M': Invalid argument (EINVAL)\" /tmp/err && grep -q 'reason: a static group is removed as a whole' /tmp/err && grep -q \"hint: .*hplab remove <group> --all\" /tmp/err"
check "hplab events --json ends with that rejection" \
	sh -c "hplab events --json | tail -n 8 | grep -q '\"result\": \"EINVAL\"'"
hplab add 0 0x40000000 12Q 2> /dev/null
check "a malformed size is a usage error (exit 2)" test $? = 2
hplab online 0x50000000 256M --zone=movable 2> /dev/null
check "onlining a range that is only partly hotplug_lab's exits 64" test $? = 64
check "... and onlined the part that is" grep -qx Movable "$MEMORY/memory10/valid_zones"
check "hplab offline takes a movable block offline" hplab offline 0x48000000 128M
check "... as sysfs shows" test "$(block_state 0x48000000)" = offline
check "hplab online --zone=movable brings it back" hplab online 0x48000000 128M --zone=movable
check "... as sysfs shows" grep -qx Movable "$MEMORY/memory9/valid_zones"
check "hplab granularity --check=kernel" hplab granularity --check=kernel
check "... reaches the module" grep -qx 'check: kernel' "$HPLAB/granularity"
check "hplab granularity --json lists both groups" \
	test "$(hplab granularity --json | grep -c '"remove": "kernel"')" = 2
check "hplab granularity --check=module" hplab granularity --check=module
check "hplab remove --all" hplab remove "$g" --all
check "hplab remove of a dynamic unit" hplab remove "$d" 0x50000000 128M
check "kernel matches module after the CLI session" kernel_matches_module
check "hplab group delete" hplab group delete "$g"

# Last in its boot: memory onlined into a kernel zone may take unmovable
# kernel allocations and stay unremovable, so only consistency is asserted.
check "hplab add --online=kernel" hplab add "$d" 0x50000000 128M --online=kernel
check "the block is online in a kernel zone" grep -qx Normal "$MEMORY/memory10/valid_zones"
check "hplab blocks shows the kernel zone" \
	sh -c "hplab blocks | grep -q '^ *10 0x50000000-0x57ffffff online *Normal '"
check "kernel matches module at the end" kernel_matches_module
