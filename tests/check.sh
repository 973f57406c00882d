#!/bin/sh
# The whole test suite: host checks, then the VM scenarios on every kernel
# given. Ends with "N passed, N failed"; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
log=$top/build/check.log
mkdir -p "$top/build"
: > "$log"

run() {
	echo "## $*" | tee -a "$log"
	"$@" 2>&1 | tee -a "$log"
}

run "$top/tests/style.sh"
HPLAB_UNIT=$top/userspace-cli/test_util run "$top/tests/cli/run.sh"
HPLAB=$top/build/cli-asan/hplab HPLAB_UNIT=$top/build/cli-asan/test_util \
	run "$top/tests/cli/run.sh"
run "$top/tests/dkms.sh" "$@"
for release in "$@"; do
	run "$top/tests/vm/run.sh" -n main "$release" \
		load region static dynamic granularity memmap input concurrency cli
	run "$top/tests/vm/run.sh" -n offline "$release" offline-failure
	run "$top/tests/vm/run.sh" -n param-off \
		-a "memory_hotplug.memmap_on_memory=0" "$release" param-off cli-param-off
	run "$top/tests/demo.sh" "$release" $(cd "$top/demos" && ls *.sh | sed 's/\.sh$//')
done

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo
grep '^not ok ' "$log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
