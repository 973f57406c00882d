// SPDX-License-Identifier: GPL-2.0
/*
 * Fallbacks for kernels that lack an interface hotplug_lab uses.
 */
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>

#include "compat.h"
#include "hotplug_lab.h"

#ifdef HPLAB_HAVE_MHP_GET_DEFAULT_ONLINE_TYPE
/**
 * hplab_default_online_type() - the kernel's online type for new memory
 *
 * Return: its name as /sys/devices/system/memory/auto_online_blocks shows it.
 */
const char *hplab_default_online_type(void)
{
	switch (mhp_get_default_online_type()) {
	case MMOP_ONLINE:
		return "online";
	case MMOP_ONLINE_KERNEL:
		return "online_kernel";
	case MMOP_ONLINE_MOVABLE:
		return "online_movable";
	default:
		return "offline";
	}
}
#endif

#ifndef HPLAB_HAVE_MHP_SUPPORTS_MEMMAP_ON_MEMORY_VOID
#define HPLAB_MEMMAP_PARAM "/sys/module/memory_hotplug/parameters/memmap_on_memory"

/* memory_hotplug.memmap_on_memory, read at load: it is 0444 and ro_after_init. */
static bool hplab_memmap_param;

/**
 * hplab_compat_init() - read what this kernel only shows in sysfs
 *
 * The parameter is static in mm/memory_hotplug.c; its sysfs file prints Y
 * or N, and a kernel without it cannot self-host the memmap. It is read
 * here, at load and without any lock of ours, because reading a sysfs
 * file takes that file's seq_file lock: under hplab.lock, in a debugfs
 * read that holds its own seq_file lock, lockdep sees a lock recursion.
 */
void __init hplab_compat_init(void)
{
	struct file *file;
	char buf[8] = "";
	loff_t pos = 0;

	file = filp_open(HPLAB_MEMMAP_PARAM, O_RDONLY, 0);
	if (IS_ERR(file))
		return;
	if (kernel_read(file, buf, sizeof(buf) - 1, &pos) > 0)
		hplab_memmap_param = buf[0] == 'Y';
	filp_close(file, NULL);
}

bool hplab_memmap_on_memory(void)
{
	return hplab_memmap_param;
}
#endif
