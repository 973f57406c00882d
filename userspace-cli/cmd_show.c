// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that only look: blocks, map, events.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hplab.h"

static const struct hplab_column block_columns[] = {
	{ "BLOCK", "memory block number (/sys/devices/system/memory/memoryN)", true },
	{ "RANGE", "physical range of the block", false },
	{ "SIZE", "size of the block", true },
	{ "STATE", "online or offline, from the block's state file", false },
	{ "ZONE", "zone of an online block (Normal, Movable, ...)", false },
	{ "NODE", "NUMA node", true },
	{ "GROUP", "hotplug_lab memory group id", true },
	{ "VMEMMAP", "memmap pages self-hosted in the block", true },
	{ "CHUNK", "the add the block belongs to (one add_memory_driver_managed call)", false },
};

int cmd_blocks(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct libscols_table *table;
	struct hplab_view view;
	size_t i;

	if (hplab_wants_help(argv[0], argc, argv)) {
		hplab_columns_help(block_columns, ARRAY_SIZE(block_columns));
		return HPLAB_EXIT_OK;
	}
	if (argc > 1)
		return hplab_usage_error(argv[0], "unexpected argument '%s'", argv[1]);
	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	table = hplab_table_new(ctx, "blocks", block_columns,
				ARRAY_SIZE(block_columns));
	for (i = 0; i < view.nr_ranges; i++) {
		const struct hplab_range *r = &view.ranges[i];
		unsigned long nr_blocks = r->size / view.block_size;
		uint64_t addr;

		for (addr = r->start; addr < r->end; addr += view.block_size) {
			unsigned long block = addr / view.block_size;
			char id[24], range[48], size[24], node[16], group[16];
			char vmemmap[24], chunk[48];
			char *state = hplab_block_attr(ctx, block, "state");
			/* An online block's valid_zones names only its zone. */
			char *zone = state && !strcmp(state, "online") ?
				     hplab_block_attr(ctx, block, "valid_zones") : NULL;

			snprintf(id, sizeof(id), "%lu", block);
			snprintf(range, sizeof(range), "%#" PRIx64 "-%#" PRIx64, addr,
				 addr + view.block_size - 1);
			snprintf(node, sizeof(node), "%d", hplab_block_node(ctx, block));
			snprintf(group, sizeof(group), "%d", r->group);
			snprintf(vmemmap, sizeof(vmemmap), "%lu", r->vmemmap_pages / nr_blocks);
			snprintf(chunk, sizeof(chunk), "%#" PRIx64 "-%#" PRIx64, r->start, r->end);
			hplab_table_add(table, id, range,
					hplab_format_size(ctx, view.block_size, size,
							  sizeof(size)),
					state ? state : "?",
					zone ? zone : "-", node, group, vmemmap, chunk);
			free(state);
			free(zone);
		}
	}
	hplab_table_print(table);
	hplab_view_free(&view);
	return HPLAB_EXIT_OK;
}

/* One cell per block of the region, from the module's ranges file. */
enum hplab_cell { CELL_ABSENT, CELL_OFFLINE, CELL_KERNEL, CELL_MOVABLE };

static const struct {
	char plain, plain_vmemmap;
	const char *color;
	const char *legend;
} cells[] = {
	[CELL_ABSENT] = { '.', '.', "", "not added" },
	[CELL_OFFLINE] = { '-', '=', "\033[2m", "added, offline" },
	[CELL_KERNEL] = { 'k', 'K', "\033[33m", "online, kernel zone" },
	[CELL_MOVABLE] = { 'm', 'M', "\033[32m", "online, ZONE_MOVABLE" },
};

static void hplab_map_legend(void)
{
	size_t i;

	fputs("\nlegend:", stdout);
	for (i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		printf(" %c %s;", cells[i].plain, cells[i].legend);
	puts("\n        upper case (=, K, M): the block hosts its own memmap (memmap_on_memory)");
}

static const struct hplab_column map_columns[] = {
	{ "START", "first byte of the block", false },
	{ "CELL", "the block's character in the picture", false },
	{ "MEANING", "what the character means", false },
};

int cmd_map(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct libscols_table *table = NULL;
	struct hplab_view view;
	uint64_t addr;
	unsigned int col = 0;
	size_t i;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	if (argc > 1)
		return hplab_usage_error(argv[0], "unexpected argument '%s'", argv[1]);
	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	if (!view.has_region) {
		hplab_view_free(&view);
		hplab_warn("no region is claimed (hplab region candidates)");
		return HPLAB_EXIT_REJECTED;
	}
	if (ctx->json)
		table = hplab_table_new(ctx, "map", map_columns, 3);
	else
		printf("region %#" PRIx64 "-%#" PRIx64 ", one cell per %" PRIu64 "M block:\n",
		       view.region_start, view.region_end, view.block_size >> 20);
	for (addr = view.region_start; addr < view.region_end; addr += view.block_size) {
		enum hplab_cell cell = CELL_ABSENT;
		bool vmemmap = false;
		char letter;

		for (i = 0; i < view.nr_ranges; i++) {
			const struct hplab_range *r = &view.ranges[i];

			if (addr < r->start || addr > r->end)
				continue;
			switch (r->blocks[(addr - r->start) / view.block_size]) {
			case 'k':
				cell = CELL_KERNEL;
				break;
			case 'm':
				cell = CELL_MOVABLE;
				break;
			default:
				cell = CELL_OFFLINE;
			}
			vmemmap = r->memmap_on;
		}
		letter = vmemmap ? cells[cell].plain_vmemmap : cells[cell].plain;
		if (table) {
			char start[24], text[2] = { letter, '\0' };

			snprintf(start, sizeof(start), "%#" PRIx64, addr);
			hplab_table_add(table, start, text, cells[cell].legend);
			continue;
		}
		if (col == 0)
			printf("%#14" PRIx64 " ", addr);
		if (ctx->color && cell != CELL_ABSENT)
			printf("%s%c\033[0m", cells[cell].color, letter);
		else
			putchar(letter);
		if (++col == 64) {
			putchar('\n');
			col = 0;
		}
	}
	if (table) {
		hplab_table_print(table);
	} else {
		if (col)
			putchar('\n');
		hplab_map_legend();
	}
	hplab_view_free(&view);
	return HPLAB_EXIT_OK;
}

static const struct hplab_column event_columns[] = {
	{ "SEQ", "sequence number since the module was loaded", true },
	{ "FILE", "the debugfs file written to", false },
	{ "ARGS", "what was written", false },
	{ "RESULT", "ok or the errno name", false },
	{ "REASON", "why a write was rejected", false },
};

int cmd_events(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct libscols_table *table;
	char *text, *line, *save = NULL;

	if (hplab_wants_help(argv[0], argc, argv)) {
		hplab_columns_help(event_columns, 5);
		return HPLAB_EXIT_OK;
	}
	if (argc > 1)
		return hplab_usage_error(argv[0], "unexpected argument '%s'", argv[1]);
	text = hplab_read(ctx, _PATH_HPLAB "/events");
	if (!text) {
		hplab_warn("hotplug_lab is not loaded, or debugfs is not mounted (hplab doctor)");
		return HPLAB_EXIT_REJECTED;
	}
	table = hplab_table_new(ctx, "events", event_columns, 5);
	/* "<seq> <file> [<args>] ok" or "... <ERRNO>: <reason>" */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *open = strchr(line, '['), *close = strrchr(line, ']');
		char *seq = line, *file, *result, *reason;

		if (!open || !close || close < open || open == line) {
			hplab_warn("unexpected event line: %s", line);
			continue;
		}
		open[-1] = '\0';
		*close = '\0';
		file = strchr(seq, ' ');
		if (!file)
			continue;
		*file++ = '\0';
		result = close + 1;
		while (*result == ' ')
			result++;
		reason = strstr(result, ": ");
		if (reason) {
			*reason = '\0';
			reason += 2;
		}
		hplab_table_add(table, seq, file, open + 1, result, reason ? reason : "");
	}
	hplab_table_print(table);
	free(text);
	return HPLAB_EXIT_OK;
}
