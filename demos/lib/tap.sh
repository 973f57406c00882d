# TAP lines, shared by the guest tests and the demos (POSIX sh, sourced).
#
# Counters live in files under $TAP_DIR, so that numbering runs on across
# the scripts of one test boot, and so that tests/vm/init can hold each
# script to the plan it declared even when the script dies part-way. The
# test rig sets TAP_DIR; a demo run by hand gets a private one. $T names
# the script in every line.

if [ -z "${TAP_DIR:-}" ]; then
	TAP_DIR=$(mktemp -d)
	trap 'rm -rf "$TAP_DIR"' EXIT
fi

# plan N: this script runs exactly N checks
plan() {
	echo "$1" > "$TAP_DIR/plan"
}

# last_in_boot REASON: this script may leave memory behind (kernel-zone
# memory can become unremovable); tests/vm/init then requires that no
# script runs after it in the same boot, instead of checking that it left
# the box as it found it.
last_in_boot() {
	echo "$1" > "$TAP_DIR/last"
}

# tap_read: the number of checks so far in tap_n (read, not a process:
# processes are slow on a debug kernel)
tap_read() {
	tap_n=0
	[ -r "$TAP_DIR/count" ] && read -r tap_n < "$TAP_DIR/count"
}

# tap_next: the next check's number in tap_n, counted
tap_next() {
	tap_read
	tap_n=$((tap_n + 1))
	echo "$tap_n" > "$TAP_DIR/count"
}

tap_count() {
	tap_read
	echo "$tap_n"
}

# tap STATUS DESCRIPTION: one numbered line, ok when STATUS is 0
tap() {
	tap_next
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $T: $2"
	else
		echo "not ok $tap_n - $T: $2"
	fi
}

# skip DESCRIPTION REASON: a check that cannot run here; counted as skipped
skip() {
	tap_next
	echo "ok $tap_n - $T: $1 # SKIP $2"
}

diag() {
	echo "$*" | sed 's/^/# /'
}
