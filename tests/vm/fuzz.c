// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: thousands of generated writes to one writable file of the
 * hotplug_lab debugfs interface, each held to debugfs-api.txt's common
 * rules, for the guest tests.
 *
 * Each write is one write(2) of bytes from one of four generators, picked
 * by weight: random bytes; a valid command of the file, built from the
 * real geometry (block size, region, group ids, added ranges), with one to
 * three mutations; the valid shape with boundary numbers (0, block - 1,
 * 2^64 - 1, 2^64, signs, huge suffixes, ...) in its number slots; overlong
 * writes around PAGE_SIZE. After every write:
 *
 * - a write that was read (fewer than PAGE_SIZE bytes) logged
 *   exactly one event, and one of PAGE_SIZE bytes or more none;
 * - a rejected write left byte for byte as it was what fault-inject.sh's
 *   fi_snapshot compares: the module's region, groups, ranges and
 *   granularity files, the hotplug_lab lines of /proc/iomem, MemTotal, and
 *   the names of the memory block devices;
 * - an accepted write is the new baseline. Two kinds are undone at once,
 *   so that thousands of writes keep meeting the same objects: a group it
 *   created is deleted, memory it removed is added again, row by row.
 *
 * usage: fuzz [-l] [-s SEED] [-n COUNT] FILE
 *   FILE      region, groups, add, remove or granularity
 *   -l        list the writes (number, length, escaped bytes) instead of
 *             making them: the inputs of a run up to its first accepted write
 *   -n COUNT  number of writes (default 10000)
 *   -s SEED   seed of the generator (default: from the time and the pid);
 *             the same seed, file and starting state make the same writes
 *
 * HPLAB_DEBUGFS names the module's directory instead of
 * /sys/kernel/debug/hotplug_lab, to run against copies of its files.
 *
 * Prints one line, "fuzz FILE: N writes, R rejected, A accepted, F
 * failures, seed S", then a "# " line per failure and one per accepted
 * write (at most 20 of each). Inputs are escaped as onewrite -e reads them
 * (\\, \xHH); one over 160 bytes keeps its first 100 and last 40. Exits 0
 * without failures, 1 with, 2 on bad usage or when the files cannot be
 * read or make no sense.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "random.h"

#define DEBUGFS_DEFAULT	"/sys/kernel/debug/hotplug_lab"
#define PATH_MEMORY	"/sys/devices/system/memory"
#define PATH_IOMEM	"/proc/iomem"
#define PATH_MEMINFO	"/proc/meminfo"

#define DEFAULT_COUNT	10000
#define MAX_WORDS	8	/* words of a command, mutations included */
#define WORD_LEN	48	/* longest word, NUL included */
#define MAX_ROWS	256	/* groups and ranges rows the geometry keeps */
#define MAX_REPORTED	20	/* failure lines, and accepted lines, printed */
#define LINE_LEN	1536	/* one printed line */
#define ESCAPED_LEN	640	/* an escaped input: 140 bytes at 4 each, and a note */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ONE_OF(a)	((a)[below(ARRAY_SIZE(a))])
#define PICK(weights)	pick(weights, ARRAY_SIZE(weights))

/* The writable files, and what the generators build for each. */
enum target { T_REGION, T_GROUPS, T_ADD, T_REMOVE, T_GRANULARITY, NR_TARGETS };

static const char *const target_names[NR_TARGETS] = {
	"region", "groups", "add", "remove", "granularity",
};

/* A growable byte buffer, reused from write to write; data[len] is NUL. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

/* A file read after every write: kept open, read again from offset 0. */
struct source {
	char path[PATH_MAX];
	int fd;
};

enum { SRC_REGION, SRC_GROUPS, SRC_RANGES, SRC_GRANULARITY, SRC_INFO,
	SRC_IOMEM, SRC_MEMINFO, NR_SOURCES };

/* What a rejected write must leave as it was, in fi_snapshot's parts. */
enum part { PART_REGION, PART_GROUPS, PART_RANGES, PART_GRANULARITY,
	PART_IOMEM, PART_MEMTOTAL, PART_BLOCKS, NR_PARTS };

static const char *const part_names[NR_PARTS] = {
	"region", "groups", "ranges", "granularity", "/proc/iomem", "MemTotal",
	"memory block devices",
};

struct snapshot {
	struct buf part[NR_PARTS];
};

/* The objects valid commands are built from, as the module's files show them. */
struct group {
	int id;
	bool dynamic;
	uint64_t size;		/* static: max_size; dynamic: unit */
};

struct range {
	int group;
	uint64_t start;
	uint64_t size;
	bool memmap;		/* memmap=on: self-hosted */
};

struct geometry {
	bool region;		/* a region is claimed */
	uint64_t region_start;
	uint64_t region_size;
	int nr_groups;
	struct group groups[MAX_ROWS];
	int nr_ranges;
	struct range ranges[MAX_ROWS];
};

/* What a word of a command stands for, for the mutations that aim at one. */
enum slot {
	SLOT_KEYWORD,		/* static, all, memmap=on, check=kernel */
	SLOT_NUMBER,		/* an address or a size */
	SLOT_ID,		/* a group id */
	SLOT_NODE,		/* node=<nid> */
};

struct word {
	enum slot slot;
	bool has_value;		/* @value is what @text says (a number or id) */
	uint64_t value;
	char text[WORD_LEN];
};

struct command {
	int nr_words;
	struct word words[MAX_WORDS];
};

/* A bounded, truncating text for the lines printed at the end. */
struct text {
	char data[LINE_LEN];
	size_t len;
};

static enum target target;
static uint64_t seed;
static const char *debugfs_dir;
static long page_size;
static uint64_t block_size;
static struct geometry geo;
static struct source sources[NR_SOURCES];
static const char *read_error;	/* the path a failed read was of */
static struct buf scratch;	/* /proc/iomem, /proc/meminfo, events as read */

static unsigned long nr_writes, nr_rejected, nr_accepted, nr_failures;
static char failure_lines[MAX_REPORTED][LINE_LEN];
static char accepted_lines[MAX_REPORTED][LINE_LEN];
static unsigned int nr_failure_lines, nr_accepted_lines;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list args;

	fputs("fuzz: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	exit(2);
}

static void __attribute__((format(printf, 2, 3))) text_printf(struct text *t, const char *fmt, ...)
{
	va_list args;
	int n;

	if (t->len >= sizeof(t->data) - 1)
		return;
	va_start(args, fmt);
	n = vsnprintf(t->data + t->len, sizeof(t->data) - t->len, fmt, args);
	va_end(args);
	if (n > 0)
		t->len += (size_t)n < sizeof(t->data) - t->len ? (size_t)n :
			  sizeof(t->data) - t->len - 1;
}

/* "; " between the findings about one write. */
static const char *text_sep(const struct text *t)
{
	return t->len ? "; " : "";
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* An index into @weights, each picked with the probability of its weight. */
static unsigned int pick(const unsigned int *weights, unsigned int nr)
{
	unsigned int i, total = 0;
	uint64_t r;

	for (i = 0; i < nr; i++)
		total += weights[i];
	r = below(total);
	for (i = 0; i + 1 < nr; i++) {
		if (r < weights[i])
			return i;
		r -= weights[i];
	}
	return nr - 1;
}

static void buf_reserve(struct buf *b, size_t len)
{
	size_t cap = b->cap ? b->cap : 4096;

	if (len < b->cap)
		return;
	while (cap <= len)
		cap *= 2;
	b->data = realloc(b->data, cap);
	if (!b->data)
		die("out of memory");
	b->cap = cap;
}

static void buf_append(struct buf *b, const void *data, size_t len)
{
	buf_reserve(b, b->len + len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static void buf_insert(struct buf *b, size_t at, char c)
{
	buf_reserve(b, b->len + 1);
	memmove(b->data + at + 1, b->data + at, b->len - at + 1);
	b->data[at] = c;
	b->len++;
}

/*
 * Read all of @src into @b. A seq_file read from offset 0 shows the file
 * anew, and keeps the buffer it grew to, so a file kept open is shown
 * once per snapshot; plain files (HPLAB_DEBUGFS copies) read the same way.
 */
static int source_read(struct source *src, struct buf *b)
{
	ssize_t n;

	b->len = 0;
	if (src->fd < 0) {
		src->fd = open(src->path, O_RDONLY | O_CLOEXEC);
		if (src->fd < 0)
			goto err;
	}
	for (;;) {
		buf_reserve(b, b->len + 16384);
		n = pread(src->fd, b->data + b->len, b->cap - 1 - b->len, b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(src->fd);
			src->fd = -1;
			goto err;
		}
		if (!n)
			break;
		b->len += n;
	}
	b->data[b->len] = '\0';
	return 0;

err:
	read_error = src->path;
	return -1;
}

/* Copy the lines of @in that contain @needle (at their start: @prefix). */
static void keep_lines(const struct buf *in, struct buf *out, const char *needle, bool prefix)
{
	const char *p = in->data, *end = in->data + in->len, *nl;
	size_t len, needle_len = strlen(needle);

	out->len = 0;
	buf_reserve(out, 0);
	out->data[0] = '\0';
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		len = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		if (prefix ? len >= needle_len && !memcmp(p, needle, needle_len) :
		    memmem(p, len, needle, needle_len) != NULL)
			buf_append(out, p, len);
		p += len;
	}
}

static const char *sort_base;

static int compare_names(const void *a, const void *b)
{
	return strcmp(sort_base + *(const size_t *)a, sort_base + *(const size_t *)b);
}

/* The names of the memory block devices, sorted, one a line, into @out. */
static int list_blocks(struct buf *out)
{
	static char dents[32768];
	static struct buf names;
	static size_t *offsets;
	static size_t nr_offsets, max_offsets;
	static int fd = -1;
	struct dirent64 *d;
	ssize_t n, pos;
	size_t i;

	if (fd < 0)
		fd = open(PATH_MEMORY, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		read_error = PATH_MEMORY;
		return -1;
	}
	names.len = 0;
	nr_offsets = 0;
	while ((n = getdents64(fd, dents, sizeof(dents))) > 0) {
		for (pos = 0; pos < n; pos += d->d_reclen) {
			d = (struct dirent64 *)(dents + pos);
			if (strncmp(d->d_name, "memory", 6) ||
			    !isdigit((unsigned char)d->d_name[6]))
				continue;
			if (nr_offsets == max_offsets) {
				max_offsets = max_offsets ? 2 * max_offsets : 256;
				offsets = realloc(offsets, max_offsets * sizeof(*offsets));
				if (!offsets)
					die("out of memory");
			}
			offsets[nr_offsets++] = names.len;
			buf_append(&names, d->d_name, strlen(d->d_name) + 1);
		}
	}
	if (n < 0) {
		read_error = PATH_MEMORY;
		return -1;
	}
	sort_base = names.data;
	qsort(offsets, nr_offsets, sizeof(*offsets), compare_names);
	out->len = 0;
	buf_reserve(out, 0);
	out->data[0] = '\0';
	for (i = 0; i < nr_offsets; i++) {
		buf_puts(out, names.data + offsets[i]);
		buf_append(out, "\n", 1);
	}
	return 0;
}

static int take_snapshot(struct snapshot *s)
{
	if (source_read(&sources[SRC_REGION], &s->part[PART_REGION]) ||
	    source_read(&sources[SRC_GROUPS], &s->part[PART_GROUPS]) ||
	    source_read(&sources[SRC_RANGES], &s->part[PART_RANGES]) ||
	    source_read(&sources[SRC_GRANULARITY], &s->part[PART_GRANULARITY]))
		return -1;
	if (source_read(&sources[SRC_IOMEM], &scratch))
		return -1;
	keep_lines(&scratch, &s->part[PART_IOMEM], "hotplug_lab", false);
	if (source_read(&sources[SRC_MEMINFO], &scratch))
		return -1;
	keep_lines(&scratch, &s->part[PART_MEMTOTAL], "MemTotal:", true);
	return list_blocks(&s->part[PART_BLOCKS]);
}

/*
 * The sequence number the next event gets: info's "events: N" (cheaper to
 * read after every write than the events file's 256 lines). Returns 0,
 * -1 when info cannot be read, -2 when it has no such line.
 */
static int events_next(uint64_t *next)
{
	const char *line;
	char *end;

	if (source_read(&sources[SRC_INFO], &scratch))
		return -1;
	/* Never the first line: that is version. */
	line = strstr(scratch.data, "\nevents: ");
	if (!line || !isdigit((unsigned char)line[9]))
		return -2;
	errno = 0;
	*next = strtoull(line + 9, &end, 10);
	return errno || *end != '\n' ? -2 : 0;
}

/*
 * @len bytes at @p as onewrite -e reads them: printable ASCII as is, but
 * for \\ and ' (so the text can be pasted in quotes), the rest \xHH. Past
 * 160 bytes, the first 100 and the last 40, and how many are left out.
 */
static void escape(const char *p, size_t len, char *out, size_t size)
{
	size_t i, o = 0;
	unsigned char c;
	int n;

	for (i = 0; i < len && o + 5 < size; i++) {
		if (len > 160 && i == 100) {
			n = snprintf(out + o, size - o, "...[%zu more bytes]...", len - 140);
			if (n < 0 || (size_t)n >= size - o)
				break;
			o += n;
			i = len - 40;
		}
		c = (unsigned char)p[i];
		if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (c >= 0x20 && c < 0x7f && c != '\'') {
			out[o++] = c;
		} else {
			o += snprintf(out + o, size - o, "\\x%02x", c);
		}
	}
	out[o] = '\0';
}

/* Split @line at single spaces into at most @max words; returns the count, or -1. */
static int split(char *line, char **words, int max)
{
	int nr = 0;
	char *word;

	while ((word = strsep(&line, " "))) {
		if (nr == max || !*word)
			return -1;
		words[nr++] = word;
	}
	return nr;
}

/* A decimal int as the module prints ids and nodes. */
static bool parse_int(const char *s, int *value)
{
	long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > INT_MAX)
		return false;
	*value = (int)v;
	return true;
}

/* A hex number as the module prints addresses and sizes: %#llx. */
static bool parse_hex(const char *s, uint64_t *value)
{
	char *end;

	if (!strcmp(s, "0")) {
		*value = 0;
		return true;
	}
	if (s[0] != '0' || s[1] != 'x' || !isxdigit((unsigned char)s[2]))
		return false;
	errno = 0;
	*value = strtoull(s + 2, &end, 16);
	return !errno && !*end;
}

/*
 * The next line of @text from *@pos, without its newline, into @line;
 * false at the end, or when a line is unterminated or too long.
 */
static bool next_line(const struct buf *text, size_t *pos, char *line, size_t size, bool *bad)
{
	const char *start = text->data + *pos, *nl;
	size_t len;

	if (*pos >= text->len)
		return false;
	nl = memchr(start, '\n', text->len - *pos);
	if (!nl || (size_t)(nl - start) >= size) {
		*bad = true;
		return false;
	}
	len = nl - start;
	memcpy(line, start, len);
	line[len] = '\0';
	*pos += len + 1;
	return true;
}

/* Read the geometry from the files in @s; NULL, or what makes no sense. */
static const char *parse_geometry(const struct snapshot *s, struct geometry *g)
{
	static char why[256];
	char line[512], shown[81], *words[9], *dash;
	uint64_t end;
	bool bad = false;
	size_t pos = 0;
	int node;

	memset(g, 0, sizeof(*g));
	if (!next_line(&s->part[PART_REGION], &pos, line, sizeof(line), &bad) ||
	    pos != s->part[PART_REGION].len)
		return "region: not one line";
	if (strcmp(line, "none")) {
		dash = strchr(line, '-');
		if (!dash || split(dash + 1, words, 2) != 2)
			return "region: not '<start>-<end> <size>' or 'none'";
		*dash = '\0';
		if (!parse_hex(line, &g->region_start) || !parse_hex(words[0], &end) ||
		    !parse_hex(words[1], &g->region_size) || !g->region_size ||
		    end != g->region_start + g->region_size - 1 ||
		    g->region_start % block_size || g->region_size % block_size)
			return "region: not a range of whole blocks as '<start>-<end> <size>'";
		g->region = true;
	}

	pos = 0;
	if (!next_line(&s->part[PART_GROUPS], &pos, line, sizeof(line), &bad) ||
	    strcmp(line, "id type node size added"))
		return "groups: the header is not 'id type node size added'";
	while (next_line(&s->part[PART_GROUPS], &pos, line, sizeof(line), &bad)) {
		struct group *group = &g->groups[g->nr_groups];
		uint64_t added;

		snprintf(shown, sizeof(shown), "%.80s", line);
		if (split(line, words, 5) != 5 || !parse_int(words[0], &group->id) ||
		    (strcmp(words[1], "static") && strcmp(words[1], "dynamic")) ||
		    !parse_int(words[2], &node) || !parse_hex(words[3], &group->size) ||
		    !parse_hex(words[4], &added))
			goto bad_group;
		group->dynamic = !strcmp(words[1], "dynamic");
		if (g->nr_groups < MAX_ROWS)
			g->nr_groups++;
	}
	if (bad)
		return "groups: a line is longer than 511 bytes or has no newline";

	pos = 0;
	if (!next_line(&s->part[PART_RANGES], &pos, line, sizeof(line), &bad) ||
	    strcmp(line, "group start end size memmap vmemmap_pages state blocks"))
		return "ranges: the header is not "
		       "'group start end size memmap vmemmap_pages state blocks'";
	while (next_line(&s->part[PART_RANGES], &pos, line, sizeof(line), &bad)) {
		struct range *range = &g->ranges[g->nr_ranges];

		snprintf(shown, sizeof(shown), "%.80s", line);
		if (split(line, words, 8) != 8 || !parse_int(words[0], &range->group) ||
		    !parse_hex(words[1], &range->start) || !parse_hex(words[2], &end) ||
		    !parse_hex(words[3], &range->size) || !range->size ||
		    end != range->start + range->size - 1 ||
		    (strcmp(words[4], "on") && strcmp(words[4], "off")) ||
		    !parse_int(words[5], &node))
			goto bad_range;
		range->memmap = !strcmp(words[4], "on");
		if (g->nr_ranges < MAX_ROWS)
			g->nr_ranges++;
	}
	if (bad)
		return "ranges: a line is longer than 511 bytes or has no newline";
	return NULL;

bad_group:
	escape(shown, strlen(shown), line, sizeof(line));
	snprintf(why, sizeof(why), "groups: a row is not 'id type node size added': '%.120s'",
		 line);
	return why;
bad_range:
	escape(shown, strlen(shown), line, sizeof(line));
	snprintf(why, sizeof(why),
		 "ranges: a row is not 'group start end size memmap vmemmap_pages state blocks': '%.120s'",
		 line);
	return why;
}

static const char *errno_name(int err)
{
	static char unknown[24];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(unknown, sizeof(unknown), "errno %d", err);
	return unknown;
}

/* Line @nr (from 1) of @b, escaped, or "(none)". */
static void nth_line(const struct buf *b, unsigned int nr, char *out, size_t size)
{
	const char *p = b->data, *end = b->data + b->len, *nl;
	size_t len;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!--nr) {
			escape(p, len > 100 ? 100 : len, out, size);
			return;
		}
		p += len + 1;
	}
	snprintf(out, size, "(none)");
}

/* Name the parts that differ between @a and @b, and the first line that does. */
static void describe_changes(const struct snapshot *a, const struct snapshot *b, struct text *what)
{
	const struct buf *x, *y;
	char before[512], after[512];
	unsigned int line;
	int first = -1, p;
	size_t i;

	for (p = 0; p < NR_PARTS; p++) {
		x = &a->part[p];
		y = &b->part[p];
		if (x->len == y->len && !memcmp(x->data, y->data, x->len))
			continue;
		text_printf(what, "%s%s", first < 0 ? text_sep(what) : ", ", part_names[p]);
		if (first < 0) {
			text_printf(what, "%s", " changed");
			first = p;
		}
	}
	if (first < 0)
		return;
	x = &a->part[first];
	y = &b->part[first];
	line = 1;
	for (i = 0; i < x->len && i < y->len && x->data[i] == y->data[i]; i++)
		if (x->data[i] == '\n')
			line++;
	nth_line(x, line, before, sizeof(before));
	nth_line(y, line, after, sizeof(after));
	text_printf(what, " (%s line %u: '%s' became '%s')", part_names[first], line, before,
		    after);
}

/* Valid notations of @value: decimal, 0x (or 0X) hex, or with a suffix. */
static void format_number(char *out, size_t size, uint64_t value)
{
	static const char suffixes[] = "KMGT";
	unsigned int shifts = 0, k;
	char suffix;

	while (shifts < 4 && value && !(value & ((1ULL << (10 * (shifts + 1))) - 1)))
		shifts++;
	switch (below(10)) {
	case 0: case 1: case 2:
		snprintf(out, size, "%#" PRIx64, value);
		break;
	case 3:
		snprintf(out, size, "0X%" PRIX64, value);
		break;
	case 4: case 5: case 6:
		snprintf(out, size, "%" PRIu64, value);
		break;
	default:
		if (!shifts) {
			snprintf(out, size, "%" PRIu64, value);
			break;
		}
		k = 1 + below(shifts);
		suffix = suffixes[k - 1];
		if (chance(30))
			suffix = tolower(suffix);
		if (chance(20))
			snprintf(out, size, "%#" PRIx64 "%c", value >> (10 * k), suffix);
		else
			snprintf(out, size, "%" PRIu64 "%c", value >> (10 * k), suffix);
	}
}

static struct word *cmd_push(struct command *c, enum slot slot, const char *text)
{
	struct word *w;

	if (c->nr_words == MAX_WORDS)
		return NULL;
	w = &c->words[c->nr_words++];
	w->slot = slot;
	w->has_value = false;
	snprintf(w->text, sizeof(w->text), "%s", text);
	return w;
}

static void push_number(struct command *c, uint64_t value)
{
	struct word *w = cmd_push(c, SLOT_NUMBER, "");

	if (!w)
		return;
	format_number(w->text, sizeof(w->text), value);
	w->has_value = true;
	w->value = value;
}

static void push_id(struct command *c, int id)
{
	struct word *w = cmd_push(c, SLOT_ID, "");

	if (!w)
		return;
	snprintf(w->text, sizeof(w->text), "%d", id);
	w->has_value = true;
	w->value = (uint64_t)(int64_t)id;
}

/* Set @w's text to @prefix, its text, and @suffix. */
static void word_wrap(struct word *w, const char *prefix, const char *suffix)
{
	char tmp[WORD_LEN];

	snprintf(tmp, sizeof(tmp), "%s%s%s", prefix, w->text, suffix);
	memcpy(w->text, tmp, sizeof(tmp));
	w->has_value = false;
}

/* The region's blocks, or 8 blocks at 8 blocks in while none is claimed. */
static uint64_t region_base(void)
{
	return geo.region ? geo.region_start : 8 * block_size;
}

static uint64_t region_blocks(void)
{
	return geo.region ? geo.region_size / block_size : 8;
}

/* A block of the region, most often one of the first four, where the objects are. */
static uint64_t random_start(void)
{
	uint64_t nr = region_blocks();

	return region_base() + block_size * below(chance(50) && nr > 4 ? 4 : nr);
}

static uint64_t random_size(void)
{
	uint64_t nr = region_blocks();

	return block_size * (1 + below(chance(90) && nr > 4 ? 4 : nr));
}

static const struct group *find_group(int id)
{
	int i;

	for (i = 0; i < geo.nr_groups; i++)
		if (geo.groups[i].id == id)
			return &geo.groups[i];
	return NULL;
}

/* A real group id most of the time, else the next one or 0. */
static int random_group_id(void)
{
	int max = -1, i;

	if (geo.nr_groups && chance(90))
		return geo.groups[below(geo.nr_groups)].id;
	for (i = 0; i < geo.nr_groups; i++)
		if (geo.groups[i].id > max)
			max = geo.groups[i].id;
	return chance(50) ? max + 1 : 0;
}

/* A valid command of the file, from the real geometry. */
static void valid_command(struct command *c)
{
	uint64_t nr = region_blocks(), first;
	const struct range *range;
	const struct group *group;
	int id;

	c->nr_words = 0;
	switch (target) {
	case T_REGION:
		if (chance(25)) {
			cmd_push(c, SLOT_KEYWORD, "release");
			break;
		}
		first = chance(60) ? 0 : below(nr);
		push_number(c, region_base() + first * block_size);
		push_number(c, block_size * (chance(50) ? nr - first : 1 + below(nr - first)));
		if (chance(30))
			cmd_push(c, SLOT_KEYWORD, "force");
		break;
	case T_GROUPS:
		if (geo.nr_groups && chance(30)) {
			cmd_push(c, SLOT_KEYWORD, "delete");
			push_id(c, random_group_id());
			break;
		}
		if (chance(50)) {
			cmd_push(c, SLOT_KEYWORD, "dynamic");
			push_number(c, block_size << below(3));
		} else {
			cmd_push(c, SLOT_KEYWORD, "static");
			push_number(c, block_size * (1 + below(4)));
		}
		if (chance(30))
			cmd_push(c, SLOT_NODE, "node=0");
		break;
	case T_ADD:
		/* a dynamic group's whole units, from a start aligned to them */
		id = random_group_id();
		group = find_group(id);
		push_id(c, id);
		if (group && group->dynamic && group->size <= nr * block_size && chance(80)) {
			push_number(c, region_base() +
				       group->size * below(nr * block_size / group->size));
			push_number(c, group->size * (1 + below(2)));
		} else {
			push_number(c, random_start());
			push_number(c, random_size());
		}
		if (chance(40))
			cmd_push(c, SLOT_KEYWORD, chance(50) ? "memmap=on" : "memmap=off");
		break;
	case T_REMOVE:
		if (chance(35)) {
			push_id(c, random_group_id());
			cmd_push(c, SLOT_KEYWORD, "all");
			break;
		}
		if (geo.nr_ranges && chance(70)) {
			range = &geo.ranges[below(geo.nr_ranges)];
			push_id(c, chance(80) ? range->group : random_group_id());
			push_number(c, range->start);
			push_number(c, range->size);
		} else {
			push_id(c, random_group_id());
			push_number(c, random_start());
			push_number(c, random_size());
		}
		break;
	case T_GRANULARITY:
		switch (below(20)) {
		case 0: case 1: case 2:
			cmd_push(c, SLOT_KEYWORD, "check=kernel");
			break;
		case 3: case 4: case 5:
			cmd_push(c, SLOT_KEYWORD, "check=module");
			break;
		case 6: case 7: case 8: case 9:
			push_id(c, random_group_id());
			cmd_push(c, SLOT_KEYWORD, "default");
			break;
		default:
			/* dividing a dynamic group's unit, within a static one's max_size */
			id = random_group_id();
			group = find_group(id);
			push_id(c, id);
			if (group && chance(80))
				push_number(c, group->dynamic ? group->size >> below(2) :
					       block_size * (1 + below(group->size / block_size)));
			else
				push_number(c, block_size << below(3));
		}
		break;
	case NR_TARGETS:
		break;
	}
}

/* Numbers that are not, or only just, valid addresses and sizes. */
static void boundary_number(char *out, size_t size)
{
	static const char *const fixed[] = {
		"0", "0x0", "00", "01", "007", "0x", "0X", "x10", "-0", "+0", "-1", "+1",
		"0x-1", "0x+1", "- 1", "9223372036854775807", "9223372036854775808",
		"0x7fffffffffffffff", "0x8000000000000000", "18446744073709551615",
		"0xffffffffffffffff", "0xFFFFFFFFFFFFFFFF", "18446744073709551616",
		"0x10000000000000000", "99999999999999999999",
		/* 23 characters are read, 24 are too long (hplab_parse_size()'s digits[24]) */
		"0x000000000000008000000", "0x0000000000000008000000", "0x00000000000000020000K",
		"0x000000000000000020000K", "10000000000000000000000", "4294967295",
		"4294967296", "16777215T", "16777216T", "17179869183G", "17179869184G",
		"17592186044415M", "17592186044416M", "18014398509481983K",
		"18014398509481984K", "0xffffffffffffffffK", "0x3fffffffffffffK",
		"0x40000000000000K", "1KK", "1K1", "K", "M", "1Z", "1P", "1E", "1KB", "1KiB",
		"1e9", "1.5G", "0.5G", "1,000", "1_000", "0x1p3", "0b101", "0o17", "0x1g",
		"0xg", "1 G", "\xef\xbc\x91", "\xd9\xa1", "\x31\xcc\x81", "inf", "nan",
		"-9223372036854775808", "-18446744073709551615",
	};
	uint64_t end = region_base() + region_blocks() * block_size, value;

	if (chance(50)) {
		snprintf(out, size, "%s", ONE_OF(fixed));
		return;
	}
	switch (below(20)) {
	case 0: value = block_size - 1; break;
	case 1: value = block_size; break;
	case 2: value = block_size + 1; break;
	case 3: value = block_size / 2; break;
	case 4: value = region_base(); break;
	case 5: value = end; break;
	case 6: value = end - 1; break;
	case 7: value = region_base() - block_size; break;
	case 8: value = end - block_size; break;
	case 9: value = region_base() + block_size / 2; break;
	case 10: value = region_blocks() * block_size + block_size; break;
	case 11: value = -region_base(); break;	/* start + size wraps to 0 */
	case 12: value = -block_size; break;		/* the top block */
	case 13: value = 1ULL << 63; break;
	case 14: value = (1ULL << 63) - block_size; break;
	case 15: value = 1ULL << 32; break;
	case 16: value = (uint64_t)page_size; break;
	case 17: value = block_size << 40; break;	/* 16 EiB: wraps to 0 for 128M */
	case 18: value = block_size * 3; break;	/* not a power of two */
	default: value = UINT64_MAX; break;
	}
	format_number(out, size, value);
}

/* Group ids and node numbers that are not, or only just, valid. */
static const char *const id_boundaries[] = {
	"0", "00", "01", "+0", "-0", "-1", "+1", "0x0", "0x1", "1K", "1k", "2147483647",
	"2147483648", "4294967295", "4294967296", "-2147483648", "-2147483649",
	"9223372036854775807", "18446744073709551615", "18446744073709551616",
	"99999999999999999999", "1e1", "1.0", "", "id", "\xd9\xa3", "1 ", " 1",
};

static const char *const node_boundaries[] = {
	"node=", "node=0", "node=1", "node=-1", "node=+0", "node=-0", "node=00",
	"node=01", "node=0x0", "node=63", "node=64", "node=1023", "node=1024",
	"node=2147483647", "node=2147483648", "node=4294967296",
	"node=99999999999999999999", "node=x", "node==0", "node=0=0", "node=node=0",
	"node", "node0", "nodes=0", "Node=0", "NODE=0", "node:0", "nid=0", "=0",
};

/* Give @w a boundary value of its kind. */
static void set_boundary(struct word *w)
{
	w->has_value = false;
	if (w->slot == SLOT_ID && chance(85)) {
		if (chance(20))
			snprintf(w->text, sizeof(w->text), "%d", random_group_id() + 1);
		else
			snprintf(w->text, sizeof(w->text), "%s", ONE_OF(id_boundaries));
	} else if (w->slot == SLOT_NODE) {
		snprintf(w->text, sizeof(w->text), "%s", ONE_OF(node_boundaries));
	} else {
		boundary_number(w->text, sizeof(w->text));
	}
}

static bool is_numeric(const struct word *w)
{
	return w->slot != SLOT_KEYWORD;
}

/* A random word of @c, one that is numeric when @numeric and @c has one; -1 for none. */
static int random_word(const struct command *c, bool numeric)
{
	int candidates[MAX_WORDS], nr = 0, i;

	for (i = 0; i < c->nr_words; i++)
		if (!numeric || is_numeric(&c->words[i]))
			candidates[nr++] = i;
	if (nr)
		return candidates[below(nr)];
	return c->nr_words ? (int)below(c->nr_words) : -1;
}

static void insert_word(struct command *c, int at, const struct word *w)
{
	if (c->nr_words == MAX_WORDS)
		return;
	memmove(&c->words[at + 1], &c->words[at], (c->nr_words - at) * sizeof(*w));
	c->words[at] = *w;
	c->nr_words++;
}

/* The words of every file, for a word where it does not belong. */
static const char *const vocabulary[] = {
	"static", "dynamic", "delete", "release", "force", "all", "default",
	"check=kernel", "check=module", "memmap=on", "memmap=off", "node=0", "0", "1",
	"128M", "0x40000000",
};

/* A word that is nearly a keyword: another case, a letter off, another value. */
static void near_miss(struct word *w)
{
	static const char *const values[] = {
		"", "ON", "Off", "yes", "1", "0", "true", "on=off", "=on", "kernel ", "modules",
	};
	size_t len = strlen(w->text);
	char *eq = strchr(w->text, '=');
	size_t i;

	w->has_value = false;
	switch (below(8)) {
	case 0:
		if (len) {
			unsigned char ch = w->text[i = below(len)];

			w->text[i] = isupper(ch) ? tolower(ch) : toupper(ch);
		}
		break;
	case 1:
		if (len)
			w->text[len - 1] = '\0';
		break;
	case 2:
		if (len)
			memmove(w->text, w->text + 1, len);
		break;
	case 3:
		for (i = 0; i < len; i++)
			w->text[i] = toupper((unsigned char)w->text[i]);
		break;
	case 4:
		if (eq)
			snprintf(eq + 1, sizeof(w->text) - (eq + 1 - w->text), "%s",
				 ONE_OF(values));
		else
			word_wrap(w, "", "=");
		break;
	case 5: {
		char tail[2] = { "sx=01-"[below(6)], '\0' };

		word_wrap(w, "", tail);
		break;
	}
	case 6:
		word_wrap(w, "", w->text);
		break;
	default:
		snprintf(w->text, sizeof(w->text), "%s", ONE_OF(vocabulary));
	}
}

/* The mutations of a valid command, and their weights (in percent). */
enum mutation {
	M_DROP_WORD, M_DUP_WORD, M_SWAP_WORDS, M_BOUNDARY, M_SUFFIX, M_LEADING_ZERO, M_SIGN,
	M_INSERT_WORD, M_NEAR_MISS, M_OFFSET, M_SEPARATORS,
	/* on the bytes, once the words are joined */
	M_FLIP_BIT, M_DELETE_BYTE, M_INSERT_BYTE, M_NUL, M_GARBAGE, M_TRUNCATE,
	NR_MUTATIONS
};

static const unsigned int mutation_weights[NR_MUTATIONS] = {
	[M_DROP_WORD] = 6, [M_DUP_WORD] = 5, [M_SWAP_WORDS] = 5, [M_BOUNDARY] = 12,
	[M_SUFFIX] = 6, [M_LEADING_ZERO] = 5, [M_SIGN] = 5, [M_INSERT_WORD] = 5,
	[M_NEAR_MISS] = 7, [M_OFFSET] = 8, [M_SEPARATORS] = 8, [M_FLIP_BIT] = 6,
	[M_DELETE_BYTE] = 5, [M_INSERT_BYTE] = 5, [M_NUL] = 5, [M_GARBAGE] = 4,
	[M_TRUNCATE] = 3,
};

/* Put @prefix in front of a number, or of a node= word's number. */
static void prefix_number(struct word *w, const char *prefix)
{
	char tmp[WORD_LEN];

	if (w->slot == SLOT_NODE && !strncmp(w->text, "node=", 5)) {
		snprintf(tmp, sizeof(tmp), "node=%s%s", prefix, w->text + 5);
		memcpy(w->text, tmp, sizeof(tmp));
		w->has_value = false;
	} else {
		word_wrap(w, prefix, "");
	}
}

static void mutate_words(struct command *c, enum mutation m)
{
	static const char *const suffixes[] = {
		"K", "M", "G", "T", "k", "m", "g", "t", "KK", "B", "iB", "P", "E", "%", "0", "x",
		".0", "Kb", "TT", "GT",
	};
	static const char *const signs[] = { "+", "-", "0x-", "0x+", "--", "~", " " };
	struct word w;
	int i = random_word(c, m != M_DROP_WORD && m != M_DUP_WORD && m != M_NEAR_MISS &&
			       m != M_SWAP_WORDS);
	int j;

	switch (m) {
	case M_DROP_WORD:
		if (i >= 0) {
			memmove(&c->words[i], &c->words[i + 1], (c->nr_words - i - 1) * sizeof(w));
			c->nr_words--;
		}
		break;
	case M_DUP_WORD:
		if (i >= 0)
			insert_word(c, below(c->nr_words + 1), &c->words[i]);
		break;
	case M_SWAP_WORDS:
		if (c->nr_words >= 2) {
			j = (i + 1 + below(c->nr_words - 1)) % c->nr_words;
			w = c->words[i];
			c->words[i] = c->words[j];
			c->words[j] = w;
		}
		break;
	case M_BOUNDARY:
		if (i >= 0)
			set_boundary(&c->words[i]);
		break;
	case M_SUFFIX:
		if (i >= 0)
			word_wrap(&c->words[i], "", ONE_OF(suffixes));
		break;
	case M_LEADING_ZERO:
		if (i >= 0)
			prefix_number(&c->words[i], chance(80) ? "0" : "00");
		break;
	case M_SIGN:
		if (i >= 0)
			prefix_number(&c->words[i], ONE_OF(signs));
		break;
	case M_INSERT_WORD:
		w.slot = SLOT_KEYWORD;
		w.has_value = false;
		if (chance(30))
			boundary_number(w.text, sizeof(w.text));
		else
			snprintf(w.text, sizeof(w.text), "%s", ONE_OF(vocabulary));
		insert_word(c, below(c->nr_words + 1), &w);
		break;
	case M_NEAR_MISS:
		/* a keyword if there is one, from a random word on */
		for (j = 0; i >= 0 && j < c->nr_words; j++)
			if (c->words[(i + j) % c->nr_words].slot == SLOT_KEYWORD)
				break;
		if (i >= 0)
			near_miss(&c->words[(i + j % c->nr_words) % c->nr_words]);
		break;
	case M_OFFSET:
		if (i < 0)
			break;
		if (!c->words[i].has_value) {
			set_boundary(&c->words[i]);
			break;
		}
		if (c->words[i].slot == SLOT_ID) {
			snprintf(c->words[i].text, sizeof(c->words[i].text), "%" PRId64,
				 (int64_t)c->words[i].value + (chance(50) ? 1 : -1));
			c->words[i].has_value = false;
			break;
		}
		switch (below(6)) {
		case 0: c->words[i].value += block_size; break;
		case 1: c->words[i].value -= block_size; break;
		case 2: c->words[i].value += 1; break;
		case 3: c->words[i].value -= 1; break;
		case 4: c->words[i].value *= 2; break;
		default: c->words[i].value += region_blocks() * block_size;
		}
		format_number(c->words[i].text, sizeof(c->words[i].text), c->words[i].value);
		break;
	default:
		break;
	}
}

/* How words are joined; mutations pick one of those after SEP_SPACE. */
enum separators { SEP_SPACE, SEP_TABS, SEP_SPACES, SEP_MIXED, SEP_PADDED, SEP_NEWLINES,
	SEP_NOT_SPACE, NR_SEPARATORS };

static void append_whitespace(struct buf *b, unsigned int max)
{
	unsigned int n = 1 + below(max);

	while (n--)
		buf_append(b, chance(50) ? " " : "\t", 1);
}

static void serialize(const struct command *c, enum separators style, struct buf *b)
{
	/* Not separators: they stick to the words around them. */
	static const char *const not_space[] = { "\r", "\v", "\f", ",", ";", "_", "\xa0", "\x85" };
	const char *glue = ONE_OF(not_space);
	int i;

	b->len = 0;
	buf_reserve(b, 0);
	b->data[0] = '\0';
	if (style == SEP_PADDED)
		append_whitespace(b, 3);
	for (i = 0; i < c->nr_words; i++) {
		if (i) {
			switch (style) {
			case SEP_TABS:
				buf_puts(b, "\t");
				break;
			case SEP_SPACES:
				buf_puts(b, &"     "[below(4)]);
				break;
			case SEP_MIXED:
				append_whitespace(b, 4);
				break;
			case SEP_NEWLINES:
				buf_puts(b, chance(50) ? "\n" : " \n\t");
				break;
			case SEP_NOT_SPACE:
				buf_puts(b, glue);
				break;
			default:
				buf_puts(b, " ");
			}
		}
		buf_puts(b, c->words[i].text);
	}
	if (style == SEP_PADDED)
		append_whitespace(b, 3);
}

static void mutate_bytes(struct buf *b, enum mutation m)
{
	size_t at = below(b->len + 1);
	unsigned int n;

	switch (m) {
	case M_FLIP_BIT:
		/* one draw per statement: a seed replays whatever the compiler's order */
		if (b->len) {
			at = below(b->len);
			b->data[at] ^= 1 << below(8);
		}
		break;
	case M_DELETE_BYTE:
		if (b->len) {
			at = below(b->len);
			memmove(b->data + at, b->data + at + 1, b->len - at);
			b->len--;
		}
		break;
	case M_INSERT_BYTE:
		buf_insert(b, at, (char)rnd());
		break;
	case M_NUL:
		if (b->len && chance(30))
			b->data[below(b->len)] = '\0';
		else
			buf_insert(b, chance(30) ? b->len : at, '\0');
		break;
	case M_GARBAGE:
		for (n = 1 + below(8); n; n--)
			buf_insert(b, b->len, chance(50) ? (char)(0x20 + below(95)) : (char)rnd());
		break;
	case M_TRUNCATE:
		b->len = below(b->len);
		b->data[b->len] = '\0';
		break;
	default:
		break;
	}
}

/* The end of a write: mostly one newline (which the module ignores). */
static void append_ending(struct buf *b)
{
	static const char *const odd[] = { "\n\n", " \n", "\t\n", "\r\n", "\n ", "\r", "\n\r" };
	unsigned int r = below(100);

	if (r < 85 || !b->len)
		buf_puts(b, "\n");
	else if (r >= 92)
		buf_puts(b, ONE_OF(odd));
}

/* Random bytes: any byte, printable ones, or the bytes commands are made of. */
static void gen_random(struct buf *b)
{
	static const char alphabet[] = "0123456789abcdefxXKMGTkmgt \t\n=+-._lnorsyticmp";
	size_t len = chance(90) ? below(81) : 81 + below(320), i;
	unsigned int kind = below(3);

	b->len = 0;
	buf_reserve(b, len + 2);
	for (i = 0; i < len; i++) {
		if (kind == 0)
			b->data[i] = (char)rnd();
		else if (kind == 1)
			b->data[i] = (char)(0x20 + below(95));
		else
			b->data[i] = alphabet[below(sizeof(alphabet) - 1)];
	}
	b->len = len;
	b->data[len] = '\0';
	/* Never an empty write: whether the VFS passes one on is the kernel's business. */
	if (!len || chance(50))
		buf_puts(b, "\n");
}

/* A valid command with one to three mutations. */
static void gen_mutated(struct buf *b)
{
	enum separators style = SEP_SPACE;
	enum mutation byte_ops[3], m;
	unsigned int i, n = 1 + below(3), nr_byte_ops = 0;
	struct command c;

	valid_command(&c);
	for (i = 0; i < n; i++) {
		m = PICK(mutation_weights);
		if (m == M_SEPARATORS)
			style = 1 + below(NR_SEPARATORS - 1);
		else if (m >= M_FLIP_BIT)
			byte_ops[nr_byte_ops++] = m;
		else
			mutate_words(&c, m);
	}
	serialize(&c, style, b);
	for (i = 0; i < nr_byte_ops; i++)
		mutate_bytes(b, byte_ops[i]);
	append_ending(b);
}

/* The valid shape, with a boundary value in at least one number slot. */
static void gen_boundary(struct buf *b)
{
	struct command c;
	struct word w = { .slot = SLOT_NUMBER };
	int i, tries, nr_numeric = 0, replaced = 0;

	for (tries = 0; tries < 8; tries++) {
		valid_command(&c);
		for (i = 0, nr_numeric = 0; i < c.nr_words; i++)
			nr_numeric += is_numeric(&c.words[i]);
		if (nr_numeric)
			break;
	}
	if (!nr_numeric)
		insert_word(&c, below(c.nr_words + 1), &w);
	for (i = 0; i < c.nr_words; i++) {
		if (is_numeric(&c.words[i]) && chance(50)) {
			set_boundary(&c.words[i]);
			replaced++;
		}
	}
	if (!replaced)
		set_boundary(&c.words[random_word(&c, true)]);
	serialize(&c, chance(90) ? SEP_SPACE : 1 + below(NR_SEPARATORS - 1), b);
	append_ending(b);
}

/* Around PAGE_SIZE: PAGE_SIZE - 1 bytes are read, PAGE_SIZE bytes or more are not. */
static void gen_overlong(struct buf *b)
{
	static const unsigned int length_weights[] = { 30, 25, 10, 5, 15, 15 };
	static const unsigned int fill_weights[] = { 20, 10, 20, 20, 15, 15 };
	size_t len, body, cmd_len, i;
	unsigned int fill;
	bool newline;
	struct command c;

	switch (PICK(length_weights)) {
	case 0: len = page_size - 1; break;
	case 1: len = page_size; break;
	case 2: len = page_size + 1; break;
	case 3: len = page_size - 2; break;
	case 4: len = page_size + 2 + below(3 * page_size); break;
	default: len = 81 + below(page_size - 84); break;
	}
	newline = chance(80);
	body = len - newline;
	valid_command(&c);
	serialize(&c, SEP_SPACE, b);
	cmd_len = b->len < body ? b->len : body;
	buf_reserve(b, len);
	/*
	 * After the command: spaces, or spaces and tabs (a valid command,
	 * padded); digits (one long last word); printable bytes; the
	 * command again and again; any bytes.
	 */
	fill = PICK(fill_weights);
	for (i = cmd_len; i < body; i++) {
		switch (fill) {
		case 0: b->data[i] = ' '; break;
		case 1: b->data[i] = chance(50) ? ' ' : '\t'; break;
		case 2: b->data[i] = '0' + below(10); break;
		case 3: b->data[i] = (char)(0x20 + below(95)); break;
		case 4:
			b->data[i] = (i - cmd_len) % (cmd_len + 1) ?
				     b->data[(i - cmd_len) % (cmd_len + 1) - 1] : ' ';
			break;
		default: b->data[i] = (char)rnd(); break;
		}
	}
	if (newline)
		b->data[body] = '\n';
	b->len = len;
	b->data[len] = '\0';
}

/* The generators, and their weights (in percent). */
static const unsigned int generator_weights[] = { 20, 45, 25, 10 };

static void generate(struct buf *b)
{
	switch (PICK(generator_weights)) {
	case 0: gen_random(b); break;
	case 1: gen_mutated(b); break;
	case 2: gen_boundary(b); break;
	default: gen_overlong(b); break;
	}
}

/* One write(2) of @text to @name; 0, or the errno. */
static int write_file(const char *name, const char *text)
{
	char path[PATH_MAX];
	ssize_t ret;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", debugfs_dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ret = write(fd, text, strlen(text));
	err = ret < 0 ? errno : (size_t)ret == strlen(text) ? 0 : EIO;
	close(fd);
	return err;
}

static bool has_group(const struct geometry *g, int id)
{
	int i;

	for (i = 0; i < g->nr_groups; i++)
		if (g->groups[i].id == id)
			return true;
	return false;
}

/* Does @r overlap a row of @g? */
static bool overlaps(const struct geometry *g, const struct range *r)
{
	const struct range *o;
	int i;

	for (i = 0; i < g->nr_ranges; i++) {
		o = &g->ranges[i];
		if (o->start < r->start + r->size && r->start < o->start + o->size)
			return true;
	}
	return false;
}

/*
 * Undo what an accepted write did from @old to @now that would wear down
 * or bloat the objects the next writes meet: delete a group it created,
 * add again the rows of memory it removed. Returns the writes made.
 */
/* The errnos debugfs-api.txt gives for a rejected write. */
static bool api_errno(int err)
{
	static const int errnos[] = { EINVAL, ERANGE, EEXIST, ENOSPC, ENOENT, EBUSY, EOPNOTSUPP };
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (err == errnos[i])
			return true;
	return false;
}

static unsigned int undo(const struct geometry *old, const struct geometry *now, struct text *what)
{
	const struct range *r;
	unsigned int nr = 0;
	char cmd[128];
	int i, err;

	if (!old->region && now->region) {
		err = write_file("region", "release\n");
		nr++;
		if (err)
			text_printf(what, "%sundo: 'release' > region failed with %s",
				    text_sep(what), errno_name(err));
	}

	for (i = 0; i < now->nr_groups; i++) {
		if (has_group(old, now->groups[i].id))
			continue;
		snprintf(cmd, sizeof(cmd), "delete %d\n", now->groups[i].id);
		err = write_file("groups", cmd);
		nr++;
		if (err)
			text_printf(what, "%sundo: 'delete %d' > groups failed with %s",
				    text_sep(what), now->groups[i].id, errno_name(err));
	}
	for (i = 0; i < old->nr_ranges; i++) {
		r = &old->ranges[i];
		if (overlaps(now, r) || !has_group(now, r->group))
			continue;
		snprintf(cmd, sizeof(cmd), "%d %#" PRIx64 " %#" PRIx64 " memmap=%s\n", r->group,
			 r->start, r->size, r->memmap ? "on" : "off");
		err = write_file("add", cmd);
		nr++;
		if (err)
			text_printf(what, "%sundo: '%.*s' > add failed with %s", text_sep(what),
				    (int)strlen(cmd) - 1, cmd, errno_name(err));
	}
	return nr;
}

static void print_results(void)
{
	unsigned int i;

	printf("fuzz %s: %lu writes, %lu rejected, %lu accepted, %lu failures, seed %" PRIu64 "\n",
	       target_names[target], nr_writes, nr_rejected, nr_accepted, nr_failures, seed);
	for (i = 0; i < nr_failure_lines; i++)
		printf("# %s\n", failure_lines[i]);
	if (nr_failures > nr_failure_lines)
		printf("# ... and %lu more failures\n", nr_failures - nr_failure_lines);
	for (i = 0; i < nr_accepted_lines; i++)
		printf("# accepted: %s\n", accepted_lines[i]);
	if (nr_accepted > nr_accepted_lines)
		printf("# ... and %lu more accepted writes\n", nr_accepted - nr_accepted_lines);
	fflush(stdout);
}

static void __attribute__((format(printf, 3, 4))) record(char lines[][LINE_LEN], unsigned int *nr,
							 const char *fmt, ...)
{
	va_list args;

	if (*nr == MAX_REPORTED)
		return;
	va_start(args, fmt);
	vsnprintf(lines[*nr], LINE_LEN, fmt, args);
	va_end(args);
	(*nr)++;
}

/* A read failed or made no sense half-way: report what there is, and stop. */
static void __attribute__((noreturn)) fatal(const char *what)
{
	nr_failures++;
	record(failure_lines, &nr_failure_lines, "after write %lu: %s", nr_writes, what);
	print_results();
	exit(1);
}

static void fatal_read(void)
{
	char what[PATH_MAX + 64];

	snprintf(what, sizeof(what), "cannot read %s: %s", read_error, errno_name(errno));
	fatal(what);
}

/*
 * After an accepted write: the geometry the next writes are built from,
 * with the undo's writes made, and the events they logged counted.
 */
static void refresh(struct snapshot *after, uint64_t *next, struct text *what)
{
	static struct geometry now;
	const char *why = parse_geometry(after, &now);
	unsigned int nr_undone;
	uint64_t next_undone;
	int ret;

	if (why) {
		text_printf(what, "%safter it %s", text_sep(what), why);
		return;
	}
	nr_undone = undo(&geo, &now, what);
	geo = now;
	if (!nr_undone)
		return;
	if (take_snapshot(after))
		fatal_read();
	ret = events_next(&next_undone);
	if (ret == -1)
		fatal_read();
	if (ret)
		fatal("info has no events: line");
	if (next_undone - *next != nr_undone)
		text_printf(what, "%sundo: %u writes logged %" PRId64 " events", text_sep(what),
			    nr_undone, (int64_t)(next_undone - *next));
	*next = next_undone;
	why = parse_geometry(after, &geo);
	if (why)
		text_printf(what, "%safter the undo %s", text_sep(what), why);
}

static bool parse_u64(const char *s, uint64_t *value)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*value = strtoull(s, &end, 10);
	return !errno && !*end;
}

static void read_block_size(void)
{
	const char *path = PATH_MEMORY "/block_size_bytes";
	char text[64], *end;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		die("%s: %s", path, strerror(errno));
	text[n] = '\0';
	errno = 0;
	block_size = strtoull(text, &end, 16);
	if (errno || end == text || (*end && strcmp(end, "\n")) || !block_size ||
	    (block_size & (block_size - 1)) || block_size < (uint64_t)page_size)
		die("%s: not a block size in hex: '%.20s'", path, text);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: fuzz [-l] [-s SEED] [-n COUNT] FILE\n"
		"  FILE: region, groups, add, remove or granularity\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const source_names[NR_SOURCES] = {
		[SRC_REGION] = "region", [SRC_GROUPS] = "groups", [SRC_RANGES] = "ranges",
		[SRC_GRANULARITY] = "granularity", [SRC_INFO] = "info",
	};
	static struct snapshot snapshots[2];
	struct snapshot *before = &snapshots[0], *after = &snapshots[1], *swap;
	char escaped[ESCAPED_LEN], path[PATH_MAX];
	uint64_t count = DEFAULT_COUNT, next, next_after, want;
	bool list = false, have_seed = false;
	static struct buf input;
	struct timespec now;
	const char *why;
	struct text what;
	int opt, fd = -1, err, ret, i;
	ssize_t written;

	while ((opt = getopt(argc, argv, "ln:s:")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'n':
			if (!parse_u64(optarg, &count) || count > ULONG_MAX)
				usage();
			break;
		case 's':
			if (!parse_u64(optarg, &seed))
				usage();
			have_seed = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	for (target = 0; target < NR_TARGETS; target++)
		if (!strcmp(argv[optind], target_names[target]))
			break;
	if (target == NR_TARGETS)
		usage();
	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &now);
		rng = (uint64_t)now.tv_sec ^ ((uint64_t)now.tv_nsec << 20) ^
		      ((uint64_t)getpid() << 44);
		seed = rnd();
	}
	/* Each file its own stream: the same seed makes other bytes for region than for add. */
	rng = seed ^ (0x5851f42d4c957f2dULL * (target + 1));

	debugfs_dir = getenv("HPLAB_DEBUGFS");
	if (!debugfs_dir || !*debugfs_dir)
		debugfs_dir = DEBUGFS_DEFAULT;
	page_size = sysconf(_SC_PAGESIZE);
	if (page_size < 128)
		die("no page size");
	read_block_size();
	for (i = 0; i < NR_SOURCES; i++) {
		sources[i].fd = -1;
		if (i == SRC_IOMEM)
			snprintf(sources[i].path, sizeof(sources[i].path), "%s", PATH_IOMEM);
		else if (i == SRC_MEMINFO)
			snprintf(sources[i].path, sizeof(sources[i].path), "%s", PATH_MEMINFO);
		else if (snprintf(sources[i].path, sizeof(sources[i].path), "%s/%s", debugfs_dir,
				  source_names[i]) >= (int)sizeof(sources[i].path))
			die("%s: path too long", debugfs_dir);
	}
	if (take_snapshot(before))
		die("%s: %s", read_error, strerror(errno));
	why = parse_geometry(before, &geo);
	if (why)
		die("%s/%s", debugfs_dir, why);
	ret = events_next(&next);
	if (ret)
		die("%s: %s", sources[SRC_INFO].path,
		    ret == -1 ? strerror(errno) : "no events: line");
	if (!list) {
		snprintf(path, sizeof(path), "%s/%s", debugfs_dir, target_names[target]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			die("%s: %s", path, strerror(errno));
	}
	buf_reserve(&input, 4 * page_size + 64);

	for (nr_writes = 0; nr_writes < count;) {
		generate(&input);
		nr_writes++;
		if (list) {
			escape(input.data, input.len, escaped, sizeof(escaped));
			printf("%lu %zu '%s'\n", nr_writes, input.len, escaped);
			continue;
		}
		written = write(fd, input.data, input.len);
		err = written < 0 ? errno : 0;
		if (take_snapshot(after))
			fatal_read();
		ret = events_next(&next_after);
		if (ret == -1)
			fatal_read();
		if (ret)
			fatal("info has no events: line");
		what.len = 0;
		what.data[0] = '\0';
		want = input.len >= (size_t)page_size ? 0 : 1;
		if (next_after - next != want)
			text_printf(&what, "events grew by %" PRId64 ", not %" PRIu64,
				    (int64_t)(next_after - next), want);
		/* The common rules refuse these whatever the words are. */
		if ((want == 0 || memchr(input.data, '\0', input.len)) && err != EINVAL)
			text_printf(&what, "%s%s, not EINVAL, for a write of PAGE_SIZE or more or with a NUL",
				    text_sep(&what), written < 0 ? errno_name(err) : "accepted");
		else if (written < 0 && !api_errno(err))
			text_printf(&what, "%s%s is no errno of the API", text_sep(&what),
				    errno_name(err));
		if (written < 0) {
			nr_rejected++;
			describe_changes(before, after, &what);
		} else {
			nr_accepted++;
			if (nr_accepted_lines < MAX_REPORTED) {
				escape(input.data, input.len, escaped, sizeof(escaped));
				record(accepted_lines, &nr_accepted_lines, "write %lu '%s'",
				       nr_writes, escaped);
			}
			if ((size_t)written != input.len)
				text_printf(&what, "%sshort write: %zd of %zu bytes",
					    text_sep(&what), written, input.len);
			refresh(after, &next_after, &what);
		}
		if (what.len) {
			nr_failures++;
			escape(input.data, input.len, escaped, sizeof(escaped));
			record(failure_lines, &nr_failure_lines,
			       "write %lu (%zu bytes) '%s' -> %s: %s", nr_writes, input.len,
			       escaped, written < 0 ? errno_name(err) : "ok", what.data);
		}
		/* A change, rejected or not, is the state the next write starts from. */
		swap = before;
		before = after;
		after = swap;
		next = next_after;
	}
	if (list)
		return 0;
	print_results();
	return nr_failures ? 1 : 0;
}
