// SPDX-License-Identifier: GPL-2.0
/*
 * The region: the one physical range hotplug_lab may hot-add memory into.
 *
 * A claim must be RAM that was set aside: RAM in the firmware's own memory
 * map (see hplab_firmware_ram_covers()), reserved now (for example with
 * memmap=<size>$<start>), neither System RAM nor held busy by another
 * driver. Hot-adding anything else would add memory that does not exist
 * (a Reserved range can be MMIO: PCI ECAM, APIC, BIOS ROM) or that
 * somebody else owns; "force" skips the firmware map, for a user who
 * knows better. Like drivers/dax/kmem.c, the claim is
 * requested busy (so nobody else gets it) and then made non-busy, so that
 * add_memory_driver_managed() can nest its "System RAM (hotplug_lab)"
 * resources below it in /proc/iomem.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/range.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "compat.h"
#include "hotplug_lab.h"

/* walk_iomem_res_desc() callback: extend @arg over adjacent reserved ranges */
static int hplab_reserved_extend(struct resource *res, void *arg)
{
	u64 *covered_end = arg;

	if (res->start > *covered_end)
		return 1;	/* a gap: stop the walk */
	if (res->end + 1 > *covered_end)
		*covered_end = res->end + 1;
	return 0;
}

static bool hplab_range_is_reserved(u64 start, u64 size)
{
	u64 covered_end = start;

	/*
	 * Matches are returned in address order, clipped to the range;
	 * nested reserved ranges only move the end forward.
	 */
	walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, start,
			    start + size - 1, &covered_end,
			    hplab_reserved_extend);
	return covered_end >= start + size;
}

/**
 * hplab_region_claim() - claim a range set aside from RAM for hot-adding
 * @start: physical start, memory block aligned
 * @size: size, memory block aligned
 * @force: skip the check that the firmware's memory map has RAM there
 * @why: set to the reason of a rejection
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_region_claim(u64 start, u64 size, bool force, const char **why)
{
	const u64 block_size = memory_block_size_bytes();
	struct range pluggable = mhp_get_pluggable_range(true);
	struct resource *res;

	lockdep_assert_held(&hplab.lock);
	if (hplab.region)
		return hplab_reject(why, -EBUSY,
				    "a region is already claimed: write 'release' to the region file first");
	if (!size || !IS_ALIGNED(start, block_size) ||
	    !IS_ALIGNED(size, block_size))
		return hplab_reject(why, -EINVAL,
				    "start and size must be non-zero multiples of the memory block size (see block_size in info)");
	if (start + size < start || start < pluggable.start ||
	    start + size - 1 > pluggable.end)
		return hplab_reject(why, -ERANGE,
				    "the range is outside what this kernel can hot-plug (mhp_get_pluggable_range)");
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return hplab_reject(why, -EBUSY,
				    "the range overlaps System RAM the kernel already uses; pick a range that is 'Reserved' in /proc/iomem");
	if (!hplab_range_is_reserved(start, size))
		return hplab_reject(why, -EINVAL,
				    "the range is not entirely firmware-reserved; boot with memmap=<size>$<start> and claim inside it");
	if (!force && !hplab_firmware_map_known())
		return hplab_reject(why, -EINVAL,
				    "this kernel shows no firmware memory map (CONFIG_FIRMWARE_MEMMAP) to tell RAM from MMIO: write '<start> <size> force' if you know the range is RAM");
	if (!force && !hplab_firmware_ram_covers(start, size))
		return hplab_reject_fmt(why, -EINVAL,
					"the range is not all RAM in the firmware's memory map (/sys/firmware/memmap), so it may be MMIO: boot with memmap=%#llx$%#llx over RAM, or write 'force' (dangerous)",
					size, start);

	res = request_mem_region(start, size, hplab.region_name);
	if (!res)
		return hplab_reject(why, -EBUSY,
				    "another driver holds part of this range busy (see /proc/iomem)");
	/* Let add_memory_driver_managed() nest its resources below ours. */
	res->flags &= ~IORESOURCE_BUSY;
	hplab.region = res;
	pr_info("claimed %#llx-%#llx\n", start, start + size - 1);
	return 0;
}

/**
 * hplab_region_release() - give the claimed range back
 * @why: set to the reason of a rejection
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_region_release(const char **why)
{
	struct resource *res = hplab.region;

	lockdep_assert_held(&hplab.lock);
	if (!res)
		return hplab_reject(why, -ENOENT, "no region is claimed");
	if (!list_empty(&hplab.chunks))
		return hplab_reject(why, -EBUSY,
				    "memory is still added in the region: remove it first");
	pr_info("released %#llx-%#llx\n", (u64)res->start, (u64)res->end);
	/*
	 * As drivers/dax/kmem.c does: the resource is no longer busy, so
	 * release_mem_region() would not find it.
	 */
	remove_resource(res);
	kfree(res);
	hplab.region = NULL;
	return 0;
}

/**
 * hplab_region_contains() - is a range inside the claimed region
 * @start: physical start
 * @size: size
 *
 * Return: true if a region is claimed and contains the whole range.
 */
bool hplab_region_contains(u64 start, u64 size)
{
	struct resource *res = hplab.region;

	lockdep_assert_held(&hplab.lock);
	return res && size && start + size > start && start >= res->start &&
	       start + size - 1 <= res->end;
}

/**
 * hplab_region_show() - print the region as "<start>-<end> <size>"
 * @m: seq_file to print to
 *
 * Return: 0.
 */
int hplab_region_show(struct seq_file *m)
{
	struct resource *res = hplab.region;

	lockdep_assert_held(&hplab.lock);
	if (!res)
		seq_puts(m, "none\n");
	else
		seq_printf(m, "%#llx-%#llx %#llx\n", (u64)res->start,
			   (u64)res->end, (u64)resource_size(res));
	return 0;
}
