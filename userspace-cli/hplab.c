// SPDX-License-Identifier: GPL-2.0
/*
 * hplab: the command table, global options and help.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hplab.h"

struct hplab_command {
	const char *name;
	int (*run)(struct hplab_ctx *ctx, int argc, char **argv);
	const char *synopsis;
	const char *summary;
	const char *description;
	const char *options;		/* its own options, or NULL */
	const struct hplab_table_def *table;	/* takes -o, -n, -r */
};

static const struct hplab_command commands[] = {
	{ "status", cmd_status, "status",
	  "one screen: kernel, module, region, groups, memory, warnings",
	  "Shows the kernel release, the memory block size, the\n"
	  "memory_hotplug.memmap_on_memory parameter, whether one memmap-on-memory\n"
	  "add may span several blocks (Linux 6.8+), auto_online_blocks and\n"
	  "online_policy, the claimed region, the number of groups, the memory\n"
	  "added and online, how much memmap the added memory hosts itself, and\n"
	  "the remove path the module takes on this kernel.\n"
	  "The last line warns about every setting that will surprise you.\n"
	  "memmap_on_memory is the parameter's own text: Y, N or, on newer\n"
	  "kernels, force (a string in JSON too). With --json the region is\n"
	  "region_start and region_size, integers, null when no region is claimed\n"
	  "or the module cannot be read (groups is null then); \"warnings\" is an\n"
	  "array of sentences.\n" },
	{ "doctor", cmd_doctor, "doctor",
	  "check that this box is ready for memory hotplug",
	  "Checks for a block-aligned Reserved range in /proc/iomem (from\n"
	  "memmap=<size>$<start> on the kernel command line), the block size,\n"
	  "memory_hotplug.memmap_on_memory, the default online policy (Debian's\n"
	  "6.12 kernel onlines hot-added memory itself), udev rules that online\n"
	  "memory, debugfs, kernel lockdown (which refuses every debugfs write),\n"
	  "root and the module. Prints the kernel command line to add\n"
	  "when something is missing (with --json, \"kernel_command_line\", null\n"
	  "when nothing is missing). Exits 1 when a check fails.\n" },
	{ "region", cmd_region, "region claim <start> <size> [--force] | release | candidates [options]",
	  "claim or release the range memory is added into",
	  "claim: claim a block-aligned range of RAM set aside with memmap=:\n"
	  "Reserved in /proc/iomem and RAM in the firmware's memory map\n"
	  "(/sys/firmware/memmap); it shows in /proc/iomem as 'hotplug_lab\n"
	  "region'. --force skips the firmware map: a Reserved range that is\n"
	  "not RAM may be MMIO, and adding it as RAM can crash the box.\n"
	  "release: give it back (refused while memory is added).\n"
	  "candidates: the ranges a claim may take, in whole blocks.\n",
	  "      --force         claim: do not check the firmware's memory map\n",
	  &hplab_candidates_table },
	{ "group", cmd_group,
	  "group create static <max> [--node N] | create dynamic <unit> [--node N] | delete <id> | list [options]",
	  "create, delete and list memory groups",
	  "A static group is like a DIMM: memory is added up to <max> and removed\n"
	  "as a whole. A dynamic group is like virtio-mem: memory is added and\n"
	  "removed in units of <unit> (a power of two), aligned to the unit.\n"
	  "create prints the new group's id (the groups file's last row: the\n"
	  "module does not report it). delete refuses a group with memory.\n",
	  "      --node N        create: the group's NUMA node\n",
	  &hplab_groups_table },
	{ "add", cmd_add,
	  "add <group> <start> <size> [--memmap-on-memory] [--online=offline|online|kernel|movable]",
	  "hot-add memory to a group",
	  "Adds memory with add_memory_driver_managed(). --memmap-on-memory places\n"
	  "the memmap inside the added memory (MHP_MEMMAP_ON_MEMORY). --online\n"
	  "onlines each new block: online (the kernel picks the zone), kernel\n"
	  "(online_kernel) or movable (online_movable). The module does it in the\n"
	  "same write, one state file write per block without a system call each,\n"
	  "and undoes the add if a block refuses; --online=offline offlines what\n"
	  "the kernel onlined. A block the kernel onlined already in another zone\n"
	  "is moved as 'hplab online --zone' moves it. Without --online the\n"
	  "kernel's auto_online_blocks policy decides. Memory added but not left\n"
	  "as asked is a partial success (exit 64): hplab names those blocks, a\n"
	  "run of them as memoryN-M. 'hplab events' shows how long the add and\n"
	  "the online took.\n",
	  "  -m, --memmap-on-memory   place the memmap in the added memory\n"
	  "  -o, --online=HOW         then offline, online, kernel or movable\n" },
	{ "remove", cmd_remove, "remove <group> <start> <size> | remove <group> --all",
	  "offline and remove memory of a group",
	  "Static groups are removed as a whole (--all), dynamic groups in whole\n"
	  "units. A remove is all-or-nothing: if a block cannot be offlined,\n"
	  "everything stays added and online as before.\n",
	  "  -a, --all           remove all of a group's memory\n" },
	{ "target", cmd_target,
	  "target <group> <size> [--memmap-on-memory] [--no-wait] [--timeout=SECONDS] | target <group> none",
	  "ask the module to plug or unplug a dynamic group to a size",
	  "Writes '<group> <size> memmap=on|off' to the module's target file: the\n"
	  "module then adds or removes whole units of the group by itself, as\n"
	  "virtio-mem reaches the size its hypervisor requests, and the kernel's\n"
	  "online policy onlines them. hplab then reads the target file about 5\n"
	  "times a second until the group's state is reached (exit 0) or retrying\n"
	  "(exit 64: the module stopped short and tries again later; hplab prints\n"
	  "what is plugged and the reason of the module's newest retry event for\n"
	  "the group, with the steps of that pass that failed). On a terminal one\n"
	  "line shows the progress, rewritten in place; otherwise a line is printed\n"
	  "whenever the plugged size or the state changes. With --json, the final\n"
	  "row (requested, plugged, state, retry_ms and the retry's result and\n"
	  "reason). After --timeout seconds (default 600) hplab exits 1; the\n"
	  "module goes on. 'none' stops following the request: what is plugged\n"
	  "stays, and add and remove work for the group again.\n",
	  "  -m, --memmap-on-memory   plug every unit with its memmap on it\n"
	  "      --no-wait            return once the module took the request\n"
	  "  -t, --timeout=SECONDS    give up waiting after SECONDS (default 600)\n" },
	{ "online", cmd_online, "online <start> <size> [--zone=kernel|movable]",
	  "online blocks of hotplug_lab memory",
	  "Writes online, online_kernel or online_movable to the state file of\n"
	  "every block in the range; only blocks hotplug_lab added. A block\n"
	  "online in another zone than --zone asks is offlined and onlined in\n"
	  "that zone, with a line as 'memory12 (0x60000000): Normal -> Movable'.\n"
	  "If it goes offline but cannot be onlined there, hplab onlines it back\n"
	  "in its old zone and says where the block is left. A block whose\n"
	  "valid_zones names no zone is not moved. Without --zone any zone will\n"
	  "do. Exit 64 when some blocks are done and some not, 1 when none is.\n",
	  "  -z, --zone=ZONE     kernel (online_kernel) or movable (online_movable)\n" },
	{ "offline", cmd_online, "offline <start> <size>",
	  "offline blocks of hotplug_lab memory",
	  "Writes offline to the state file of every block in the range; only\n"
	  "blocks hotplug_lab added.\n" },
	{ "blocks", cmd_blocks, "blocks [options]",
	  "the memory blocks hotplug_lab added, like lsmem",
	  "One line per memory block hotplug_lab added, with what the kernel says\n"
	  "of it (state, zone, node) and what the module says (group, the add it\n"
	  "belongs to, memmap pages it hosts).\n", NULL, &hplab_blocks_table },
	{ "map", cmd_map, "map [options]",
	  "a picture of the claimed region, one cell per block",
	  "Draws the region, one character per memory block: not added, offline,\n"
	  "online in a kernel zone, online movable; upper case where the block\n"
	  "hosts its own memmap. Colors on a terminal unless NO_COLOR is set.\n"
	  "With --json, one row per block; the table options apply to it.\n",
	  NULL, &hplab_map_table },
	{ "zones", cmd_zones, "zones [options]",
	  "kernel zones vs ZONE_MOVABLE, the auto-movable budget, and where a group's next unit goes",
	  "Per NUMA node, the memory present in the kernel zones and in ZONE_MOVABLE\n"
	  "(/proc/zoneinfo), the online policy and, for online_policy=auto-movable,\n"
	  "auto_movable_ratio and auto_movable_numa_aware (null on kernels without\n"
	  "them) and the budget: ZONE_MOVABLE may hold ratio% of the early kernel\n"
	  "memory (memory in kernel zones since boot, CMA excluded). Per group, its\n"
	  "memory online in kernel zones and in ZONE_MOVABLE (the ranges file's\n"
	  "k and m blocks) and NEXT, the zone an 'online' of its next block would\n"
	  "get now, with the reason: the first zone valid_zones lists for an added,\n"
	  "offline block of the group (the kernel's own answer), else the kernel's\n"
	  "rule (mm/memory_hotplug.c zone_for_pfn_range()) for the group's next\n"
	  "unit (a dynamic group: the lowest free unit of the region, as the target\n"
	  "file plugs it; a static group: the lowest free block, with the rest of\n"
	  "the group to come):\n"
	  "  contig-zones: the zone whose span the block is in, the kernel zone if\n"
	  "  it is in both or neither (Movable with movable_node on the command\n"
	  "  line). auto-movable: a kernel zone if auto_movable_ratio is 0, if a\n"
	  "  static group has kernel memory, or if a unit of a dynamic group has\n"
	  "  kernel memory; otherwise ZONE_MOVABLE if the rest of the static group\n"
	  "  or of the unit fits the budget (all nodes, and the group's node too\n"
	  "  with auto_movable_numa_aware): movable + rest <= ratio% x (early\n"
	  "  kernel - what other dynamic groups' movable memory needs + this\n"
	  "  dynamic group's own kernel memory). The kernel zone is DMA or DMA32\n"
	  "  where their span holds the block, else Normal.\n"
	  "Approximated: the kernel keeps the early kernel memory (present_early_pages)\n"
	  "to itself; hplab takes the kernel zones' present pages less the blocks\n"
	  "hotplug_lab added that are online in a kernel zone, so memory other\n"
	  "drivers hot-added into kernel zones counts as early, and other drivers'\n"
	  "dynamic groups (virtio-mem) are not seen. The table options apply to the\n"
	  "groups table.\n",
	  NULL, &hplab_zones_table },
	{ "events", cmd_events, "events [options]",
	  "the module's event log, with the reason of every rejection",
	  "The last 256 writes to the module's files: what was written, the\n"
	  "result and, for a rejection, the reason. A successful add or remove\n"
	  "shows where its time went: the kernel's add calls (ADD), onlining\n"
	  "for add --online (ONLINE), offlining (OFFLINE) and removing (REMOVE),\n"
	  "as the module measured them.\n", NULL, &hplab_events_table },
	{ "granularity", cmd_granularity,
	  "granularity [options] [<group> <bytes>|default] [--check=module|kernel]",
	  "show or set add granularity and who judges removes",
	  "Without arguments: who judges removes (check), the kernel's limits as\n"
	  "the module sees them (block_size; memmap_on_memory: yes if an add with\n"
	  "memmap on self-hosts its memmap, where status shows the kernel\n"
	  "parameter; memmap_on_memory_multi_block; remove_path) and, per group,\n"
	  "the size of each add_memory_driver_managed() call and the remove rule.\n"
	  "With --json one object: those keys (block_size in bytes, yes and no as\n"
	  "true and false) and the \"granularity\" array. <group> <bytes> sets a\n"
	  "group's add granularity. --check=kernel lets the kernel judge removes\n"
	  "instead of the module's rules (Linux 6.1 to 6.7 then refuse\n"
	  "memmap-on-memory memory in another granularity than it was added);\n"
	  "--check=module is the default.\n",
	  "  -c, --check=WHO     module or kernel\n", &hplab_granularity_table },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct hplab_command *hplab_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void hplab_usage(FILE *out)
{
	size_t i;

	fputs("Usage: hplab [options] <command> [arguments]\n\n"
	      "Drive the hotplug_lab memory hotplug module and watch the kernel.\n\n"
	      "Commands:\n", out);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\nOptions (anywhere on the line):\n"
	      "  -J, --json          JSON output (keys in lower case, sizes in bytes)\n"
	      "  -b, --bytes         sizes in bytes instead of 128M, 1G\n"
	      "      --sysroot DIR   read and write the kernel's files below DIR\n"
	      "                      (also HPLAB_SYSROOT); for tests\n"
	      "  -h, --help          this help; 'hplab help <command>' for a command\n"
	      "  -V, --version       print the version\n\n"
	      "Sizes and addresses: decimal or 0x-hex, optional K, M, G or T suffix.\n"
	      "Environment: HPLAB_SYSROOT as --sysroot; NO_COLOR: no colors in map.\n\n"
	      "Exit status: 0 success, 1 rejected by the kernel or the module,\n"
	      "2 usage error (chmem(8) exits 1 for it), 64 partial success (some\n"
	      "blocks changed, some not; as chmem(8)).\n", out);
}

static void hplab_command_help(const struct hplab_command *cmd)
{
	printf("Usage: hplab %s\n\n%s\n\n%s", cmd->synopsis, cmd->summary,
	       cmd->description);
	if (cmd->options || cmd->table)
		printf("\nOptions:\n%s%s", cmd->options ? cmd->options : "",
		       cmd->table ? "  -o, --output LIST   the columns to print; +LIST: the default and those\n"
				    "  -n, --noheadings    no header line\n"
				    "  -r, --raw           columns separated by one space, not aligned\n"
				    "      --list-columns  list the columns\n" : "");
	printf("\nOptions -J/--json, -b/--bytes and --sysroot apply as for every command.\n");
	if (cmd->table) {
		putchar('\n');
		hplab_columns_help(cmd->table);
	}
}

bool hplab_wants_help(const char *command, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			hplab_command_help(hplab_find(command));
			return true;
		}
	}
	return false;
}

enum { HPLAB_OPT_LIST_COLUMNS = 0x100 };

/*
 * getopt_long() for a command: its own options, and with TABLE the table
 * options too, which it handles. Returns an option of the command's, -1
 * at the end, or 0 when the command is to return *RET (--list-columns,
 * or a bad option after one line that names it).
 */
int hplab_getopt(struct hplab_ctx *ctx, int argc, char **argv,
		 const char *shortopts, const struct option *longopts,
		 const struct hplab_table_def *table, int *ret)
{
	static const struct option table_longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "list-columns", no_argument, NULL, HPLAB_OPT_LIST_COLUMNS },
	};
	struct option all[16];
	char shorts[32];
	size_t n = 0, i;
	int opt;

	while (longopts && longopts[n].name && n < ARRAY_SIZE(all) - 5) {
		all[n] = longopts[n];
		n++;
	}
	for (i = 0; table && i < ARRAY_SIZE(table_longopts); i++)
		all[n++] = table_longopts[i];
	memset(&all[n], 0, sizeof(all[n]));
	snprintf(shorts, sizeof(shorts), ":%s%s", shortopts, table ? "o:nr" : "");
	opterr = 0;
	opt = getopt_long(argc, argv, shorts, all, NULL);
	switch (opt) {
	case '?':
		if (optopt)
			*ret = hplab_usage_error(argv[0], "unknown option '-%c'", optopt);
		else
			*ret = hplab_usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		return 0;
	case ':':
		*ret = hplab_usage_error(argv[0], "option '%s' needs an argument",
					 argv[optind - 1]);
		return 0;
	}
	if (!table)
		return opt;
	switch (opt) {
	case 'o':
		*ret = hplab_table_output(argv[0], table, optarg);
		if (*ret)
			return 0;
		ctx->output = optarg;
		ctx->output_table = table;
		return hplab_getopt(ctx, argc, argv, shortopts, longopts, table, ret);
	case 'n':
		ctx->noheadings = true;
		return hplab_getopt(ctx, argc, argv, shortopts, longopts, table, ret);
	case 'r':
		ctx->raw = true;
		return hplab_getopt(ctx, argc, argv, shortopts, longopts, table, ret);
	case HPLAB_OPT_LIST_COLUMNS:
		hplab_columns_help(table);
		*ret = HPLAB_EXIT_OK;
		return 0;
	}
	return opt;
}

/*
 * The start of a command without options of its own (with TABLE: only
 * the table options) and without arguments. Returns true when the command
 * is to return *RET: after --help, or a bad option or argument.
 */
bool hplab_command_start(struct hplab_ctx *ctx, int argc, char **argv,
			 const struct hplab_table_def *table, int *ret)
{
	*ret = HPLAB_EXIT_OK;
	if (hplab_wants_help(argv[0], argc, argv))
		return true;
	optind = 0;
	if (!hplab_getopt(ctx, argc, argv, "", NULL, table, ret))
		return true;
	if (optind < argc) {
		*ret = hplab_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		return true;
	}
	return false;
}

int hplab_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hplab %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'hplab help %s'.\n", command);
	return HPLAB_EXIT_USAGE;
}

/*
 * Take the global options out of argv, wherever they are, so that every
 * command sees only its own. Returns the new argc, or -1 on a bad option.
 */
static int hplab_global_options(struct hplab_ctx *ctx, int argc, char **argv,
				bool *help, bool *version)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-J") || !strcmp(arg, "--json")) {
			ctx->json = true;
			ctx->bytes = true;
		} else if (!strcmp(arg, "-b") || !strcmp(arg, "--bytes")) {
			ctx->bytes = true;
		} else if (!strncmp(arg, "--sysroot=", 10)) {
			ctx->sysroot = arg + 10;
		} else if (!strcmp(arg, "--sysroot")) {
			if (++i == argc) {
				hplab_warn("option '--sysroot' needs an argument");
				return -1;
			}
			ctx->sysroot = argv[i];
		} else if (n == 1 && (!strcmp(arg, "-h") || !strcmp(arg, "--help"))) {
			*help = true;
		} else if (n == 1 && (!strcmp(arg, "-V") || !strcmp(arg, "--version"))) {
			*version = true;
		} else if (n == 1 && arg[0] == '-') {
			hplab_warn("unknown option '%s'", arg);
			return -1;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	struct hplab_ctx ctx = { .sysroot = getenv("HPLAB_SYSROOT") };
	const struct hplab_command *cmd;
	bool help = false, version = false;

	if (!ctx.sysroot)
		ctx.sysroot = "";
	argc = hplab_global_options(&ctx, argc, argv, &help, &version);
	if (argc < 0) {
		fputs("Try 'hplab --help'.\n", stderr);
		return HPLAB_EXIT_USAGE;
	}
	if (version) {
		printf("hplab %s\n", HPLAB_VERSION);
		return HPLAB_EXIT_OK;
	}
	if (help || argc == 1) {
		hplab_usage(help ? stdout : stderr);
		return help ? HPLAB_EXIT_OK : HPLAB_EXIT_USAGE;
	}
	ctx.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");

	if (!strcmp(argv[1], "help")) {
		if (argc == 2) {
			hplab_usage(stdout);
			return HPLAB_EXIT_OK;
		}
		cmd = hplab_find(argv[2]);
		if (!cmd)
			return hplab_usage_error("help", "no command '%s'", argv[2]);
		hplab_command_help(cmd);
		return HPLAB_EXIT_OK;
	}
	cmd = hplab_find(argv[1]);
	if (!cmd) {
		hplab_warn("no command '%s'", argv[1]);
		fputs("Try 'hplab --help'.\n", stderr);
		return HPLAB_EXIT_USAGE;
	}
	ctx.command = cmd->name;
	return cmd->run(&ctx, argc - 1, argv + 1);
}
