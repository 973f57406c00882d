// SPDX-License-Identifier: GPL-2.0
/*
 * onewrite: exactly one write(2) of a text to a file, for the guest tests.
 *
 * A shell's "echo ... > file" may split a write, cannot send a NUL byte,
 * and reports a failure as a localised message. The tests need write(2)'s
 * own errno, bytes the shell cannot produce, and writes of an exact size.
 *
 * usage: onewrite [-d] [-e] [-f N] [-l] [-p SIZE] FILE TEXT
 *   -d       drop CAP_SYS_ADMIN from the effective set before opening
 *   -e       TEXT has escapes: \0 \n \t \\ \xHH
 *   -f N     fail the Nth fault-injection point (slab or page allocation,
 *            CONFIG_FAULT_INJECTION) of this task from the write(2) on,
 *            through /proc/thread-self/fail-nth, and say whether it came
 *   -l       append a newline
 *   -p SIZE  pad with spaces (before the newline) to SIZE bytes in all
 *
 * Prints nothing and exits 0 when write(2) took every byte; prints the
 * errno's name (EINVAL) and exits 1 when it failed; exits 2 on bad usage,
 * when FILE cannot be opened, or on a short write. With -f it prints
 * "injected" or "missed" (the write made fewer than N calls) after that,
 * on a line of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &header, data))
		return -1;
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &header, data);
}

/* Decode escapes of @text into @out; returns the length, or -1. */
static long unescape(const char *text, char *out)
{
	char *start = out;

	while (*text) {
		if (*text != '\\') {
			*out++ = *text++;
			continue;
		}
		text++;
		switch (*text++) {
		case '0': *out++ = '\0'; break;
		case 'n': *out++ = '\n'; break;
		case 't': *out++ = '\t'; break;
		case '\\': *out++ = '\\'; break;
		case 'x': {
			char hex[3] = { text[0], text[0] ? text[1] : 0, 0 };
			char *end;

			*out++ = (char)strtoul(hex, &end, 16);
			if (end != hex + 2)
				return -1;
			text += 2;
			break;
		}
		default:
			return -1;
		}
	}
	return out - start;
}

/* Arm /proc/thread-self/fail-nth with @nth; returns its fd, or -1. */
static int fail_nth_arm(const char *nth)
{
	int fd = open("/proc/thread-self/fail-nth", O_RDWR);

	if (fd < 0 || write(fd, nth, strlen(nth)) < 0) {
		perror("onewrite: /proc/thread-self/fail-nth");
		return -1;
	}
	return fd;
}

/*
 * Was the fault injected (fail-nth reads 0)? Disarms it either way; -1
 * when fail-nth cannot be read.
 */
static int fail_nth_injected(int fd)
{
	char buf[16] = "";
	int injected;

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	injected = atoi(buf) == 0;
	if (pwrite(fd, "0", 1, 0) < 0)
		return -1;
	close(fd);
	return injected;
}

int main(int argc, char **argv)
{
	int escapes = 0, newline = 0, drop = 0, opt, fd, nth_fd = -1, err, injected;
	const char *nth = NULL;
	long len, pad = 0;
	char *buf;
	ssize_t ret;

	while ((opt = getopt(argc, argv, "def:lp:")) != -1) {
		switch (opt) {
		case 'd': drop = 1; break;
		case 'e': escapes = 1; break;
		case 'f': nth = optarg; break;
		case 'l': newline = 1; break;
		case 'p': pad = atol(optarg); break;
		default: goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;

	len = strlen(argv[optind + 1]);
	buf = malloc((pad > len ? pad : len) + 2);
	if (!buf)
		return 2;
	if (escapes)
		len = unescape(argv[optind + 1], buf);
	else
		memcpy(buf, argv[optind + 1], len);
	if (len < 0)
		goto usage;
	if (pad > len + newline) {
		memset(buf + len, ' ', pad - len - newline);
		len = pad - newline;
	}
	if (newline)
		buf[len++] = '\n';

	if (drop && drop_cap_sys_admin()) {
		perror("onewrite: capset");
		return 2;
	}
	fd = open(argv[optind], O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "onewrite: %s: %s\n", argv[optind], strerror(errno));
		return 2;
	}
	if (nth && (nth_fd = fail_nth_arm(nth)) < 0)
		return 2;
	ret = write(fd, buf, len);
	err = errno;
	/* Before anything else can reach an injection point. */
	injected = nth ? fail_nth_injected(nth_fd) : 0;
	if (injected < 0) {
		perror("onewrite: fail-nth");
		return 2;
	}
	if (ret < 0)
		printf("%s\n", strerrorname_np(err));
	if (nth)
		printf("%s\n", injected ? "injected" : "missed");
	if (ret < 0)
		return 1;
	if (ret != len) {
		fprintf(stderr, "onewrite: short write: %zd of %ld bytes\n", ret, len);
		return 2;
	}
	return 0;

usage:
	fprintf(stderr, "usage: onewrite [-d] [-e] [-f N] [-l] [-p SIZE] FILE TEXT\n");
	return 2;
}
