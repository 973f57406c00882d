// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that change things: region, group, add, remove,
 * online/offline, granularity.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "hplab.h"

static int hplab_exit_for(int err)
{
	return err ? HPLAB_EXIT_REJECTED : HPLAB_EXIT_OK;
}

/* Check that ARG is a size or address, as the module will want it. */
static int hplab_size_arg(const char *command, const char *what,
			  const char *arg, uint64_t *val)
{
	if (hplab_parse_size(arg, val))
		return hplab_usage_error(command,
					 "%s '%s' is not a number (decimal or 0x-hex, optional K/M/G/T)",
					 what, arg);
	return 0;
}

/*
 * <start> <size>: two numbers, and a range that ends inside the 64-bit
 * address space. Returns 0 or HPLAB_EXIT_USAGE after a message.
 */
static int hplab_range_arg(const char *command, char **args, uint64_t *start,
			   uint64_t *size)
{
	if (hplab_size_arg(command, "start", args[0], start) ||
	    hplab_size_arg(command, "size", args[1], size))
		return HPLAB_EXIT_USAGE;
	if (*size > UINT64_MAX - *start)
		return hplab_usage_error(command,
					 "%s + %s is past the end of the 64-bit address space",
					 args[0], args[1]);
	return 0;
}

static int hplab_group_arg(const char *command, const char *arg)
{
	/* The module's grammar: decimal digits, no sign, no leading zero. */
	if (!*arg || arg[strspn(arg, "0123456789")] || (arg[0] == '0' && arg[1]) ||
	    strlen(arg) > 9)
		return hplab_usage_error(command,
					 "group '%s' is not a group id (see hplab group list)",
					 arg);
	return 0;
}

static int hplab_require_module(const struct hplab_ctx *ctx)
{
	if (hplab_module_loaded(ctx))
		return 0;
	return hplab_access_warn(ctx, 0);
}

static const struct hplab_column candidate_columns[] = {
	{ "START", "first byte, block aligned" },
	{ "END", "last byte" },
	{ "SIZE", "size", HPLAB_COL_NUMBER },
	{ "CLAIMED", "yes if hotplug_lab's region is inside", HPLAB_COL_BOOLEAN },
};

const struct hplab_table_def hplab_candidates_table =
	HPLAB_TABLE("candidates", candidate_columns);

static int hplab_region_candidates(const struct hplab_ctx *ctx)
{
	struct hplab_candidate *list;
	struct libscols_table *table;
	char start[32], end[32], size[32];
	size_t nr, i;
	int ret;

	ret = hplab_reserved_candidates(ctx, hplab_block_size(ctx), &list, &nr);
	if (ret == -ENODATA) {
		hplab_warn("no firmware memory map in %s: cannot tell RAM from MMIO",
			   _PATH_FIRMWARE_MEMMAP);
		return HPLAB_EXIT_REJECTED;
	}
	if (ret == -EACCES) {
		hplab_warn("%s shows every address as 0 to a user who is not root (run as root)",
			   _PATH_PROC_IOMEM);
		return HPLAB_EXIT_REJECTED;
	}
	if (ret) {
		hplab_warn("cannot read %s, or %s/block_size_bytes", _PATH_PROC_IOMEM,
			   _PATH_SYS_MEMORY);
		return HPLAB_EXIT_REJECTED;
	}
	table = hplab_table_new(ctx, &hplab_candidates_table);
	for (i = 0; i < nr; i++) {
		const char *cells[] = {
			start, end,
			hplab_format_size(ctx, list[i].end - list[i].start + 1,
					  size, sizeof(size)),
			list[i].claimed ? "yes" : "no",
		};

		snprintf(start, sizeof(start), "%#" PRIx64, list[i].start);
		snprintf(end, sizeof(end), "%#" PRIx64, list[i].end);
		hplab_table_add_cells(table, cells);
	}
	hplab_table_print(table);
	free(list);
	return HPLAB_EXIT_OK;
}

/*
 * getopt_long() over a command with subcommands: OPTS of its own, the
 * table options; then argv[0] stands for the command, argv[1] on are the
 * arguments. OPTS return 1, 2, ...; ARGS[N - 1] is then the argument of
 * option N. Returns the options seen (bit N - 1 for option N), or -1 when
 * the command is to return *RET.
 */
static int hplab_subcommand_options(struct hplab_ctx *ctx, int *argc, char ***argv,
				    const struct option *opts, const char **args,
				    const struct hplab_table_def *table, int *ret)
{
	int opt, seen = 0;

	*ret = HPLAB_EXIT_OK;
	if (hplab_wants_help((*argv)[0], *argc, *argv))
		return -1;
	optind = 0;
	while ((opt = hplab_getopt(ctx, *argc, *argv, "", opts, table, ret)) > 0) {
		seen |= 1 << (opt - 1);
		if (args)
			args[opt - 1] = optarg;
	}
	if (!opt)
		return -1;
	/* getopt moved the options first: argv[optind - 1] stands for argv[0]. */
	*argc -= optind - 1;
	*argv += optind - 1;
	return seen;
}

int cmd_region(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 1 },
		{ NULL, 0, NULL, 0 },
	};
	const char *command = argv[0];
	uint64_t start, size;
	int ret, force;

	force = hplab_subcommand_options(ctx, &argc, &argv, longopts, NULL,
					 &hplab_candidates_table, &ret);
	if (force < 0)
		return ret;
	if (argc == 2 && !strcmp(argv[1], "candidates") && !force)
		return hplab_region_candidates(ctx);
	if (argc == 4 && !strcmp(argv[1], "claim")) {
		if (hplab_range_arg(command, argv + 2, &start, &size))
			return HPLAB_EXIT_USAGE;
	} else if (argc != 2 || strcmp(argv[1], "release") || force) {
		return hplab_usage_error(command, "expected claim <start> <size> [--force], release or candidates");
	}
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	if (argc == 2)
		return hplab_exit_for(hplab_request(ctx, "region", "release"));
	return hplab_exit_for(hplab_request(ctx, "region", "%s %s%s", argv[2], argv[3],
					    force ? " force" : ""));
}

static const struct hplab_column group_columns[] = {
	{ "ID", "memory group id (the kernel's)", HPLAB_COL_NUMBER },
	{ "TYPE", "static or dynamic" },
	{ "NODE", "NUMA node", HPLAB_COL_NUMBER },
	{ "SIZE", "static: maximum size; dynamic: unit", HPLAB_COL_NUMBER },
	{ "ADDED", "memory added to the group", HPLAB_COL_NUMBER },
	{ "REQUESTED", "the size the group follows (hplab target); null for none and static groups",
	  HPLAB_COL_NUMBER },
	{ "PLUGGED", "memory added, as the target file counts it (ADDED without a request)",
	  HPLAB_COL_NUMBER, true },
	{ "TARGET", "working, reached or retrying; null without a request", HPLAB_COL_STRING },
	{ "RETRY_MS", "retrying: milliseconds between the module's passes", HPLAB_COL_NUMBER, true },
};

const struct hplab_table_def hplab_groups_table = HPLAB_TABLE("groups", group_columns);
/* What group create prints with --json: the id. */
static const struct hplab_table_def new_group_table = { "group", group_columns, 1 };

static int hplab_group_list(const struct hplab_ctx *ctx)
{
	struct libscols_table *table;
	struct hplab_view view;
	char id[16], node[16], size[32], added[32], requested[32], plugged[32], retry[24];
	size_t i;

	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	table = hplab_table_new(ctx, &hplab_groups_table);
	for (i = 0; i < view.nr_groups; i++) {
		const struct hplab_group *g = &view.groups[i];
		const struct hplab_target *t = hplab_view_target(&view, g->id);
		const char *cells[] = {
			id, g->type, node,
			hplab_format_size(ctx, g->size, size, sizeof(size)),
			hplab_format_size(ctx, g->added, added, sizeof(added)),
			t ? hplab_format_size(ctx, t->requested, requested, sizeof(requested)) : NULL,
			hplab_format_size(ctx, t ? t->plugged : g->added, plugged, sizeof(plugged)),
			t ? t->state : NULL, t ? retry : NULL,
		};

		snprintf(id, sizeof(id), "%d", g->id);
		snprintf(node, sizeof(node), "%d", g->node);
		snprintf(retry, sizeof(retry), "%lu", t ? t->retry_ms : 0);
		hplab_table_add_cells(table, cells);
	}
	hplab_table_print(table);
	hplab_view_free(&view);
	return HPLAB_EXIT_OK;
}

int cmd_group(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 1 },
		{ NULL, 0, NULL, 0 },
	};
	const char *node = NULL;
	struct hplab_view view;
	uint64_t size;
	int ret, err;

	/* -n is --noheadings of group list: --node has no short form. */
	if (hplab_subcommand_options(ctx, &argc, &argv, longopts, &node,
				     &hplab_groups_table, &ret) < 0)
		return ret;
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;

	if (argc == 2 && !strcmp(argv[1], "list"))
		return hplab_group_list(ctx);
	if (argc == 3 && !strcmp(argv[1], "delete")) {
		if (hplab_group_arg("group", argv[2]))
			return HPLAB_EXIT_USAGE;
		return hplab_exit_for(hplab_request(ctx, "groups", "delete %s", argv[2]));
	}
	if (argc != 4 || strcmp(argv[1], "create") ||
	    (strcmp(argv[2], "static") && strcmp(argv[2], "dynamic")))
		return hplab_usage_error("group",
					 "expected create static|dynamic <size> [--node N], delete <id> or list");
	if (hplab_size_arg("group", "size", argv[3], &size))
		return HPLAB_EXIT_USAGE;
	if (node && hplab_group_arg("group", node))
		return HPLAB_EXIT_USAGE;
	err = node ? hplab_request(ctx, "groups", "%s %s node=%s", argv[2], argv[3], node) :
		     hplab_request(ctx, "groups", "%s %s", argv[2], argv[3]);
	if (err)
		return HPLAB_EXIT_REJECTED;
	/* The new group is the last row: tell its id. */
	if (!hplab_view_load(ctx, &view)) {
		if (view.nr_groups) {
			struct libscols_table *table;
			char id[16];

			const char *cells[] = { id };

			snprintf(id, sizeof(id), "%d", view.groups[view.nr_groups - 1].id);
			if (ctx->json) {
				table = hplab_table_new(ctx, &new_group_table);
				hplab_table_add_cells(table, cells);
				hplab_table_print(table);
			} else {
				puts(id);
			}
		}
		hplab_view_free(&view);
	}
	return HPLAB_EXIT_OK;
}

/* Write STATE to the block's state file; false after a message. */
static bool hplab_block_write(const struct hplab_ctx *ctx, unsigned long block,
			      uint64_t addr, const char *state)
{
	char *path;
	int err;

	if (asprintf(&path, _PATH_SYS_MEMORY "/memory%lu/state", block) < 0)
		return false;
	err = hplab_write_file(ctx, path, state);
	free(path);
	if (err)
		hplab_warn("memory%lu (%#" PRIx64 "): %s failed: %s (%s)", block,
			   addr, state, strerror(-err), hplab_errno_name(-err));
	return !err;
}

/*
 * Online the block, offline now, in the zone STATE asks, and say so on
 * stdout. Failing that, online it with BACK, in ZONE where it was, and
 * say where it is left. Returns false after a message.
 */
static bool hplab_online_moved(const struct hplab_ctx *ctx, unsigned long block,
			       uint64_t addr, const char *zone, const char *state,
			       const char *back)
{
	if (hplab_block_write(ctx, block, addr, state)) {
		if (!ctx->json) {
			printf("memory%lu (%#" PRIx64 "): %s -> %s\n", block, addr, zone,
			       strcmp(state, "online_movable") ? "a kernel zone" : "Movable");
			fflush(stdout);
		}
		return true;
	}
	if (hplab_block_write(ctx, block, addr, back))
		hplab_warn("memory%lu (%#" PRIx64 "): online in %s again, as before", block, addr,
			   zone);
	else
		hplab_warn("memory%lu (%#" PRIx64 "): left offline (it was online in %s)", block,
			   addr, zone);
	return false;
}

/*
 * An online block in the zone STATE (online_kernel or online_movable)
 * asks stays; one in another zone is offlined and onlined there
 * (hplab_online_moved()). Returns false after a message.
 */
static bool hplab_rezone_block(const struct hplab_ctx *ctx, unsigned long block,
			       uint64_t addr, const char *state)
{
	/* An online block's valid_zones names only its zone. */
	char *zone = hplab_block_attr(ctx, block, "valid_zones");
	const char *back;
	bool ok = false;

	if (!zone || !*zone) {
		hplab_warn("memory%lu (%#" PRIx64 "): online, but valid_zones names no zone: not moved",
			   block, addr);
		free(zone);
		return false;
	}
	back = strcmp(zone, "Movable") ? "online_kernel" : "online_movable";
	if (!strcmp(back, state))
		ok = true;
	else if (hplab_block_write(ctx, block, addr, "offline"))
		ok = hplab_online_moved(ctx, block, addr, zone, state, back);
	free(zone);
	return ok;
}

/* Bring one block to STATE. Returns false after a message. */
static bool hplab_set_block(const struct hplab_ctx *ctx, unsigned long block,
			    uint64_t addr, const char *state)
{
	char *current = hplab_block_attr(ctx, block, "state");
	bool online = current && !strcmp(current, "online");
	bool offline = current && !strcmp(current, "offline");

	free(current);
	if (!strcmp(state, "offline")) {
		if (offline)
			return true;
	} else if (online) {
		return !strcmp(state, "online") || hplab_rezone_block(ctx, block, addr, state);
	}
	return hplab_block_write(ctx, block, addr, state);
}

/*
 * BLOCKS, in ascending order, as "memory8-9 memory12": consecutive blocks
 * in one word, as lsmem summarises them. NULL when out of memory.
 */
static char *hplab_block_names(const unsigned long *blocks, size_t n)
{
	char *text = NULL;
	size_t len, i, j;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && blocks[j] == blocks[j - 1] + 1; j++)
			;
		fprintf(out, "%smemory%lu", i ? " " : "", blocks[i]);
		if (j - i > 1)
			fprintf(out, "-%lu", blocks[j - 1]);
	}
	if (fclose(out)) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * Write STATE ("online_movable", "offline", ...) to every block of
 * [start, start + size) that hotplug_lab added, for COMMAND. Exit code
 * as chmem(8): 0 all done, 1 none done, 64 some done. FAILED_NAMES, when
 * not NULL, gets the blocks that were not done (hplab_block_names()), or
 * NULL when all were or out of memory.
 */
static int hplab_set_blocks(const struct hplab_ctx *ctx, const char *command,
			    uint64_t start, uint64_t size, const char *state,
			    char **failed_names)
{
	struct hplab_view view;
	unsigned long done = 0, *failed = NULL, *grown;
	size_t i, nr_failed = 0, nr_listed = 0;
	uint64_t addr;

	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	if (start % view.block_size || size % view.block_size || !size) {
		hplab_view_free(&view);
		return hplab_usage_error(command, size ?
					 "start and size must be multiples of the block size" :
					 "the size must be a non-zero multiple of the block size");
	}
	for (addr = start; addr - start < size; addr += view.block_size) {
		unsigned long block = addr / view.block_size;

		for (i = 0; i < view.nr_ranges; i++)
			if (addr >= view.ranges[i].start && addr <= view.ranges[i].end)
				break;
		if (i == view.nr_ranges) {
			hplab_warn("%#" PRIx64 ": not memory hotplug_lab added (hplab blocks)", addr);
		} else if (hplab_set_block(ctx, block, addr, state)) {
			done++;
			continue;
		}
		nr_failed++;
		grown = failed_names ? realloc(failed, nr_failed * sizeof(*failed)) : NULL;
		if (grown) {
			failed = grown;
			failed[nr_listed++] = block;
		}
	}
	hplab_view_free(&view);
	if (failed_names)
		*failed_names = nr_failed && nr_listed == nr_failed ?
				hplab_block_names(failed, nr_listed) : NULL;
	free(failed);
	if (!nr_failed)
		return HPLAB_EXIT_OK;
	return done ? HPLAB_EXIT_PARTIAL : HPLAB_EXIT_REJECTED;
}

static const char *hplab_online_state(const char *how)
{
	if (!strcmp(how, "offline"))
		return "offline";
	if (!strcmp(how, "online"))
		return "online";
	if (!strcmp(how, "kernel"))
		return "online_kernel";
	if (!strcmp(how, "movable"))
		return "online_movable";
	return NULL;
}

int cmd_add(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "memmap-on-memory", no_argument, NULL, 'm' },
		{ "online", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	/* module_online: the module's online= word, when it onlines */
	const char *online = NULL, *module_online = NULL;
	char *failed = NULL, *policy;
	bool memmap = false, module_onlines_all;
	uint64_t start, size;
	int opt, ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = hplab_getopt(ctx, argc, argv, "mo:", longopts, NULL, &ret)) > 0) {
		if (opt == 'm') {
			memmap = true;
			continue;
		}
		online = hplab_online_state(optarg);
		module_online = strcmp(optarg, "offline") ? optarg : NULL;
		if (!online)
			return hplab_usage_error(argv[0],
						 "--online takes offline, online, kernel or movable");
	}
	if (!opt)
		return ret;
	if (argc - optind != 3)
		return hplab_usage_error(argv[0], "expected <group> <start> <size>");
	if (hplab_group_arg(argv[0], argv[optind]) ||
	    hplab_range_arg(argv[0], argv + optind + 1, &start, &size))
		return HPLAB_EXIT_USAGE;
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	/*
	 * The module onlines the blocks the kernel's policy left offline, in
	 * the same write, and undoes the add if one refuses. Only blocks the
	 * policy onlined are left to hplab: moved if in another zone, or
	 * offlined for --online=offline.
	 */
	policy = hplab_read_line(ctx, _PATH_SYS_MEMORY "/auto_online_blocks");
	module_onlines_all = policy && !strcmp(policy, "offline") && module_online;
	free(policy);
	if (hplab_request(ctx, "add", "%s %s %s memmap=%s%s%s", argv[optind],
			  argv[optind + 1], argv[optind + 2], memmap ? "on" : "off",
			  module_online ? " online=" : "",
			  module_online ? module_online : ""))
		return HPLAB_EXIT_REJECTED;
	if (!online || module_onlines_all)
		return HPLAB_EXIT_OK;
	ret = hplab_set_blocks(ctx, argv[0], start, size, online, &failed);
	if (ret == HPLAB_EXIT_OK)
		return ret;
	/* The add stands: what is left is the blocks' state. */
	hplab_warn("the memory is added, but %s stays %s: %s (hplab blocks)",
		   ret == HPLAB_EXIT_PARTIAL ? "part of it" : "all of it",
		   strcmp(online, "offline") ? "offline" : "online",
		   failed ? failed : "the blocks of the range");
	free(failed);
	return HPLAB_EXIT_PARTIAL;
}

int cmd_remove(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	uint64_t start, size;
	int opt, ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = hplab_getopt(ctx, argc, argv, "a", longopts, NULL, &ret)) > 0)
		all = true;
	if (!opt)
		return ret;
	if (argc - optind != (all ? 1 : 3))
		return hplab_usage_error(argv[0], "expected <group> <start> <size> or <group> --all");
	if (hplab_group_arg(argv[0], argv[optind]) ||
	    (!all && hplab_range_arg(argv[0], argv + optind + 1, &start, &size)))
		return HPLAB_EXIT_USAGE;
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	if (all)
		return hplab_exit_for(hplab_request(ctx, "remove", "%s all", argv[optind]));
	return hplab_exit_for(hplab_request(ctx, "remove", "%s %s %s", argv[optind],
					    argv[optind + 1], argv[optind + 2]));
}

/* hplab online|offline <start> <size> [--zone=kernel|movable] */
int cmd_online(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 },
	};
	bool offline = !strcmp(argv[0], "offline");
	const char *state = offline ? "offline" : "online";
	uint64_t start, size;
	int opt, ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = hplab_getopt(ctx, argc, argv, "z:", longopts, NULL, &ret)) > 0) {
		if (offline)
			return hplab_usage_error(argv[0],
						 "offline takes no --zone: an offline block is in no zone");
		if (strcmp(optarg, "kernel") && strcmp(optarg, "movable"))
			return hplab_usage_error(argv[0], "online takes --zone=kernel or --zone=movable");
		state = hplab_online_state(optarg);
	}
	if (!opt)
		return ret;
	if (argc - optind != 2)
		return hplab_usage_error(argv[0], "expected <start> <size>");
	if (hplab_range_arg(argv[0], argv + optind, &start, &size))
		return HPLAB_EXIT_USAGE;
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	return hplab_set_blocks(ctx, argv[0], start, size, state, NULL);
}

static const struct hplab_column granularity_columns[] = {
	{ "ID", "memory group id", HPLAB_COL_NUMBER },
	{ "TYPE", "static or dynamic" },
	{ "ADD", "the size of each add call with memmap off; - (null): one call per request",
	  HPLAB_COL_NUMBER },
	{ "ADD_MEMMAP", "the same with memmap on; - (null): one call per request, or no add at all (MEMMAP no)",
	  HPLAB_COL_NUMBER },
	{ "MEMMAP", "no if an add with memmap on is refused (a granularity above one block, before Linux 6.8)",
	  HPLAB_COL_BOOLEAN },
	{ "REMOVE", "the remove rule: whole-group, units, or kernel (the kernel judges)" },
	{ "REMOVE_UNIT", "units: the unit a remove takes whole; - (null) for the other rules",
	  HPLAB_COL_NUMBER },
};

const struct hplab_table_def hplab_granularity_table =
	HPLAB_TABLE("granularity", granularity_columns);

/* The types of the granularity file's "key: value" lines (see info); others are strings. */
static const struct {
	const char *key;
	enum hplab_kv_type type;
} granularity_keys[] = {
	{ "block_size", HPLAB_KV_NUMBER },
	{ "memmap_on_memory", HPLAB_KV_BOOLEAN },
	{ "memmap_on_memory_multi_block", HPLAB_KV_BOOLEAN },
};

/*
 * A "key: value" line into KV: the key lower case, a size (the module's
 * hex) as hplab prints sizes, a boolean yes or no. LINE is cut at the
 * colon. NULL, or why the line is not the module's.
 */
static const char *hplab_granularity_kv(const struct hplab_ctx *ctx, char *line,
					struct hplab_kv *kv, size_t *n)
{
	size_t len = strspn(line, "abcdefghijklmnopqrstuvwxyz_"), i;
	enum hplab_kv_type type = HPLAB_KV_STRING;
	const char *value;
	uint64_t size;

	if (!len || strncmp(line + len, ": ", 2) || !line[len + 2])
		return "not <key>: <value>";
	value = line + len + 2;
	if (*n == HPLAB_MAX_KV)
		return "more key: value lines than hplab knows";
	for (i = 0; i < ARRAY_SIZE(granularity_keys); i++)
		if (!strncmp(line, granularity_keys[i].key, len) && !granularity_keys[i].key[len])
			type = granularity_keys[i].type;
	if (type == HPLAB_KV_NUMBER && !hplab_module_hex(value, &size))
		return "the size is not the module's hex number";
	if (type == HPLAB_KV_BOOLEAN && strcmp(value, "yes") && strcmp(value, "no"))
		return "not yes or no";
	line[len] = '\0';
	hplab_kv_add(kv, n, line, type == HPLAB_KV_NUMBER ? hplab_size_string(ctx, size) :
		     strdup(value), type);
	return NULL;
}

/*
 * A row, "<id> <type> <add_granularity> <add_granularity_memmap>
 * <remove_rule>", as the table's cells: the module's request,
 * unsupported and units:<unit> split into a size (or none) and a word.
 * NULL, or why the row is not the module's.
 */
static const char *hplab_granularity_row(const struct hplab_ctx *ctx, const char *line,
					 struct libscols_table *table)
{
	char *copy = strdup(line), *words[6], *save = NULL, sizes[3][32];
	const char *cells[7] = { NULL }, *why = NULL;
	unsigned long id;
	uint64_t size;
	size_t n = 0, i;

	if (!copy)
		return "out of memory";
	for (words[n] = strtok_r(copy, " ", &save); words[n] && n < 5;
	     words[n] = strtok_r(NULL, " ", &save))
		n++;
	if (n != 5 || words[5])
		why = "not <id> <type> <add_granularity> <add_granularity_memmap> <remove_rule>";
	else if (!hplab_module_decimal(words[0], INT32_MAX, &id))
		why = "the id is not a group id";
	else if (strcmp(words[1], "static") && strcmp(words[1], "dynamic"))
		why = "the type is not static or dynamic";
	/* ADD, ADD_MEMMAP: a size, request (null) or, with memmap on, unsupported (null) */
	for (i = 0; !why && i < 2; i++) {
		if (hplab_module_hex(words[2 + i], &size) && size)
			cells[2 + i] = hplab_format_size(ctx, size, sizes[i], sizeof(sizes[i]));
		else if (strcmp(words[2 + i], "request") && (!i || strcmp(words[3], "unsupported")))
			why = i ? "add_granularity_memmap is not a size, request or unsupported" :
				  "add_granularity is not a size or request";
	}
	if (!why && !strncmp(words[4], "units:", 6) && hplab_module_hex(words[4] + 6, &size) &&
	    size) {
		cells[5] = "units";
		cells[6] = hplab_format_size(ctx, size, sizes[2], sizeof(sizes[2]));
	} else if (!why && (!strcmp(words[4], "whole-group") || !strcmp(words[4], "kernel"))) {
		cells[5] = words[4];
	} else if (!why) {
		why = "remove_rule is not whole-group, units:<unit> or kernel";
	}
	if (!why) {
		cells[0] = words[0];
		cells[1] = words[1];
		cells[4] = strcmp(words[3], "unsupported") ? "yes" : "no";
		hplab_table_add_cells(table, cells);
	}
	free(copy);
	return why;
}

/* The module's "key: value" lines, then its rows as a table. */
static int hplab_granularity_show(const struct hplab_ctx *ctx, char *text)
{
	struct libscols_table *table = hplab_table_new(ctx, &hplab_granularity_table);
	struct hplab_kv kv[HPLAB_MAX_KV];
	char *line, *save = NULL;
	const char *why = NULL;
	unsigned int nr = 0;
	bool rows = false;
	size_t n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		nr++;
		if (rows)
			why = hplab_granularity_row(ctx, line, table);
		else if (!(rows = !strcmp(line, "id type add_granularity add_granularity_memmap remove_rule")))
			why = hplab_granularity_kv(ctx, line, kv, &n);
		if (why)
			break;
	}
	if (why) {
		hplab_bad_line("granularity", nr, line, why);
		scols_unref_table(table);
	} else {
		hplab_kv_tables_print(ctx, kv, n, &table, 1);
	}
	hplab_kv_free(kv, n);
	return why ? HPLAB_EXIT_REJECTED : HPLAB_EXIT_OK;
}

int cmd_granularity(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *check = NULL;
	uint64_t val;
	char *text;
	int opt, ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = hplab_getopt(ctx, argc, argv, "c:", longopts,
				   &hplab_granularity_table, &ret)) > 0) {
		if (strcmp(optarg, "module") && strcmp(optarg, "kernel"))
			return hplab_usage_error(argv[0], "--check takes module or kernel");
		check = optarg;
	}
	if (!opt)
		return ret;
	if (check && argc == optind) {
		ret = hplab_require_module(ctx);
		return ret ? ret : hplab_exit_for(hplab_request(ctx, "granularity", "check=%s",
							       check));
	}
	if (!check && argc - optind == 2) {
		if (hplab_group_arg(argv[0], argv[optind]) ||
		    (strcmp(argv[optind + 1], "default") &&
		     hplab_size_arg(argv[0], "granularity", argv[optind + 1], &val)))
			return HPLAB_EXIT_USAGE;
		ret = hplab_require_module(ctx);
		return ret ? ret : hplab_exit_for(hplab_request(ctx, "granularity", "%s %s",
							       argv[optind], argv[optind + 1]));
	}
	if (check || argc != optind)
		return hplab_usage_error(argv[0],
					 "expected nothing, <group> <bytes|default> or --check=module|kernel");
	text = hplab_read(ctx, _PATH_HPLAB "/granularity");
	if (!text)
		return hplab_access_warn(ctx, errno);
	ret = hplab_granularity_show(ctx, text);
	free(text);
	return ret;
}

/* How often hplab target looks at the target file: about 5 times a second. */
#define HPLAB_TARGET_POLL_MS	200
#define HPLAB_TARGET_TIMEOUT	600
#define HPLAB_TARGET_TIMEOUT_MAX 1000000

static const struct hplab_column target_columns[] = {
	{ "ID", "memory group id", HPLAB_COL_NUMBER },
	{ "REQUESTED", "the size asked for", HPLAB_COL_NUMBER },
	{ "PLUGGED", "memory added to the group", HPLAB_COL_NUMBER },
	{ "MEMMAP", "yes if the module plugs with memmap_on_memory", HPLAB_COL_BOOLEAN },
	{ "STATE", "working, reached or retrying" },
	{ "RETRY_MS", "retrying: milliseconds until the module's next pass", HPLAB_COL_NUMBER },
	{ "RESULT", "retrying: the errno of the module's last retry event" },
	{ "REASON", "retrying: why the module stopped (its last retry event)" },
};

static const struct hplab_table_def target_table = HPLAB_TABLE("target", target_columns);

/* Where the wait is: one line on a terminal, rewritten, or a line per change. */
struct hplab_progress {
	bool tty;
	size_t shown;		/* the length of the line on the terminal */
	char last[128];		/* the last line printed */
};

static void hplab_progress_show(const struct hplab_ctx *ctx, struct hplab_progress *p,
				const struct hplab_target *t)
{
	char line[sizeof(p->last)], plugged[32], requested[32];
	size_t len;

	if (ctx->json)
		return;
	len = snprintf(line, sizeof(line), "group %d: %s of %s plugged (%s)", t->group,
		       hplab_format_size(ctx, t->plugged, plugged, sizeof(plugged)),
		       hplab_format_size(ctx, t->requested, requested, sizeof(requested)),
		       t->state);
	if (!strcmp(line, p->last))
		return;
	snprintf(p->last, sizeof(p->last), "%s", line);
	if (!p->tty) {
		puts(line);
		fflush(stdout);
		return;
	}
	/* Blanks over what is left of a longer line before it. */
	printf("\r%s%*s", line, p->shown > len ? (int)(p->shown - len) : 0, "");
	fflush(stdout);
	p->shown = len;
}

/* End the terminal's line, before a message or at the end. */
static void hplab_progress_end(struct hplab_progress *p)
{
	if (p->tty && p->shown)
		putchar('\n');
	p->shown = 0;
	fflush(stdout);
}

/*
 * Why GROUP's request is retrying, from the events file: the newest
 * "target [<group> retry <ms>]" event from SINCE on (the write's own
 * event or later, so never the reason of an earlier request), and the
 * plug or unplug steps of that pass that failed. RESULT and REASON get
 * the retry event's errno and reason (allocated), NULL if it is not in
 * the log; STEPS the failed steps, one "  step: ..." line each.
 */
static void hplab_target_why(const struct hplab_ctx *ctx, const char *group,
			     unsigned long long since, char **result, char **reason,
			     char *steps, size_t len)
{
	char *text = hplab_read(ctx, _PATH_HPLAB "/events"), *line, *save = NULL;
	size_t glen = strlen(group), pass_used = 0;
	char *pass = calloc(1, len);

	*result = *reason = NULL;
	steps[0] = '\0';
	for (line = text && pass ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct hplab_event ev;
		const char *step;

		if (hplab_event_parse(line, &ev) || strcmp(ev.file, "target") ||
		    strtoull(ev.seq, NULL, 10) < since ||
		    strncmp(ev.args, group, glen) || ev.args[glen] != ' ')
			continue;
		/* The group's id exactly: "1 retry" is not group 13's. */
		step = ev.args + glen + 1;
		if (!strncmp(step, "retry ", 6)) {
			free(*result);
			free(*reason);
			*result = strdup(ev.result);
			*reason = ev.reason ? strdup(ev.reason) : NULL;
			memcpy(steps, pass, len);
			pass[0] = '\0';
			pass_used = 0;
		} else if (!strncmp(step, "reached ", 8)) {
			pass[0] = '\0';
			pass_used = 0;
		} else if (strcmp(ev.result, "ok")) {
			hplab_append(pass, len, &pass_used, "  step: %s: %s%s%s\n", step, ev.result,
				     ev.reason ? ": " : "", ev.reason ? ev.reason : "");
		}
	}
	free(pass);
	free(text);
}

/* The events the module has logged so far: the next event's sequence number. */
static unsigned long long hplab_events_logged(const struct hplab_ctx *ctx)
{
	char *info = hplab_read(ctx, _PATH_HPLAB "/info");
	char *count = info ? hplab_key_value(info, "events") : NULL;
	unsigned long long n = count ? strtoull(count, NULL, 10) : 0;

	free(count);
	free(info);
	return n;
}

static void hplab_target_json(const struct hplab_ctx *ctx, const struct hplab_target *t,
			      const char *result, const char *reason)
{
	struct libscols_table *table = hplab_table_new(ctx, &target_table);
	char id[16], requested[32], plugged[32], retry[24];
	const char *cells[] = {
		id, hplab_format_size(ctx, t->requested, requested, sizeof(requested)),
		hplab_format_size(ctx, t->plugged, plugged, sizeof(plugged)),
		t->memmap_on ? "yes" : "no", t->state, retry, result, reason,
	};

	snprintf(id, sizeof(id), "%d", t->group);
	snprintf(retry, sizeof(retry), "%lu", t->retry_ms);
	hplab_table_add_cells(table, cells);
	hplab_table_print(table);
}

/*
 * Wait until GROUP's row of the target file says reached (0) or
 * retrying (64, with the reason), for at most TIMEOUT seconds (1).
 */
static int hplab_target_wait(const struct hplab_ctx *ctx, const char *group,
			     uint64_t requested, unsigned long timeout,
			     unsigned long long since)
{
	struct hplab_progress progress = { .tty = isatty(STDOUT_FILENO) };
	const struct timespec poll = { 0, HPLAB_TARGET_POLL_MS * 1000000L };
	struct hplab_view view = { 0 };
	struct hplab_target t = { 0 };
	struct timespec start, now;
	char *result = NULL, *reason = NULL, steps[2048], size[32], wanted[32];
	int id = atoi(group), ret;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		const struct hplab_target *row;

		ret = hplab_targets_load(ctx, &view);
		if (ret) {
			hplab_progress_end(&progress);
			if (ret != -EPROTO)
				hplab_access_warn(ctx, -ret);
			ret = HPLAB_EXIT_REJECTED;
			break;
		}
		row = hplab_view_target(&view, id);
		if (!row) {
			hplab_progress_end(&progress);
			hplab_warn("group %s follows no request any more: another writer ended it (hplab events)",
				   group);
			ret = HPLAB_EXIT_REJECTED;
			break;
		}
		t = *row;
		if (t.requested != requested) {
			hplab_progress_end(&progress);
			hplab_warn("group %s follows %s now: another writer replaced the request (hplab events)",
				   group, hplab_format_size(ctx, t.requested, size, sizeof(size)));
			ret = HPLAB_EXIT_REJECTED;
			break;
		}
		hplab_progress_show(ctx, &progress, &t);
		if (!strcmp(t.state, "reached")) {
			ret = HPLAB_EXIT_OK;
			break;
		}
		if (!strcmp(t.state, "retrying")) {
			hplab_progress_end(&progress);
			hplab_target_why(ctx, group, since, &result, &reason, steps, sizeof(steps));
			hplab_warn("group %s: %s of %s plugged: the module stopped, and tries again in %lu %s (hplab events)",
				   group, hplab_format_size(ctx, t.plugged, size, sizeof(size)),
				   hplab_format_size(ctx, t.requested, wanted, sizeof(wanted)),
				   t.retry_ms % 1000 ? t.retry_ms : t.retry_ms / 1000,
				   t.retry_ms % 1000 ? "ms" : "s");
			if (result)
				fprintf(stderr, "  reason: %s%s%s\n", result, reason ? ": " : "",
					reason ? reason : "");
			else
				fputs("  reason: not in the event log any more (it keeps the last 256 events)\n",
				      stderr);
			fputs(steps, stderr);
			ret = HPLAB_EXIT_PARTIAL;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((unsigned long)(now.tv_sec - start.tv_sec) >= timeout) {
			hplab_progress_end(&progress);
			hplab_warn("group %s: not reached in %lu s, %s plugged (working); the module goes on ('hplab target %s none' stops it)",
				   group, timeout, hplab_format_size(ctx, t.plugged, size, sizeof(size)),
				   group);
			ret = HPLAB_EXIT_REJECTED;
			break;
		}
		nanosleep(&poll, NULL);
	}
	hplab_progress_end(&progress);
	if (ctx->json && t.state[0])
		hplab_target_json(ctx, &t, result, reason);
	free(result);
	free(reason);
	hplab_view_free(&view);
	return ret;
}

/* --timeout=SECONDS: whole seconds, 1 to HPLAB_TARGET_TIMEOUT_MAX. */
static int hplab_timeout_arg(const char *command, const char *arg, unsigned long *timeout)
{
	char *end;

	errno = 0;
	*timeout = isdigit((unsigned char)*arg) ? strtoul(arg, &end, 10) : 0;
	if (!*timeout || errno || *end || *timeout > HPLAB_TARGET_TIMEOUT_MAX)
		return hplab_usage_error(command, "--timeout takes whole seconds, 1 to %d",
					 HPLAB_TARGET_TIMEOUT_MAX);
	return 0;
}

/*
 * hplab target <group> <size> [--memmap-on-memory] [--no-wait] [--timeout=S]
 * hplab target <group> none
 */
int cmd_target(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "memmap-on-memory", no_argument, NULL, 'm' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long timeout = HPLAB_TARGET_TIMEOUT;
	bool memmap = false, wait = true, timeout_set = false, none;
	unsigned long long since;
	uint64_t size = 0;
	int opt, ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = hplab_getopt(ctx, argc, argv, "mt:", longopts, NULL, &ret)) > 0) {
		if (opt == 'm') {
			memmap = true;
		} else if (opt == 'W') {
			wait = false;
		} else {
			if (hplab_timeout_arg(argv[0], optarg, &timeout))
				return HPLAB_EXIT_USAGE;
			timeout_set = true;
		}
	}
	if (!opt)
		return ret;
	if (argc - optind != 2)
		return hplab_usage_error(argv[0], "expected <group> <size> or <group> none");
	none = !strcmp(argv[optind + 1], "none");
	if (hplab_group_arg(argv[0], argv[optind]) ||
	    (!none && hplab_size_arg(argv[0], "size", argv[optind + 1], &size)))
		return HPLAB_EXIT_USAGE;
	if (none && (memmap || timeout_set))
		return hplab_usage_error(argv[0], "none takes neither --memmap-on-memory nor --timeout");
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	if (!hplab_has_target_file(ctx)) {
		hplab_warn("this hotplug_lab has no target file: it is older than hplab (update the module)");
		return HPLAB_EXIT_REJECTED;
	}
	if (none)
		return hplab_exit_for(hplab_request(ctx, "target", "%s none", argv[optind]));
	/* The retry reason must be this request's, not an earlier one's. */
	since = hplab_events_logged(ctx);
	if (hplab_request(ctx, "target", "%s %s memmap=%s", argv[optind], argv[optind + 1],
			  memmap ? "on" : "off"))
		return HPLAB_EXIT_REJECTED;
	if (!wait)
		return HPLAB_EXIT_OK;
	return hplab_target_wait(ctx, argv[optind], size, timeout, since);
}
