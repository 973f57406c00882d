#!/bin/sh
# fetch-debian.sh PACKAGE...: Debian packages of releases newer than the
# machine's (trixie, trixie-backports, sid), fetched and unpacked into
# build/debian/ without touching the machine's apt sources or its dpkg
# database: a private sources list, list and cache directories, and
# dpkg-deb -x. Each package is taken at the newest version those suites
# have when it runs; one already unpacked at that version is kept.
#
# The archive is the one the machine's own apt sources name (the first
# "URIs:" of /etc/apt/sources.list.d/debian.sources, or the first "deb"
# line of /etc/apt/sources.list), so no mirror is written down here.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/debian
apt=$dir/apt

uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2> /dev/null | head -n 1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list 2> /dev/null | head -n 1)
[ -n "$uri" ] || { echo "fetch-debian.sh: no Debian archive in the machine's apt sources" >&2; exit 1; }

mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/deb"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for suite in trixie trixie-backports sid; do
	echo "deb [signed-by=$keyring] $uri $suite main"
done > "$apt/sources.list"
apt_options="-o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=/dev/null
-o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o Dir::State::status=/dev/null
-o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $apt_options update -qq

for package in "$@"; do
	# shellcheck disable=SC2086
	version=$(apt-cache $apt_options policy "$package" | sed -n 's/^ *Candidate: //p')
	case $version in
	"" | "(none)") echo "fetch-debian.sh: no package $package in trixie, trixie-backports or sid" >&2; exit 1 ;;
	esac
	stamp=$dir/$package.version
	[ "$(cat "$stamp" 2> /dev/null)" = "$version" ] && continue
	rm -f "$dir/deb/$package"_*.deb
	# shellcheck disable=SC2086
	(cd "$dir/deb" && apt-get $apt_options download -qq "$package=$version")
	dpkg-deb -x "$dir/deb/$package"_*.deb "$dir/root"
	rm -f "$dir/deb/$package"_*.deb
	echo "$version" > "$stamp"
	echo "fetch-debian.sh: $package $version in build/debian/root" >&2
done
