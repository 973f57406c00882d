// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/iomem: the firmware-reserved ranges hotplug_lab could claim.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hplab.h"

/*
 * Top-level "Reserved" entries, shrunk to whole memory blocks, that hold
 * at least one block. A range with hotplug_lab's claim inside is marked.
 */
int hplab_reserved_candidates(const struct hplab_ctx *ctx, uint64_t block_size,
			      struct hplab_candidate **out, size_t *nr)
{
	char *text = hplab_read(ctx, _PATH_PROC_IOMEM), *line, *save = NULL;
	struct hplab_candidate *list = NULL, *grown;
	uint64_t start, end;
	size_t count = 0;
	int name;

	*out = NULL;
	*nr = 0;
	if (!text)
		return -errno;
	if (!block_size) {
		free(text);
		return -EINVAL;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " %" SCNx64 "-%" SCNx64 " : %n", &start, &end,
			   &name) != 2)
			continue;
		if (count && line[0] == ' ' && start >= list[count - 1].start &&
		    end <= list[count - 1].end &&
		    strstr(line + name, "hotplug_lab region"))
			list[count - 1].claimed = true;
		if (line[0] == ' ' || strcmp(line + name, "Reserved"))
			continue;
		start = (start + block_size - 1) / block_size * block_size;
		end = (end + 1) / block_size * block_size;
		if (end <= start)
			continue;
		grown = realloc(list, (count + 1) * sizeof(*list));
		if (!grown)
			break;
		list = grown;
		list[count].start = start;
		list[count].end = end - 1;
		list[count].claimed = false;
		count++;
	}
	free(text);
	*out = list;
	*nr = count;
	return 0;
}
