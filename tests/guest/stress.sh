# Four writers of 1,000 mixed operations each and a reader of every file,
# all at once (tests/vm/stress.c): no operation meets an errno the API
# does not give, every kind of operation succeeds at least once, every
# write logs one event, the module's view is the kernel's afterwards, and
# everything can be removed and unloaded.
. /tests/lib.sh
plan 4

setup
seed=$(random_seed)
seq=$(last_seq)
stress -s "$seed" -w 4 -n 1000 $(hex $REGION_START) $(hex $REGION_SIZE) > /tmp/stress
status=$?
sed 's/^/# /' /tmp/stress
check "4 writers x 1000 mixed operations with readers: nothing failed (seed $seed; tests/vm/run.sh -a hplab_seed=$seed RELEASE stress starts the writers alike)" \
	test "$status" = 0
writes=$(sed -n "s/^\([0-9]*\) writes to the module's files$/\1/p" /tmp/stress)
check "one event per write to the module's files (${writes:-no count})" \
	test "$(($(last_seq) - seq))" = "${writes:--1}"
check "kernel matches module after the load" kernel_matches_module
check "everything can be removed, the groups deleted and the module unloaded" cleanup
