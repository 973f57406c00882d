#!/bin/sh
# The kernels hotplug-lab is tested on. Prints one release per line; exits
# 1, naming each missing kernel on stderr, so a missing kernel fails the
# suite instead of shrinking it.
#
# - Debian 12's, one per line of DEBIAN_LINES: the newest installed
#   release that has its headers (make deps installs them). A line is
#   VERSION or VERSION-FLAVOUR: 6.12 is linux-image-6.12.*-amd64, 6.12-rt
#   is linux-image-6.12.*-rt-amd64 (PREEMPT_RT).
# - Debian 13's, newer than any Debian 12 has, one per line of
#   TRIXIE_LINES: the newest release of the line in the build root
#   build/debian/trixie/ (tests/build-root.sh; trixie-backports).
# - The project's own builds (tests/build-kernel.sh, make kernels), in
#   build/kernels/LINE/: the debug kernels of the oldest and the newest
#   line, built from Debian's linux-source-VERSION.
#
# kernels.sh --to-build prints the lines the project builds, --trixie the
# Debian 13 lines; --debian lists and checks Debian's kernels only;
# --lines prints "LINE RELEASE" for each kernel found.
DEBIAN_LINES="6.1 6.12 6.12-rt"
TRIXIE_LINES="7.3"
BUILT_LINES="6.1-debug 7.3-debug"
top=$(cd "$(dirname "$0")/.." && pwd)

case ${1:-} in
--to-build) echo $BUILT_LINES; exit 0 ;;
--trixie) echo $TRIXIE_LINES; exit 0 ;;
esac

# newest LINE BEFORE AFTER: the newest release of LINE whose image
# BEFORE<release>AFTER is there with its build tree (tests/kernel-paths.sh)
newest() {
	version=${1%%-*}
	flavour=${1#"$version"}
	for image in "$2$version".*"$flavour-amd64$3"; do
		release=${image#"$2"}
		release=${release%"$3"}
		# a line without flavour is the generic one: not -rt's nor -cloud's
		case $flavour:$release in
		:*-rt-amd64 | :*-cloud-amd64) continue ;;
		esac
		[ -r "$image" ] && [ -d "$("$top/tests/kernel-paths.sh" "$release" | cut -d' ' -f1)" ] &&
			echo "$release"
	done | sort -V | tail -n 1
}

status=0
with_line=""
[ "${1:-}" = --lines ] && with_line=1
# found DISTRIBUTION LINE RELEASE
found() {
	if [ -n "$3" ]; then
		echo "${with_line:+$2 }$3"
	else
		echo "kernels.sh: no $1 $2 kernel with headers is installed (make deps installs it)" >&2
		status=1
	fi
}
for line in $DEBIAN_LINES; do
	found "Debian 12" "$line" "$(newest "$line" /boot/vmlinuz- "")"
done
for line in $TRIXIE_LINES; do
	found "Debian 13" "$line" "$(newest "$line" "$top/build/debian/trixie/usr/lib/modules/" /vmlinuz)"
done
[ "${1:-}" = --debian ] && BUILT_LINES=""
for line in $BUILT_LINES; do
	if [ -r "$top/build/kernels/$line/vmlinuz" ] && [ -r "$top/build/kernels/$line/release" ]; then
		echo "${with_line:+$line }$(cat "$top/build/kernels/$line/release")"
	else
		echo "kernels.sh: the $line kernel is not built (make kernels builds it)" >&2
		status=1
	fi
done
exit $status
