#!/bin/sh
# Kernel style checks of the module, as TAP: checkpatch.pl from the 6.1
# source package (--strict and --codespell, as linux-mm reviewers run it)
# and sparse with W=1 against every kernel (W=1 alone, and a skip, against
# Debian 13's headers, which cannot run sparse).
#
# usage: tests/style.sh [--checkpatch | --sparse RELEASE...]
# Without arguments both, sparse against every kernel of tests/kernels.sh.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
checkpatch=1
releases=""
usage() {
	echo "usage: $0 [--checkpatch | --sparse RELEASE...]" >&2
	exit 2
}
case ${1:-} in
--checkpatch) [ $# = 1 ] || usage ;;
--sparse) shift; [ $# -gt 0 ] || usage; checkpatch=0; releases="$*" ;;
"") releases=$("$top/tests/kernels.sh") ;;
*) usage ;;
esac
tools=$top/build/checkpatch
n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

checkpatch_files() {
	if [ ! -x "$tools/scripts/checkpatch.pl" ]; then
		mkdir -p "$tools"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tools" --strip-components=1 \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch
	fi
	# Without its dictionary checkpatch only warns that codespell is off.
	dictionary=$(dpkg -L codespell 2> /dev/null | grep '/dictionary\.txt$' | head -n 1)
	[ -r "$dictionary" ]
	result $? "codespell's dictionary is installed (${dictionary:-none})"
	for f in "$top"/module/*.[ch]; do
		out=$("$tools/scripts/checkpatch.pl" --strict --no-tree --show-types -q \
			--codespell --codespellfile "$dictionary" -f "$f" 2>&1)
		status=$?
		[ "$status" = 0 ] && [ -z "$out" ]
		result $? "checkpatch --strict ${f#$top/}"
		[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	done
}

[ "$checkpatch" = 1 ] && checkpatch_files
# sparse built from Debian's newest source (tests/build-sparse.sh): the
# 6.12 and newer Kbuild asks for one that knows __typeof_unqual__.
sparse=$top/build/sparse/sparse
# Debian 13's headers packages leave out scripts/checker-valid.sh, which
# Kbuild runs before it lets sparse run, and then builds without sparse:
# that is W=1 alone, and a skip (7.3's full tree, the 7.3 debug kernel's,
# runs sparse on 7.3). Anywhere else, Kbuild's notice that sparse is
# missing or too old is a finding.
no_checker="checker-valid.sh: No such file or directory"
no_sparse="C=2 specified, but .* is not available or not up to date"
for release in $releases; do
	dir=$top/build/sparse-$release
	rm -rf "$dir" && mkdir -p "$dir"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$dir/"
	"$top/tests/kernel-make.sh" "$release" -s M="$dir" C=2 CHECK="$sparse" W=1 modules > "$dir.log" 2>&1
	status=$?
	# Any output but the BTF notice is a finding; so is a make that fails.
	if grep -q "$no_checker" "$dir.log"; then
		out=$(grep -v -e 'Skipping BTF generation' -e "$no_checker" -e "$no_sparse" "$dir.log")
		[ "$status" = 0 ] && [ -z "$out" ]
		result $? "W=1 clean against $release (make exit status $status)"
		skip "sparse clean against $release" "its headers package has no scripts/checker-valid.sh"
	else
		out=$(grep -v 'Skipping BTF generation' "$dir.log")
		[ "$status" = 0 ] && [ -z "$out" ]
		result $? "sparse and W=1 clean against $release (make exit status $status)"
	fi
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
done
echo "1..$n"
