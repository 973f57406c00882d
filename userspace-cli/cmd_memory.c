// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that change things: region, group, add, remove,
 * online/offline, granularity.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int hplab_group_arg(const char *command, const char *arg)
{
	char *end;

	if (strtol(arg, &end, 10) < 0 || *end || end == arg)
		return hplab_usage_error(command,
					 "group '%s' is not a group id (see hplab group list)",
					 arg);
	return 0;
}

static int hplab_require_module(const struct hplab_ctx *ctx)
{
	if (hplab_module_loaded(ctx))
		return 0;
	hplab_warn("hotplug_lab is not loaded, or debugfs is not mounted (hplab doctor)");
	return HPLAB_EXIT_REJECTED;
}

static const struct hplab_column candidate_columns[] = {
	{ "START", "first byte, block aligned", false },
	{ "END", "last byte", false },
	{ "SIZE", "size", true },
	{ "CLAIMED", "yes if hotplug_lab's region is inside", false },
};

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
	if (ret) {
		hplab_warn("cannot read %s and the block size", _PATH_PROC_IOMEM);
		return HPLAB_EXIT_REJECTED;
	}
	table = hplab_table_new(ctx, "candidates", candidate_columns, 4);
	for (i = 0; i < nr; i++) {
		snprintf(start, sizeof(start), "%#" PRIx64, list[i].start);
		snprintf(end, sizeof(end), "%#" PRIx64, list[i].end);
		hplab_table_add(table, start, end,
				hplab_format_size(ctx, list[i].end - list[i].start + 1,
						  size, sizeof(size)),
				list[i].claimed ? "yes" : "no");
	}
	hplab_table_print(table);
	free(list);
	return HPLAB_EXIT_OK;
}

int cmd_region(struct hplab_ctx *ctx, int argc, char **argv)
{
	uint64_t val;
	int ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	if (argc == 2 && !strcmp(argv[1], "candidates"))
		return hplab_region_candidates(ctx);
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	if (argc == 2 && !strcmp(argv[1], "release"))
		return hplab_exit_for(hplab_request(ctx, "region", "release"));
	if ((argc == 4 || (argc == 5 && !strcmp(argv[4], "--force"))) &&
	    !strcmp(argv[1], "claim")) {
		if (hplab_size_arg(argv[0], "start", argv[2], &val) ||
		    hplab_size_arg(argv[0], "size", argv[3], &val))
			return HPLAB_EXIT_USAGE;
		return hplab_exit_for(hplab_request(ctx, "region", "%s %s%s",
						    argv[2], argv[3],
						    argc == 5 ? " force" : ""));
	}
	return hplab_usage_error(argv[0], "expected claim <start> <size> [--force], release or candidates");
}

static const struct hplab_column group_columns[] = {
	{ "ID", "memory group id (the kernel's)", true },
	{ "TYPE", "static or dynamic", false },
	{ "NODE", "NUMA node", true },
	{ "SIZE", "static: maximum size; dynamic: unit", true },
	{ "ADDED", "memory added to the group", true },
};

static int hplab_group_list(const struct hplab_ctx *ctx)
{
	struct libscols_table *table;
	struct hplab_view view;
	char id[16], node[16], size[32], added[32];
	size_t i;

	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	table = hplab_table_new(ctx, "groups", group_columns, 5);
	for (i = 0; i < view.nr_groups; i++) {
		const struct hplab_group *g = &view.groups[i];

		snprintf(id, sizeof(id), "%d", g->id);
		snprintf(node, sizeof(node), "%d", g->node);
		hplab_table_add(table, id, g->type, node,
				hplab_format_size(ctx, g->size, size, sizeof(size)),
				hplab_format_size(ctx, g->added, added, sizeof(added)));
	}
	hplab_table_print(table);
	hplab_view_free(&view);
	return HPLAB_EXIT_OK;
}

int cmd_group(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *node = NULL;
	struct hplab_view view;
	uint64_t size;
	int opt, ret, err;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
		if (opt != 'n')
			return hplab_usage_error(argv[0], "unknown option");
		node = optarg;
	}
	/* getopt moved the options first: argv[optind - 1] stands for argv[0]. */
	argc -= optind - 1;
	argv += optind - 1;
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

			snprintf(id, sizeof(id), "%d", view.groups[view.nr_groups - 1].id);
			if (ctx->json) {
				table = hplab_table_new(ctx, "group", group_columns, 1);
				hplab_table_add(table, id);
				hplab_table_print(table);
			} else {
				puts(id);
			}
		}
		hplab_view_free(&view);
	}
	return HPLAB_EXIT_OK;
}

/*
 * Write STATE ("online_movable", "offline", ...) to every block of
 * [start, start + size) that hotplug_lab added. Exit code as chmem(8):
 * 0 all done, 1 none done, 64 some done.
 */
static int hplab_set_blocks(const struct hplab_ctx *ctx, uint64_t start,
			    uint64_t size, const char *state)
{
	struct hplab_view view;
	unsigned long done = 0, failed = 0;
	uint64_t addr;
	size_t i;
	int err;

	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	if (!view.block_size || start % view.block_size || size % view.block_size || !size) {
		hplab_view_free(&view);
		return hplab_usage_error("online", "start and size must be multiples of the block size");
	}
	for (addr = start; addr < start + size; addr += view.block_size) {
		unsigned long block = addr / view.block_size;
		char *path, *current;

		for (i = 0; i < view.nr_ranges; i++)
			if (addr >= view.ranges[i].start && addr <= view.ranges[i].end)
				break;
		if (i == view.nr_ranges) {
			hplab_warn("%#" PRIx64 ": not memory hotplug_lab added (hplab blocks)", addr);
			failed++;
			continue;
		}
		current = hplab_block_attr(ctx, block, "state");
		if (current && !strcmp(current, strcmp(state, "offline") ? "online" : "offline")) {
			free(current);
			done++;
			continue;
		}
		free(current);
		if (asprintf(&path, _PATH_SYS_MEMORY "/memory%lu/state", block) < 0)
			break;
		err = hplab_write_file(ctx, path, state);
		free(path);
		if (err) {
			hplab_warn("memory%lu (%#" PRIx64 "): %s failed: %s (%s)", block,
				   addr, state, strerror(-err), hplab_errno_name(-err));
			failed++;
		} else {
			done++;
		}
	}
	hplab_view_free(&view);
	if (!failed)
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
	const char *online = NULL;
	bool memmap = false;
	uint64_t start, size;
	int opt, ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "mo:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			memmap = true;
			break;
		case 'o':
			online = hplab_online_state(optarg);
			if (!online)
				return hplab_usage_error(argv[0],
							 "--online takes offline, online, kernel or movable");
			break;
		default:
			return hplab_usage_error(argv[0], "unknown option");
		}
	}
	if (argc - optind != 3)
		return hplab_usage_error(argv[0], "expected <group> <start> <size>");
	if (hplab_group_arg(argv[0], argv[optind]) ||
	    hplab_size_arg(argv[0], "start", argv[optind + 1], &start) ||
	    hplab_size_arg(argv[0], "size", argv[optind + 2], &size))
		return HPLAB_EXIT_USAGE;
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	if (hplab_request(ctx, "add", "%s %s %s memmap=%s", argv[optind],
			  argv[optind + 1], argv[optind + 2], memmap ? "on" : "off"))
		return HPLAB_EXIT_REJECTED;
	return online ? hplab_set_blocks(ctx, start, size, online) : HPLAB_EXIT_OK;
}

int cmd_remove(struct hplab_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	uint64_t val;
	int opt, ret;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "a", longopts, NULL)) != -1) {
		if (opt != 'a')
			return hplab_usage_error(argv[0], "unknown option");
		all = true;
	}
	if (argc - optind != (all ? 1 : 3))
		return hplab_usage_error(argv[0], "expected <group> <start> <size> or <group> --all");
	if (hplab_group_arg(argv[0], argv[optind]) ||
	    (!all && (hplab_size_arg(argv[0], "start", argv[optind + 1], &val) ||
		      hplab_size_arg(argv[0], "size", argv[optind + 2], &val))))
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
	while ((opt = getopt_long(argc, argv, "z:", longopts, NULL)) != -1) {
		if (opt != 'z' || offline ||
		    (strcmp(optarg, "kernel") && strcmp(optarg, "movable")))
			return hplab_usage_error(argv[0], "online takes --zone=kernel or --zone=movable");
		state = hplab_online_state(optarg);
	}
	if (argc - optind != 2)
		return hplab_usage_error(argv[0], "expected <start> <size>");
	if (hplab_size_arg(argv[0], "start", argv[optind], &start) ||
	    hplab_size_arg(argv[0], "size", argv[optind + 1], &size))
		return HPLAB_EXIT_USAGE;
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	return hplab_set_blocks(ctx, start, size, state);
}

static const struct hplab_column granularity_columns[] = {
	{ "ID", "memory group id", true },
	{ "TYPE", "static or dynamic", false },
	{ "ADD", "bytes per add call with memmap off, or 'request'", false },
	{ "ADD_MEMMAP", "bytes per add call with memmap on, 'request' or 'unsupported'", false },
	{ "REMOVE", "the remove rule: whole-group, units:<unit> or kernel", false },
};

/* The module's "key: value" lines as they are, then its rows as a table. */
static int hplab_granularity_show(const struct hplab_ctx *ctx, char *text)
{
	struct libscols_table *table;
	char *line, *save = NULL;
	bool rows = false;

	table = hplab_table_new(ctx, "granularity", granularity_columns, 5);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *cells[5] = { NULL }, *word, *wsave = NULL;
		int i = 0;

		if (!rows) {
			rows = !strncmp(line, "id ", 3);
			if (!rows && !ctx->json)
				puts(line);
			continue;
		}
		for (word = strtok_r(line, " ", &wsave); word && i < 5;
		     word = strtok_r(NULL, " ", &wsave))
			cells[i++] = word;
		if (i != 5) {
			hplab_warn("unexpected granularity row");
			scols_unref_table(table);
			return HPLAB_EXIT_REJECTED;
		}
		hplab_table_add_cells(table, (const char *const *)cells);
	}
	hplab_table_print(table);
	return HPLAB_EXIT_OK;
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
	while ((opt = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (opt != 'c' || (strcmp(optarg, "module") && strcmp(optarg, "kernel")))
			return hplab_usage_error(argv[0], "--check takes module or kernel");
		check = optarg;
	}
	ret = hplab_require_module(ctx);
	if (ret)
		return ret;
	if (check && argc == optind)
		return hplab_exit_for(hplab_request(ctx, "granularity", "check=%s", check));
	if (!check && argc - optind == 2) {
		if (hplab_group_arg(argv[0], argv[optind]) ||
		    (strcmp(argv[optind + 1], "default") &&
		     hplab_size_arg(argv[0], "granularity", argv[optind + 1], &val)))
			return HPLAB_EXIT_USAGE;
		return hplab_exit_for(hplab_request(ctx, "granularity", "%s %s",
						    argv[optind], argv[optind + 1]));
	}
	if (check || argc != optind)
		return hplab_usage_error(argv[0],
					 "expected nothing, <group> <bytes|default> or --check=module|kernel");
	text = hplab_read(ctx, _PATH_HPLAB "/granularity");
	if (!text)
		return HPLAB_EXIT_REJECTED;
	ret = hplab_granularity_show(ctx, text);
	free(text);
	return ret;
}
