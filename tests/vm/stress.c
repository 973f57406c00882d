// SPDX-License-Identifier: GPL-2.0
/*
 * stress: writers and readers of every hotplug_lab file at once, for the
 * guest tests.
 *
 * usage: stress [-s SEED] [-w WRITERS] [-n OPS] REGION_START REGION_SIZE
 *
 * WRITERS processes (4 by default) each make OPS (1000) operations picked
 * at random: claim and release of the region, group create and delete,
 * add with memmap=on and off, remove of a range or all of a group,
 * online (movable) and offline of a block of the region through sysfs,
 * granularity and check mode changes. Group ids come from the groups file as it is at
 * the time. One reader per readable file reads it ten times a second
 * until the writers are done. Any errno an operation can meet by the API
 * (debugfs-api.txt, and sysfs's for block states) counts as a refusal;
 * another one (EIO: a remove could not put a block back), a write that
 * took part of the bytes, or a failed read is a failure.
 *
 * Prints the seed, the failures as they happen, one line per operation:
 * how often it succeeded and each errno it met, and how many writes went
 * to the module's files (each logs one event). A kind of operation that
 * never succeeded is a failure too: the load must have done the work.
 * Exits 0 without failure, 1 with one, 2 on bad usage. The seed fixes
 * each writer's first choice; what the writers meet, and so their later
 * choices, depends on how they interleave.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "random.h"

#define HPLAB "/sys/kernel/debug/hotplug_lab/"
#define MEMORY "/sys/devices/system/memory/"
#define MAX_GROUPS 64
#define MANY_GROUPS 6
#define READ_INTERVAL_US 100000
#define MAX_ERRNO 134

enum op {
	OP_CLAIM, OP_RELEASE, OP_STATIC, OP_DYNAMIC, OP_DELETE, OP_ADD,
	OP_ADD_MEMMAP, OP_REMOVE, OP_REMOVE_ALL, OP_ONLINE, OP_OFFLINE,
	OP_GRANULARITY, OP_GRANULARITY_DEFAULT, OP_CHECK_MODE, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"claim", "release", "group static", "group dynamic", "group delete",
	"add memmap=off", "add memmap=on", "remove range", "remove all",
	"online (sysfs)", "offline (sysfs)", "granularity", "granularity default",
	"check mode",
};

/* What an operation may meet without anything being wrong. */
static const int refusals[] = {
	EINVAL, ERANGE, EEXIST, ENOSPC, ENOENT, EBUSY, EOPNOTSUPP,
};

static const char *const readable[] = {
	"info", "region", "groups", "add", "remove", "granularity", "ranges",
	"events",
};

/* Counts of every writer, in memory shared with the parent. */
struct tally {
	unsigned long ok[NR_OPS];
	unsigned long err[NR_OPS][MAX_ERRNO];
	unsigned long failures;
};

static uint64_t block_size, region_start, region_size;

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t len = 0, ret = 0;

	if (fd < 0)
		return -1;
	while ((size_t)len < size - 1 &&
	       (ret = read(fd, buf + len, size - 1 - len)) > 0)
		len += ret;
	close(fd);
	buf[len] = '\0';
	return ret < 0 ? -1 : len;
}

/* One write(2); 0 or the errno, or -1 for a short write. */
static int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY);
	ssize_t ret;
	int err;

	if (fd < 0)
		return errno;
	ret = write(fd, text, len);
	err = ret < 0 ? errno : 0;
	close(fd);
	if (!err && (size_t)ret != len)
		return -1;
	return err;
}

/* The ids in the groups file now; the header row has none. */
static int group_ids(int *ids)
{
	char buf[8192], *line, *save;
	int n = 0;

	if (read_file(HPLAB "groups", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line && n < MAX_GROUPS;
	     line = strtok_r(NULL, "\n", &save))
		if (line[0] >= '0' && line[0] <= '9')
			ids[n++] = atoi(line);
	return n;
}

/* A group id that exists now, or sometimes one that does not. */
static int some_group(void)
{
	int ids[MAX_GROUPS], n = group_ids(ids);

	if (!n || !below(10))
		return (int)below(MAX_GROUPS);
	return ids[below(n)];
}

static uint64_t some_block(void)
{
	return region_start + below(region_size / block_size) * block_size;
}

static uint64_t some_blocks(void)
{
	return (1 + below(2)) * block_size;
}

/* Make one operation; returns what write_text() returns. */
static int operate(enum op op)
{
	char text[128], path[128];
	const char *file = "groups";
	int ids[MAX_GROUPS], err;

	switch (op) {
	case OP_CLAIM:
		file = "region";
		snprintf(text, sizeof(text), "%#" PRIx64 " %#" PRIx64,
			 region_start, region_size);
		break;
	case OP_RELEASE:
		file = "region";
		strcpy(text, "release");
		break;
	case OP_STATIC:
	case OP_DYNAMIC:
		/* Beyond a few groups, more only spread the adds thinner. */
		if (group_ids(ids) < MANY_GROUPS) {
			snprintf(text, sizeof(text), "%s %#" PRIx64,
				 op == OP_STATIC ? "static" : "dynamic",
				 op == OP_STATIC ? (1 + below(4)) * block_size :
						   some_blocks());
			break;
		}
		/* fall through */
	case OP_DELETE:
		snprintf(text, sizeof(text), "delete %d", some_group());
		break;
	case OP_ADD:
	case OP_ADD_MEMMAP:
		file = "add";
		snprintf(text, sizeof(text), "%d %#" PRIx64 " %#" PRIx64 " memmap=%s",
			 some_group(), some_block(), some_blocks(),
			 op == OP_ADD_MEMMAP ? "on" : "off");
		break;
	case OP_REMOVE:
		file = "remove";
		snprintf(text, sizeof(text), "%d %#" PRIx64 " %#" PRIx64,
			 some_group(), some_block(), some_blocks());
		break;
	case OP_REMOVE_ALL:
		file = "remove";
		snprintf(text, sizeof(text), "%d all", some_group());
		break;
	case OP_ONLINE:
	case OP_OFFLINE:
		snprintf(path, sizeof(path), MEMORY "memory%" PRIu64 "/state",
			 some_block() / block_size);
		if (access(path, F_OK))
			return ENOENT;
		/* Only movable: kernel-zone memory may never come out again. */
		err = write_text(path, op == OP_OFFLINE ? "offline" :
							  "online_movable");
		/* The block was removed after the access(). */
		return err == ENODEV ? ENOENT : err;
	case OP_GRANULARITY:
		file = "granularity";
		snprintf(text, sizeof(text), "%d %#" PRIx64, some_group(),
			 some_blocks());
		break;
	case OP_GRANULARITY_DEFAULT:
		file = "granularity";
		snprintf(text, sizeof(text), "%d default", some_group());
		break;
	case OP_CHECK_MODE:
		file = "granularity";
		strcpy(text, below(2) ? "check=kernel" : "check=module");
		break;
	default:
		return EINVAL;
	}
	snprintf(path, sizeof(path), HPLAB "%s", file);
	return write_text(path, text);
}

static int is_refusal(int err)
{
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (err == refusals[i])
			return 1;
	return 0;
}

static void writer(struct tally *tally, unsigned long ops)
{
	unsigned long i;
	enum op op;
	int err;

	for (i = 0; i < ops; i++) {
		op = below(NR_OPS);
		err = operate(op);
		if (!err) {
			__atomic_fetch_add(&tally->ok[op], 1, __ATOMIC_RELAXED);
		} else if (err > 0 && err < MAX_ERRNO && is_refusal(err)) {
			__atomic_fetch_add(&tally->err[op][err], 1, __ATOMIC_RELAXED);
		} else {
			__atomic_fetch_add(&tally->failures, 1, __ATOMIC_RELAXED);
			printf("# failure: %s: %s\n", op_names[op],
			       err < 0 ? "short write" : strerrorname_np(err));
			fflush(stdout);
		}
	}
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Reads FILE every READ_INTERVAL_US until SIGTERM; exits 1 if a read fails. */
static void reader(const char *file)
{
	static char buf[1 << 16];
	char path[128];

	signal(SIGTERM, on_term);
	snprintf(path, sizeof(path), HPLAB "%s", file);
	while (!stop) {
		if (read_file(path, buf, sizeof(buf)) < 0 && errno != EINTR) {
			printf("# failure: reading %s: %s\n", file,
			       strerrorname_np(errno));
			exit(1);
		}
		/* Often enough to meet every writer, not so often as to starve them. */
		usleep(READ_INTERVAL_US);
	}
	exit(0);
}

static int parse_u64(const char *s, uint64_t *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 0);
	return errno || end == s || *end;
}

static void report(const struct tally *tally)
{
	unsigned long module_writes = 0;
	int op, err;

	for (op = 0; op < NR_OPS; op++) {
		if (op != OP_ONLINE && op != OP_OFFLINE) {
			module_writes += tally->ok[op];
			for (err = 1; err < MAX_ERRNO; err++)
				module_writes += tally->err[op][err];
		}
		printf("%s: %lu ok", op_names[op], tally->ok[op]);
		for (err = 1; err < MAX_ERRNO; err++)
			if (tally->err[op][err])
				printf(", %lu %s", tally->err[op][err],
				       strerrorname_np(err));
		printf("\n");
	}
	printf("%lu writes to the module's files\n", module_writes);
}

/*
 * A load that only meets refusals tests nothing: every kind of operation
 * must have succeeded at least once (a remove of a range or of all).
 */
static int never_succeeded(const struct tally *tally)
{
	int op, none = 0;

	for (op = 0; op < NR_OPS; op++) {
		if (tally->ok[op] || (op == OP_REMOVE && tally->ok[OP_REMOVE_ALL]))
			continue;
		printf("# failure: %s never succeeded\n", op_names[op]);
		none = 1;
	}
	return none;
}

int main(int argc, char **argv)
{
	unsigned long writers = 4, ops = 1000, w, r;
	pid_t readers[sizeof(readable) / sizeof(readable[0])], *writer_pids;
	uint64_t seed = (uint64_t)time(NULL) ^ getpid();
	int opt, status, failed = 0;
	struct tally *tally;
	char buf[64], *end;

	while ((opt = getopt(argc, argv, "n:s:w:")) != -1) {
		switch (opt) {
		case 'n': ops = strtoul(optarg, NULL, 10); break;
		case 's': if (parse_u64(optarg, &seed)) goto usage; break;
		case 'w': writers = strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (argc - optind != 2 || parse_u64(argv[optind], &region_start) ||
	    parse_u64(argv[optind + 1], &region_size))
		goto usage;
	/* The file is hex without 0x. */
	if (read_file(MEMORY "block_size_bytes", buf, sizeof(buf)) <= 0 ||
	    !(block_size = strtoull(buf, &end, 16)) || *end != '\n') {
		fprintf(stderr, "stress: cannot read " MEMORY "block_size_bytes\n");
		return 2;
	}
	if (region_start % block_size || region_size % block_size ||
	    !region_size) {
		fprintf(stderr, "stress: the region is not in whole blocks\n");
		return 2;
	}
	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	writer_pids = calloc(writers, sizeof(*writer_pids));
	if (tally == MAP_FAILED || !writer_pids)
		return 2;
	printf("seed %" PRIu64 ", %lu writers x %lu operations\n", seed,
	       writers, ops);
	fflush(stdout);

	for (r = 0; r < sizeof(readable) / sizeof(readable[0]); r++) {
		readers[r] = fork();
		if (!readers[r])
			reader(readable[r]);
	}
	for (w = 0; w < writers; w++) {
		writer_pids[w] = fork();
		if (!writer_pids[w]) {
			rng = seed + w;
			writer(tally, ops);
			exit(0);
		}
	}
	for (w = 0; w < writers; w++)
		if (waitpid(writer_pids[w], &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	for (r = 0; r < sizeof(readable) / sizeof(readable[0]); r++) {
		kill(readers[r], SIGTERM);
		if (waitpid(readers[r], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failed = 1;
	}
	report(tally);
	failed |= never_succeeded(tally);
	printf("%lu failures\n", tally->failures);
	return failed || tally->failures;

usage:
	fprintf(stderr, "usage: stress [-s SEED] [-w WRITERS] [-n OPS] REGION_START REGION_SIZE\n");
	return 2;
}
