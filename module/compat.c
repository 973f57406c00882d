// SPDX-License-Identifier: GPL-2.0
/*
 * Fallbacks for kernels that lack an interface hotplug_lab uses.
 */
#include <linux/kernel.h>

#include "compat.h"
#include "hotplug_lab.h"

#ifndef HPLAB_HAVE_MHP_SUPPORTS_MEMMAP_ON_MEMORY_VOID
#define HPLAB_MEMMAP_PARAM "/sys/module/memory_hotplug/parameters/memmap_on_memory"

bool hplab_memmap_on_memory(void)
{
	char buf[8];

	/*
	 * The parameter is static in mm/memory_hotplug.c; its sysfs file
	 * prints Y or N. A kernel without it cannot self-host the memmap.
	 */
	if (hplab_read_kernel_file(HPLAB_MEMMAP_PARAM, buf, sizeof(buf)) <= 0)
		return false;
	return buf[0] == 'Y';
}
#endif
