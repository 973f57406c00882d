// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/iomem and the firmware memory map: the ranges hotplug_lab could
 * claim.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hplab.h"

#define HPLAB_FIRMWARE_MAX_GAP 64

/* A whole file that is one hex number (0x optional), as the kernel prints it. */
static bool hplab_read_hex(const struct hplab_ctx *ctx, const char *path, uint64_t *val)
{
	char *text = hplab_read(ctx, path), *end;
	bool ok = false;

	if (text && isxdigit((unsigned char)text[0])) {
		errno = 0;
		*val = strtoull(text, &end, 16);
		ok = !errno && (!*end || !strcmp(end, "\n"));
	}
	free(text);
	return ok;
}

/*
 * The "System RAM" entries of the firmware's memory map, as the firmware
 * gave it before memmap= (/sys/firmware/memmap/N/{start,end,type}).
 * Returns how many, or -1 when there is no such map.
 */
static long hplab_firmware_ram(const struct hplab_ctx *ctx, struct hplab_range_pair **out)
{
	struct hplab_range_pair *ram = NULL, *grown;
	unsigned int n, missing = 0;
	bool found = false;
	long count = 0;

	*out = NULL;
	/* Numbers of removed entries stay unused: stop after a long gap. */
	for (n = 0; missing < HPLAB_FIRMWARE_MAX_GAP; n++) {
		char path[64], *type;
		uint64_t start, end;
		bool is_ram;

		snprintf(path, sizeof(path), _PATH_FIRMWARE_MEMMAP "/%u/type", n);
		type = hplab_read(ctx, path);
		missing = type ? 0 : missing + 1;
		if (!type)
			continue;
		found = true;
		is_ram = !strcmp(type, "System RAM\n");
		free(type);
		if (!is_ram)
			continue;
		snprintf(path, sizeof(path), _PATH_FIRMWARE_MEMMAP "/%u/start", n);
		if (!hplab_read_hex(ctx, path, &start))
			goto bad;
		snprintf(path, sizeof(path), _PATH_FIRMWARE_MEMMAP "/%u/end", n);
		if (!hplab_read_hex(ctx, path, &end) || end < start)
			goto bad;
		grown = realloc(ram, (count + 1) * sizeof(*ram));
		if (!grown)
			break;
		ram = grown;
		ram[count].start = start;
		ram[count].end = end;
		count++;
		continue;
bad:
		/* Not RAM we can be sure of: left out, with a word why. */
		hplab_warn("%s/%u: start and end are not a range of hex addresses, left out",
			   _PATH_FIRMWARE_MEMMAP, n);
	}
	if (!found) {
		free(ram);
		return -1;
	}
	*out = ram;
	return count;
}

static int hplab_add_candidate(struct hplab_candidate **list, size_t *count,
			       uint64_t start, uint64_t end, uint64_t block_size)
{
	struct hplab_candidate *grown;

	start = (start + block_size - 1) / block_size * block_size;
	end = (end + 1) / block_size * block_size;
	if (end <= start)
		return 0;
	grown = realloc(*list, (*count + 1) * sizeof(**list));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*count].start = start;
	grown[*count].end = end - 1;
	grown[*count].claimed = false;
	(*count)++;
	return 0;
}

/*
 * Where hotplug_lab may claim, by the module's own rule: top-level
 * "Reserved" entries of /proc/iomem, cut to the parts that are RAM in the
 * firmware's memory map (a Reserved range elsewhere may be MMIO: PCI ECAM,
 * APIC, BIOS ROM) and to whole memory blocks. A range with hotplug_lab's
 * claim inside is marked. -ENODATA: no firmware memory map to tell.
 */
int hplab_reserved_candidates(const struct hplab_ctx *ctx, uint64_t block_size,
			      struct hplab_candidate **out, size_t *nr)
{
	char *text = hplab_read(ctx, _PATH_PROC_IOMEM), *line, *save = NULL;
	struct hplab_candidate *list = NULL;
	struct hplab_range_pair *ram;
	uint64_t start, end;
	size_t count = 0, first, entries = 0, zeros = 0;
	long nr_ram, i;
	int name;

	*out = NULL;
	*nr = 0;
	if (!text)
		return -errno;
	if (!block_size) {
		free(text);
		return -EINVAL;
	}
	nr_ram = hplab_firmware_ram(ctx, &ram);
	if (nr_ram < 0) {
		free(text);
		return -ENODATA;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* "<start>-<end> : <name>", indented by two per level */
		name = 0;
		if (sscanf(line, " %" SCNx64 "-%" SCNx64 "%n", &start, &end, &name) != 2 ||
		    strncmp(line + name, " : ", 3) || end < start)
			continue;
		name += 3;
		entries++;
		zeros += !start && !end;
		if (line[0] == ' ' && strstr(line + name, "hotplug_lab region"))
			for (first = 0; first < count; first++)
				if (start >= list[first].start && end <= list[first].end)
					list[first].claimed = true;
		if (line[0] == ' ' || strcmp(line + name, "Reserved"))
			continue;
		for (i = 0; i < nr_ram; i++) {
			uint64_t lo = start > ram[i].start ? start : ram[i].start;
			uint64_t hi = end < ram[i].end ? end : ram[i].end;

			if (lo <= hi && hplab_add_candidate(&list, &count, lo, hi, block_size))
				break;
		}
	}
	free(ram);
	free(text);
	/* To a user who is not root the kernel shows every address as 0. */
	if (entries > 1 && zeros == entries) {
		free(list);
		return -EACCES;
	}
	*out = list;
	*nr = count;
	return 0;
}
