#!/bin/sh
# Host tests of hplab, as TAP: the size parser, then every case in
# tests/cli/cases against a fixture tree (fixture.sh). The CLI under test
# is $HPLAB (default userspace-cli/hplab). --update rewrites expected/.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
hplab=${HPLAB:-$top/userspace-cli/hplab}
unit=${HPLAB_UNIT:-$top/userspace-cli/test_util}
work=$top/build/cli-tests/$(basename "$(dirname "$hplab")")
update=${1:-}
n=0
mkdir -p "$work"

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

"$unit" > "$work/unit.tap"
unit_status=$?
grep '^not ok' "$work/unit.tap" | sed 's/^/# /'
result $unit_status "size parser and formatter: $(grep -c '^ok' "$work/unit.tap") unit tests pass"

while IFS='|' read -r name fixture code args check; do
	name=$(echo "$name" | tr -d ' ')
	case $name in ''|'#'*) continue ;; esac
	fixture=$(echo "$fixture" | tr -d ' ')
	code=$(echo "$code" | tr -d ' ')
	root=$work/root
	"$top/tests/cli/fixture.sh" "$fixture" "$root"
	# A command that does not end in time (a loop on bad input) fails.
	# shellcheck disable=SC2086
	HPLAB_SYSROOT=$root NO_COLOR=1 timeout 20 "$hplab" $args > "$work/$name.stdout" 2> "$work/$name.stderr"
	status=$?
	{ cat "$work/$name.stdout"; echo "--- stderr"; cat "$work/$name.stderr"; } > "$work/$name.out"
	expected=$top/tests/cli/expected/$name.out
	[ "$update" = --update ] && cp "$work/$name.out" "$expected"
	ok=0
	if [ "$status" != "$code" ]; then
		echo "# $name: exit $status, expected $code"
		ok=1
	fi
	if ! diff -u "$expected" "$work/$name.out" > "$work/$name.diff" 2>&1; then
		sed 's/^/# /' "$work/$name.diff"
		ok=1
	fi
	if grep -q 'runtime error\|Sanitizer' "$work/$name.stderr"; then
		ok=1
	fi
	# Whatever --json prints must be JSON (a failure may print nothing).
	case " $args " in
	*" -J "*|*" --json "*)
		if { [ "$code" = 0 ] || [ -s "$work/$name.stdout" ]; } &&
		   ! python3 -m json.tool < "$work/$name.stdout" > /dev/null 2> "$work/$name.json"; then
			echo "# $name: stdout is not JSON: $(cat "$work/$name.json")"
			ok=1
		fi
		;;
	esac
	if [ -n "$check" ] && ! (cd "$root" && eval "$check"); then
		echo "# $name: after the run, failed: $check"
		ok=1
	fi
	result $ok "hplab$args ($fixture)"
done < "$top/tests/cli/cases"
echo "1..$n"
