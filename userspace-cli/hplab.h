/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hplab: drive hotplug_lab.ko and show memory hotplug as it happens.
 *
 * hplab talks to the module only through its debugfs files
 * (debugfs-api.txt) and to the kernel only through its standard files.
 * Every path is taken relative to a root (--sysroot or HPLAB_SYSROOT), so
 * the tests can run every command against a captured tree.
 */
#ifndef HPLAB_H
#define HPLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define _PATH_HPLAB		"/sys/kernel/debug/hotplug_lab"
#define _PATH_DEBUGFS		"/sys/kernel/debug"
#define _PATH_SYS_MEMORY	"/sys/devices/system/memory"
#define _PATH_MHP_PARAMS	"/sys/module/memory_hotplug/parameters"
#define _PATH_PROC_IOMEM	"/proc/iomem"
#define _PATH_PROC_MEMINFO	"/proc/meminfo"
#define _PATH_PROC_CMDLINE	"/proc/cmdline"
#define _PATH_PROC_ZONEINFO	"/proc/zoneinfo"
#define _PATH_UDEV_RULES	"/lib/udev/rules.d"
#define _PATH_UDEV_RULES_ETC	"/etc/udev/rules.d"
#define _PATH_LOCKDOWN		"/sys/kernel/security/lockdown"
#define _PATH_FIRMWARE_MEMMAP	"/sys/firmware/memmap"

/* Exit codes, as chmem(8) has them. */
enum {
	HPLAB_EXIT_OK = 0,
	HPLAB_EXIT_REJECTED = 1,	/* the kernel or the module said no */
	HPLAB_EXIT_USAGE = 2,
	HPLAB_EXIT_PARTIAL = 64,	/* some blocks done, some not */
};

/* What the command line asked for; there is no other global state. */
struct hplab_ctx {
	const char *sysroot;	/* prefix of every path, "" for / */
	bool json;		/* --json */
	bool bytes;		/* -b, --bytes: sizes in bytes */
	bool color;		/* map: colors on a terminal without NO_COLOR */
};

/* One row of the module's groups file. */
struct hplab_group {
	int id;
	char type[16];
	int node;
	uint64_t size;
	uint64_t added;
};

/* One row of the module's ranges file: one add. */
struct hplab_range {
	int group;
	uint64_t start;
	uint64_t end;		/* inclusive */
	uint64_t size;
	bool memmap_on;
	unsigned long vmemmap_pages;
	char state[16];
	char blocks[256];
};

struct hplab_view {
	uint64_t block_size;
	bool has_region;
	uint64_t region_start, region_end;
	struct hplab_group *groups;
	size_t nr_groups;
	struct hplab_range *ranges;
	size_t nr_ranges;
};

/* util.c */
char *hplab_path(const struct hplab_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *hplab_read(const struct hplab_ctx *ctx, const char *path);
int hplab_write_file(const struct hplab_ctx *ctx, const char *path,
		     const char *text);
bool hplab_exists(const struct hplab_ctx *ctx, const char *path);
int hplab_parse_size(const char *str, uint64_t *val);
const char *hplab_format_size(const struct hplab_ctx *ctx, uint64_t val,
			      char *buf, size_t len);
const char *hplab_errno_name(int err);
char *hplab_key_value(const char *text, const char *key);
void hplab_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t hplab_block_size(const struct hplab_ctx *ctx);

/* table.c: libsmartcols tables, the same for text and --json */
struct libscols_table;
struct hplab_column {
	const char *name;
	const char *help;	/* also printed by the command's --help */
	bool number;		/* right-aligned; a raw integer in JSON */
};

struct libscols_table *hplab_table_new(const struct hplab_ctx *ctx,
				       const char *name,
				       const struct hplab_column *columns,
				       size_t nr_columns);
void hplab_table_add(struct libscols_table *table, ...);
void hplab_table_add_cells(struct libscols_table *table,
			   const char *const *cells);
void hplab_table_print(struct libscols_table *table);
void hplab_columns_help(const struct hplab_column *columns, size_t nr_columns);

/* iomem.c */
struct hplab_range_pair {
	uint64_t start, end;	/* end inclusive */
};

struct hplab_candidate {
	uint64_t start, end;	/* block aligned, end inclusive */
	bool claimed;		/* hotplug_lab's region is inside */
};

int hplab_reserved_candidates(const struct hplab_ctx *ctx, uint64_t block_size,
			      struct hplab_candidate **out, size_t *nr);

/* module.c */
bool hplab_module_loaded(const struct hplab_ctx *ctx);
int hplab_view_load(const struct hplab_ctx *ctx, struct hplab_view *view);
int hplab_view_load_or_warn(const struct hplab_ctx *ctx, struct hplab_view *view);
void hplab_view_free(struct hplab_view *view);
int hplab_request(const struct hplab_ctx *ctx, const char *file,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *hplab_block_attr(const struct hplab_ctx *ctx, unsigned long block,
		       const char *attr);
int hplab_block_node(const struct hplab_ctx *ctx, unsigned long block);

/* The commands, one function each; argv[0] is the command name. */
int cmd_status(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_doctor(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_region(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_group(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_add(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_remove(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_online(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_blocks(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_map(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_events(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_granularity(struct hplab_ctx *ctx, int argc, char **argv);

/* hplab.c */
int hplab_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool hplab_wants_help(const char *command, int argc, char **argv);

#endif /* HPLAB_H */
