# Loading, the debugfs files, the region= parameter, and unloading: rmmod
# is refused while memory is added, and /proc/iomem stays readable after.
. /tests/lib.sh
plan 27

check "insmod succeeds" load_module
files_ok() {
	for f in info:-r-------- region:-rw------- groups:-rw------- \
		add:-rw------- remove:-rw------- granularity:-rw------- \
		ranges:-r-------- events:-r--------; do
		mode=$(ls -l "$HPLAB/${f%%:*}" | cut -c1-10)
		[ "$mode" = "${f#*:}" ] || { diag "$f is $mode"; return 1; }
	done
}
check "every debugfs file exists, root-only, with its mode" files_ok
info_ok() {
	for key in version kernel page_size struct_page_size block_size \
		memmap_on_memory memmap_on_memory_multi_block region groups \
		added check events; do
		grep -q "^$key: " "$HPLAB/info" || { diag "no $key"; return 1; }
	done
	grep -q "^kernel: $(uname -r)\$" "$HPLAB/info" &&
	grep -q "^block_size: $(hex $BLOCK)\$" "$HPLAB/info" &&
	grep -q "^page_size: $(($(awk '$1 == "KernelPageSize:" { print $2; exit }' /proc/self/smaps) * 1024))\$" "$HPLAB/info" &&
	grep -q "^region: none\$" "$HPLAB/info"
}
check "info reports the kernel, its page and block size and every key" info_ok
multi_block_matches_kernel() {
	want=no
	kernel_at_least 6 8 && want=yes
	grep -q "^memmap_on_memory_multi_block: $want\$" "$HPLAB/info"
}
check "memmap_on_memory_multi_block matches the kernel version" multi_block_matches_kernel
# 7.3 exports offline_and_remove_memory_ranges() and
# mhp_get_default_online_type(); the module finds them by compile test.
remove_path_matches_kernel() {
	want=sysfs-offline+offline_and_remove_memory
	kernel_at_least 7 3 && want=offline_and_remove_memory_ranges
	grep -qx "remove_path: $want" "$HPLAB/info" &&
		grep -qx "remove_path: $want" "$HPLAB/granularity"
}
check "info and granularity name the remove path of the kernel version" remove_path_matches_kernel
default_online_type_matches_kernel() {
	if kernel_at_least 7 3; then
		grep -qx "default_online_type: $(cat "$MEMORY/auto_online_blocks")" "$HPLAB/info"
	else
		! grep -q '^default_online_type:' "$HPLAB/info"
	fi
}
check "info has the kernel's default online type where the kernel exports it (7.3+), as auto_online_blocks says" \
	default_online_type_matches_kernel
check "memmap_on_memory is yes when booted with it, as the kernel's parameter says" \
	sh -c "grep -qx Y /sys/module/memory_hotplug/parameters/memmap_on_memory && grep -q '^memmap_on_memory: yes\$' $HPLAB/info"
check "info says check: module after load" grep -qx 'check: module' "$HPLAB/info"

write region "$(hex $REGION_START) $(hex $REGION_SIZE)" || bail "claim the region"
g=$(new_group "static $(blocks 2)")
# The kernel's default: Debian's 6.1 leaves hot-added memory offline, its
# 6.12 onlines it. Online movable here, so that the memory stays removable.
default_policy=$(cat "$MEMORY/auto_online_blocks")
diag "auto_online_blocks is $default_policy by default"
case $(uname -r) in
6.1.*) want_policy=offline ;;
*) want_policy=online ;;
esac
check "the kernel's default online policy is $want_policy" test "$default_policy" = "$want_policy"
[ "$default_policy" = offline ] || echo online_movable > "$MEMORY/auto_online_blocks"
expect_ok add "$g $(at 0) $(blocks 2)"
want_state=online
[ "$default_policy" = offline ] && want_state=offline
check "after an add the blocks are $want_state, as the policy says" \
	test "$(block_state $(at 0))$(block_state $(at 1))" = "$want_state$want_state"
check "rmmod is refused while memory is added" sh -c '! rmmod hotplug_lab 2>/dev/null'
check "the module is still there after the refused rmmod" test -d "$HPLAB"
check "kernel matches module after the refused rmmod" kernel_matches_module
expect_err EBUSY region release
expect_err EBUSY groups "delete $g"
expect_ok remove "$g all"
check "cleanup and rmmod succeed once everything is removed" cleanup
check "/proc/iomem is readable after unload" sh -c 'cat /proc/iomem > /dev/null'
check "no hotplug_lab resource is left in /proc/iomem" sh -c '! grep -q hotplug_lab /proc/iomem'

param="$((REGION_SIZE >> 20))M@$(hex $REGION_START)"
check "insmod region=$param claims the region" load_module region=$param
check "the parameter's claim shows in /proc/iomem" \
	iomem_has $REGION_START $((REGION_START + REGION_SIZE - 1)) "hotplug_lab region"
check "the parameter is readable" \
	grep -qx "$param" /sys/module/hotplug_lab/parameters/region
check "reload after cleanup works, and unload again" cleanup
# insmod_refused PARAM: the module is not loaded, insmod with region=PARAM
# fails, and the module's own message says why
insmod_refused() {
	[ ! -d /sys/module/hotplug_lab ] || { diag "hotplug_lab is still loaded"; return 1; }
	mark=$(log_mark)
	! insmod /modules/hotplug_lab.ko region="$1" 2> /dev/null &&
	log_since "$mark" | grep -q "hotplug_lab: region=$1: "
}
check "insmod region=<not reserved> fails, and the module says why" \
	insmod_refused $((BLOCK >> 20))M@$(hex $((REGION_START + REGION_SIZE)))
check "insmod region=<garbage> fails, and the module says why" insmod_refused lots
check "a failed insmod leaves no claim behind" sh -c '! grep -q hotplug_lab /proc/iomem'
