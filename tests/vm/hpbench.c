// SPDX-License-Identifier: GPL-2.0
/*
 * hpbench: the clock of make bench, in the guest (busybox's date has no
 * nanoseconds, and a fork per poll would be the slowest thing measured).
 *
 *   hpbench step [--ask LINE] [--write FILE TEXT] [--blocks N --online M]
 *		     [-- COMMAND ARGS...]
 *	Times one step of a contender and prints its nanoseconds: from just
 *	before anything is done until COMMAND has exited 0 (run without a
 *	shell), one write(2) of TEXT to FILE has succeeded, the host has answered "ok" to LINE on /dev/ttyS1 (see
 *	tests/bench/agent.py), and /sys/devices/system/memory has exactly N
 *	memory blocks (M of them online, if --online is given). Polls sysfs
 *	every 2 ms, reading the blocks' states only once their count is
 *	right: the poll runs beside what it times on the guest's CPUs (and
 *	on QEMU's one TCG thread), so it is kept cheap. Gives up after 5
 *	minutes, whatever it is waiting for. Exit 1 on any failure, saying
 *	why.
 *   hpbench floor BYTES
 *	The floor: nanoseconds one thread takes to write BYTES of memory
 *	that is already mapped (memset), as initialising that much memmap
 *	at least takes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MEMORY_DIR "/sys/devices/system/memory"
#define CONTROL_TTY "/dev/ttyS1"
#define STEP_TIMEOUT_S 300
#define POLL_US 2000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "hpbench: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void timed_out(int sig)
{
	static const char msg[] = "hpbench: step: no end after 5 minutes\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

static bool is_block(const struct dirent *d)
{
	return !strncmp(d->d_name, "memory", 6) && d->d_name[6] >= '0' && d->d_name[6] <= '9';
}

/*
 * The number of memory blocks; with @online, also the number of those
 * online (a block whose state cannot be read, being removed, is not).
 */
static long count_blocks(long *online)
{
	DIR *dir = opendir(MEMORY_DIR);
	struct dirent *d;
	long n = 0;

	if (online)
		*online = 0;
	if (!dir)
		die("%s: cannot open", MEMORY_DIR);
	while ((d = readdir(dir))) {
		char path[300], state[32] = "";
		ssize_t len;
		int fd;

		if (!is_block(d))
			continue;
		n++;
		if (!online)
			continue;
		snprintf(path, sizeof(path), MEMORY_DIR "/%s/state", d->d_name);
		fd = open(path, O_RDONLY);
		len = fd < 0 ? -1 : read(fd, state, sizeof(state) - 1);
		if (fd >= 0)
			close(fd);
		if (len > 0 && !strncmp(state, "online\n", 7))
			++*online;
	}
	closedir(dir);
	return n;
}

/* Send LINE to the host agent and wait for its answer, which must be "ok". */
static void ask_host(const char *line)
{
	char reply[256];
	size_t used = 0;
	int fd = open(CONTROL_TTY, O_RDWR | O_NOCTTY);

	if (fd < 0)
		die("%s: cannot open", CONTROL_TTY);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) || write(fd, "\n", 1) != 1)
		die("%s: cannot write", CONTROL_TTY);
	while (used < sizeof(reply) - 1) {
		ssize_t n = read(fd, reply + used, 1);

		if (n <= 0)
			die("%s: no answer", CONTROL_TTY);
		if (reply[used] == '\n')
			break;
		if (reply[used] != '\r')
			used++;
	}
	reply[used] = '\0';
	close(fd);
	if (strcmp(reply, "ok"))
		die("the host answered '%s'", reply);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		die("%s: cannot open", path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("%s: the write failed", path);
	close(fd);
}

static void run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("%s: cannot fork", argv[0]);
	if (!pid) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die("%s failed", argv[0]);
}

static int step(int argc, char **argv)
{
	const char *ask = NULL, *file = NULL, *text = NULL;
	long blocks = -1, online = -1, now_online = 0;
	uint64_t start;
	int i;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--ask") && i + 1 < argc) {
			ask = argv[++i];
		} else if (!strcmp(argv[i], "--write") && i + 2 < argc) {
			file = argv[++i];
			text = argv[++i];
		} else if (!strcmp(argv[i], "--blocks") && i + 1 < argc) {
			blocks = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--online") && i + 1 < argc) {
			online = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			die("step: unknown argument '%s'", argv[i]);
		}
	}
	signal(SIGALRM, timed_out);
	alarm(STEP_TIMEOUT_S);
	start = now_ns();
	if (i < argc)
		run(argv + i);
	if (file)
		write_file(file, text);
	if (ask)
		ask_host(ask);
	while (blocks >= 0 && (count_blocks(NULL) != blocks ||
			       (online >= 0 && (count_blocks(&now_online), now_online != online))))
		usleep(POLL_US);
	printf("%llu\n", (unsigned long long)(now_ns() - start));
	return 0;
}

static int floor_ns(const char *arg)
{
	char *end;
	unsigned long long bytes = strtoull(arg, &end, 0);
	uint64_t start, took;
	char *p;

	if (*end || !bytes)
		die("floor: '%s' is not a byte count", arg);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die("floor: cannot map %s bytes", arg);
	start = now_ns();
	memset(p, 0x5a, bytes);
	took = now_ns() - start;
	/* The compiler must not drop the memset of memory nobody reads. */
	if (p[bytes - 1] != 0x5a)
		die("floor: %s", "memset did not write");
	munmap(p, bytes);
	printf("%llu\n", (unsigned long long)took);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "step"))
		return step(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "floor"))
		return floor_ns(argv[2]);
	fprintf(stderr, "usage: hpbench step [--ask LINE] [--write FILE TEXT] [--blocks N --online M] [-- COMMAND...] | floor BYTES\n");
	return 2;
}
