# Generated input: thousands of writes to every writable file (random
# bytes, mutated valid commands, boundary numbers, overlong lines: see
# tests/vm/fuzz.c), each held to the common rules of debugfs-api.txt: a
# rejected write changes nothing, a write that is read logs exactly one
# event, one of PAGE_SIZE bytes or more none. The rig checks the kernel log
# of the whole boot at its end.
#
# 10000 writes per file, or hplab_fuzz_count=N on the kernel command line.
# The seed (lib.sh's random_seed) and the same kernel make the same writes.
. /tests/lib.sh
FILES="region groups add remove granularity"
set -- $FILES
# Per file: the writes that build its state (the region: one, the others:
# four), the fuzzing, the kernel check, and a cleanup (before the next
# file, or at the end).
plan $((4 + ($# - 1) * 7))

seed=$(random_seed)
count=$(cmdline_value hplab_fuzz_count)
count=${count:-10000}
diag "seed $seed, $count writes per file; to rerun: tests/vm/run.sh -a hplab_seed=$seed RELEASE fuzz"

# The state each file is fuzzed in, so that generated commands meet real
# objects: a static group of two blocks with its first block added, a
# dynamic group with one-block units and one unit added, two blocks on.
build_state() {
	expect_ok groups "static $(blocks 2)"
	static=$(last_group)
	expect_ok groups "dynamic $(blocks 1)"
	dynamic=$(last_group)
	expect_ok add "$static $(at 0) $(blocks 1)"
	expect_ok add "$dynamic $(at 2) $(blocks 1)"
}

# fuzz_file FILE: one check that fuzz finds nothing, with its summary (the
# count and the seed) and its findings as diagnostics
fuzz_file() {
	started=$(date +%s)
	out=$(fuzz -s "$seed" -n "$count" "$1" 2>&1)
	status=$?
	[ "$status" = 0 ]
	tap $? "$count generated writes to $1: rejected ones change nothing, each one read is one event"
	printf '%s\n' "$out" | sed 's/^# //; s/^/# /'
	diag "fuzz exit status $status, $(($(date +%s) - started)) s"
	[ "$status" = 0 ] ||
		diag "to replay from this script's state: fuzz -s $seed -n $count $1 (-l lists the writes)"
}

setup
first=yes
for file in $FILES; do
	if [ $first = no ]; then
		# Accepted writes may have changed the state: start afresh.
		check "cleanup before fuzzing $file" cleanup
		setup
	fi
	first=no
	# Claims meet the firmware's and the kernel's rules only when nothing
	# is claimed; every other file meets groups and memory.
	if [ "$file" = region ]; then
		expect_ok region release
	else
		build_state
	fi
	fuzz_file "$file"
	check "kernel matches module after fuzzing $file" kernel_matches_module
done
check "cleanup" cleanup
