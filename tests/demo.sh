#!/bin/sh
# demo.sh RELEASE DEMO...: run demos in the VM, each in its own boot with
# the kernel arguments of its "# boot:" line. Prints the narration; the
# demos' facts are TAP lines. Exits 1 when a boot failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
release=$1
shift
status=0
for demo in "$@"; do
	file=$top/demos/$demo.sh
	[ -r "$file" ] || { echo "no demo $demo: see make demo-list" >&2; exit 2; }
	args=$(sed -n 's/^# boot: //p' "$file")
	"$top/tests/vm/run.sh" -n "demo-$demo" -a "$args" "$release" "demo:$demo" || status=1
done
exit $status
