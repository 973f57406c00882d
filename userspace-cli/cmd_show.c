// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that only look: blocks, map, events.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hplab.h"

static const struct hplab_column block_columns[] = {
	{ "BLOCK", "memory block number (/sys/devices/system/memory/memoryN)", HPLAB_COL_NUMBER },
	{ "RANGE", "physical range of the block" },
	{ "SIZE", "size of the block", HPLAB_COL_NUMBER },
	{ "STATE", "online or offline, from the block's state file" },
	{ "ZONE", "zone of an online block (Normal, Movable, ...)" },
	{ "NODE", "NUMA node", HPLAB_COL_NUMBER },
	{ "GROUP", "hotplug_lab memory group id", HPLAB_COL_NUMBER },
	{ "VMEMMAP", "memmap pages self-hosted in the block", HPLAB_COL_NUMBER },
	{ "CHUNK", "the add the block belongs to (one add_memory_driver_managed call)" },
	{ "ZONES", "the zones the block may be onlined to (valid_zones)", HPLAB_COL_STRING, true },
	{ "MEMMAP", "yes if the add hosts its own memmap", HPLAB_COL_BOOLEAN, true },
};

const struct hplab_table_def hplab_blocks_table = HPLAB_TABLE("blocks", block_columns);

static void hplab_blocks_range(const struct hplab_ctx *ctx, struct libscols_table *table,
			       const struct hplab_range *r, uint64_t block_size)
{
	unsigned long nr_blocks = strlen(r->blocks), n;

	for (n = 0; n < nr_blocks; n++) {
		uint64_t addr = r->start + n * block_size;
		unsigned long block = addr / block_size;
		char id[24], range[48], size[24], node[16], group[16];
		char vmemmap[24], chunk[48];
		char *state = hplab_block_attr(ctx, block, "state");
		/* An online block's valid_zones names only its zone. */
		char *zone = state && !strcmp(state, "online") ?
			     hplab_block_attr(ctx, block, "valid_zones") : NULL;
		char *zones = hplab_block_line(ctx, block, "valid_zones");
		int nid = hplab_block_node(ctx, block);
		const char *cells[] = {
			id, range, hplab_format_size(ctx, block_size, size, sizeof(size)),
			state, zone, nid < 0 ? NULL : node, group, vmemmap, chunk,
			zones, r->memmap_on ? "yes" : "no",
		};

		snprintf(id, sizeof(id), "%lu", block);
		snprintf(range, sizeof(range), "%#" PRIx64 "-%#" PRIx64, addr,
			 addr + block_size - 1);
		snprintf(node, sizeof(node), "%d", nid);
		snprintf(group, sizeof(group), "%d", r->group);
		snprintf(vmemmap, sizeof(vmemmap), "%lu", r->vmemmap_pages / nr_blocks);
		snprintf(chunk, sizeof(chunk), "%#" PRIx64 "-%#" PRIx64, r->start, r->end);
		hplab_table_add_cells(table, cells);
		free(state);
		free(zone);
		free(zones);
	}
}

int cmd_blocks(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct libscols_table *table;
	struct hplab_view view;
	size_t i;
	int ret;

	if (hplab_command_start(ctx, argc, argv, &hplab_blocks_table, &ret))
		return ret;
	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	table = hplab_table_new(ctx, &hplab_blocks_table);
	for (i = 0; i < view.nr_ranges; i++)
		hplab_blocks_range(ctx, table, &view.ranges[i], view.block_size);
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
	{ "START", "first byte of the block" },
	{ "CELL", "the block's character in the picture" },
	{ "MEANING", "what the character means" },
};

const struct hplab_table_def hplab_map_table = HPLAB_TABLE("map", map_columns);

/*
 * The most blocks map draws: 128T of 128M blocks, 16384 lines of text;
 * what --json prints is held in memory first, about 350 bytes a block.
 */
#define HPLAB_MAP_MAX_CELLS	(1 << 20)

/* The cell of the block at ADDR; *NEXT is the first range not before it. */
static enum hplab_cell hplab_map_cell(const struct hplab_view *view, uint64_t addr,
				      size_t *next, bool *vmemmap)
{
	const struct hplab_range *r;

	/* The ranges come by address (hplab_view_load() checks it). */
	while (*next < view->nr_ranges && view->ranges[*next].end < addr)
		(*next)++;
	r = *next < view->nr_ranges ? &view->ranges[*next] : NULL;
	*vmemmap = false;
	if (!r || addr < r->start)
		return CELL_ABSENT;
	*vmemmap = r->memmap_on;
	switch (r->blocks[(addr - r->start) / view->block_size]) {
	case 'k':
		return CELL_KERNEL;
	case 'm':
		return CELL_MOVABLE;
	default:
		return CELL_OFFLINE;
	}
}

int cmd_map(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct libscols_table *table = NULL;
	struct hplab_view view;
	uint64_t addr, n, nr_cells;
	unsigned int col = 0;
	size_t next = 0;
	char size[32];
	int ret;

	if (hplab_command_start(ctx, argc, argv, &hplab_map_table, &ret))
		return ret;
	if (hplab_view_load_or_warn(ctx, &view))
		return HPLAB_EXIT_REJECTED;
	if (!view.has_region) {
		hplab_view_free(&view);
		hplab_warn("no region is claimed (hplab region candidates)");
		return HPLAB_EXIT_REJECTED;
	}
	nr_cells = (view.region_end - view.region_start + 1) / view.block_size;
	if (nr_cells > HPLAB_MAP_MAX_CELLS) {
		hplab_warn("the region is %" PRIu64 " blocks: map draws at most %d (hplab blocks lists the added ones)",
			   nr_cells, HPLAB_MAP_MAX_CELLS);
		hplab_view_free(&view);
		return HPLAB_EXIT_REJECTED;
	}
	if (ctx->json)
		table = hplab_table_new(ctx, &hplab_map_table);
	else
		printf("region %#" PRIx64 "-%#" PRIx64 ", one cell per %s block:\n",
		       view.region_start, view.region_end,
		       hplab_format_size(ctx, view.block_size, size, sizeof(size)));
	for (n = 0; n < nr_cells; n++) {
		enum hplab_cell cell;
		bool vmemmap;
		char letter;

		addr = view.region_start + n * view.block_size;
		cell = hplab_map_cell(&view, addr, &next, &vmemmap);
		letter = vmemmap ? cells[cell].plain_vmemmap : cells[cell].plain;
		if (table) {
			char start[24], text[2] = { letter, '\0' };
			const char *row[] = { start, text, cells[cell].legend };

			snprintf(start, sizeof(start), "%#" PRIx64, addr);
			hplab_table_add_cells(table, row);
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
	{ "SEQ", "sequence number since the module was loaded", HPLAB_COL_NUMBER },
	{ "FILE", "the debugfs file written to" },
	{ "ARGS", "what was written" },
	{ "RESULT", "ok or the errno name" },
	{ "REASON", "why a write was rejected (null in JSON for ok)" },
	{ "ADD", "add: the kernel's add calls (ms; ns in JSON)", HPLAB_COL_NUMBER },
	{ "ONLINE", "add with online=: onlining the blocks (ms; ns in JSON)", HPLAB_COL_NUMBER },
	{ "OFFLINE", "remove: offlining the blocks (ms; ns in JSON)", HPLAB_COL_NUMBER },
	{ "REMOVE", "remove: removing them (ms; ns in JSON)", HPLAB_COL_NUMBER },
};

const struct hplab_table_def hplab_events_table = HPLAB_TABLE("events", event_columns);

int cmd_events(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct libscols_table *table;
	char *text, *line, *save = NULL;
	int ret;

	if (hplab_command_start(ctx, argc, argv, &hplab_events_table, &ret))
		return ret;
	text = hplab_read(ctx, _PATH_HPLAB "/events");
	if (!text)
		return hplab_access_warn(ctx, errno);
	table = hplab_table_new(ctx, &hplab_events_table);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		static const char *const phases[] = HPLAB_PHASES;
		char took[HPLAB_NR_PHASES][24];
		struct hplab_event ev;
		const char *row[5 + HPLAB_NR_PHASES];
		unsigned long long ns;
		size_t i;

		switch (hplab_event_parse(line, &ev)) {
		case HPLAB_EVENT_NO_ARGS:
			hplab_warn("%s/events: unexpected line: '%s'", _PATH_HPLAB, line);
			continue;
		case HPLAB_EVENT_NO_SEQ:
			hplab_warn("%s/events: a line does not start with <seq> <file>: '%s'",
				   _PATH_HPLAB, ev.seq);
			continue;
		case HPLAB_EVENT_OK:
			break;
		}
		row[0] = ev.seq;
		row[1] = ev.file;
		row[2] = ev.args;
		row[3] = ev.result;
		row[4] = ev.reason;
		for (i = 0; i < HPLAB_NR_PHASES; i++) {
			row[5 + i] = NULL;
			if (!hplab_event_phase(&ev, phases[i], &ns))
				continue;
			if (ctx->json)
				snprintf(took[i], sizeof(took[i]), "%llu", ns);
			else
				snprintf(took[i], sizeof(took[i]), "%.1f", ns / 1e6);
			row[5 + i] = took[i];
		}
		hplab_table_add_cells(table, row);
	}
	hplab_table_print(table);
	free(text);
	return HPLAB_EXIT_OK;
}
