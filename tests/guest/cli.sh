# hplab in the VM: every command, its output checked against the kernel's
# own files, its exit codes, and its advice on rejections.
. /tests/lib.sh
plan 50
last_in_boot "the last steps online memory into a kernel zone"

setup
export NO_COLOR=1
region_end=$(hex $((REGION_START + REGION_SIZE - 1)))
check "hplab --help lists every command" sh -c 'hplab --help | grep -c "^  [a-z]" | grep -qx 14'
check "hplab doctor passes on a box booted with memmap= and memmap_on_memory=1" sh -c 'hplab doctor > /tmp/doctor'
check "hplab doctor finds the claimed reserved range" \
	grep -q "reserved range.*ok.*$(at 0)-$region_end ($(human $REGION_SIZE)), claimed" /tmp/doctor
check "hplab region candidates lists the range as claimed" \
	sh -c "hplab region candidates | grep -q '^$(at 0) *$region_end *$(human $REGION_SIZE) yes\$'"

g=$(hplab group create static $(blocks 4))
check "hplab group create prints the new group's id" grep -q "^$g static " "$HPLAB/groups"
d=$(hplab group create dynamic $(blocks 1) --node 0)
check "hplab group list matches the groups file" \
	test "$(hplab group list --json | grep -c '"id":')" = "$(($(wc -l < "$HPLAB/groups") - 1))"
check "hplab add --memmap-on-memory --online=movable" \
	hplab add "$g" $(at 0) $(blocks 2) --memmap-on-memory --online=movable
check "every new block is online movable in sysfs" \
	test "$(block_zone $(at 0)) $(block_zone $(at 1))" = "Movable Movable"
check "hplab add --online=offline" hplab add "$d" $(at 2) $(blocks 1) --online=offline
check "the dynamic group's block is offline" test "$(block_state $(at 2))" = offline

blocks_match_sysfs() {
	hplab blocks --json > /tmp/blocks.json || return 1
	listed=$(grep -c '"block":' /tmp/blocks.json)
	[ "$listed" = 3 ] || { diag "hplab lists $listed blocks"; return 1; }
	for n in 0 1 2; do
		b=$(($(at $n) / BLOCK))
		state=$(block_state $(at $n))
		zone=$(block_zone $(at $n))
		grep -A4 "\"block\": $b," /tmp/blocks.json | grep -q "\"size\": $BLOCK," || return 1
		grep -A4 "\"block\": $b," /tmp/blocks.json | grep -q "\"state\": \"$state\"" || return 1
		# an offline block has no zone: null in JSON
		if [ "$zone" = - ]; then zone=null; else zone="\"$zone\""; fi
		grep -A4 "\"block\": $b," /tmp/blocks.json | grep -q "\"zone\": $zone" || return 1
	done
}
check "hplab blocks --json matches /sys/devices/system/memory" blocks_match_sysfs
check "hplab blocks agrees with util-linux lsmem on state and zone" blocks_match_lsmem
# blocks_row N PATTERN [OPTION]: hplab [OPTION] blocks has a row for
# block N of the region that goes on (after its range) as PATTERN
blocks_row() {
	hplab $3 blocks > /tmp/blocks
	grep -q "^ *$(($(at $1) / BLOCK)) $(at $1)-$(hex $(($(at $(($1 + 1))) - 1))) $2" /tmp/blocks ||
		{ diag "$(cat /tmp/blocks)"; return 1; }
}
block_m=$(human "$BLOCK")
check "hplab blocks shows the block size and the vmemmap pages the module measured" \
	blocks_row 0 " *$block_m online *Movable *0 *$g *$MEMMAP_PAGES "
check "hplab -b blocks shows the block size in bytes" \
	blocks_row 0 " *$BLOCK online " -b
status_matches() {
	hplab status --json > /tmp/status.json
	added=$(info added)
	[ "$(iomem_hotplug_lab_bytes)" = $((added)) ] &&
	grep -q "\"added\": $((added))," /tmp/status.json &&
	grep -q "\"online\": $((2 * BLOCK))," /tmp/status.json &&
	grep -q "\"vmemmap_self_hosted\": $((2 * MEMMAP_PAGES * PAGE_SIZE))," /tmp/status.json &&
	[ "$(movable_unmanaged)" = $((2 * MEMMAP_PAGES)) ] &&
	grep -q "\"memmap_on_memory\": \"$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory)\"" /tmp/status.json
}
check "hplab status --json matches /proc/iomem, sysfs and zoneinfo" status_matches
check "hplab status names the remove path the module reports" \
	sh -c "hplab status | grep -qx 'remove_path  *$(info remove_path)'"
check "hplab map draws the region: M M - and the empty blocks" \
	test "$(hplab_map_cells)" = "MM-$(printf "%$((REGION_BLOCKS - 3))s" | tr ' ' .)"

hplab remove "$g" $(at 0) $(blocks 1) 2> /tmp/err
check "a remove in the wrong granularity exits 1" test $? = 1
check "... and says what was asked, the errno, the module's reason and a hint" \
	sh -c "grep -q \"remove '$g $(at 0) $(blocks 1)': Invalid argument (EINVAL)\" /tmp/err && grep -q 'reason: a static group is removed as a whole' /tmp/err && grep -q \"hint: .*hplab remove <group> --all\" /tmp/err"
check "hplab events --json ends with that rejection" \
	sh -c "hplab events --json | grep '\"result\":' | tail -n 1 | grep -q '\"result\": \"EINVAL\"'"
hplab add 0 $(at 0) 12Q 2> /dev/null
check "a malformed size is a usage error (exit 2)" test $? = 2
hplab online $(at 2) $(blocks 2) --zone=movable 2> /dev/null
check "onlining a range that is only partly hotplug_lab's exits 64" test $? = 64
check "... and onlined the part that is" test "$(block_zone $(at 2))" = Movable
check "hplab offline takes a movable block offline" hplab offline $(at 1) $(blocks 1)
check "... as sysfs shows" test "$(block_state $(at 1))" = offline
check "hplab online --zone=movable brings it back" hplab online $(at 1) $(blocks 1) --zone=movable
check "... as sysfs shows" test "$(block_zone $(at 1))" = Movable
check "hplab granularity --check=kernel" hplab granularity --check=kernel
check "... reaches the module" grep -qx 'check: kernel' "$HPLAB/granularity"
check "hplab granularity --json lists both groups" \
	test "$(hplab granularity --json | grep -c '"remove": "kernel"')" = 2
check "hplab granularity --check=module" hplab granularity --check=module
check "hplab remove --all" hplab remove "$g" --all
check "... and the group's blocks are gone from sysfs and /proc/iomem" \
	sh -c "! test -d $(block_dir $(at 0)) && ! test -d $(block_dir $(at 1)) && test \"\$(grep -c 'System RAM (hotplug_lab)' /proc/iomem)\" = 1"
check "hplab remove of a dynamic unit" hplab remove "$d" $(at 2) $(blocks 1)

# hplab target: the module plugs the lowest free units by itself, hplab
# waits until the target file says reached.
check "hplab target plugs the dynamic group to two units and exits 0" \
	sh -c "hplab target $d $(blocks 2) > /tmp/target"
check "... into the lowest free units of the region" \
	test "$(awk -v d=$d 'NR > 1 && $1 == d { printf "%s ", $2 }' "$HPLAB/ranges")" = "$(at 0) $(at 1) "
check "... as the target file shows" \
	sh -c "awk 'NR > 1' $HPLAB/target | grep -qx '$d $(blocks 2) $(blocks 2) off reached 0'"
check "hplab group list shows the request and its state by default" \
	sh -c "hplab -b group list | grep -q '^ *$d  *dynamic  *0  *$BLOCK  *$((2 * BLOCK))  *$((2 * BLOCK))  *reached\$'"
check "hplab status names the group's progress" \
	sh -c "hplab status | grep -q '^targets .*$d: $(human $((2 * BLOCK))) of $(human $((2 * BLOCK))) plugged, reached'"
check "hplab target --no-wait returns once the request is taken" hplab target "$d" 0 --no-wait
check "... and the module unplugs both units" \
	wait_until 60 sh -c "awk 'NR > 1' $HPLAB/target | grep -qx '$d 0x0 0x0 off reached 0'"
check "hplab target none stops following the request" hplab target "$d" none
check "... and hplab group list shows none" \
	sh -c "hplab -J group list | grep -A7 '\"id\": $d,' | grep -q '\"requested\": null'"
check "kernel matches module after the CLI session" kernel_matches_module
check "hplab group delete" hplab group delete "$g"

# Last in its boot: memory onlined into a kernel zone may take unmovable
# kernel allocations and stay unremovable, so only consistency is asserted.
check "hplab add --online=kernel" hplab add "$d" $(at 2) $(blocks 1) --online=kernel
zone=$(block_zone $(at 2))
kernel_zone() {
	case $zone in
	Normal|DMA32|DMA) return 0 ;;
	esac
	return 1
}
check "the block is online in a kernel zone ($zone)" kernel_zone
check "hplab blocks shows the kernel zone" blocks_row 2 " *$block_m online *$zone "
# Whether the kernel-zone block can move depends on what the kernel put
# in it meanwhile: moved and said so, or left in its zone and said why.
hplab online $(at 2) $(blocks 1) --zone=movable > /tmp/rezone 2>&1
rezone_status=$?
rezoned_or_kept() {
	name="memory$(($(at 2) / BLOCK)) ($(at 2))"
	case $rezone_status in
	0) [ "$(block_zone $(at 2))" = Movable ] && grep -qx "$name: $zone -> Movable" /tmp/rezone ;;
	1) [ "$(block_zone $(at 2))" = "$zone" ] &&
		grep -q "^hplab: $name: \(offline failed: \|online in $zone again\)" /tmp/rezone ;;
	*) false ;;
	esac || { diag "exit $rezone_status, $(block_zone $(at 2)): $(cat /tmp/rezone)"; return 1; }
}
check "hplab online --zone=movable moves the $zone block and says so, or leaves it there and says why (exit $rezone_status)" \
	rezoned_or_kept
check "kernel matches module at the end" kernel_matches_module
