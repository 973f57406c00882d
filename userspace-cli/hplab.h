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
#define _PATH_PROC_ZONEINFO	"/proc/zoneinfo"
#define _PATH_PROC_CMDLINE	"/proc/cmdline"
#define _PATH_PROC_MOUNTS	"/proc/mounts"
#define _PATH_PROC_OSRELEASE	"/proc/sys/kernel/osrelease"
#define _PATH_UDEV_RULES	"/lib/udev/rules.d"
#define _PATH_UDEV_RULES_ETC	"/etc/udev/rules.d"
#define _PATH_LOCKDOWN		"/sys/kernel/security/lockdown"
#define _PATH_FIRMWARE_MEMMAP	"/sys/firmware/memmap"

/*
 * Exit codes. 0, 1 and 64 mean what they mean for chmem(8); chmem exits 1
 * on a usage error too, hplab exits 2 (as most tools do), so that a script
 * can tell a typo from a rejection.
 */
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
	const char *command;	/* the command's name, for messages */
	/* the table options of the commands that print tables */
	const char *output;	/* -o, --output: columns, or +columns */
	const struct hplab_table_def *output_table;	/* the table -o is for */
	bool noheadings;	/* -n, --noheadings */
	bool raw;		/* -r, --raw */
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
	char *blocks;		/* one letter per block: '-', 'k' or 'm' */
};

/*
 * One row of the module's target file: a dynamic group that follows a
 * requested size. Older modules have no target file: no group follows one.
 */
struct hplab_target {
	int group;
	uint64_t requested;
	uint64_t plugged;	/* the group's bytes added */
	bool memmap_on;
	char state[16];		/* working, reached or retrying */
	unsigned long retry_ms;	/* 0 unless retrying */
};

struct hplab_view {
	uint64_t block_size;
	bool has_region;
	uint64_t region_start, region_end;
	struct hplab_group *groups;
	size_t nr_groups;
	struct hplab_range *ranges;
	size_t nr_ranges;
	struct hplab_target *targets;
	size_t nr_targets;
};

/* One line of the module's events file, split in place. */
struct hplab_event {
	char *seq;		/* decimal digits */
	char *file;		/* the file written to */
	char *args;		/* the words written */
	char *result;		/* ok or the errno name */
	char *reason;		/* NULL without one */
	char *phases;		/* ok: " add_ns=N online_ns=N", or NULL */
};

/* The phases an event may time, in the order the module logs them. */
#define HPLAB_PHASES { "add", "online", "offline", "remove" }
#define HPLAB_NR_PHASES 4
bool hplab_event_phase(const struct hplab_event *ev, const char *phase,
		       unsigned long long *ns);

/* util.c */
struct option;
char *hplab_path(const struct hplab_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *hplab_read(const struct hplab_ctx *ctx, const char *path);
char *hplab_read_line(const struct hplab_ctx *ctx, const char *path);
int hplab_write_file(const struct hplab_ctx *ctx, const char *path,
		     const char *text);
bool hplab_exists(const struct hplab_ctx *ctx, const char *path);
int hplab_parse_size(const char *str, uint64_t *val);
const char *hplab_format_size(const struct hplab_ctx *ctx, uint64_t val,
			      char *buf, size_t len);
char *hplab_size_string(const struct hplab_ctx *ctx, uint64_t size);
const char *hplab_errno_name(int err);
char *hplab_key_value(const char *text, const char *key);
void hplab_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hplab_append(char *buf, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
uint64_t hplab_block_size(const struct hplab_ctx *ctx);
void hplab_json_string(const char *str);

/* table.c: libsmartcols tables, the same for text and --json */
struct libscols_table;
enum hplab_column_type {
	HPLAB_COL_STRING,
	HPLAB_COL_NUMBER,	/* right-aligned; an integer in JSON */
	HPLAB_COL_BOOLEAN,	/* "yes" or "no"; true or false in JSON */
};

struct hplab_column {
	const char *name;
	const char *help;	/* also printed by the command's --help */
	enum hplab_column_type type;
	bool extra;		/* not shown unless -o names it */
};

struct hplab_table_def {
	const char *name;	/* the JSON key */
	const struct hplab_column *columns;
	size_t nr_columns;
};

#define HPLAB_TABLE(name, columns) { name, columns, ARRAY_SIZE(columns) }

/*
 * The tables of the commands that take the table options; a line's cells
 * are always given in this order, whatever -o chose. A NULL cell is "-"
 * in text and null in JSON.
 */
extern const struct hplab_table_def hplab_blocks_table, hplab_map_table,
	hplab_events_table, hplab_candidates_table, hplab_groups_table,
	hplab_granularity_table, hplab_zones_table;

struct libscols_table *hplab_table_new(const struct hplab_ctx *ctx,
				       const struct hplab_table_def *def);
void hplab_table_add_cells(struct libscols_table *table,
			   const char *const *cells);
void hplab_table_print(struct libscols_table *table);
void hplab_columns_help(const struct hplab_table_def *def);
int hplab_table_output(const char *command, const struct hplab_table_def *def,
		       const char *list);
char *hplab_table_json_members(struct libscols_table *table);

/*
 * key/value pairs: aligned text, or JSON members. A list is its items
 * separated by "; " in text and a JSON array; JSON, when set, is the
 * value's JSON as it is (an array of objects, say).
 */
enum hplab_kv_type {
	HPLAB_KV_STRING,
	HPLAB_KV_NUMBER,
	HPLAB_KV_BOOLEAN,	/* yes or no; true or false in JSON */
	HPLAB_KV_LIST,
};

struct hplab_kv {
	const char *key;
	char *value;		/* allocated or NULL: "-" in text, null in JSON */
	enum hplab_kv_type type;
	char *json;		/* allocated or NULL */
};

#define HPLAB_MAX_KV 16
void hplab_kv_add(struct hplab_kv *kv, size_t *n, const char *key,
		  char *value, enum hplab_kv_type type);
void hplab_kv_print_text(const struct hplab_kv *kv, size_t n);
void hplab_kv_print_json(const struct hplab_kv *kv, size_t n, int indent, bool more);
void hplab_kv_print(const struct hplab_ctx *ctx, const char *name,
		    const struct hplab_kv *kv, size_t n);
void hplab_kv_tables_print(const struct hplab_ctx *ctx, const struct hplab_kv *kv, size_t n,
			   struct libscols_table *const *tables, size_t nr_tables);
void hplab_kv_free(struct hplab_kv *kv, size_t n);

/* iomem.c */
struct hplab_range_pair {
	uint64_t start, end;	/* end inclusive */
};

struct hplab_candidate {
	uint64_t start, end;	/* block aligned, end inclusive */
	bool claimed;		/* hotplug_lab's region is inside */
};

/* -EACCES: /proc/iomem shows every address as 0 (not root) */
int hplab_reserved_candidates(const struct hplab_ctx *ctx, uint64_t block_size,
			      struct hplab_candidate **out, size_t *nr);

/* module.c */
enum hplab_access {
	HPLAB_ACCESS_OK,
	HPLAB_ACCESS_DENIED,		/* not root */
	HPLAB_ACCESS_LOCKED_DOWN,	/* debugfs refuses writable files */
	HPLAB_ACCESS_NO_DEBUGFS,	/* not mounted */
	HPLAB_ACCESS_NOT_LOADED,
};

bool hplab_debugfs_mounted(const struct hplab_ctx *ctx);
char *hplab_lockdown_mode(const struct hplab_ctx *ctx);
enum hplab_access hplab_access(const struct hplab_ctx *ctx, int err);
char *hplab_access_problem(const struct hplab_ctx *ctx, int err);
int hplab_access_warn(const struct hplab_ctx *ctx, int err);
bool hplab_module_loaded(const struct hplab_ctx *ctx);
int hplab_view_load(const struct hplab_ctx *ctx, struct hplab_view *view);
int hplab_view_load_or_warn(const struct hplab_ctx *ctx, struct hplab_view *view);
void hplab_view_free(struct hplab_view *view);
int hplab_targets_load(const struct hplab_ctx *ctx, struct hplab_view *view);
const struct hplab_target *hplab_view_target(const struct hplab_view *view,
					     int group);
const struct hplab_group *hplab_view_group(const struct hplab_view *view,
					   int group);
bool hplab_has_target_file(const struct hplab_ctx *ctx);
bool hplab_module_hex(const char *word, uint64_t *val);
bool hplab_module_decimal(const char *word, unsigned long max, unsigned long *val);
int hplab_bad_line(const char *file, unsigned int nr, const char *line,
		   const char *why);
enum hplab_event_problem {
	HPLAB_EVENT_OK,
	HPLAB_EVENT_NO_ARGS,	/* no "[<args>] " */
	HPLAB_EVENT_NO_SEQ,	/* does not start with "<seq> <file>" */
};
enum hplab_event_problem hplab_event_parse(char *line, struct hplab_event *ev);
int hplab_request(const struct hplab_ctx *ctx, const char *file,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *hplab_block_attr(const struct hplab_ctx *ctx, unsigned long block,
		       const char *attr);
char *hplab_block_line(const struct hplab_ctx *ctx, unsigned long block,
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
int cmd_target(struct hplab_ctx *ctx, int argc, char **argv);
int cmd_zones(struct hplab_ctx *ctx, int argc, char **argv);

/* hplab.c */
int hplab_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool hplab_wants_help(const char *command, int argc, char **argv);
int hplab_getopt(struct hplab_ctx *ctx, int argc, char **argv,
		 const char *shortopts, const struct option *longopts,
		 const struct hplab_table_def *table, int *ret);
bool hplab_command_start(struct hplab_ctx *ctx, int argc, char **argv,
			 const struct hplab_table_def *table, int *ret);

#endif /* HPLAB_H */
