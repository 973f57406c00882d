// SPDX-License-Identifier: GPL-2.0
/*
 * Memory blocks as the kernel sees them: their online state and zone, where
 * their memmap lives, and offlining/onlining them.
 *
 * device_offline(), device_online() and lock_device_hotplug() are not
 * exported to modules, so the only way for a module to offline a memory
 * block without removing it is the standard interface everybody else
 * uses: /sys/devices/system/memory/memoryN/state. Before Linux 7.3,
 * hplab_remove() needs that to make a remove that spans several
 * add_memory_driver_managed() calls all-or-nothing (see plug.c); 7.3 does
 * it in offline_and_remove_memory_ranges().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/slab.h>
#include <asm/set_memory.h>

#include "hotplug_lab.h"

#define HPLAB_BLOCK_STATE_PATH "/sys/devices/system/memory/memory%lu/state"

/*
 * A sysfs memory block store that finds device_hotplug_lock taken returns
 * restart_syscall(): retry that many times (5 to 10 ms of sleep each)
 * before giving up on re-onlining.
 */
#define HPLAB_RESTORE_RETRIES 200

/**
 * hplab_block_state() - online state and zone of one memory block
 * @block_start: physical start address of the memory block
 *
 * The first pages of a block may hold its self-hosted memmap, so the last
 * page tells: it is online exactly when the block is.
 *
 * Return: the state of the block.
 */
enum hplab_block_state hplab_block_state(u64 block_start)
{
	u64 last = block_start + memory_block_size_bytes() - 1;
	struct page *page = pfn_to_online_page(PHYS_PFN(last));

	if (!page)
		return HPLAB_BLOCK_OFFLINE;
	if (page_zonenum(page) == ZONE_MOVABLE)
		return HPLAB_BLOCK_ONLINE_MOVABLE;
	return HPLAB_BLOCK_ONLINE_KERNEL;
}

/**
 * hplab_count_vmemmap_pages() - count memmap pages hosted inside a range
 * @start: physical start of hot-added memory
 * @size: its size
 *
 * Walks the memmap (the struct pages) of the range page by page and
 * translates each page of it to its physical address. With
 * MHP_MEMMAP_ON_MEMORY in effect those pages lie at the start of each
 * block of the range itself; otherwise they were allocated from memory
 * that was online before. x86 only, like slow_virt_to_phys().
 *
 * Return: the number of memmap pages that lie inside [@start, @start+@size).
 */
unsigned long hplab_count_vmemmap_pages(u64 start, u64 size)
{
	const unsigned long pfns_per_memmap_page = PAGE_SIZE / sizeof(struct page);
	unsigned long pfn, end_pfn = PHYS_PFN(start + size);
	unsigned long count = 0;
	phys_addr_t phys;

	for (pfn = PHYS_PFN(start); pfn < end_pfn; pfn += pfns_per_memmap_page) {
		phys = slow_virt_to_phys(pfn_to_page(pfn));
		if (phys >= start && phys < start + size)
			count++;
	}
	return count;
}

#ifndef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
/* Before 7.3 the all-or-nothing remove of several adds offlines here. */
static int hplab_block_write_state(u64 block_start, const char *state)
{
	unsigned long id = PHYS_PFN(block_start) /
			   PHYS_PFN(memory_block_size_bytes());
	struct file *file;
	loff_t pos = 0;
	char *path;
	ssize_t ret;

	path = kasprintf(GFP_KERNEL, HPLAB_BLOCK_STATE_PATH, id);
	if (!path)
		return -ENOMEM;
	file = filp_open(path, O_WRONLY, 0);
	kfree(path);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, state, strlen(state), &pos);
	filp_close(file, NULL);
	return ret < 0 ? ret : 0;
}

static const char *hplab_online_state_name(enum hplab_block_state state)
{
	return state == HPLAB_BLOCK_ONLINE_MOVABLE ? "online_movable" :
						      "online_kernel";
}

/**
 * hplab_restore_blocks() - re-online blocks offlined by hplab_offline_blocks()
 * @start: physical start, memory block aligned
 * @size: size, memory block aligned
 * @saved: the states hplab_offline_blocks() recorded, one per block
 *
 * Each block goes back to the zone it was online in. A block that still
 * cannot be onlined is reported; nothing else can be done about it.
 */
void hplab_restore_blocks(u64 start, u64 size,
			  const enum hplab_block_state *saved)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned int tries;
	u64 addr;
	int ret;

	for (addr = start; addr < start + size; addr += block_size, saved++) {
		if (*saved == HPLAB_BLOCK_OFFLINE)
			continue;
		tries = 0;
		do {
			ret = hplab_block_write_state(addr,
						      hplab_online_state_name(*saved));
			if (ret == -ERESTARTNOINTR)
				usleep_range(5000, 10000);
		} while (ret == -ERESTARTNOINTR && ++tries < HPLAB_RESTORE_RETRIES);
		if (ret)
			pr_warn("could not re-online %#llx-%#llx: %d\n",
				addr, addr + block_size - 1, ret);
	}
}

/**
 * hplab_offline_blocks() - offline every online block of a range, or none
 * @start: physical start, memory block aligned
 * @size: size, memory block aligned
 * @saved: one entry per block: the state each block had before
 *
 * When one block cannot be offlined (memory in use: -EBUSY), the blocks
 * offlined so far are onlined again in their zones, so the range ends as it
 * began. -ERESTARTNOINTR (device_hotplug_lock contended) is passed up so
 * the write() that asked for the remove is restarted.
 *
 * Return: 0 if every block of the range is offline, or a negative errno.
 */
int hplab_offline_blocks(u64 start, u64 size, enum hplab_block_state *saved)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned long i, nr_blocks = div64_u64(size, block_size);
	int ret = 0;

	for (i = 0; i < nr_blocks; i++)
		saved[i] = HPLAB_BLOCK_OFFLINE;

	for (i = 0; i < nr_blocks; i++) {
		u64 addr = start + i * block_size;
		enum hplab_block_state state = hplab_block_state(addr);

		if (state == HPLAB_BLOCK_OFFLINE)
			continue;
		ret = hplab_block_write_state(addr, "offline");
		if (ret)
			break;
		saved[i] = state;
	}
	if (ret)
		hplab_restore_blocks(start, size, saved);
	return ret;
}
#endif
