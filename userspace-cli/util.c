// SPDX-License-Identifier: GPL-2.0
/*
 * Paths below the sysroot, file I/O, sizes and errno names.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hplab.h"

char *hplab_path(const struct hplab_ctx *ctx, const char *fmt, ...)
{
	char *rel, *path;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&rel, fmt, ap) < 0)
		rel = NULL;
	va_end(ap);
	if (!rel || asprintf(&path, "%s%s", ctx->sysroot, rel) < 0) {
		perror("hplab");
		exit(HPLAB_EXIT_REJECTED);
	}
	free(rel);
	return path;
}

/* No file of the kernel's or the module's is near this. */
#define HPLAB_READ_MAX	(64 << 20)

/* The whole file, NUL-terminated, or NULL with errno set (EFBIG: too long). */
char *hplab_read(const struct hplab_ctx *ctx, const char *path)
{
	char *full = hplab_path(ctx, "%s", path);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	fd = open(full, O_RDONLY | O_CLOEXEC);
	free(full);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *bigger = cap < HPLAB_READ_MAX ? realloc(buf, cap *= 2) : NULL;

			if (!bigger) {
				n = -1;
				errno = cap < HPLAB_READ_MAX ? ENOMEM : EFBIG;
				break;
			}
			buf = bigger;
		}
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* The first line of the file, without its newline, or NULL. */
char *hplab_read_line(const struct hplab_ctx *ctx, const char *path)
{
	char *text = hplab_read(ctx, path);

	if (text)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

/*
 * All of TEXT, as util-linux's write_all(): a write() that takes part of
 * it is followed by one for the rest. 0 or a negative errno.
 */
int hplab_write_file(const struct hplab_ctx *ctx, const char *path,
		     const char *text)
{
	char *full = hplab_path(ctx, "%s", path);
	size_t len = strlen(text);
	ssize_t n;
	int fd, err = 0;

	fd = open(full, O_WRONLY | O_CLOEXEC);
	free(full);
	if (fd < 0)
		return -errno;
	while (len && !err) {
		n = write(fd, text, len);
		if (n <= 0) {
			/* 0: nothing taken, and nothing would be on a retry */
			err = n ? -errno : -EIO;
		} else {
			text += n;
			len -= n;
		}
	}
	close(fd);
	return err;
}

bool hplab_exists(const struct hplab_ctx *ctx, const char *path)
{
	char *full = hplab_path(ctx, "%s", path);
	bool ok = access(full, F_OK) == 0;

	free(full);
	return ok;
}

/*
 * The module's grammar (debugfs-api.txt): decimal or 0x-hex, an optional
 * K, M, G or T suffix (powers of 1024), nothing else.
 */
int hplab_parse_size(const char *str, uint64_t *val)
{
	static const char suffixes[] = "KMGT";
	unsigned int shift = 0;
	char digits[24], *end;
	const char *suffix;
	size_t len = strlen(str);
	uint64_t value;
	int base = 10;

	if (!len || len >= sizeof(digits) || !isdigit((unsigned char)str[0]))
		return -EINVAL;
	memcpy(digits, str, len + 1);
	suffix = strchr(suffixes, toupper((unsigned char)digits[len - 1]));
	if (suffix) {
		shift = 10 * (suffix - suffixes + 1);
		digits[--len] = '\0';
	}
	/* A leading zero is refused, as C would read "010" as octal. */
	if (digits[0] == '0' && isdigit((unsigned char)digits[1]))
		return -EINVAL;
	if (digits[0] == '0' && tolower((unsigned char)digits[1]) == 'x') {
		base = 16;
		if (!isxdigit((unsigned char)digits[2]))
			return -EINVAL;
	}
	errno = 0;
	value = strtoull(digits, &end, base);
	if (errno || *end || !len || value > (UINT64_MAX >> shift))
		return -EINVAL;
	*val = value << shift;
	return 0;
}

/* "128M", "1.5G" or, with --bytes, "134217728". */
const char *hplab_format_size(const struct hplab_ctx *ctx, uint64_t val,
			      char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	unsigned int unit = 0;
	uint64_t scaled = val;

	if (ctx->bytes) {
		snprintf(buf, len, "%" PRIu64, val);
		return buf;
	}
	while (scaled >= 1024 && unit < sizeof(units) - 2) {
		scaled /= 1024;
		unit++;
	}
	if (unit && val % ((uint64_t)1 << (10 * unit)))
		snprintf(buf, len, "%.1f%c",
			 (double)val / (double)((uint64_t)1 << (10 * unit)),
			 units[unit]);
	else
		snprintf(buf, len, "%" PRIu64 "%c", scaled, units[unit]);
	if (!unit)
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* hplab_format_size(), allocated; NULL when out of memory. */
char *hplab_size_string(const struct hplab_ctx *ctx, uint64_t size)
{
	char buf[32];

	return strdup(hplab_format_size(ctx, size, buf, sizeof(buf)));
}

const char *hplab_errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown error";
}

/* The value of "key: value" in TEXT, or NULL; the caller frees it. */
char *hplab_key_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			const char *val = line + klen + 1;

			while (*val == ' ' || *val == '\t')
				val++;
			return strndup(val, strcspn(val, "\n"));
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}

/* printf to BUF of SIZE at *USED, and no further than its end. */
void hplab_append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + n < size ? *used + n : size - 1;
}

void hplab_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("hplab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * From the kernel's own file (hex without 0x): the module need not be
 * loaded. 0 when it cannot be read or is not a power of two.
 */
uint64_t hplab_block_size(const struct hplab_ctx *ctx)
{
	char *text = hplab_read(ctx, _PATH_SYS_MEMORY "/block_size_bytes"), *end;
	uint64_t size = 0;

	if (text && isxdigit((unsigned char)text[0])) {
		errno = 0;
		size = strtoull(text, &end, 16);
		if (errno || (*end && strcmp(end, "\n")))
			size = 0;
	}
	free(text);
	return size & (size - 1) ? 0 : size;
}

/* STR as a JSON string, or null. */
void hplab_json_string(const char *str)
{
	if (!str) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *str; str++) {
		unsigned char c = *str;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}
