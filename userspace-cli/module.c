// SPDX-License-Identifier: GPL-2.0
/*
 * The module's debugfs files and the kernel's memory block files: reading
 * them into a struct hplab_view, and writing requests with an error a
 * person can act on.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hplab.h"

bool hplab_module_loaded(const struct hplab_ctx *ctx)
{
	return hplab_exists(ctx, _PATH_HPLAB "/info");
}

/* Skip the header line of a table file. */
static char *hplab_table_rows(char *text)
{
	char *rows = strchr(text, '\n');

	return rows ? rows + 1 : text + strlen(text);
}

static int hplab_parse_groups(char *text, struct hplab_view *view)
{
	char *line, *save = NULL;

	for (line = strtok_r(hplab_table_rows(text), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct hplab_group *g, *grown;

		grown = realloc(view->groups,
				(view->nr_groups + 1) * sizeof(*view->groups));
		if (!grown)
			return -ENOMEM;
		view->groups = grown;
		g = &view->groups[view->nr_groups];
		if (sscanf(line, "%d %15s %d %" SCNx64 " %" SCNx64, &g->id,
			   g->type, &g->node, &g->size, &g->added) != 5)
			return -EPROTO;
		view->nr_groups++;
	}
	return 0;
}

static int hplab_parse_ranges(char *text, struct hplab_view *view)
{
	char *line, *save = NULL;
	char memmap[8];

	for (line = strtok_r(hplab_table_rows(text), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct hplab_range *r, *grown;

		grown = realloc(view->ranges,
				(view->nr_ranges + 1) * sizeof(*view->ranges));
		if (!grown)
			return -ENOMEM;
		view->ranges = grown;
		r = &view->ranges[view->nr_ranges];
		if (sscanf(line, "%d %" SCNx64 " %" SCNx64 " %" SCNx64
			   " %7s %lu %15s %255s", &r->group, &r->start,
			   &r->end, &r->size, memmap, &r->vmemmap_pages,
			   r->state, r->blocks) != 8 ||
		    r->end < r->start || !view->block_size ||
		    strlen(r->blocks) != (r->end - r->start + 1) / view->block_size)
			return -EPROTO;
		r->memmap_on = !strcmp(memmap, "on");
		view->nr_ranges++;
	}
	return 0;
}

/*
 * Everything the module shows, in one go. Returns 0, -ENOENT when the
 * module is not loaded, or -EPROTO when a file does not parse.
 */
int hplab_view_load(const struct hplab_ctx *ctx, struct hplab_view *view)
{
	char *region, *groups = NULL, *ranges = NULL;
	int ret = -EPROTO;

	memset(view, 0, sizeof(*view));
	view->block_size = hplab_block_size(ctx);
	region = hplab_read(ctx, _PATH_HPLAB "/region");
	if (!region)
		return -ENOENT;
	groups = hplab_read(ctx, _PATH_HPLAB "/groups");
	ranges = hplab_read(ctx, _PATH_HPLAB "/ranges");
	if (!groups || !ranges)
		goto out;
	if (strncmp(region, "none", 4)) {
		if (sscanf(region, "%" SCNx64 "-%" SCNx64, &view->region_start,
			   &view->region_end) != 2)
			goto out;
		view->has_region = true;
	}
	ret = hplab_parse_groups(groups, view);
	if (!ret)
		ret = hplab_parse_ranges(ranges, view);
out:
	if (ret == -EPROTO)
		hplab_warn("the module's debugfs files do not parse: is %s hotplug_lab's?",
			   _PATH_HPLAB);
	free(region);
	free(groups);
	free(ranges);
	return ret;
}

/* hplab_view_load(), saying why it failed; returns an exit code. */
int hplab_view_load_or_warn(const struct hplab_ctx *ctx, struct hplab_view *view)
{
	int ret = hplab_view_load(ctx, view);

	if (ret == -ENOENT)
		hplab_warn("hotplug_lab is not loaded, or debugfs is not mounted (hplab doctor)");
	if (ret)
		hplab_view_free(view);
	return ret ? HPLAB_EXIT_REJECTED : HPLAB_EXIT_OK;
}

void hplab_view_free(struct hplab_view *view)
{
	free(view->groups);
	free(view->ranges);
}

/* What a person can do about a rejection, from the errno and the reason. */
static const char *hplab_hint(const char *file, int err, const char *reason)
{
	if (strstr(reason, "memmap_on_memory=1"))
		return "add memory_hotplug.memmap_on_memory=1 to the kernel command line and reboot (hplab doctor shows how)";
	if (strstr(reason, "before 6.8"))
		return "use 'hplab granularity <group> <block size>' or add without --memmap-on-memory";
	if (strstr(reason, "static group is removed as a whole"))
		return "a static group goes as a whole: try 'hplab remove <group> --all'";
	if (strstr(reason, "whole units"))
		return "see the unit in 'hplab group list' and 'hplab granularity'";
	if (strstr(reason, "no region is claimed"))
		return "claim one first: 'hplab region candidates', then 'hplab region claim <start> <size>'";
	if (strstr(reason, "no such group"))
		return "'hplab group list' shows the groups";
	if (strstr(reason, "already added") || strstr(reason, "not added"))
		return "'hplab blocks' and 'hplab map' show what is added";
	if (err == ENOSPC)
		return "a static group's SIZE in 'hplab group list' is its maximum";
	if (!strcmp(file, "remove") && err == EBUSY)
		return "the memory is in use; memory onlined movable can be offlined: see 'hplab blocks'";
	if (strstr(reason, "firmware-reserved") || strstr(reason, "System RAM"))
		return "'hplab region candidates' lists the reserved ranges that can be claimed";
	return NULL;
}

/*
 * Write one request to a debugfs file. On rejection print what was asked,
 * the errno, the module's reason (the last event) and a hint.
 * Returns 0 or the errno.
 */
int hplab_request(const struct hplab_ctx *ctx, const char *file,
		  const char *fmt, ...)
{
	char *args, *path, *events, *reason = NULL, *last, *hint_reason;
	const char *hint;
	va_list ap;
	int err;

	va_start(ap, fmt);
	if (vasprintf(&args, fmt, ap) < 0) {
		va_end(ap);
		return ENOMEM;
	}
	va_end(ap);
	if (asprintf(&path, _PATH_HPLAB "/%s", file) < 0) {
		free(args);
		return ENOMEM;
	}
	err = -hplab_write_file(ctx, path, args);
	free(path);
	if (!err) {
		free(args);
		return 0;
	}

	events = hplab_read(ctx, _PATH_HPLAB "/events");
	if (events) {
		size_t len = strlen(events);

		while (len && events[len - 1] == '\n')
			events[--len] = '\0';
		last = strrchr(events, '\n');
		last = last ? last + 1 : events;
		/* "<seq> <file> [<args>] <ERRNO>: <reason>" */
		hint_reason = strstr(last, "]");
		if (hint_reason && (hint_reason = strstr(hint_reason, ": ")))
			reason = strdup(hint_reason + 2);
	}
	fprintf(stderr, "hplab: %s '%s': %s (%s)\n", file, args, strerror(err),
		hplab_errno_name(err));
	if (reason)
		fprintf(stderr, "  reason: %s\n", reason);
	hint = hplab_hint(file, err, reason ? reason : "");
	if (hint)
		fprintf(stderr, "  hint: %s\n", hint);
	free(reason);
	free(events);
	free(args);
	return err;
}

/* The first word of /sys/devices/system/memory/memoryBLOCK/ATTR, or NULL. */
char *hplab_block_attr(const struct hplab_ctx *ctx, unsigned long block,
		       const char *attr)
{
	char *path, *text;

	if (asprintf(&path, _PATH_SYS_MEMORY "/memory%lu/%s", block, attr) < 0)
		return NULL;
	text = hplab_read(ctx, path);
	free(path);
	if (text)
		text[strcspn(text, " \n")] = '\0';
	return text;
}

/* The node a block is linked to (memoryN/nodeM), or -1. */
int hplab_block_node(const struct hplab_ctx *ctx, unsigned long block)
{
	char *path = hplab_path(ctx, _PATH_SYS_MEMORY "/memory%lu", block);
	struct dirent *entry;
	int node = -1;
	DIR *dir;

	dir = opendir(path);
	free(path);
	if (!dir)
		return -1;
	while ((entry = readdir(dir)))
		if (sscanf(entry->d_name, "node%d", &node) == 1)
			break;
	closedir(dir);
	return node;
}
