/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel differences hotplug_lab has to live with, in one place.
 *
 * HPLAB_HAVE_* macros come from compile tests against the kernel headers
 * run by Kbuild (see the top-level Kbuild file), so no LINUX_VERSION_CODE
 * checks are needed: a distribution kernel with a backport gets the right
 * answer.
 */
#ifndef _HOTPLUG_LAB_COMPAT_H
#define _HOTPLUG_LAB_COMPAT_H

#include <linux/gfp.h>
#include <linux/memory_hotplug.h>

#if !IS_ENABLED(CONFIG_MEMORY_HOTPLUG) || !IS_ENABLED(CONFIG_MEMORY_HOTREMOVE)
#error "hotplug_lab needs CONFIG_MEMORY_HOTPLUG=y and CONFIG_MEMORY_HOTREMOVE=y"
#endif

#ifndef MHP_NID_IS_MGID
#error "hotplug_lab needs memory groups (MHP_NID_IS_MGID, Linux 5.15 or later)"
#endif

/*
 * Since Linux 6.8 (commit "mm/memory_hotplug: split memmap_on_memory
 * requests across memblocks") every memory block gets its own altmap, so a
 * multi-block MHP_MEMMAP_ON_MEMORY add is split by the kernel and may be
 * removed block by block. Before, such an add fails with -EINVAL and such
 * memory can only be removed one block at a time.
 */
#ifdef HPLAB_HAVE_MEMORY_BLOCK_ALTMAP
#define HPLAB_MEMMAP_ON_MEMORY_MULTI_BLOCK	true
#else
#define HPLAB_MEMMAP_ON_MEMORY_MULTI_BLOCK	false
#endif

/**
 * hplab_memmap_on_memory() - can the kernel self-host the memmap of a block
 *
 * Since Linux 6.8 mhp_supports_memmap_on_memory() is exported for
 * drivers/dax. Older kernels keep it internal; their answer for one memory
 * block is the memory_hotplug.memmap_on_memory parameter, which only
 * sysfs shows.
 *
 * Return: true if an add with MHP_MEMMAP_ON_MEMORY self-hosts the memmap.
 */
#ifdef HPLAB_HAVE_MHP_SUPPORTS_MEMMAP_ON_MEMORY_VOID
static inline bool hplab_memmap_on_memory(void)
{
	return mhp_supports_memmap_on_memory();
}
#else
bool hplab_memmap_on_memory(void);
#endif

void hplab_compat_init(void);
void hplab_compat_exit(void);
bool hplab_firmware_map_known(void);
bool hplab_firmware_ram_covers(u64 start, u64 size);

/*
 * offline_and_remove_memory_ranges() (exported since Linux 7.3) offlines
 * every block of several ranges under one device_hotplug_lock, onlines
 * them again in their old zones if one cannot be offlined, and removes the
 * ranges only once all are offline: an all-or-nothing remove of several
 * adds, which earlier kernels leave to the module (see plug.c).
 */
#ifdef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
#define HPLAB_REMOVE_PATH	"offline_and_remove_memory_ranges"
#else
#define HPLAB_REMOVE_PATH	"sysfs-offline+offline_and_remove_memory"
#endif

/*
 * mhp_get_default_online_type(), exported since Linux 7.3 (6.12 declares
 * it but keeps it to itself): what the kernel does with memory it has
 * just added, the value of /sys/devices/system/memory/auto_online_blocks.
 */
#ifdef HPLAB_HAVE_MHP_GET_DEFAULT_ONLINE_TYPE
const char *hplab_default_online_type(void);
#endif

/*
 * alloc_contig_range() (target.c migrates a block empty with it, as
 * virtio-mem does) takes the migratetype to allocate as on 6.1 and 6.12,
 * and acr_flags_t on 7.3: ACR_FLAGS_NONE is the plain allocation that
 * MIGRATE_MOVABLE asked for before.
 */
#if !IS_ENABLED(CONFIG_CONTIG_ALLOC)
#error "hotplug_lab needs CONFIG_CONTIG_ALLOC (alloc_contig_range())"
#endif
#ifdef ACR_FLAGS_NONE
#define HPLAB_ACR_MOVABLE	ACR_FLAGS_NONE
#else
#define HPLAB_ACR_MOVABLE	MIGRATE_MOVABLE
#endif

#endif /* _HOTPLUG_LAB_COMPAT_H */
