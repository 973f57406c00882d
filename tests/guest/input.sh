# Bad input of any shape gets a clear error and changes nothing.
. /tests/lib.sh

setup
g=$(new_group "static 512M")
expect_ok add "$g 0x40000000 128M"
for text in "" "hello" "0x40000000" "1 2 3 4 5 6" "0x40000000 128Q" \
	"-1 128M" "+0x40000000 128M" "0x40000000 0x" "0x40000000 99999999999999999999" \
	"0x40000000 16777216T" "0x40000000 1 2"; do
	expect_err EINVAL region "$text"
done
for text in "static" "static 512M node=" "static 512M node=-1" "static 1Z" \
	"dynamic" "delete" "delete x" "wide 128M" "static 128M extra words"; do
	expect_err EINVAL groups "$text"
done
for text in "$g" "$g 0x48000000" "x 0x48000000 128M" "$g 0x48000000 128M memmap=maybe" \
	"$g 0x48000000 128M memmap=on extra" "$g 0x48000000 128K"; do
	expect_err EINVAL add "$text"
done
for text in "$g" "$g some" "$g 0x40000000" "$g 0x40000000 128M 1"; do
	expect_err EINVAL remove "$text"
done
check "numbers are decimal, 0x-hex, with K/M/G/T suffixes" \
	sh -c "printf 'static 134217728\n' > $HPLAB/groups && printf 'static 0x8000000\n' > $HPLAB/groups && printf 'static 131072K\n' > $HPLAB/groups && printf 'static 128m\n' > $HPLAB/groups"
check "a write larger than a page is rejected" \
	sh -c "! dd if=/dev/zero of=$HPLAB/groups bs=5000 count=1 2>/dev/null"
check "a write with a NUL byte is rejected" \
	sh -c "! printf 'static 128M\\\\0junk' > $HPLAB/groups 2>/dev/null"
check "binary junk is rejected" \
	sh -c "! dd if=/dev/urandom of=$HPLAB/add bs=300 count=1 2>/dev/null"
check "the event log stays one printable line per event" \
	sh -c "! LC_ALL=C grep -q '[^[:print:]]' $HPLAB/events"
check "reading add shows the syntax it accepts" \
	grep -qx '<group-id> <start> <size> \[memmap=on|off\]' "$HPLAB/add"
check "reading remove shows the syntax it accepts" \
	sh -c "grep -qx '<group-id> all' $HPLAB/remove"
check "a write to the read-only ranges file fails" \
	sh -c "! echo x > $HPLAB/ranges 2>/dev/null"
many_events() {
	i=0
	while [ $i -lt 300 ]; do
		write region "junk $i"
		i=$((i + 1))
	done
	test "$(wc -l < "$HPLAB/events")" = 256 &&
	tail -n 1 "$HPLAB/events" | grep -q '\[junk 299\] EINVAL: '
}
check "the event ring keeps the latest 256 events" many_events
# No kmemleak in Debian's kernels; a leaked write buffer (4 KiB slab each)
# would show as MBs of unreclaimable slab after thousands of writes.
no_leak_on_rejected_writes() {
	junk=$(head -c 3000 /dev/zero | tr '\0' 'x')
	before=$(meminfo SUnreclaim)
	i=0
	while [ $i -lt 3000 ]; do
		write add "$junk"
		write groups "$junk $i"
		i=$((i + 1))
	done
	after=$(meminfo SUnreclaim)
	diag "SUnreclaim $before kB before 6000 rejected 3K writes, $after kB after"
	test $((after - before)) -lt 2048
}
check "thousands of rejected writes leak no kernel memory" no_leak_on_rejected_writes
check "every rejection in the event log has a reason" \
	sh -c "! grep -E '] E[A-Z0-9]+: *\$' $HPLAB/events"
check "kernel matches module after all that" kernel_matches_module
check "cleanup" cleanup
