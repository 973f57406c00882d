# hplab zones against the kernel's own choice of zone. For each case the
# zone hplab predicts for a group's next block, from the kernel's rule
# alone (no block of the group is added offline yet), must be the zone
# valid_zones lists first once that block is added offline, and the zone
# a plain "online" gives it; asked again, hplab reads valid_zones itself
# and must find its rule in agreement. Its node table must match
# /proc/zoneinfo. Nothing is onlined into a kernel zone, so the script
# leaves the box as it found it.
. /tests/lib.sh
plan 37

P=/sys/module/memory_hotplug/parameters
POLICY_BEFORE=$(cat $P/online_policy)
RATIO_BEFORE=$(cat $P/auto_movable_ratio)

# reason_agrees GROUP ZONE: hplab's reason for the group's next zone is
# valid_zones of its offline block, listing ZONE first, as its rule says
reason_agrees() {
	reason=$(zones_field "$1" reason)
	case $reason in
	"the kernel's answer: "*" lists $2 first, as the rule says: "*) return 0 ;;
	esac
	diag "hplab zones: $reason"
	return 1
}

first_valid_zone() {
	cut -d' ' -f1 "$(block_dir "$1")/valid_zones"
}

# next_block_agrees DESCRIPTION GROUP ADDR SIZE ONLINE: hplab's zone for
# the group's next block (a free block at ADDR, the lowest free one of the
# region), then the kernel's once it is added offline; with ONLINE=online
# the block is onlined with plain "online" and must land there too.
next_block_agrees() {
	predicted=$(zones_field "$2" next)
	expect_ok add "$2 $3 $4"
	got=$(first_valid_zone "$3")
	check "$1: hplab zones said $predicted, valid_zones lists $got first" test "$predicted" = "$got"
	check "$1: asked again, hplab reads valid_zones and its rule agrees" \
		reason_agrees "$2" "$got"
	if [ "$5" = online ]; then
		echo online > "$(block_dir "$3")/state"
		check "$1: a plain online puts it in $predicted" test "$(block_zone "$3")" = "$predicted"
	fi
}

setup

# contig-zones: the zone whose span the block is in decides.
echo contig-zones > $P/online_policy
s=$(new_group "static $(blocks 2)")
d=$(new_group "dynamic $(blocks 1)")
next_block_agrees "contig-zones, empty region" "$s" "$(at 0)" "$(blocks 1)" offline
expect_ok remove "$s all"
expect_ok add "$d $(at 1) $(blocks 1)"
echo online_movable > "$(block_dir $(at 1))/state"
next_block_agrees "contig-zones, below a movable block" "$s" "$(at 0)" "$(blocks 1)" offline
check "hplab zones: node 0's kernel zones hold what /proc/zoneinfo says" \
	test "$(nodes_field kernel)" = "$(zoneinfo_bytes kernel)"
check "hplab zones: node 0's ZONE_MOVABLE holds what /proc/zoneinfo says" \
	test "$(nodes_field movable)" = "$(zoneinfo_bytes Movable)"
check "hplab zones: the dynamic group has one block in ZONE_MOVABLE" \
	test "$(zones_field "$d" movable) $(zones_field "$d" kernel)" = "$BLOCK 0"
expect_ok remove "$s all"

# auto-movable: ZONE_MOVABLE while the group's memory fits the budget.
echo auto-movable > $P/online_policy
echo 301 > $P/auto_movable_ratio
next_block_agrees "auto-movable 301%, static group" "$s" "$(at 0)" "$(blocks 1)" online
check "hplab zones: the static group has one block in ZONE_MOVABLE" \
	test "$(zones_field "$s" movable) $(zones_field "$s" kernel)" = "$BLOCK 0"
next_block_agrees "auto-movable 301%, the rest of a static group" "$s" "$(at 2)" "$(blocks 1)" online
expect_ok remove "$s all"
expect_ok remove "$d all"
next_block_agrees "auto-movable 301%, a dynamic unit" "$d" "$(at 0)" "$(blocks 1)" online
expect_ok remove "$d all"

# A budget of 1% of early kernel memory holds no block: a kernel zone.
echo 1 > $P/auto_movable_ratio
next_block_agrees "auto-movable 1%, a dynamic unit" "$d" "$(at 0)" "$(blocks 1)" offline
expect_ok remove "$d all"
next_block_agrees "auto-movable 1%, static group" "$s" "$(at 0)" "$(blocks 1)" offline
expect_ok remove "$s all"

echo "$POLICY_BEFORE" > $P/online_policy
echo "$RATIO_BEFORE" > $P/auto_movable_ratio
check "cleanup" cleanup
