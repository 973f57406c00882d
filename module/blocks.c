// SPDX-License-Identifier: GPL-2.0
/*
 * Memory blocks as the kernel sees them: their online state and zone, where
 * their memmap lives, and offlining/onlining them.
 *
 * device_offline(), device_online() and lock_device_hotplug() are not
 * exported to modules, so the only way for a module to online a memory
 * block, or to offline one without removing it, is the standard interface
 * everybody else uses: /sys/devices/system/memory/memoryN/state. An add
 * with online= onlines through it on every kernel (the kernel's own
 * online type for an add, __add_memory_driver_managed(), is for kmem
 * alone). Before Linux 7.3, hplab_remove() needs it to make a remove that
 * spans several add_memory_driver_managed() calls all-or-nothing (see
 * plug.c), and a
 * memory notifier that keeps others from onlining what it is removing
 * (notifier.c); 7.3 does both in offline_and_remove_memory_ranges(),
 * under device_hotplug_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/set_memory.h>

#include "hotplug_lab.h"

#define HPLAB_BLOCK_STATE_PATH "/sys/devices/system/memory/memory%lu/state"

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

/*
 * A block a failed remove leaves offline: dmesg names every one, the
 * event reason the first. @err is why, 0 when the kernel's own warning
 * says it.
 */
static void hplab_report_offline_block(u64 addr, int err, bool first,
				       const char **why)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned long id = PHYS_PFN(addr) / PHYS_PFN(block_size);

	if (err)
		pr_err("could not re-online memory%lu (%#llx-%#llx): %pe\n",
		       id, addr, addr + block_size - 1, ERR_PTR(err));
	else
		pr_err("could not re-online memory%lu (%#llx-%#llx): see the kernel's warning before\n",
		       id, addr, addr + block_size - 1);
	if (first)
		hplab_reject_fmt(why, -EIO,
				 "the remove failed and memory%lu could not be onlined again: it is added and offline, online it through sysfs (see dmesg for why, and for any other block)",
				 id);
}

/**
 * hplab_blocks_alloc() - one block state per block of some ranges
 * @ranges: memory block aligned ranges, with inclusive ends
 * @nr_ranges: how many
 *
 * Return: an array with one entry per block of all the ranges, each
 * HPLAB_BLOCK_OFFLINE, to be freed with kfree(), or NULL when out of
 * memory.
 */
enum hplab_block_state *hplab_blocks_alloc(const struct range *ranges,
					   unsigned int nr_ranges)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned long nr_blocks = 0;
	unsigned int i;

	for (i = 0; i < nr_ranges; i++)
		nr_blocks += div64_u64(range_len(&ranges[i]), block_size);
	return kcalloc(nr_blocks, sizeof(enum hplab_block_state), GFP_KERNEL);
}

/**
 * hplab_blocks_save() - the state of every block of some ranges
 * @ranges: memory block aligned ranges, with inclusive ends
 * @nr_ranges: how many
 *
 * Return: an array with one entry per block of all the ranges, to be
 * freed with kfree(), or NULL when out of memory.
 */
enum hplab_block_state *hplab_blocks_save(const struct range *ranges,
					  unsigned int nr_ranges)
{
	const u64 block_size = memory_block_size_bytes();
	enum hplab_block_state *states, *state;
	unsigned int i;
	u64 addr;

	states = hplab_blocks_alloc(ranges, nr_ranges);
	if (!states)
		return NULL;
	state = states;
	for (i = 0; i < nr_ranges; i++)
		for (addr = ranges[i].start; addr < ranges[i].end;
		     addr += block_size)
			*state++ = hplab_block_state(addr);
	return states;
}

/**
 * hplab_blocks_check_back() - after the kernel failed a remove: is every
 * block back in its state?
 * @ranges: the ranges of the remove
 * @nr_ranges: how many
 * @before: hplab_blocks_save() of @ranges before the remove
 * @why: set to the reason of a failure, naming the first block
 *
 * offline_and_remove_memory() and offline_and_remove_memory_ranges() put
 * back what they offlined when they fail, but only warn about a block
 * they cannot online again (a memory notifier refused it). Such a block
 * is reported here as hplab_restore_blocks() reports one.
 *
 * Return: 0, or -EIO if a block that was online stayed offline.
 */
int hplab_blocks_check_back(const struct range *ranges, unsigned int nr_ranges,
			    const enum hplab_block_state *before,
			    const char **why)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned int i, failed = 0;
	u64 addr;

	for (i = 0; i < nr_ranges; i++) {
		for (addr = ranges[i].start; addr < ranges[i].end;
		     addr += block_size, before++) {
			if (*before == HPLAB_BLOCK_OFFLINE ||
			    hplab_block_state(addr) != HPLAB_BLOCK_OFFLINE)
				continue;
			hplab_report_offline_block(addr, 0, !failed++, why);
		}
	}
	return failed ? -EIO : 0;
}

/*
 * A sysfs memory block store that finds device_hotplug_lock taken sleeps
 * 5 ms and returns restart_syscall(), which flags a signal that is not
 * there so that the syscall starts again. The module is in the middle of
 * its own write() then: restarting that would run the whole request
 * again, and offline_pages() gives up with -EINTR while a signal is
 * flagged. So the store is retried here, with the flag recomputed from the
 * signals really pending (recalc_sigpending(), under siglock as it must
 * be, keeps those and a freezer's).
 */
#define HPLAB_RESTORE_TIMEOUT (10 * HZ)

/*
 * recalc_sigpending() wants current's siglock. Only this task replaces its
 * own sighand (at exec), so it needs no RCU to be held on to here.
 */
static void hplab_recalc_sigpending(void)
{
	struct sighand_struct *sighand = unrcu_pointer(current->sighand);

	spin_lock_irq(&sighand->siglock);
	recalc_sigpending();
	spin_unlock_irq(&sighand->siglock);
}

/*
 * An add with online= onlines here, and before 7.3 the all-or-nothing
 * remove of several adds offlines here. An @interruptible write stops
 * for a pending signal (-EINTR), as the offline_pages() it may run does;
 * one that is not gives up after HPLAB_RESTORE_TIMEOUT of contention
 * (-EBUSY). Returns 1 when the block is in that state already: the store
 * says -EINVAL for it, and somebody else (a udev rule) has put it there
 * since the caller looked.
 */
static int hplab_block_write_state(u64 block_start, const char *state,
				   bool interruptible)
{
	unsigned long id = PHYS_PFN(block_start) /
			   PHYS_PFN(memory_block_size_bytes());
	unsigned long deadline = jiffies + HPLAB_RESTORE_TIMEOUT;
	struct file *file;
	loff_t pos;
	char *path;
	ssize_t ret;

	path = kasprintf(GFP_KERNEL, HPLAB_BLOCK_STATE_PATH, id);
	if (!path)
		return -ENOMEM;
	file = filp_open(path, O_WRONLY, 0);
	kfree(path);
	if (IS_ERR(file))
		return PTR_ERR(file);
	for (;;) {
		pos = 0;
		ret = kernel_write(file, state, strlen(state), &pos);
		if (ret != -ERESTARTNOINTR)
			break;
		hplab_recalc_sigpending();
		if (interruptible && signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (!interruptible && time_after(jiffies, deadline)) {
			/* Not the store's restart: the caller goes on. */
			ret = -EBUSY;
			break;
		}
	}
	filp_close(file, NULL);
	if (ret == -EINVAL &&
	    (hplab_block_state(block_start) == HPLAB_BLOCK_OFFLINE) ==
	    !strcmp(state, "offline"))
		return 1;
	return ret < 0 ? ret : 0;
}

/**
 * hplab_online_range() - online every offline block of a range
 * @start: physical start, memory block aligned
 * @size: size, memory block aligned
 * @state: what to write to each block's state file: "online",
 *	"online_kernel" or "online_movable"
 * @failed: set to the physical start of the block that could not be
 *	onlined, on failure
 *
 * One state file write per block, as a user would do, but without a
 * system call per block; blocks online already (the kernel's online
 * policy, or anybody since) are left where they are. Stops at the first
 * block that fails.
 *
 * Return: 0 if every block of the range is online, or the negative errno
 * of the failed block's store.
 */
int hplab_online_range(u64 start, u64 size, const char *state, u64 *failed)
{
	const u64 block_size = memory_block_size_bytes();
	u64 addr;
	int ret;

	for (addr = start; addr < start + size; addr += block_size) {
		if (hplab_block_state(addr) != HPLAB_BLOCK_OFFLINE)
			continue;
		ret = hplab_block_write_state(addr, state, false);
		if (ret < 0) {
			*failed = addr;
			return ret;
		}
	}
	return 0;
}

#ifndef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
static const char *hplab_online_state_name(enum hplab_block_state state)
{
	return state == HPLAB_BLOCK_ONLINE_MOVABLE ? "online_movable" :
						      "online_kernel";
}

/**
 * hplab_restore_blocks() - re-online blocks offlined by hplab_offline_blocks()
 * @ranges: memory block aligned ranges, with inclusive ends
 * @nr_ranges: how many
 * @saved: the states hplab_offline_blocks() recorded, one per block of all
 *	the ranges
 * @why: set to the reason of a failure, naming the first block
 *
 * Each block goes back to the zone it was online in. A signal does not
 * stop this: an interrupted remove still puts everything back. A block
 * that cannot be onlined again (its store kept finding device_hotplug_lock
 * taken for 10 s, or the kernel refused) is reported in dmesg and in the
 * event log; the others are restored all the same.
 *
 * Return: 0, or -EIO if a block stayed offline.
 */
int hplab_restore_blocks(const struct range *ranges, unsigned int nr_ranges,
			 const enum hplab_block_state *saved, const char **why)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned int i, failed = 0;
	u64 addr;
	int ret;

	for (i = 0; i < nr_ranges; i++) {
		for (addr = ranges[i].start; addr < ranges[i].end;
		     addr += block_size, saved++) {
			if (*saved == HPLAB_BLOCK_OFFLINE)
				continue;
			ret = hplab_block_write_state(addr,
						      hplab_online_state_name(*saved),
						      false);
			if (ret < 0)
				hplab_report_offline_block(addr, ret, !failed++,
							   why);
		}
	}
	return failed ? -EIO : 0;
}

/**
 * hplab_offline_blocks() - offline every online block of a range
 * @start: physical start, memory block aligned
 * @size: size, memory block aligned
 * @saved: one entry per block, HPLAB_BLOCK_OFFLINE on entry: set to the
 *	state of each block this function offlined
 *
 * Stops at the first block that cannot be offlined (memory in use:
 * -EBUSY; a signal: -EINTR) and leaves putting the blocks offlined so
 * far back to hplab_restore_blocks(). A block somebody else offlines
 * meanwhile is offline all the same: not an error, and not ours to put
 * back.
 *
 * Return: 0 if every block of the range is offline, or a negative errno.
 */
int hplab_offline_blocks(u64 start, u64 size, enum hplab_block_state *saved)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned long i, nr_blocks = div64_u64(size, block_size);
	int ret;

	for (i = 0; i < nr_blocks; i++) {
		u64 addr = start + i * block_size;
		enum hplab_block_state state = hplab_block_state(addr);

		if (state == HPLAB_BLOCK_OFFLINE)
			continue;
		ret = hplab_block_write_state(addr, "offline", true);
		if (ret > 0)	/* not ours to put back */
			continue;
		if (ret)
			return ret;
		saved[i] = state;
	}
	return 0;
}
#endif
