#!/bin/sh
# Kernel style checks of the module, as TAP: checkpatch.pl from the 6.1
# source package (--strict and --codespell, as linux-mm reviewers run it)
# and sparse against every kernel (W=1 alone, and a skip, where the
# kernel is newer than the sparse Debian 12 has).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
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

for release in $("$top/tests/kernels.sh"); do
	dir=$top/build/sparse-$release
	rm -rf "$dir" && mkdir -p "$dir"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$dir/"
	# Any output but the BTF notice is a finding; a make that fails (no
	# sparse: "Error 127") fails too.
	make -s -C "$("$top/tests/kernel-paths.sh" "$release" | cut -d' ' -f1)" \
		M="$dir" C=2 W=1 modules > "$dir.log" 2>&1
	status=$?
	# A kernel newer than Debian 12's sparse (7.3 wants __typeof_unqual__)
	# says so and builds without it: that is W=1 alone, and a skip. Without
	# sparse at all, the warning is a finding.
	old_sparse="C=2 specified, but sparse is not available or not up to date"
	out=$(grep -v -e 'Skipping BTF generation' -e "$old_sparse" "$dir.log")
	[ "$status" = 0 ] && [ -z "$out" ]
	clean=$?
	if command -v sparse > /dev/null && grep -q "$old_sparse" "$dir.log"; then
		result $clean "W=1 clean against $release (make exit status $status)"
		skip "sparse clean against $release" "$(sparse --version) is too old for this kernel"
	else
		result $clean "sparse and W=1 clean against $release (make exit status $status)"
	fi
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
done
echo "1..$n"
