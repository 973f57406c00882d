// SPDX-License-Identifier: GPL-2.0
/*
 * hplab zones: kernel zones against ZONE_MOVABLE per node, the
 * auto-movable budget, and the zone the kernel would online a group's
 * next block to, by the kernel's own rule (mm/memory_hotplug.c of 7.3:
 * zone_for_pfn_range(), auto_movable_zone_for_pfn(),
 * auto_movable_can_online_movable(), default_kernel_zone_for_pfn(),
 * default_zone_for_pfn()) or, where it has one to ask, the kernel's own
 * answer (valid_zones of an offline block).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hplab.h"

/* One zone of /proc/zoneinfo, in pages. */
struct hplab_zone {
	int node;
	char name[16];
	uint64_t spanned, present, cma;
	uint64_t start_pfn;	/* only printed for a populated zone */
	unsigned int seen;	/* the HPLAB_ZONE_* fields read */
};

enum {
	HPLAB_ZONE_SPANNED = 1 << 0,
	HPLAB_ZONE_PRESENT = 1 << 1,
	HPLAB_ZONE_CMA = 1 << 2,
	HPLAB_ZONE_START = 1 << 3,
};

/* Per node, in pages: what auto_movable_stats_account_zone() sums. */
struct hplab_node_stats {
	int node;
	uint64_t kernel;	/* present in the kernel zones */
	uint64_t hotplugged;	/* hotplug_lab blocks online in a kernel zone */
	uint64_t cma;		/* CMA in the kernel zones: counts as movable */
	uint64_t movable;	/* present in ZONE_MOVABLE */
};

struct hplab_zones {
	const struct hplab_ctx *ctx;
	struct hplab_view view;
	struct hplab_zone *zones;
	size_t nr_zones;
	struct hplab_node_stats *nodes;
	size_t nr_nodes;
	uint64_t page_size, block_pages;
	bool auto_movable;	/* online_policy=auto-movable */
	bool has_ratio;
	unsigned long ratio;	/* auto_movable_ratio, percent */
	int numa_aware;		/* auto_movable_numa_aware: 1, 0, -1 absent */
	bool movable_node;	/* movable_node on the kernel command line */
};

/* Kernel zones, in zone order; ZONE_DEVICE memory is never present. */
static const char *const zone_names[] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device",
};

static bool hplab_kernel_zone_name(const char *name)
{
	return strcmp(name, "Movable") && strcmp(name, "Device");
}

static int hplab_zoneinfo_bad(unsigned int nr, const char *line, const char *why)
{
	hplab_warn("%s, line %u: %s: '%s'", _PATH_PROC_ZONEINFO, nr, why, line);
	return -EPROTO;
}

/* The field of a zone's line "<key> <number>", checked and stored once. */
static int hplab_zoneinfo_field(struct hplab_zone *z, const char *line, unsigned int nr)
{
	static const struct {
		const char *key;
		unsigned int bit;
	} fields[] = {
		{ "spanned", HPLAB_ZONE_SPANNED },
		{ "present", HPLAB_ZONE_PRESENT },
		{ "cma", HPLAB_ZONE_CMA },
		{ "start_pfn:", HPLAB_ZONE_START },
	};
	uint64_t *values[] = { &z->spanned, &z->present, &z->cma, &z->start_pfn };
	char key[32], number[32];
	size_t i;
	int end = 0;

	if (sscanf(line, " %31s %31s%n", key, number, &end) != 2 || line[end])
		return 0;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strcmp(key, fields[i].key))
			continue;
		if (z->seen & fields[i].bit)
			return hplab_zoneinfo_bad(nr, line, "a second line for this field of the zone");
		if (number[strspn(number, "0123456789")] || (number[0] == '0' && number[1]))
			return hplab_zoneinfo_bad(nr, line, "not a number of pages");
		errno = 0;
		*values[i] = strtoull(number, NULL, 10);
		if (errno)
			return hplab_zoneinfo_bad(nr, line, "not a number of pages");
		z->seen |= fields[i].bit;
	}
	return 0;
}

/* A zone is complete when it has its span and present pages. */
static int hplab_zoneinfo_check(const struct hplab_zone *z)
{
	if (!(z->seen & HPLAB_ZONE_SPANNED) || !(z->seen & HPLAB_ZONE_PRESENT)) {
		hplab_warn("%s: node %d, zone %s: no spanned or present pages", _PATH_PROC_ZONEINFO,
			   z->node, z->name);
		return -EPROTO;
	}
	if (z->present > z->spanned || z->cma > z->present ||
	    (z->present && !(z->seen & HPLAB_ZONE_START))) {
		hplab_warn("%s: node %d, zone %s: more present than spanned pages, more CMA than present, or populated without start_pfn",
			   _PATH_PROC_ZONEINFO, z->node, z->name);
		return -EPROTO;
	}
	return 0;
}

/* Every zone of /proc/zoneinfo; 0, or -EPROTO after a message. */
static int hplab_zoneinfo_load(struct hplab_zones *zs)
{
	char *text = hplab_read(zs->ctx, _PATH_PROC_ZONEINFO), *line, *save = NULL;
	struct hplab_zone *z = NULL;
	unsigned int nr = 0;
	int ret = 0;

	if (!text) {
		hplab_warn("%s: %s", _PATH_PROC_ZONEINFO, strerror(errno));
		return -EPROTO;
	}
	for (line = strtok_r(text, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save)) {
		struct hplab_zone *grown;
		char name[16];
		size_t i;
		int node, end = 0;

		nr++;
		if (line[0] == ' ') {
			ret = z ? hplab_zoneinfo_field(z, line, nr) :
				  hplab_zoneinfo_bad(nr, line, "a zone's line before any zone");
			continue;
		}
		if (sscanf(line, "Node %d, zone %15s%n", &node, name, &end) != 2 || line[end] ||
		    node < 0)
			ret = hplab_zoneinfo_bad(nr, line, "not 'Node <n>, zone <name>'");
		for (i = 0; !ret && i < ARRAY_SIZE(zone_names); i++)
			if (!strcmp(name, zone_names[i]))
				break;
		if (!ret && i == ARRAY_SIZE(zone_names))
			ret = hplab_zoneinfo_bad(nr, line, "a zone hplab does not know");
		if (!ret && z)
			ret = hplab_zoneinfo_check(z);
		if (ret)
			break;
		grown = realloc(zs->zones, (zs->nr_zones + 1) * sizeof(*zs->zones));
		if (!grown) {
			ret = -ENOMEM;
			break;
		}
		zs->zones = grown;
		z = &zs->zones[zs->nr_zones++];
		memset(z, 0, sizeof(*z));
		z->node = node;
		snprintf(z->name, sizeof(z->name), "%s", name);
	}
	if (!ret && !z) {
		hplab_warn("%s: no zone", _PATH_PROC_ZONEINFO);
		ret = -EPROTO;
	}
	if (!ret)
		ret = hplab_zoneinfo_check(z);
	free(text);
	return ret;
}

static struct hplab_node_stats *hplab_node(struct hplab_zones *zs, int node)
{
	struct hplab_node_stats *grown;
	size_t i;

	for (i = 0; i < zs->nr_nodes; i++)
		if (zs->nodes[i].node == node)
			return &zs->nodes[i];
	grown = realloc(zs->nodes, (zs->nr_nodes + 1) * sizeof(*zs->nodes));
	if (!grown)
		return NULL;
	zs->nodes = grown;
	memset(&grown[zs->nr_nodes], 0, sizeof(*grown));
	grown[zs->nr_nodes].node = node;
	return &grown[zs->nr_nodes++];
}

/*
 * Per node, the zones' pages, and the blocks hotplug_lab added that are
 * online in a kernel zone: the present pages that are not early ones.
 * The node of a block is its memoryN/nodeM link (the group's if none).
 */
static int hplab_nodes_load(struct hplab_zones *zs)
{
	size_t i;

	for (i = 0; i < zs->nr_zones; i++) {
		const struct hplab_zone *z = &zs->zones[i];
		struct hplab_node_stats *n = hplab_node(zs, z->node);

		if (!n)
			return -ENOMEM;
		if (!strcmp(z->name, "Movable")) {
			n->movable += z->present;
		} else if (hplab_kernel_zone_name(z->name)) {
			n->kernel += z->present;
			n->cma += z->cma;
		}
	}
	for (i = 0; i < zs->view.nr_ranges; i++) {
		const struct hplab_range *r = &zs->view.ranges[i];
		const struct hplab_group *g = hplab_view_group(&zs->view, r->group);
		size_t b;

		for (b = 0; r->blocks[b]; b++) {
			unsigned long block = (r->start / zs->view.block_size) + b;
			int node = hplab_block_node(zs->ctx, block);
			struct hplab_node_stats *n;

			if (r->blocks[b] != 'k')
				continue;
			n = hplab_node(zs, node >= 0 ? node : g ? g->node : 0);
			if (!n)
				return -ENOMEM;
			n->hotplugged += zs->block_pages;
		}
	}
	for (i = 0; i < zs->nr_nodes; i++) {
		const struct hplab_node_stats *n = &zs->nodes[i];

		if (n->hotplugged + n->cma > n->kernel) {
			hplab_warn("node %d: hotplug_lab's kernel-zone blocks and CMA are more than %s shows present in kernel zones (did something change meanwhile?)",
				   n->node, _PATH_PROC_ZONEINFO);
			return -EPROTO;
		}
	}
	return 0;
}

/* The early kernel pages the kernel counts: CMA behaves like ZONE_MOVABLE. */
static uint64_t hplab_node_early(const struct hplab_node_stats *n)
{
	return n->kernel - n->hotplugged - n->cma;
}

static uint64_t hplab_node_used(const struct hplab_node_stats *n)
{
	return n->movable + n->cma;
}

/* A group's pages online in kernel zones and in ZONE_MOVABLE. */
static void hplab_group_pages(const struct hplab_zones *zs, int group,
			      uint64_t *kernel, uint64_t *movable)
{
	size_t i, b;

	*kernel = *movable = 0;
	for (i = 0; i < zs->view.nr_ranges; i++)
		for (b = 0; zs->view.ranges[i].group == group && zs->view.ranges[i].blocks[b]; b++) {
			if (zs->view.ranges[i].blocks[b] == 'k')
				*kernel += zs->block_pages;
			if (zs->view.ranges[i].blocks[b] == 'm')
				*movable += zs->block_pages;
		}
}

/* The letter of the block at ADDR in the ranges file, 0 if not added. */
static char hplab_block_letter(const struct hplab_view *view, uint64_t addr, int *group)
{
	size_t i;

	for (i = 0; i < view->nr_ranges; i++)
		if (addr >= view->ranges[i].start && addr <= view->ranges[i].end) {
			if (group)
				*group = view->ranges[i].group;
			return view->ranges[i].blocks[(addr - view->ranges[i].start) /
						      view->block_size];
		}
	return 0;
}

/* zone_intersects(): the zone's span and [pfn, pfn + nr) overlap. */
static bool hplab_zone_intersects(const struct hplab_zone *z, uint64_t pfn, uint64_t nr)
{
	if (!z || !z->spanned || !(z->seen & HPLAB_ZONE_START))
		return false;
	return pfn < z->start_pfn + z->spanned && pfn + nr > z->start_pfn;
}

static const struct hplab_zone *hplab_find_zone(const struct hplab_zones *zs, int node,
						const char *name)
{
	size_t i;

	for (i = 0; i < zs->nr_zones; i++)
		if (zs->zones[i].node == node && !strcmp(zs->zones[i].name, name))
			return &zs->zones[i];
	return NULL;
}

/* default_kernel_zone_for_pfn(): DMA or DMA32 where its span has the range, else Normal. */
static const char *hplab_kernel_zone(const struct hplab_zones *zs, int node, uint64_t pfn,
				     uint64_t nr)
{
	if (hplab_zone_intersects(hplab_find_zone(zs, node, "DMA"), pfn, nr))
		return "DMA";
	if (hplab_zone_intersects(hplab_find_zone(zs, node, "DMA32"), pfn, nr))
		return "DMA32";
	return "Normal";
}

static char *hplab_pages(const struct hplab_zones *zs, uint64_t pages, char *buf, size_t len)
{
	return (char *)hplab_format_size(zs->ctx, pages * zs->page_size, buf, len);
}

/*
 * auto_movable_can_online_movable(): could NR more pages of G go to
 * ZONE_MOVABLE and stay within the ratio, over all nodes (NODE -1) or on
 * NODE? WHY gets the numbers.
 */
static bool hplab_movable_fits(const struct hplab_zones *zs, int node,
			       const struct hplab_group *g, uint64_t nr,
			       char *why, size_t len, size_t *used)
{
	uint64_t early = 0, movable = 0, need = 0, others = 0, own_kernel = 0, own_movable = 0;
	char a[32], b[32], c[32], d[32];
	bool dynamic = !strcmp(g->type, "dynamic"), fits;
	size_t i;

	for (i = 0; i < zs->nr_nodes; i++) {
		if (node >= 0 && zs->nodes[i].node != node)
			continue;
		early += hplab_node_early(&zs->nodes[i]);
		movable += hplab_node_used(&zs->nodes[i]);
	}
	/* Dynamic groups but G: their movable memory needs early kernel memory. */
	for (i = 0; i < zs->view.nr_groups; i++) {
		const struct hplab_group *other = &zs->view.groups[i];
		uint64_t kernel, mov;
		int64_t pages;

		if (other->id == g->id || strcmp(other->type, "dynamic") ||
		    (node >= 0 && other->node != node))
			continue;
		hplab_group_pages(zs, other->id, &kernel, &mov);
		pages = (int64_t)(mov * 100 / zs->ratio) - (int64_t)kernel;
		if (pages > 0)
			need += pages;
		others += mov;
	}
	if (node >= 0)
		hplab_append(why, len, used, "; on node %d it ", node);
	else
		hplab_append(why, len, used, "(%s) in ZONE_MOVABLE ", hplab_pages(zs, nr, a, sizeof(a)));
	if (early <= need) {
		hplab_append(why, len, used,
			     "other dynamic groups' ZONE_MOVABLE memory needs all %s of early kernel memory",
			     hplab_pages(zs, early, a, sizeof(a)));
		return false;
	}
	early -= need;
	movable -= others < movable ? others : movable;
	if (dynamic)
		hplab_group_pages(zs, g->id, &own_kernel, &own_movable);
	early += own_kernel;
	fits = movable + nr <= zs->ratio * early / 100;
	hplab_append(why, len, used, "%s: %s%s %s allowed (%lu%% of %s early kernel memory",
		     fits ? "fits" : "does not fit", hplab_pages(zs, movable + nr, b, sizeof(b)),
		     fits ? " of" : ",",
		     hplab_pages(zs, zs->ratio * early / 100, c, sizeof(c)), zs->ratio,
		     hplab_pages(zs, early, d, sizeof(d)));
	if (need)
		hplab_append(why, len, used, ", less %s other dynamic groups need",
			     hplab_pages(zs, need, a, sizeof(a)));
	if (own_kernel)
		hplab_append(why, len, used, ", with the group's own %s in kernel zones",
			     hplab_pages(zs, own_kernel, a, sizeof(a)));
	hplab_append(why, len, used, ")");
	return fits;
}

/*
 * zone_for_pfn_range(MMOP_ONLINE, ...) for the block of group G at ADDR:
 * the zone's name, WHY the reason.
 */
static const char *hplab_zone_rule(const struct hplab_zones *zs, const struct hplab_group *g,
				   uint64_t addr, char *why, size_t len)
{
	uint64_t pfn = addr / zs->page_size, nr = zs->block_pages;
	const char *kernel_zone = hplab_kernel_zone(zs, g->node, pfn, nr);
	uint64_t kernel, movable, max, online = 0, unit_start, a;
	size_t used = 0;

	if (!zs->auto_movable) {
		/* default_zone_for_pfn() */
		bool in_kernel = hplab_zone_intersects(hplab_find_zone(zs, g->node, kernel_zone),
						       pfn, nr);
		bool in_movable = hplab_zone_intersects(hplab_find_zone(zs, g->node, "Movable"),
							pfn, nr);

		if (in_kernel != in_movable) {
			snprintf(why, len, "contig-zones: the block is in the span of %s only",
				 in_kernel ? kernel_zone : "Movable");
			return in_kernel ? kernel_zone : "Movable";
		}
		snprintf(why, len, "contig-zones: the block is in the span of %s, so the kernel zone%s",
			 in_kernel ? "both zones" : "no zone",
			 zs->movable_node ? " but for movable_node on the command line" : "");
		return zs->movable_node ? "Movable" : kernel_zone;
	}
	/* auto_movable_zone_for_pfn() */
	if (!zs->ratio) {
		snprintf(why, len, "auto-movable: auto_movable_ratio is 0");
		return kernel_zone;
	}
	hplab_group_pages(zs, g->id, &kernel, &movable);
	if (strcmp(g->type, "dynamic")) {
		if (kernel) {
			snprintf(why, len, "auto-movable: the static group has memory in a kernel zone, so all of it goes there");
			return kernel_zone;
		}
		max = g->size / zs->page_size;
		online = movable;
		hplab_append(why, len, &used, "auto-movable: the rest of the static group ");
	} else {
		max = g->size / zs->page_size;
		unit_start = addr / g->size * g->size;
		for (a = unit_start; g->size != zs->view.block_size && a < unit_start + g->size;
		     a += zs->view.block_size) {
			char letter = hplab_block_letter(&zs->view, a, NULL);

			if (letter == 'k') {
				snprintf(why, len, "auto-movable: its unit %#" PRIx64 " has memory in a kernel zone, so all of the unit goes there",
					 unit_start);
				return kernel_zone;
			}
			online += letter == 'm' ? zs->block_pages : 0;
		}
		hplab_append(why, len, &used, "auto-movable: %s of its unit %#" PRIx64 " ",
			     online ? "the rest" : "all", unit_start);
	}
	nr = max > online ? max - online : 0;
	if (!hplab_movable_fits(zs, -1, g, nr, why, len, &used))
		return kernel_zone;
	if (zs->numa_aware == 1 && !hplab_movable_fits(zs, g->node, g, nr, why, len, &used))
		return kernel_zone;
	return "Movable";
}

/* The lowest address of the region where LEN bytes aligned to ALIGN are free. */
static bool hplab_free_space(const struct hplab_view *view, uint64_t size, uint64_t *at)
{
	uint64_t addr, a;

	if (!view->has_region)
		return false;
	for (addr = (view->region_start + size - 1) / size * size;
	     addr + size - 1 <= view->region_end && addr + size > addr; addr += size) {
		for (a = addr; a < addr + size; a += view->block_size)
			if (hplab_block_letter(view, a, NULL))
				break;
		if (a == addr + size) {
			*at = addr;
			return true;
		}
	}
	return false;
}

/*
 * Where the group's next block goes: an added, offline block of the
 * group asks the kernel itself (valid_zones lists its default first);
 * else the rule for the next unit. NULL when there is no next block.
 */
static const char *hplab_next_zone(const struct hplab_zones *zs, const struct hplab_group *g,
				   char *zone, size_t zlen, uint64_t *at, char *why, size_t len)
{
	char rule_why[512];
	const char *rule;
	size_t i, b;

	for (i = 0; i < zs->view.nr_ranges; i++) {
		const struct hplab_range *r = &zs->view.ranges[i];

		for (b = 0; r->group == g->id && r->blocks[b]; b++) {
			unsigned long block;
			char *first;

			if (r->blocks[b] != '-')
				continue;
			*at = r->start + b * zs->view.block_size;
			block = *at / zs->view.block_size;
			first = hplab_block_attr(zs->ctx, block, "valid_zones");
			if (!first)
				continue;
			rule = hplab_zone_rule(zs, g, *at, rule_why, sizeof(rule_why));
			snprintf(zone, zlen, "%s", first);
			if (strcmp(first, rule))
				snprintf(why, len, "the kernel's answer: valid_zones of memory%lu (added, offline) lists %s first; hplab's reading of the rule says %s: %s",
					 block, first, rule, rule_why);
			else
				snprintf(why, len, "the kernel's answer: valid_zones of memory%lu (added, offline) lists %s first, as the rule says: %s",
					 block, first, rule_why);
			free(first);
			return zone;
		}
	}
	if (!zs->view.has_region) {
		snprintf(why, len, "no region is claimed");
		return NULL;
	}
	if (strcmp(g->type, "dynamic") && g->added >= g->size) {
		snprintf(why, len, "the static group is full");
		return NULL;
	}
	if (!hplab_free_space(&zs->view, strcmp(g->type, "dynamic") ? zs->view.block_size : g->size,
			      at)) {
		snprintf(why, len, "no free %s in the region",
			 strcmp(g->type, "dynamic") ? "block" : "unit");
		return NULL;
	}
	snprintf(zone, zlen, "%s", hplab_zone_rule(zs, g, *at, why, len));
	return zone;
}

static const struct hplab_column node_columns[] = {
	{ "NODE", "NUMA node", HPLAB_COL_NUMBER },
	{ "KERNEL", "present in the kernel zones (DMA, DMA32, Normal)", HPLAB_COL_NUMBER },
	{ "EARLY", "of it early kernel memory, CMA excluded (approximated)", HPLAB_COL_NUMBER },
	{ "MOVABLE", "present in ZONE_MOVABLE", HPLAB_COL_NUMBER },
	{ "CMA", "CMA in kernel zones: counted as movable", HPLAB_COL_NUMBER },
	{ "BUDGET", "the ZONE_MOVABLE auto_movable_ratio allows: ratio% of EARLY", HPLAB_COL_NUMBER },
	{ "USED", "ZONE_MOVABLE and CMA, counted against the budget", HPLAB_COL_NUMBER },
};

static const struct hplab_table_def nodes_table = HPLAB_TABLE("nodes", node_columns);

static const struct hplab_column zone_group_columns[] = {
	{ "GROUP", "hotplug_lab memory group id", HPLAB_COL_NUMBER },
	{ "TYPE", "static or dynamic" },
	{ "NODE", "the group's NUMA node", HPLAB_COL_NUMBER },
	{ "KERNEL", "the group's memory online in kernel zones", HPLAB_COL_NUMBER },
	{ "MOVABLE", "the group's memory online in ZONE_MOVABLE", HPLAB_COL_NUMBER },
	{ "NEXT", "the zone an online of the group's next block gets now (null: none)" },
	{ "REASON", "why: the kernel's own answer, or the rule and its numbers" },
	{ "AT", "the block NEXT is for", HPLAB_COL_STRING, true },
};

const struct hplab_table_def hplab_zones_table = HPLAB_TABLE("groups", zone_group_columns);

/* The policy and the parameters of mm/memory_hotplug.c. */
static void hplab_zones_params(struct hplab_zones *zs, struct hplab_kv *kv, size_t *n)
{
	char *policy = hplab_read_line(zs->ctx, _PATH_MHP_PARAMS "/online_policy");
	char *ratio = hplab_read_line(zs->ctx, _PATH_MHP_PARAMS "/auto_movable_ratio");
	char *aware = hplab_read_line(zs->ctx, _PATH_MHP_PARAMS "/auto_movable_numa_aware");
	char *cmdline = hplab_read_line(zs->ctx, _PATH_PROC_CMDLINE), *word, *save = NULL;
	char *end;

	zs->auto_movable = policy && !strcmp(policy, "auto-movable");
	errno = 0;
	zs->ratio = ratio && *ratio >= '0' && *ratio <= '9' ? strtoul(ratio, &end, 10) : 0;
	zs->has_ratio = ratio && *ratio >= '0' && *ratio <= '9' && !errno && !*end &&
			zs->ratio <= UINT32_MAX;
	if (!zs->has_ratio) {
		free(ratio);
		ratio = NULL;
		zs->ratio = 0;
	}
	zs->numa_aware = !aware ? -1 : aware[0] == 'Y' && !aware[1] ? 1 : 0;
	if (aware && strcmp(aware, "Y") && strcmp(aware, "N")) {
		hplab_warn("%s/auto_movable_numa_aware is not Y or N: taken as N", _PATH_MHP_PARAMS);
		zs->numa_aware = 0;
	}
	hplab_kv_add(kv, n, "online_policy", policy ? policy : strdup("contig-zones"),
		     HPLAB_KV_STRING);
	if (!policy)
		hplab_warn("no %s/online_policy: a kernel before 5.15, taken as contig-zones",
			   _PATH_MHP_PARAMS);
	else if (strcmp(policy, "contig-zones") && !zs->auto_movable)
		hplab_warn("online_policy '%s' is not one hplab knows: taken as contig-zones", policy);
	hplab_kv_add(kv, n, "auto_movable_ratio", ratio, HPLAB_KV_NUMBER);
	hplab_kv_add(kv, n, "auto_movable_numa_aware",
		     zs->numa_aware < 0 ? NULL : strdup(zs->numa_aware ? "yes" : "no"),
		     HPLAB_KV_BOOLEAN);
	if (zs->auto_movable && !zs->has_ratio)
		hplab_warn("no %s/auto_movable_ratio: the kernel's default, 301, is assumed",
			   _PATH_MHP_PARAMS);
	if (zs->auto_movable && !zs->has_ratio)
		zs->ratio = 301;
	for (word = cmdline ? strtok_r(cmdline, " ", &save) : NULL; word;
	     word = strtok_r(NULL, " ", &save))
		zs->movable_node |= !strcmp(word, "movable_node");
	hplab_kv_add(kv, n, "movable_node", cmdline ? strdup(zs->movable_node ? "yes" : "no") : NULL,
		     HPLAB_KV_BOOLEAN);
	hplab_kv_add(kv, n, "auto_online_blocks",
		     hplab_read_line(zs->ctx, _PATH_SYS_MEMORY "/auto_online_blocks"),
		     HPLAB_KV_STRING);
	free(aware);
	free(cmdline);
}

static struct libscols_table *hplab_nodes_table(const struct hplab_zones *zs,
						struct hplab_kv *kv, size_t *n)
{
	struct libscols_table *table = hplab_table_new(zs->ctx, &nodes_table);
	uint64_t early = 0, used = 0;
	size_t i;

	for (i = 0; i < zs->nr_nodes; i++) {
		const struct hplab_node_stats *s = &zs->nodes[i];
		char node[16], c[7][32];
		const char *cells[] = {
			node, hplab_pages(zs, s->kernel, c[0], 32),
			hplab_pages(zs, hplab_node_early(s), c[1], 32),
			hplab_pages(zs, s->movable, c[2], 32), hplab_pages(zs, s->cma, c[3], 32),
			zs->has_ratio || zs->auto_movable ?
			hplab_pages(zs, zs->ratio * hplab_node_early(s) / 100, c[4], 32) : NULL,
			hplab_pages(zs, hplab_node_used(s), c[5], 32),
		};

		snprintf(node, sizeof(node), "%d", s->node);
		hplab_table_add_cells(table, cells);
		early += hplab_node_early(s);
		used += hplab_node_used(s);
	}
	hplab_kv_add(kv, n, "kernel_early", hplab_size_string(zs->ctx, early * zs->page_size),
		     HPLAB_KV_NUMBER);
	hplab_kv_add(kv, n, "movable_budget", zs->has_ratio || zs->auto_movable ?
		     hplab_size_string(zs->ctx, zs->ratio * early / 100 * zs->page_size) : NULL,
		     HPLAB_KV_NUMBER);
	hplab_kv_add(kv, n, "movable_used", hplab_size_string(zs->ctx, used * zs->page_size),
		     HPLAB_KV_NUMBER);
	return table;
}

static struct libscols_table *hplab_groups_zone_table(const struct hplab_zones *zs)
{
	struct libscols_table *table = hplab_table_new(zs->ctx, &hplab_zones_table);
	size_t i;

	for (i = 0; i < zs->view.nr_groups; i++) {
		const struct hplab_group *g = &zs->view.groups[i];
		char id[16], node[16], k[32], m[32], zone[16], why[1024], at[24];
		uint64_t kernel, movable, addr = 0;
		const char *next;

		hplab_group_pages(zs, g->id, &kernel, &movable);
		next = hplab_next_zone(zs, g, zone, sizeof(zone), &addr, why, sizeof(why));
		{
			const char *cells[] = {
				id, g->type, node, hplab_pages(zs, kernel, k, sizeof(k)),
				hplab_pages(zs, movable, m, sizeof(m)), next, why,
				next ? at : NULL,
			};

			snprintf(id, sizeof(id), "%d", g->id);
			snprintf(node, sizeof(node), "%d", g->node);
			snprintf(at, sizeof(at), "%#" PRIx64, addr);
			hplab_table_add_cells(table, cells);
		}
	}
	return table;
}

int cmd_zones(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct hplab_zones zs = { .ctx = ctx };
	struct libscols_table *tables[2];
	struct hplab_kv kv[HPLAB_MAX_KV];
	size_t n = 0;
	int ret;

	if (hplab_command_start(ctx, argc, argv, &hplab_zones_table, &ret))
		return ret;
	if (hplab_view_load_or_warn(ctx, &zs.view))
		return HPLAB_EXIT_REJECTED;
	zs.page_size = sysconf(_SC_PAGESIZE);
	zs.block_pages = zs.view.block_size / zs.page_size;
	ret = hplab_zoneinfo_load(&zs);
	if (!ret)
		ret = hplab_nodes_load(&zs);
	if (ret) {
		free(zs.zones);
		free(zs.nodes);
		hplab_view_free(&zs.view);
		return HPLAB_EXIT_REJECTED;
	}
	hplab_zones_params(&zs, kv, &n);
	tables[0] = hplab_nodes_table(&zs, kv, &n);
	tables[1] = hplab_groups_zone_table(&zs);
	hplab_kv_tables_print(ctx, kv, n, tables, ARRAY_SIZE(tables));
	hplab_kv_free(kv, n);
	free(zs.zones);
	free(zs.nodes);
	hplab_view_free(&zs.view);
	return HPLAB_EXIT_OK;
}
