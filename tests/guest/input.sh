# Bad input of any shape gets a clear error and changes nothing.
. /tests/lib.sh
plan 72

setup
g=$(new_group "static $(blocks 4)")
expect_ok add "$g $(at 0) $(blocks 1)"
for text in "" "hello" "$(at 0)" "1 2 3 4 5 6" "$(at 0) 128Q" \
	"-1 128M" "+$(at 0) 128M" "$(at 0) 0x" "$(at 0) 99999999999999999999" \
	"$(at 0) 16777216T" "$(at 0) 1 2" "$(at 0) 01G" "0$(at 0) 1G"; do
	expect_err EINVAL region "$text"
done
for text in "static" "static $(blocks 4) node=" "static $(blocks 4) node=-1" \
	"static $(blocks 4) node=+0" "static $(blocks 4) node=00" "static 1Z" \
	"static 0" "dynamic 0" "static 0$BLOCK" "dynamic" "delete" "delete x" \
	"delete +$g" "delete -1" "wide 128M" "static 128M extra words"; do
	expect_err EINVAL groups "$text"
done
for text in "$g" "$g $(at 1)" "x $(at 1) $(blocks 1)" "+$g $(at 1) $(blocks 1)" \
	"-1 $(at 1) $(blocks 1)" "0$g $(at 1) $(blocks 1)" \
	"$g $(at 1) $(blocks 1) memmap=maybe" "$g $(at 1) $(blocks 1) memmap=on extra" \
	"$g $(at 1) 128K"; do
	expect_err EINVAL add "$text"
done
for text in "$g" "$g some" "$g $(at 0)" "$g $(at 0) $(blocks 1) 1" "+$g all"; do
	expect_err EINVAL remove "$text"
done
# The same size in every notation the API lists: each group's row says 1 block.
size_kb=$((BLOCK / 1024))
for text in "static $BLOCK" "static $(blocks 1)" "static ${size_kb}K" \
	"static $((BLOCK / M))m"; do
	rows=$(wc -l < "$HPLAB/groups")
	expect_ok groups "$text"
	check "'$text' is a new group of one block" \
		sh -c "test $((rows + 1)) = \$(wc -l < $HPLAB/groups) && tail -n 1 $HPLAB/groups | grep -q ' static 0 $(blocks 1) 0x0\$'"
done

# Writes rejected before they are read log nothing (debugfs-api.txt).
ONEWRITE_FLAGS="-d -l" expect_err_unlogged EPERM groups "static $(blocks 1)"
expect_err_unlogged EPERM ranges "x"
ONEWRITE_FLAGS="-l -p $PAGE_SIZE" expect_err_unlogged EINVAL groups "static $(blocks 1)"
ONEWRITE_FLAGS="-l -p $((16 * PAGE_SIZE))" expect_err_unlogged EINVAL groups "static $(blocks 1)"
seq=$(last_seq)
check "a write of PAGE_SIZE - 1 bytes is read and acted on" \
	onewrite -l -p $((PAGE_SIZE - 1)) "$HPLAB/groups" "static $(blocks 1)"
check "... as one event, for the words in it" \
	test "$(new_events "$seq")" = "$((seq + 1)) groups [static $(blocks 1)] ok"

# Bytes a shell cannot send: a real NUL (the module refuses the whole
# write), bytes outside printable ASCII (logged as '?'), and a newline and
# a tab inside one write (still one event on one line).
expect_raw_err EINVAL groups 'static 128M\0junk' \
	"[static 128M] EINVAL: the input contains a NUL byte"
expect_raw_err EINVAL groups 'static\x01128M\xff' \
	"[static?128M?] EINVAL: write 'static <max_size> [node=<nid>]', 'dynamic <unit_size> [node=<nid>]' or 'delete <id>'"
expect_raw_err EINVAL add 'junk\x01\n\xff\tmore\x80' \
	"[junk????more?] EINVAL: the group id is a decimal number: see the first column of the groups file"
# Every line of the log is one event: a number, the file, the words.
events_one_line_each() {
	LC_ALL=C grep -q '[^[:print:]]' "$HPLAB/events"
	[ $? = 1 ] && awk '$1 !~ /^[0-9]+$/ || $3 !~ /^\[/ { bad = 1 } END { exit bad }' "$HPLAB/events"
}
check "the event log stays one printable line per event" events_one_line_each
check "every rejection in the event log has a reason" \
	sh -c "grep -E '\] E[A-Z0-9]+(:[[:space:]]*)?\$' $HPLAB/events; test \$? = 1"
check "reading add shows the syntax it accepts" \
	grep -qx '<group-id> <start> <size> \[memmap=on|off\] \[online=online|kernel|movable\]' "$HPLAB/add"
check "reading remove shows the syntax it accepts" \
	sh -c "grep -qx '<group-id> all' $HPLAB/remove"
# A writer reads its own result back from the file description it wrote
# through (debugfs-api.txt), whatever was written elsewhere since; the
# events file's last line is then another writer's.
# own_verdict FILE TEXT RESULT: write TEXT through one open FILE, another
# write elsewhere, then that open FILE reads the event of TEXT, RESULT
# ("ok" or an errno name) and all
own_verdict() {
	seq=$(last_seq)
	exec 3<> "$HPLAB/$1"
	printf '%s' "$2" >&3 2> /dev/null
	write region "someone else's write"
	verdict=$(cat <&3)
	exec 3<&-
	mine=$(new_events "$seq" | head -n 1)
	case $3 in
	ok) want="$((seq + 1)) $1 [$2] ok" ;;
	*) want="$((seq + 1)) $1 [$2] $3: " ;;
	esac
	case $mine in "$want"*) ;; *) diag "event '$mine', want '$want...'"; return 1 ;; esac
	[ "$verdict" = "$mine" ] && [ "$(last_event)" != "$verdict" ] ||
		{ diag "read back '$verdict'; event '$mine'; last '$(last_event)'"; return 1; }
}
check "a rejected write's reason is read back from the file it was written to" \
	own_verdict groups "delete 999" ENOENT
check "a successful write reads back 'ok' the same way" \
	own_verdict groups "dynamic $(blocks 1)" ok
write groups "delete $(last_group)"
# The verdict is the open file's own: another open of the same file,
# while the first holds one, reads the usual contents.
verdict_stays_with_its_file() {
	exec 3<> "$HPLAB/add"
	printf 'junk' >&3 2> /dev/null
	exec 4< "$HPLAB/add"
	other=$(cat <&4)
	mine=$(cat <&3)
	exec 3<&- 4<&-
	[ "$other" = "$(cat "$HPLAB/add")" ] && [ "$other" != "$mine" ] &&
		case $mine in *" add [junk] EINVAL: "*) ;; *) false ;; esac ||
		{ diag "other open '$other', this one '$mine'"; return 1; }
}
check "another open of a file written through reads as before" verdict_stays_with_its_file
many_events() {
	first=$(($(last_seq) + 1))
	i=0
	while [ $i -lt 300 ]; do
		write region "junk $i"
		i=$((i + 1))
	done
	# 256 lines, numbered one by one up to the last write, the oldest dropped
	[ "$(wc -l < "$HPLAB/events")" = 256 ] &&
	awk -v last=$((first + 299)) '$1 != last - 256 + NR { bad = 1 } END { exit bad }' "$HPLAB/events" &&
	tail -n 1 "$HPLAB/events" | grep -q "^$((first + 299)) region \[junk 299\] EINVAL: "
}
check "the event ring keeps the latest 256 events, numbered one per write" many_events
# Rejected writes must free their buffer (4 KiB of slab each). A debug
# kernel's kmemleak names every leaked object: 100 writes, then two scans
# once they are 5 s old (kmemleak holds back an object its first scan
# sees, until a second finds it unchanged). Debian's kernels have no kmemleak:
# 2000 writes would leak 8 MB of unreclaimable slab, against a bound of
# 2 MB (measured: 0 to 48 kB without a leak).
KMEMLEAK=/sys/kernel/debug/kmemleak
rejected_writes() {
	junk=$(head -c 3000 /dev/zero | tr '\0' 'x')
	i=0
	while [ $i -lt $(($1 / 2)) ]; do
		write add "$junk"
		write groups "$junk $i"
		i=$((i + 1))
	done
}
no_leak_on_rejected_writes() {
	before=$(meminfo SUnreclaim)
	rejected_writes 2000
	after=$(meminfo SUnreclaim)
	diag "SUnreclaim $before kB before 2000 rejected 3K writes, $after kB after"
	test $((after - before)) -lt 2048
}
kmemleak_finds_nothing_after_rejected_writes() {
	rejected_writes 100
	sleep 6
	echo scan > "$KMEMLEAK" && echo scan > "$KMEMLEAK" || return 1
	leaks=$(grep -c 'unreferenced object' "$KMEMLEAK")
	[ "$leaks" = 0 ] || head -n 30 "$KMEMLEAK" | sed 's/^/# /'
	[ "$leaks" = 0 ]
}
if [ -w "$KMEMLEAK" ]; then
	check "100 rejected writes leave kmemleak nothing to report" kmemleak_finds_nothing_after_rejected_writes
else
	check "thousands of rejected writes leak no kernel memory" no_leak_on_rejected_writes
fi
check "kernel matches module after all that" kernel_matches_module
check "cleanup" cleanup
