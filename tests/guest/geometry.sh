# The module and hplab on the geometries of real boxes: 2G memory blocks,
# as x86 bare metal with 64G or more gets them, and a region of 256 or
# more blocks added in one call. The boot says what it set up,
# hplab_block_mb=N and hplab_min_blocks=N on the kernel command line, so
# that a rig that fell back to 128M blocks or a small region fails here
# instead of passing on the geometry every other boot has.
. /tests/lib.sh
plan 29

setup
want_mb=$(cmdline_value hplab_block_mb)
min_blocks=$(cmdline_value hplab_min_blocks)
region_last=$(hex $((REGION_START + REGION_SIZE - 1)))
diag "$(human "$BLOCK") blocks, region $(at 0)-$region_last: $REGION_BLOCKS blocks"
check "the box has the geometry its boot asked for: ${want_mb}M blocks, $min_blocks or more in the region" \
	test "$((BLOCK >> 20))" = "${want_mb:-none}" -a "$REGION_BLOCKS" -ge "${min_blocks:-1}"
check "the module reports the kernel's block size" test "$(info block_size)" = "$(hex "$BLOCK")"

# The region as one add: one call, one resource, a block device a block.
g=$(new_group "static $(blocks "$REGION_BLOCKS")")
total_before=$(meminfo MemTotal)
expect_ok add "$g $(at 0) $(blocks "$REGION_BLOCKS") memmap=off"
check "the ranges file has one row with a letter for each of the $REGION_BLOCKS blocks" \
	test "$(awk 'NR > 1 { print NF, length($8) }' "$HPLAB/ranges")" = "8 $REGION_BLOCKS"
check "/proc/iomem has it as one System RAM (hotplug_lab) resource" \
	iomem_has "$(at 0)" "$region_last" "System RAM (hotplug_lab)"
check "sysfs has a memory block device for each block" \
	test "$(region_blocks_present)" = "$REGION_BLOCKS"
check "the kernel matches the module with all of it offline" kernel_matches_module
# Online the first, the last and every 32nd block: a map of both states
# in every stretch of it, at a cost a debug kernel can pay (onlining all
# 32G takes 6.1-debug minutes under TCG).
picked_blocks() {
	i=0
	while [ "$i" -lt "$REGION_BLOCKS" ]; do
		[ $((i % 32)) = 0 ] || [ "$i" = $((REGION_BLOCKS - 1)) ] && echo "$i"
		i=$((i + 1))
	done
}
online_picked() {
	for i in $(picked_blocks); do
		hplab online "$(at "$i")" "$(blocks 1)" --zone=movable > /dev/null || return 1
	done
}
nr_picked=$(picked_blocks | wc -l)
check "hplab online --zone=movable of $nr_picked of the blocks" online_picked
check "MemTotal grew by those blocks: their memmap is outside them" \
	test $(($(meminfo MemTotal) - total_before)) = $((nr_picked * BLOCK / 1024))
check "the kernel matches the module with some blocks online" kernel_matches_module

# Every reading command of hplab, against sysfs, /proc/iomem and lsmem.
hplab blocks -n > /tmp/blocks 2> /tmp/blocks.err
check "hplab blocks lists every block and complains of nothing" \
	test "$(wc -l < /tmp/blocks)" = "$REGION_BLOCKS" -a ! -s /tmp/blocks.err
check "hplab blocks agrees with util-linux lsmem on every block's state and zone" blocks_match_lsmem
every_block_sized() {
	size=$(human "$BLOCK")
	while read -r block range block_size rest; do
		[ "$block_size" = "$size" ] && [ "${range%-*}" = "$(hex $((block * BLOCK)))" ] ||
			{ diag "block $block: $range $block_size"; return 1; }
	done < /tmp/blocks
}
check "hplab blocks gives each block its address and size" every_block_sized
picked_map() {
	i=0
	for picked in $(picked_blocks); do
		while [ "$i" -lt "$picked" ]; do
			printf -
			i=$((i + 1))
		done
		printf m
		i=$((i + 1))
	done
}
check "hplab map draws an m for each block online movable, a - for each offline" \
	test "$(hplab_map_cells)" = "$(picked_map)"
hplab status --json > /tmp/status.json 2> /tmp/status.err
check "hplab status --json counts all of it added and the picked blocks online" \
	sh -c "grep -q '\"added\": $REGION_SIZE,' /tmp/status.json && grep -q '\"online\": $((nr_picked * BLOCK)),' /tmp/status.json && ! test -s /tmp/status.err"
check "hplab group list shows the group full, following no request" \
	sh -c "hplab -b group list | grep -q '^ *$g  *static  *[0-9]*  *$REGION_SIZE  *$REGION_SIZE  *-  *-\$'"
check "hplab zones: node 0's ZONE_MOVABLE holds what /proc/zoneinfo says" \
	test "$(nodes_field movable)" = "$(zoneinfo_bytes Movable)"
check "hplab zones: the group has the picked blocks in ZONE_MOVABLE, none in a kernel zone" \
	test "$(zones_field "$g" movable) $(zones_field "$g" kernel)" = "$((nr_picked * BLOCK)) 0"
check "hplab remove --all of the $REGION_BLOCKS blocks" hplab remove "$g" --all
check "MemTotal is back where it was" test "$(meminfo MemTotal)" = "$total_before"
check "no block device and no resource is left" \
	sh -c "test $(region_blocks_present) = 0 && ! grep -q 'System RAM (hotplug_lab)' /proc/iomem"

# The memmap on the memory: per block, BLOCK / PAGE_SIZE struct pages.
d=$(new_group "dynamic $(blocks 1)")
expect_ok add "$d $(at 0) $(blocks 2) memmap=on"
check "each block hosts its own memmap: $MEMMAP_PAGES pages ($(human $((MEMMAP_PAGES * PAGE_SIZE))) per $(human "$BLOCK"))" \
	test "$(awk 'NR > 1 { n += $6 } END { print n }' "$HPLAB/ranges")" = $((2 * MEMMAP_PAGES))
total_before=$(meminfo MemTotal)
check "onlining both blocks movable" online_range "$(at 0)" "$(blocks 2)" online_movable
check "MemTotal grew by the blocks less their memmap" \
	test $(($(meminfo MemTotal) - total_before)) = $((2 * (BLOCK - MEMMAP_PAGES * PAGE_SIZE) / 1024))
check "ZONE_MOVABLE has those memmap pages present but not managed" \
	test "$(movable_unmanaged)" = $((2 * MEMMAP_PAGES))
check "hplab blocks shows $MEMMAP_PAGES memmap pages in each block" \
	sh -c "hplab blocks | awk -v first=$(($(at 0) / BLOCK)) -v pages=$MEMMAP_PAGES '\$1 == first || \$1 == first + 1 { if (\$8 == pages) n++ } END { exit n != 2 }'"
expect_ok remove "$d $(at 0) $(blocks 2)"
check "cleanup" cleanup
