// SPDX-License-Identifier: GPL-2.0
/*
 * The module's debugfs files and the kernel's memory block files: reading
 * them into a struct hplab_view, and writing requests with an error a
 * person can act on.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hplab.h"

/* debugfs is mounted where the module's files live (/proc/mounts says). */
bool hplab_debugfs_mounted(const struct hplab_ctx *ctx)
{
	char *mounts = hplab_read(ctx, _PATH_PROC_MOUNTS);
	bool mounted = mounts && strstr(mounts, " " _PATH_DEBUGFS " debugfs ");

	free(mounts);
	return mounted;
}

/*
 * The kernel's lockdown mode, the bracketed word of "[none] integrity
 * confidentiality". Without that file (securityfs not mounted) the
 * module's info, readable under lockdown, says "locked_down: yes" for
 * either mode that keeps debugfs from taking writes. NULL when neither
 * tells.
 */
char *hplab_lockdown_mode(const struct hplab_ctx *ctx)
{
	char *text = hplab_read(ctx, _PATH_LOCKDOWN), *open, *close, *mode = NULL;
	bool locked;

	if (!text) {
		text = hplab_read(ctx, _PATH_HPLAB "/info");
		mode = text ? hplab_key_value(text, "locked_down") : NULL;
		locked = mode && !strcmp(mode, "yes");
		free(mode);
		free(text);
		return locked ? strdup("integrity or confidentiality") : NULL;
	}
	open = strchr(text, '[');
	close = open ? strchr(open, ']') : NULL;
	if (close)
		mode = strndup(open + 1, close - open - 1);
	free(text);
	return mode;
}

static bool hplab_locked_down(const struct hplab_ctx *ctx)
{
	char *mode = hplab_lockdown_mode(ctx);
	bool locked = mode && strcmp(mode, "none");

	free(mode);
	return locked;
}

/*
 * Why the module's files cannot be used: ERR is the errno of a failed
 * open of one of them, or 0 to try the info file here. The one place that
 * tells "not root" from "not mounted" from "not loaded".
 */
enum hplab_access hplab_access(const struct hplab_ctx *ctx, int err)
{
	if (!err) {
		char *path = hplab_path(ctx, _PATH_HPLAB "/info");

		if (!access(path, R_OK))
			err = 0;
		else
			err = errno ? errno : ENOENT;
		free(path);
		if (!err)
			return HPLAB_ACCESS_OK;
	}
	/* Lockdown refuses writable files to root too, with EPERM. */
	if (err == EPERM && hplab_locked_down(ctx))
		return HPLAB_ACCESS_LOCKED_DOWN;
	if (err == EACCES || err == EPERM)
		return HPLAB_ACCESS_DENIED;
	if (!hplab_debugfs_mounted(ctx))
		return HPLAB_ACCESS_NO_DEBUGFS;
	return HPLAB_ACCESS_NOT_LOADED;
}

/* hplab_access() as a sentence, or NULL when the files can be used. */
char *hplab_access_problem(const struct hplab_ctx *ctx, int err)
{
	char *mode, *text = NULL;

	switch (hplab_access(ctx, err)) {
	case HPLAB_ACCESS_OK:
		return NULL;
	case HPLAB_ACCESS_DENIED:
		return strdup("permission denied: the debugfs files are root-only (run as root)");
	case HPLAB_ACCESS_LOCKED_DOWN:
		mode = hplab_lockdown_mode(ctx);
		if (asprintf(&text, "the kernel is locked down (%s): debugfs refuses the module's writable files and every write (hplab doctor)",
			     mode) < 0)
			text = NULL;
		free(mode);
		return text;
	case HPLAB_ACCESS_NO_DEBUGFS:
		return strdup("debugfs is not mounted (mount -t debugfs none " _PATH_DEBUGFS ")");
	case HPLAB_ACCESS_NOT_LOADED:
		break;
	}
	return strdup("hotplug_lab is not loaded (modprobe hotplug_lab)");
}

/* Say hplab_access_problem(); returns the exit code. */
int hplab_access_warn(const struct hplab_ctx *ctx, int err)
{
	char *problem = hplab_access_problem(ctx, err ? err : ENOENT);

	hplab_warn("%s", problem ? problem : "the module's files cannot be read");
	free(problem);
	return HPLAB_EXIT_REJECTED;
}

bool hplab_module_loaded(const struct hplab_ctx *ctx)
{
	return hplab_access(ctx, 0) == HPLAB_ACCESS_OK;
}

/* A line of a module file that does not say what the API says. */
int hplab_bad_line(const char *file, unsigned int nr, const char *line,
		   const char *why)
{
	hplab_warn("%s/%s, line %u: %s: '%s'", _PATH_HPLAB, file, nr, why, line);
	return -EPROTO;
}

/* Skip the header line of a table file. */
static char *hplab_table_rows(char *text)
{
	char *rows = strchr(text, '\n');

	return rows ? rows + 1 : text + strlen(text);
}

/*
 * What the module's groups.c guarantees of a group row, against the rows
 * before it: NULL, or why the row cannot be the module's.
 */
static const char *hplab_group_problem(const struct hplab_view *view,
				       const struct hplab_group *g)
{
	bool dynamic = !strcmp(g->type, "dynamic");

	if (!dynamic && strcmp(g->type, "static"))
		return "the type is not static or dynamic";
	if (!g->size || g->size % view->block_size)
		return "the size is not a non-zero multiple of the memory block size";
	if (dynamic && g->size & (g->size - 1))
		return "a dynamic group's unit is not a power of two";
	if (hplab_view_group(view, g->id))
		return "a second row for the group";
	return NULL;
}

static int hplab_parse_groups(char *text, struct hplab_view *view)
{
	char *line, *save = NULL;
	unsigned int nr = 1;

	for (line = strtok_r(hplab_table_rows(text), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct hplab_group *g, *grown;
		const char *why;
		int end = 0;

		nr++;
		grown = realloc(view->groups,
				(view->nr_groups + 1) * sizeof(*view->groups));
		if (!grown)
			return -ENOMEM;
		view->groups = grown;
		g = &view->groups[view->nr_groups];
		if (sscanf(line, "%d %15s %d %" SCNx64 " %" SCNx64 "%n", &g->id,
			   g->type, &g->node, &g->size, &g->added, &end) != 5 ||
		    line[end] || g->id < 0)
			return hplab_bad_line("groups", nr, line,
					      "not <id> <type> <node> <size> <added>");
		why = hplab_group_problem(view, g);
		if (why)
			return hplab_bad_line("groups", nr, line, why);
		view->nr_groups++;
	}
	return 0;
}

/* One row of ranges, checked against itself and the block size. */
static int hplab_parse_range(char *line, unsigned int nr, uint64_t block_size,
			     struct hplab_range *r)
{
	char memmap[8];
	int end = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%d %" SCNx64 " %" SCNx64 " %" SCNx64
		   " %7s %lu %15s %ms%n", &r->group, &r->start,
		   &r->end, &r->size, memmap, &r->vmemmap_pages,
		   r->state, &r->blocks, &end) != 8 || line[end] ||
	    (strcmp(memmap, "on") && strcmp(memmap, "off")))
		return hplab_bad_line("ranges", nr, line,
				      "not <group> <start> <end> <size> <memmap> <vmemmap_pages> <state> <blocks>");
	r->memmap_on = !strcmp(memmap, "on");
	if (!r->size || r->end < r->start || r->size != r->end - r->start + 1)
		return hplab_bad_line("ranges", nr, line, "size is not end - start + 1");
	if (r->start % block_size || r->size % block_size)
		return hplab_bad_line("ranges", nr, line, "not in whole memory blocks");
	if (r->blocks[strspn(r->blocks, "-km")])
		return hplab_bad_line("ranges", nr, line,
				      "a block's letter is not -, k or m");
	if (strlen(r->blocks) != r->size / block_size)
		return hplab_bad_line("ranges", nr, line,
				      "not one letter per memory block");
	return 0;
}

/*
 * What the module guarantees of a ranges row against the region, the
 * groups and the row before it (rows come by address): NULL, or why the
 * row cannot be the module's.
 */
static const char *hplab_range_problem(const struct hplab_view *view,
				       const struct hplab_range *r,
				       const struct hplab_range *before)
{
	if (!hplab_view_group(view, r->group))
		return "no row of the groups file has the group";
	if (!view->has_region || r->start < view->region_start || r->end > view->region_end)
		return "not inside the claimed region";
	if (before && r->start <= before->end)
		return "does not start after the row before: ranges overlap or are not by address";
	if (r->vmemmap_pages > r->size / (uint64_t)sysconf(_SC_PAGESIZE))
		return "more vmemmap pages than the range has pages";
	return NULL;
}

static int hplab_parse_ranges(char *text, struct hplab_view *view)
{
	char *line, *save = NULL;
	unsigned int nr = 1;

	for (line = strtok_r(hplab_table_rows(text), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct hplab_range *grown;
		const char *why;
		int ret;

		grown = realloc(view->ranges,
				(view->nr_ranges + 1) * sizeof(*view->ranges));
		if (!grown)
			return -ENOMEM;
		view->ranges = grown;
		/* Counted even when it fails, so that its letters are freed. */
		ret = hplab_parse_range(line, ++nr, view->block_size,
					&view->ranges[view->nr_ranges++]);
		if (ret)
			return ret;
		why = hplab_range_problem(view, &view->ranges[view->nr_ranges - 1],
					  view->nr_ranges > 1 ? &view->ranges[view->nr_ranges - 2] : NULL);
		if (why)
			return hplab_bad_line("ranges", nr, line, why);
	}
	return 0;
}

/* A number the module prints with %#llx: "0", or 0x and hex digits. */
bool hplab_module_hex(const char *word, uint64_t *val)
{
	if (!strcmp(word, "0")) {
		*val = 0;
		return true;
	}
	return !strncmp(word, "0x", 2) && word[2] && !word[2 + strspn(word + 2, "0123456789abcdef")] &&
	       !hplab_parse_size(word, val);
}

/* Decimal digits without a sign or a leading zero, as the module prints them. */
bool hplab_module_decimal(const char *word, unsigned long max, unsigned long *val)
{
	char *end;

	if (!*word || word[strspn(word, "0123456789")] || (word[0] == '0' && word[1]) ||
	    strlen(word) > 10)
		return false;
	errno = 0;
	*val = strtoul(word, &end, 10);
	return !errno && *val <= max;
}

/*
 * "<id> <requested> <plugged> <on|off> <state> <retry_ms>", every word
 * checked: a state hplab does not know is not guessed at.
 */
static int hplab_parse_target(char *line, unsigned int nr, struct hplab_target *t)
{
	static const char *const states[] = { "working", "reached", "retrying" };
	char *words[7], *save = NULL, *copy = strdup(line);
	unsigned long id, retry_ms;
	const char *why = NULL;
	size_t n = 0, i;

	if (!copy)
		return -ENOMEM;
	for (words[n] = strtok_r(copy, " ", &save); words[n] && n < 6;
	     words[n] = strtok_r(NULL, " ", &save))
		n++;
	memset(t, 0, sizeof(*t));
	if (n != 6 || words[6])
		why = "not <id> <requested> <plugged> <memmap> <state> <retry_ms>";
	else if (!hplab_module_decimal(words[0], INT32_MAX, &id))
		why = "the id is not a group id";
	else if (!hplab_module_hex(words[1], &t->requested) ||
		 !hplab_module_hex(words[2], &t->plugged))
		why = "requested and plugged are not the module's hex numbers";
	else if (strcmp(words[3], "on") && strcmp(words[3], "off"))
		why = "memmap is not on or off";
	else if (!hplab_module_decimal(words[5], ULONG_MAX, &retry_ms))
		why = "retry_ms is not a number of milliseconds";
	for (i = 0; !why && i < ARRAY_SIZE(states); i++)
		if (!strcmp(words[4], states[i]))
			break;
	if (!why && i == ARRAY_SIZE(states))
		why = "the state is not working, reached or retrying";
	else if (!why && retry_ms && strcmp(words[4], "retrying"))
		why = "retry_ms is not 0 while the state is not retrying";
	if (!why) {
		t->group = id;
		t->memmap_on = !strcmp(words[3], "on");
		snprintf(t->state, sizeof(t->state), "%s", words[4]);
		t->retry_ms = retry_ms;
	}
	free(copy);
	return why ? hplab_bad_line("target", nr, line, why) : 0;
}

static int hplab_parse_targets(char *text, struct hplab_view *view)
{
	char *line, *save = NULL;
	unsigned int nr = 1;

	for (line = strtok_r(hplab_table_rows(text), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct hplab_target *grown;
		int ret;

		grown = realloc(view->targets,
				(view->nr_targets + 1) * sizeof(*view->targets));
		if (!grown)
			return -ENOMEM;
		view->targets = grown;
		ret = hplab_parse_target(line, ++nr, &view->targets[view->nr_targets]);
		if (ret)
			return ret;
		if (hplab_view_target(view, view->targets[view->nr_targets].group))
			return hplab_bad_line("target", nr, line, "a second row for the group");
		view->nr_targets++;
	}
	return 0;
}

/* A module from before the target file (December 2026) has none. */
bool hplab_has_target_file(const struct hplab_ctx *ctx)
{
	return hplab_exists(ctx, _PATH_HPLAB "/target");
}

/*
 * The target file into VIEW->targets (freed by hplab_view_free()). No
 * file, as with an older module, is no group following a request. 0, a
 * negative errno, or -EPROTO after a message.
 */
int hplab_targets_load(const struct hplab_ctx *ctx, struct hplab_view *view)
{
	char *text = hplab_read(ctx, _PATH_HPLAB "/target");
	int ret;

	free(view->targets);
	view->targets = NULL;
	view->nr_targets = 0;
	if (!text)
		return errno == ENOENT ? 0 : errno ? -errno : -EIO;
	ret = hplab_parse_targets(text, view);
	free(text);
	return ret;
}

const struct hplab_target *hplab_view_target(const struct hplab_view *view,
					     int group)
{
	size_t i;

	for (i = 0; i < view->nr_targets; i++)
		if (view->targets[i].group == group)
			return &view->targets[i];
	return NULL;
}

const struct hplab_group *hplab_view_group(const struct hplab_view *view,
					   int group)
{
	size_t i;

	for (i = 0; i < view->nr_groups; i++)
		if (view->groups[i].id == group)
			return &view->groups[i];
	return NULL;
}

/*
 * The module claims a region only inside the kernel's pluggable range,
 * below 2^MAX_PHYSMEM_BITS: 52 bits on x86-64 (5-level paging), the
 * module's one architecture. So every walk of the region is bounded.
 */
#define HPLAB_PHYS_LIMIT	((uint64_t)1 << 52)

/* "none" or "<start>-<end> <size>", in whole blocks. */
static int hplab_parse_region(char *text, struct hplab_view *view)
{
	uint64_t size;
	int end = 0;

	text[strcspn(text, "\n")] = '\0';
	if (!strcmp(text, "none"))
		return 0;
	if (sscanf(text, "%" SCNx64 "-%" SCNx64 " %" SCNx64 "%n", &view->region_start,
		   &view->region_end, &size, &end) != 3 || text[end] ||
	    view->region_end < view->region_start ||
	    size != view->region_end - view->region_start + 1 || !size ||
	    view->region_start % view->block_size || size % view->block_size)
		return hplab_bad_line("region", 1, text,
				      "not none or <start>-<end> <size> in whole memory blocks");
	if (view->region_end >= HPLAB_PHYS_LIMIT)
		return hplab_bad_line("region", 1, text,
				      "ends past 2^52, the highest physical address of x86-64");
	view->has_region = true;
	return 0;
}

/*
 * Everything the module shows, in one go. Returns 0, a negative errno
 * when a file cannot be read (hplab_access_warn() says why), or -EPROTO
 * after a message when a file does not parse.
 */
int hplab_view_load(const struct hplab_ctx *ctx, struct hplab_view *view)
{
	char *region, *groups = NULL, *ranges = NULL;
	int ret;

	memset(view, 0, sizeof(*view));
	region = hplab_read(ctx, _PATH_HPLAB "/region");
	if (!region)
		return errno ? -errno : -EIO;
	groups = hplab_read(ctx, _PATH_HPLAB "/groups");
	ranges = groups ? hplab_read(ctx, _PATH_HPLAB "/ranges") : NULL;
	ret = ranges ? 0 : errno ? -errno : -EIO;
	view->block_size = hplab_block_size(ctx);
	if (!ret && !view->block_size) {
		hplab_warn("%s/block_size_bytes: cannot be read, or is not a power of two",
			   _PATH_SYS_MEMORY);
		ret = -EPROTO;
	}
	if (!ret)
		ret = hplab_parse_region(region, view);
	if (!ret)
		ret = hplab_parse_groups(groups, view);
	if (!ret)
		ret = hplab_parse_ranges(ranges, view);
	if (!ret)
		ret = hplab_targets_load(ctx, view);
	free(region);
	free(groups);
	free(ranges);
	if (ret)
		hplab_view_free(view);
	return ret;
}

/* hplab_view_load(), saying why it failed; returns an exit code. */
int hplab_view_load_or_warn(const struct hplab_ctx *ctx, struct hplab_view *view)
{
	int ret = hplab_view_load(ctx, view);

	if (ret && ret != -EPROTO)
		hplab_access_warn(ctx, -ret);
	return ret ? HPLAB_EXIT_REJECTED : HPLAB_EXIT_OK;
}

void hplab_view_free(struct hplab_view *view)
{
	size_t i;

	for (i = 0; i < view->nr_ranges; i++)
		free(view->ranges[i].blocks);
	free(view->groups);
	free(view->ranges);
	free(view->targets);
	memset(view, 0, sizeof(*view));
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
	if (strstr(reason, "follows a requested size"))
		return "while a group follows a request only the module adds and removes its memory: 'hplab target <group> none' ends that";
	if (strstr(reason, "follows no requested size"))
		return "'hplab group list -o +REQUESTED,TARGET' shows which groups follow one";
	if (strstr(reason, "only a dynamic group has a requested size"))
		return "create one with 'hplab group create dynamic <unit>'";
	if (strstr(reason, "units the claimed region holds"))
		return "the request is larger than the claimed region: 'hplab map' shows it";
	if (strstr(reason, "whole units") || strstr(reason, "multiple of the group's unit"))
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
 * The reason of the verdict a module file gives back after a write
 * through the same open file: "<seq> <file> [<args>] <ERRNO>: <reason>".
 * NULL when what it gives is not that, for FILE (an older module, or a
 * write the module did not log): never another writer's event.
 */
static char *hplab_read_verdict(int fd, const char *file, const char *args)
{
	char buf[4096], *p = buf, *prefix, *reason = NULL;
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	/*
	 * Match what was written exactly: a reason may hold brackets of its
	 * own ("[memmap=on|off]"), so the first or last ']' proves nothing.
	 */
	if (asprintf(&prefix, " %s [%s] ", file, args) < 0)
		return NULL;
	if (!strncmp(p, prefix, strlen(prefix))) {
		p += strlen(prefix);
		p = strstr(p, ": ");
		if (p && p[2])
			reason = strdup(p + 2);
	}
	free(prefix);
	return reason;
}

/*
 * Write one request to a debugfs file. On rejection print what was asked,
 * the errno, the module's reason for this very write (read back from the
 * file, see debugfs-api.txt) and a hint. Returns 0 or the errno.
 */
int hplab_request(const struct hplab_ctx *ctx, const char *file,
		  const char *fmt, ...)
{
	char *args, *path, *reason = NULL;
	const char *hint;
	va_list ap;
	int fd, err = 0;

	va_start(ap, fmt);
	if (vasprintf(&args, fmt, ap) < 0) {
		va_end(ap);
		return ENOMEM;
	}
	va_end(ap);
	path = hplab_path(ctx, _PATH_HPLAB "/%s", file);
	fd = open(path, O_RDWR | O_CLOEXEC);
	free(path);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "hplab: %s '%s': %s (%s)\n", file, args, strerror(err),
			hplab_errno_name(err));
		hplab_access_warn(ctx, err);
		free(args);
		return err;
	}
	if (write(fd, args, strlen(args)) < 0) {
		err = errno;
		reason = hplab_read_verdict(fd, file, args);
	}
	close(fd);
	if (!err) {
		free(args);
		return 0;
	}
	fprintf(stderr, "hplab: %s '%s': %s (%s)\n", file, args, strerror(err),
		hplab_errno_name(err));
	if (reason)
		fprintf(stderr, "  reason: %s\n", reason);
	hint = hplab_hint(file, err, reason ? reason : "");
	if (hint)
		fprintf(stderr, "  hint: %s\n", hint);
	free(reason);
	free(args);
	return err;
}

/*
 * "<seq> <file> [<args>] ok[ <phase>_ns=<ns>...]" or "... <ERRNO>:
 * <reason>", split in LINE. The words written end at the first "] ": a
 * reason may hold brackets of its own ("[memmap=on|off]").
 */
enum hplab_event_problem hplab_event_parse(char *line, struct hplab_event *ev)
{
	char *open = strchr(line, '['), *close = open ? strstr(open, "] ") : NULL;

	memset(ev, 0, sizeof(*ev));
	if (!open || !close || open == line)
		return HPLAB_EVENT_NO_ARGS;
	open[-1] = '\0';
	*close = '\0';
	ev->seq = line;
	ev->file = strchr(line, ' ');
	if (ev->file)
		*ev->file++ = '\0';
	/* SEQ is a JSON number: digits only. */
	if (!ev->file || !*ev->seq || ev->seq[strspn(ev->seq, "0123456789")])
		return HPLAB_EVENT_NO_SEQ;
	ev->args = open + 1;
	ev->result = close + 1;
	while (*ev->result == ' ')
		ev->result++;
	ev->reason = strstr(ev->result, ": ");
	if (ev->reason) {
		*ev->reason = '\0';
		ev->reason += 2;
	} else if (!strncmp(ev->result, "ok ", 3)) {
		ev->phases = ev->result + 2;
		*ev->phases++ = '\0';
	}
	return HPLAB_EVENT_OK;
}

/*
 * The nanoseconds an ok event gives PHASE ("add", ...): false when it
 * gives none, or not a number.
 */
bool hplab_event_phase(const struct hplab_event *ev, const char *phase,
		       unsigned long long *ns)
{
	const char *p = ev->phases;
	size_t len = strlen(phase);
	char *end;

	for (; p && *p; p += strcspn(p, " "), p += strspn(p, " ")) {
		if (strncmp(p, phase, len) || strncmp(p + len, "_ns=", 4))
			continue;
		p += len + 4;
		if (!isdigit((unsigned char)*p))
			return false;
		errno = 0;
		*ns = strtoull(p, &end, 10);
		return !errno && (!*end || *end == ' ');
	}
	return false;
}

/* /sys/devices/system/memory/memoryBLOCK/ATTR up to one of END, or NULL. */
static char *hplab_block_read(const struct hplab_ctx *ctx, unsigned long block,
			      const char *attr, const char *end)
{
	char *path, *text;

	if (asprintf(&path, _PATH_SYS_MEMORY "/memory%lu/%s", block, attr) < 0)
		return NULL;
	text = hplab_read(ctx, path);
	free(path);
	if (text)
		text[strcspn(text, end)] = '\0';
	return text;
}

/* The first word of the block's ATTR file, or NULL. */
char *hplab_block_attr(const struct hplab_ctx *ctx, unsigned long block,
		       const char *attr)
{
	return hplab_block_read(ctx, block, attr, " \n");
}

/* The first line of the block's ATTR file, or NULL. */
char *hplab_block_line(const struct hplab_ctx *ctx, unsigned long block,
		       const char *attr)
{
	return hplab_block_read(ctx, block, attr, "\n");
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
