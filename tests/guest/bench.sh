# make bench, the guest half (tests/bench/run.sh boots it): adds and
# removes the same bytes through every mechanism Linux has, in this one
# guest, and prints what each step took as "# bench" lines:
#
#   # bench CONTENDER MEMMAP BYTES RUN UP_NS DOWN_NS CONSUMED_KB ADD_NS ONLINE_NS OFFLINE_NS REMOVE_NS
#
# UP is add and online to ZONE_MOVABLE, DOWN offline and remove, as
# hpbench step times them (from the request until every block is online,
# or gone); CONSUMED_KB the free memory that was there before the add and
# is not after it (MemFree and the per-cpu lists, corrected for what the
# add itself brought: the memmap of memmap=off); the last four the
# module's own phase times from its events ("-" where it has none). A
# line "# bench floor - BYTES RUN NS" is the floor: memset of the memmap
# BYTES needs (16M per GiB), by one thread.
#
# Contenders:
#   module         one write to the module's add file with online=movable
#                  (the policy offline): the module adds, then onlines;
#                  one write to remove; what hotplug_lab costs the kernel
#   hplab          the same through the CLI, hplab add --online=movable
#                  and hplab remove --all: the module's time plus starting
#                  a process and what hplab reads
#   hplab-policy   hplab add with auto_online_blocks=online_movable: the
#                  kernel onlines inside add_memory_driver_managed()
#   virtio-mem     the virtio-mem-pci device vmem0's requested-size (QMP)
#   kmem           a dax device of a soft-reserved range (dax_hmem),
#                  rebound from device_dax to kmem; back by offlining its
#                  blocks and unbinding (memmap=on through the device's
#                  memmap_on_memory where the kernel has it, 6.8+)
#   dimm           a pc-dimm, device_add and device_del (QMP, ACPI)
# memmap=on where the mechanism lets a user choose it; virtio-mem never
# self-hosts the memmap, a DIMM does where the kernel can
# (memory_hotplug.memmap_on_memory=1, on 6.1 a single block only): its
# CONSUMED_KB tells.
#
# The kernel command line gives hplab_bench_sizes=G,G,... (GiB),
# hplab_bench_runs=N and hplab_bench_budget=S; the soft-reserved ranges
# are the memmap=SIZE%START entries, one per size. Without them (make
# check's smoke run): 1G, once, 20 s. A contender whose slower step, at the
# speed it had at the sizes before, would take more than the budget at a
# size is skipped there, in every run, with a "# bench-skip" line saying
# why (virtio-mem's unplug, 2 s per GiB here, would take most of make
# bench's half hour at 16G and 32G).
# No check here is about time: each says that a step succeeded and left
# the box as before.
. /tests/lib.sh

sizes=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^hplab_bench_sizes=\([0-9,]*\)$/\1/p' | tr ',' ' ')
runs=$(cmdline_value hplab_bench_runs)
budget=$(cmdline_value hplab_bench_budget)
: "${sizes:=1}" "${runs:=1}" "${budget:=20}"
DAX=/sys/bus/dax

last_in_boot "it loads virtio_mem and the dax drivers, and binds dax devices to kmem"
set_auto_online_offline
load_module || bail "insmod hotplug_lab.ko"
# virtio_pci is a module on 6.1, built in later
[ -r /modules/virtio_pci.ko ] && { load_kernel_module virtio_pci || bail "insmod virtio_pci"; }
load_kernel_module virtio_mem || bail "insmod virtio_mem"
# The dax drivers, where the kernel has them (6.12-rt has no dax_hmem).
have_dax=0
if [ -r /modules/dax_hmem.ko ]; then
	load_kernel_module dax_hmem || bail "insmod dax_hmem"
	load_kernel_module device_dax || bail "insmod device_dax"
	load_kernel_module kmem || bail "insmod kmem"
	have_dax=1
fi
# The agent's line to the host: raw, or the tty would echo its answers
# back to it as requests.
stty -F /dev/ttyS1 raw -echo || bail "stty /dev/ttyS1"

# Idle, each dax device is bound to device_dax. Debian's 6.1 and 7.3 bind
# a range the firmware calls RAM (Soft Reserved) to kmem by default
# ("dax: Assign RAM regions to memory-hotplug by default"), so kmem took
# them when it loaded, offline as the policy is: hand them back.
# device_dax's new_id makes it take any of them it does not match.
for dev in "$DAX"/devices/dax*; do
	[ -e "$dev" ] || continue
	dev=${dev##*/}
	if [ -e "$DAX/drivers/kmem/$dev" ]; then
		echo "$dev" > "$DAX/drivers/kmem/unbind" || bail "$dev: unbind kmem"
	fi
	echo "$dev" > "$DAX/drivers/device_dax/new_id" 2> /dev/null
	[ -e "$DAX/drivers/device_dax/$dev" ] || bail "$dev: bind device_dax"
done
kmem_memmap=""
[ "$have_dax" = 1 ] && kmem_memmap="off"
for dev in "$DAX"/devices/dax*; do
	[ -e "$dev/memmap_on_memory" ] && kmem_memmap="off on"
	break
done
# The DIMM's memmap is where the kernel puts it (inside with
# memory_hotplug.memmap_on_memory=1 where the kernel can: 7.3, but not
# 6.1 for more than one block): "kernel", which the report resolves from
# what the add consumed.
variants="module:on module:off hplab:on hplab:off hplab-policy:on hplab-policy:off virtio-mem:off dimm:kernel"
for m in $kmem_memmap; do
	variants="$variants kmem:$m"
done
whole_blocks() {
	for gib in $sizes; do
		[ $(((gib << 30) % BLOCK)) = 0 ] || return 1
	done
}
whole_blocks || bail "the sizes ($sizes GiB) are not whole memory blocks of $(human $BLOCK)"
nr_sizes=$(echo $sizes | wc -w)
nr_variants=$(echo $variants | wc -w)
plan $((runs * nr_sizes * (nr_variants + 1) + 2))

write region "$(hex $REGION_START) $(hex $REGION_SIZE)" || bail "claim the region"
g=$(new_group "static $(hex $REGION_SIZE)") || bail "create a group"
base_blocks=$(ls -d $MEMORY/memory[0-9]* | wc -l)
base_online=$(cat $MEMORY/memory[0-9]*/state | grep -cx online)
# step_up BYTES HPBENCH-ARGS...: one hpbench step that ends once BYTES of
# new blocks are there and online; step_down: once they are gone
step_up() {
	n=$(($1 / BLOCK))
	shift
	hpbench step --blocks $((base_blocks + n)) --online $((base_online + n)) "$@"
}
step_down() {
	hpbench step --blocks "$base_blocks" --online "$base_online" "$@"
}
diag "$base_blocks memory blocks of $(human $BLOCK) at the start, $base_online of them online"

# dax_for BYTES: the dax device whose size is BYTES (one per size)
dax_for() {
	for dev in "$DAX"/devices/dax*; do
		[ "$(cat "$dev/size")" = "$1" ] && { echo "${dev##*/}"; return; }
	done
}
dax_devices_found() {
	for gib in $sizes; do
		[ -n "$(dax_for $((gib << 30)))" ] || return 1
	done
}
if [ "$have_dax" = 1 ]; then
	check "dax_hmem made one dax device per size ($sizes GiB) of the soft-reserved ranges" dax_devices_found
else
	skip "dax_hmem made one dax device per size" "this kernel has no dax_hmem (CONFIG_DEV_DAX_HMEM): no kmem contender"
fi

# The state files of the blocks of a dax device, for its offline.
dax_block_states() {
	start=$(($(cat "$DAX/devices/$1/resource")))
	n=0
	while [ $n -lt $(($2 / BLOCK)) ]; do
		printf '%s ' "$(block_dir $((start + n * BLOCK)))/state"
		n=$((n + 1))
	done
}

# phase NAME: the module's nanoseconds for NAME in its newest event, or -
phase() {
	ns=$(tail -n 1 "$HPLAB/events" | sed -n "s/.* $1_ns=\([0-9]*\).*/\1/p")
	echo "${ns:--}"
}

# up CONTENDER MEMMAP BYTES RUN: add BYTES and online them movable (the
# module and hplab with the policy offline, the others by the policy);
# prints the nanoseconds
up() {
	case $1 in
	module | hplab) echo offline > $MEMORY/auto_online_blocks ;;
	*) echo online_movable > $MEMORY/auto_online_blocks ;;
	esac
	flag=""
	[ "$2" = on ] && flag=--memmap-on-memory
	case $1 in
	module)
		step_up "$3" --write "$HPLAB/add" "$g $(hex $REGION_START) $3 memmap=$2 online=movable" ;;
	hplab)
		step_up "$3" -- hplab add $flag --online=movable "$g" "$(hex $REGION_START)" "$3" ;;
	hplab-policy)
		step_up "$3" -- hplab add $flag "$g" "$(hex $REGION_START)" "$3" ;;
	virtio-mem)
		step_up "$3" --ask "virtio-mem $3" ;;
	dimm)
		step_up "$3" --ask "dimm-add dimm$4x$(($3 >> 30)) $3" ;;
	kmem)
		step_up "$3" -- sh -c "echo $(dax_for "$3") > $DAX/drivers/kmem/new_id" ;;
	esac
}

# prepare CONTENDER MEMMAP BYTES: what comes before a contender's up and
# is not part of it: kmem's dax device leaves device_dax (which frees the
# ZONE_DEVICE memmap device_dax had for it) and gets its memmap_on_memory
prepare() {
	[ "$1" = kmem ] || return 0
	dev=$(dax_for "$3")
	echo "$dev" > "$DAX/drivers/device_dax/unbind" || return 1
	[ ! -e "$DAX/devices/$dev/memmap_on_memory" ] ||
		echo "$([ "$2" = on ] && echo 1 || echo 0)" > "$DAX/devices/$dev/memmap_on_memory"
}

# down CONTENDER MEMMAP BYTES RUN: offline and remove what up added
down() {
	case $1 in
	module)
		step_down --write "$HPLAB/remove" "$g all" ;;
	hplab | hplab-policy)
		step_down -- hplab remove "$g" --all ;;
	virtio-mem)
		step_down --ask "virtio-mem 0" ;;
	dimm)
		step_down --ask "dimm-del dimm$4x$(($3 >> 30))" ;;
	kmem)
		dev=$(dax_for "$3")
		step_down -- sh -c \
			"for s in $(dax_block_states "$dev" "$3"); do echo offline > \$s || exit 1; done
			echo $dev > $DAX/drivers/kmem/unbind" || return 1
		echo "$dev" > "$DAX/drivers/device_dax/bind" ;;
	esac
}

# free memory, and the memory the kernel manages (kB)
free_and_total() {
	echo "$(free_kb) $(meminfo MemTotal)"
}

# contend CONTENDER MEMMAP BYTES RUN: one run, one "# bench" line once
# the memory is back as it was (the down step ends only once the blocks
# are those the guest started with, all online); a step that fails stops
# the benchmark (what it left would make every later step wait for counts
# it cannot reach), after a try to take the memory down again
contend() {
	prepare "$@" || bail "$1: could not prepare the up step"
	before=$(free_and_total)
	up_ns=$(up "$@") || { down "$@" > /dev/null; bail "$1 memmap=$2 $3: the up step failed"; }
	phases_up="- -"
	case $1 in hplab* | module) phases_up="$(phase add) $(phase online)" ;; esac
	after=$(free_and_total)
	down_ns=$(down "$@") || bail "$1 memmap=$2 $3: the down step failed"
	phases_down="- -"
	case $1 in hplab* | module) phases_down="$(phase offline) $(phase remove)" ;; esac
	# free before + what the add brought (MemTotal's growth) - free after
	consumed=$((${before% *} + ${after#* } - ${before#* } - ${after% *}))
	echo "# bench $1 $2 $3 $4 $up_ns $down_ns $consumed $phases_up $phases_down"
	slower=$up_ns
	[ "$down_ns" -gt "$slower" ] && slower=$down_ns
	eval "ns_per_gib_$(var_name "$1_$2")=$((slower / ($3 >> 30)))"
}

# var_name WORDS: WORDS as part of a shell variable's name
var_name() {
	echo "$*" | tr -c 'a-z0-9\n' _
}

# rotate N WORDS...: the words, starting at the Nth (from 0), wrapping
rotate() {
	n=$(($1 % ($# - 1)))
	shift
	i=0
	for w in "$@"; do
		[ $i -ge $n ] && printf '%s ' "$w"
		i=$((i + 1))
	done
	i=0
	for w in "$@"; do
		[ $i -lt $n ] && printf '%s ' "$w"
		i=$((i + 1))
	done
}

# projected_s CONTENDER MEMMAP BYTES: the seconds its slower step would
# take for BYTES at the speed it last had, 0 before it ran
projected_s() {
	eval "rate=\${ns_per_gib_$(var_name "$1_$2"):-0}"
	echo $((rate * ($3 >> 30) / 1000000000))
}

run=1
while [ $run -le "$runs" ]; do
	for gib in $sizes; do
		bytes=$((gib << 30))
		floor=$(hpbench floor $((bytes / 64)))
		check "the floor for $gib GiB: memset of its $((bytes / 64 >> 20)) MiB memmap (run $run)" test -n "$floor"
		echo "# bench floor - $bytes $run $floor - - - - - -"
		# each run in another order, so that what a step leaves behind
		# (caches, the floor's memset) does not always fall on one
		for v in $(rotate $((run - 1)) $variants); do
			what="${v%:*} memmap=${v#*:} $gib GiB run $run: up and down again, every block online, then gone"
			eval "skipped=\${skip_$(var_name "$v$gib"):-}"
			projected=$(projected_s "${v%:*}" "${v#*:}" "$bytes")
			if [ -z "$skipped" ] && [ "$projected" -gt "$budget" ]; then
				skipped="one step would take $projected s at its speed at the sizes before, over the budget of $budget s"
				eval "skip_$(var_name "$v$gib")=\$skipped"
				echo "# bench-skip ${v%:*} ${v#*:} $bytes $skipped"
			fi
			if [ -n "$skipped" ]; then
				skip "$what" "$skipped"
				continue
			fi
			check "$what" contend "${v%:*}" "${v#*:}" "$bytes" "$run"
		done
	done
	run=$((run + 1))
done
set_auto_online_offline
unload() {
	! grep -q 'System RAM (hotplug_lab)' /proc/iomem &&
		write groups "delete $g" && write region release && rmmod hotplug_lab
}
check "hotplug_lab's memory is gone; its group, region and module go too" unload
