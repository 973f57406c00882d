// SPDX-License-Identifier: GPL-2.0
/*
 * Adding and removing memory, and the granularity rules of both.
 *
 * Add: a request is cut into pieces of the group's add granularity; each
 * piece is one add_memory_driver_managed() call, recorded as one struct
 * hplab_chunk. If a call fails, or the kernel's online policy cannot
 * online what one added (see hplab_add_chunk()), the pieces already added
 * for the request are removed again, so a failed add leaves nothing
 * behind.
 *
 * Remove, check=module (the default): a request must consist of whole
 * chunks of one group (memory is never removed in a smaller piece than it
 * was added in), a static group is removed as a whole, a dynamic group in
 * whole, aligned units, and all of it or nothing. Linux 7.3 does that in
 * one call, offline_and_remove_memory_ranges(): it offlines every block of
 * every chunk under one device_hotplug_lock, onlines them again in their
 * zones if one cannot be offlined, and removes only once all are offline.
 *
 * Before 7.3, one chunk is one offline_and_remove_memory() call, which
 * offlines, removes and on failure re-onlines by itself. Several chunks
 * need several calls, and a later call failing must not leave the
 * earlier chunks removed. So a remove of several chunks first offlines
 * every block of every chunk through sysfs (see blocks.c), onlining them
 * again if one block cannot be offlined, and only then removes the now
 * offline chunks one by one with remove_memory(), which does not allocate
 * what it could fail for. Between the two phases anybody could online
 * a block through sysfs again; a memory notifier refuses that for as long
 * as the remove runs (see hplab_guard_set()), so removing offline memory
 * does not fail. A signal stops the offlining (-EINTR), as it stops
 * offline_pages(), and the blocks offlined so far are put back before
 * the write returns.
 *
 * Remove, check=kernel: one offline_and_remove_memory() over exactly the
 * request, so the kernel's own granularity check decides. The module still
 * refuses what it knows would make the kernel WARN or would leave
 * /proc/iomem out of sync with the memory that exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/range.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "hotplug_lab.h"

static inline u64 hplab_chunk_end(const struct hplab_chunk *chunk)
{
	return chunk->start + chunk->size;
}

static bool hplab_chunk_in(const struct hplab_chunk *chunk, u64 start,
			   u64 end)
{
	return chunk->start >= start && hplab_chunk_end(chunk) <= end;
}

static bool hplab_chunk_intersects(const struct hplab_chunk *chunk, u64 start,
				   u64 end)
{
	return chunk->start < end && hplab_chunk_end(chunk) > start;
}

static void hplab_chunk_insert(struct hplab_chunk *new)
{
	struct hplab_chunk *chunk;

	list_for_each_entry(chunk, &hplab.chunks, list)
		if (chunk->start > new->start)
			break;
	list_add_tail(&new->list, &chunk->list);
}

/* The memory of @chunk is gone: forget it and its module reference. */
static void hplab_chunk_forget(struct hplab_chunk *chunk)
{
	chunk->group->added -= chunk->size;
	list_del(&chunk->list);
	kfree(chunk);
	module_put(THIS_MODULE);
}

static u64 hplab_add_granularity(const struct hplab_group *group,
				 bool memmap_on_memory, u64 request_size)
{
	if (group->granularity)
		return group->granularity;
	if (memmap_on_memory && !HPLAB_MEMMAP_ON_MEMORY_MULTI_BLOCK)
		return memory_block_size_bytes();
	return group->dynamic ? group->size : request_size;
}

static const char *hplab_add_error_reason(int err)
{
	switch (err) {
	case -ENOMEM:
		return "the kernel ran out of memory for the add";
	case -EEXIST:
		return "the kernel has memory or a resource in the range (see /proc/iomem)";
	default:
		return "add_memory_driver_managed() failed: see dmesg for the kernel's reason";
	}
}

/*
 * One add_memory_driver_managed() call. Where the kernel's online policy
 * onlines what is added, a block that a memory notifier refuses is left
 * offline by the kernel (with every block after it), which still reports
 * success; that memory is not what the policy promised, so the chunk is
 * recorded, to be removed with the rest of the request, and the add
 * fails.
 */
static int hplab_add_chunk(struct hplab_group *group, u64 start, u64 size,
			   mhp_t flags, const char **why)
{
	struct hplab_chunk *chunk;
	bool refused;
	u64 block;
	int ret;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return hplab_reject(why, -ENOMEM, "out of memory");
	hplab_online_watch_begin();
	ret = add_memory_driver_managed(group->mgid, start, size,
					hplab.ram_name, flags);
	refused = hplab_online_watch_end(&block);
	if (ret) {
		kfree(chunk);
		return hplab_reject(why, ret, hplab_add_error_reason(ret));
	}
	/* Memory is added: plain rmmod must refuse now. */
	__module_get(THIS_MODULE);
	chunk->group = group;
	chunk->start = start;
	chunk->size = size;
	chunk->vmemmap_pages = hplab_count_vmemmap_pages(start, size);
	hplab_chunk_insert(chunk);
	group->added += size;
	pr_info("added %#llx-%#llx to group %d, %lu memmap pages inside\n",
		start, start + size - 1, group->mgid, chunk->vmemmap_pages);
	if ((flags & MHP_MEMMAP_ON_MEMORY) && !chunk->vmemmap_pages)
		pr_notice("%#llx-%#llx: memmap_on_memory was asked for, but the kernel placed the memmap elsewhere\n",
			  start, start + size - 1);
	if (refused) {
		block = div64_u64(block, memory_block_size_bytes());
		pr_notice("memory%llu refused to go online as the online policy asks (a memory notifier): undoing the add\n",
			  block);
		return hplab_reject_fmt(why, -EBUSY,
					"the kernel's online policy onlines added memory, and a memory notifier refused memory%llu: the add was undone",
					block);
	}
	return 0;
}

/**
 * hplab_chunks_abandon() - forget every chunk at a forced unload
 *
 * rmmod -f unloads the module although chunks hold references on it: their
 * memory stays added, owned by the kernel, until reboot.
 */
void hplab_chunks_abandon(void)
{
	struct hplab_chunk *chunk, *next;

	lockdep_assert_held(&hplab.lock);
	list_for_each_entry_safe(chunk, next, &hplab.chunks, list) {
		list_del(&chunk->list);
		kfree(chunk);
	}
}

static int hplab_remove_chunk(struct hplab_chunk *chunk)
{
	u64 start = chunk->start, size = chunk->size;
	int ret;

	ret = offline_and_remove_memory(start, size);
	if (ret)
		return ret;
	pr_info("removed %#llx-%#llx from group %d\n", start, start + size - 1,
		chunk->group->mgid);
	hplab_chunk_forget(chunk);
	return 0;
}

/**
 * hplab_range_added() - is any of a range added, to any group
 * @start: physical start
 * @size: size
 *
 * Return: true if an add overlaps [@start, @start + @size).
 */
bool hplab_range_added(u64 start, u64 size)
{
	struct hplab_chunk *chunk;

	lockdep_assert_held(&hplab.lock);
	list_for_each_entry(chunk, &hplab.chunks, list)
		if (hplab_chunk_intersects(chunk, start, start + size))
			return true;
	return false;
}

/* A range add and remove may act on: block aligned, inside the region. */
static int hplab_check_range(u64 start, u64 size, const char **why)
{
	const u64 block_size = memory_block_size_bytes();

	if (!hplab.region)
		return hplab_reject(why, -ERANGE,
				    "no region is claimed: write '<start> <size>' to the region file first");
	if (!size || !IS_ALIGNED(start, block_size) ||
	    !IS_ALIGNED(size, block_size))
		return hplab_reject(why, -EINVAL,
				    "start and size must be non-zero multiples of the memory block size (see block_size in info)");
	if (!hplab_region_contains(start, size))
		return hplab_reject(why, -ERANGE,
				    "the range is not inside the claimed region (see the region file)");
	return 0;
}

/**
 * hplab_check_memmap_on_memory() - can adds to a group self-host the memmap
 * @group: the group
 * @why: set to the reason of a rejection
 *
 * Return: 0 if an add with memmap=on would self-host it, or -EOPNOTSUPP
 * with @why set.
 */
int hplab_check_memmap_on_memory(const struct hplab_group *group,
				 const char **why)
{
	if (!hplab_memmap_on_memory())
		return hplab_reject(why, -EOPNOTSUPP,
				    "memmap=on needs memory_hotplug.memmap_on_memory=1 on the kernel command line");
	if (!HPLAB_MEMMAP_ON_MEMORY_MULTI_BLOCK &&
	    group->granularity > memory_block_size_bytes())
		return hplab_reject(why, -EOPNOTSUPP,
				    "kernels before 6.8 self-host the memmap of one memory block per add only: set this group's granularity to the block size");
	return 0;
}

/**
 * hplab_add() - hot-add memory to a group
 * @mgid: memory group id
 * @start: physical start, inside the region
 * @size: size
 * @memmap_on_memory: self-host the memmap (MHP_MEMMAP_ON_MEMORY)
 * @online: NULL, or what to write to the state file of each block the
 *	kernel's online policy left offline ("online", "online_kernel" or
 *	"online_movable")
 * @why: set to the reason of a rejection
 *
 * The event of a successful add shows how long the kernel's add calls
 * took (with the policy's onlining, if it onlines) and the onlining
 * asked by @online.
 *
 * Return: 0 on success, or a negative errno with @why set. On failure
 * nothing of the request stays added, but for -EIO: memory onlined by the
 * kernel's online policy or by @online that could not be removed again.
 */
int hplab_add(int mgid, u64 start, u64 size, bool memmap_on_memory,
	      const char *online, const char **why)
{
	struct hplab_group *group = hplab_group_find(mgid);
	struct hplab_chunk *chunk, *next;
	mhp_t flags = MHP_NID_IS_MGID;
	u64 granularity, addr, rest;
	u64 began, added;
	int ret;

	lockdep_assert_held(&hplab.lock);
	if (!group)
		return hplab_reject(why, -ENOENT,
				    "no such group: create one in the groups file");
	ret = hplab_check_range(start, size, why);
	if (ret)
		return ret;
	if (hplab_range_added(start, size))
		return hplab_reject(why, -EEXIST,
				    "part of the range is already added (see the ranges file)");
	if (!group->dynamic && group->added + size > group->size)
		return hplab_reject(why, -ENOSPC,
				    "the static group would grow past its maximum size");
	if (group->dynamic && (!IS_ALIGNED(start, group->size) ||
			       !IS_ALIGNED(size, group->size)))
		return hplab_reject(why, -EINVAL,
				    "a dynamic group adds whole units: start and size must be multiples of its unit");
	if (memmap_on_memory) {
		ret = hplab_check_memmap_on_memory(group, why);
		if (ret)
			return ret;
		flags |= MHP_MEMMAP_ON_MEMORY;
	}
	granularity = hplab_add_granularity(group, memmap_on_memory, size);
	div64_u64_rem(size, granularity, &rest);
	if (rest)
		return hplab_reject(why, -EINVAL,
				    "the size is not a multiple of the group's add granularity (see the granularity file)");

	began = ktime_get_ns();
	for (addr = start; addr < start + size; addr += granularity) {
		ret = hplab_add_chunk(group, addr, granularity, flags, why);
		if (ret)
			break;
	}
	added = ktime_get_ns();
	if (!ret && online) {
		ret = hplab_online_range(start, size, online, &addr);
		if (ret)
			ret = hplab_reject_fmt(why, ret,
					       "memory%llu refused %s (%pe from its state file): the add was undone",
					       div64_u64(addr, memory_block_size_bytes()),
					       online, ERR_PTR(ret));
	}
	if (!ret) {
		hplab_event_time("add", added - began);
		if (online)
			hplab_event_time("online", ktime_get_ns() - added);
		return 0;
	}

	/*
	 * Memory the online policy onlined may be in use already: what
	 * cannot be offlined again stays, and the add fails with -EIO.
	 */
	list_for_each_entry_safe(chunk, next, &hplab.chunks, list) {
		if (hplab_chunk_in(chunk, start, start + size) &&
		    hplab_remove_chunk(chunk)) {
			pr_err("could not remove %#llx-%#llx again after a failed add\n",
			       chunk->start, hplab_chunk_end(chunk) - 1);
			ret = hplab_reject(why, -EIO,
					   "the add failed, and memory it had added could not be removed again: it stays added (see the ranges file and dmesg)");
		}
	}
	return ret;
}

static const char *hplab_remove_error_reason(int err)
{
	if (err == -EBUSY)
		return "memory in the range is in use and could not be offlined; "
		       "nothing was removed";
	if (err == -EINTR)
		return "the remove was interrupted by a signal; "
		       "nothing was removed";
	return "the kernel could not offline and remove the memory: see dmesg; nothing was removed";
}

static bool hplab_chunk_requested(const struct hplab_chunk *chunk,
				  const struct hplab_group *group, u64 start,
				  u64 end)
{
	return chunk->group == group && hplab_chunk_in(chunk, start, end);
}

/*
 * The chunks of @group in [@start, @end) as ranges with inclusive ends, in
 * address order, or NULL without memory; *@nr_ranges is set to how many.
 */
static struct range *hplab_requested_ranges(const struct hplab_group *group,
					    u64 start, u64 end,
					    unsigned int *nr_ranges)
{
	struct hplab_chunk *chunk;
	struct range *ranges;
	unsigned int nr = 0;

	list_for_each_entry(chunk, &hplab.chunks, list)
		nr += hplab_chunk_requested(chunk, group, start, end);
	ranges = kcalloc(nr, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return NULL;
	*nr_ranges = 0;
	list_for_each_entry(chunk, &hplab.chunks, list) {
		if (!hplab_chunk_requested(chunk, group, start, end))
			continue;
		ranges[*nr_ranges].start = chunk->start;
		ranges[*nr_ranges].end = hplab_chunk_end(chunk) - 1;
		(*nr_ranges)++;
	}
	return ranges;
}

/* The chunks of @group in [@start, @end) are removed: forget them. */
static void hplab_forget_requested(struct hplab_group *group, u64 start,
				   u64 end)
{
	struct hplab_chunk *chunk, *next;

	list_for_each_entry_safe(chunk, next, &hplab.chunks, list) {
		if (!hplab_chunk_requested(chunk, group, start, end))
			continue;
		pr_info("removed %#llx-%#llx from group %d\n", chunk->start,
			hplab_chunk_end(chunk) - 1, group->mgid);
		hplab_chunk_forget(chunk);
	}
}

/*
 * The kernel offlines and removes @ranges, and puts back what it offlined
 * if it cannot (one range before 7.3). A block it could not online again
 * it only warns about: that is -EIO here, naming the block. The online
 * watch tells that its rollback met a refusal (in this task); only then
 * are the blocks compared with their states before, so that a block
 * another task offlined meanwhile is not taken for one.
 */
static int hplab_kernel_remove(const struct range *ranges,
			       unsigned int nr_ranges, const char **why)
{
	enum hplab_block_state *before;
	bool refused;
	u64 block;
	int ret;

	before = hplab_blocks_save(ranges, nr_ranges);
	if (!before)
		return hplab_reject(why, -ENOMEM, "out of memory");
	hplab_online_watch_begin();
#ifdef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
	ret = offline_and_remove_memory_ranges(ranges, nr_ranges);
#else
	ret = offline_and_remove_memory(ranges[0].start, range_len(&ranges[0]));
#endif
	refused = hplab_online_watch_end(&block);
	if (ret) {
		hplab_reject(why, ret, hplab_remove_error_reason(ret));
		if (refused)
			ret = hplab_blocks_check_back(ranges, nr_ranges, before,
						      why) ?: ret;
	}
	kfree(before);
	return ret;
}

#ifdef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
/*
 * Remove the chunks of @group that lie in [@start, @end), all or nothing:
 * one offline_and_remove_memory_ranges() call, one range per chunk.
 */
static int hplab_remove_chunks(struct hplab_group *group, u64 start, u64 end,
			       const char **why)
{
	unsigned int nr_ranges;
	struct range *ranges;
	int ret;

	ranges = hplab_requested_ranges(group, start, end, &nr_ranges);
	if (!ranges)
		return hplab_reject(why, -ENOMEM, "out of memory");
	ret = hplab_kernel_remove(ranges, nr_ranges, why);
	kfree(ranges);
	if (ret)
		return ret;
	hplab_forget_requested(group, start, end);
	return 0;
}
#else
static bool phase_hold;
module_param(phase_hold, bool, 0644);
MODULE_PARM_DESC(phase_hold,
		 "Testing: while Y, a remove of several adds waits between offlining and removing them, the window in which only the remove guard keeps others from onlining them (default N)");

/* While phase_hold is set: 0, or -EINTR for a signal. */
static int hplab_phase_hold(void)
{
	while (READ_ONCE(phase_hold)) {
		if (schedule_timeout_interruptible(HZ / 10) ||
		    signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/*
 * Remove the chunks of @group that lie in [@start, @end), all or nothing,
 * on a kernel without offline_and_remove_memory_ranges() (see the comment
 * at the top of this file). While it runs, nobody else may online the
 * memory (see hplab_guard_set()).
 */
static int hplab_remove_chunks(struct hplab_group *group, u64 start, u64 end,
			       const char **why)
{
	const u64 block_size = memory_block_size_bytes();
	unsigned long done = 0;
	enum hplab_block_state *saved;
	unsigned int i, nr_ranges;
	struct range *ranges;
	int ret = -ENOMEM;

	ranges = hplab_requested_ranges(group, start, end, &nr_ranges);
	if (!ranges)
		return hplab_reject(why, -ENOMEM, "out of memory");
	if (nr_ranges == 1) {
		/* One call offlines, removes and on failure puts back. */
		ret = hplab_kernel_remove(ranges, 1, why);
		if (!ret)
			hplab_forget_requested(group, start, end);
		goto out_free_ranges;
	}
	saved = hplab_blocks_alloc(ranges, nr_ranges);
	if (!saved) {
		hplab_reject(why, ret, "out of memory");
		goto out_free_ranges;
	}

	ret = hplab_guard_set(ranges, nr_ranges);
	if (ret) {
		hplab_reject(why, ret, hplab_remove_error_reason(ret));
		goto out_free_saved;
	}
	for (i = 0; i < nr_ranges; i++) {
		ret = hplab_offline_blocks(ranges[i].start,
					   range_len(&ranges[i]), saved + done);
		if (ret)
			goto err_restore;
		done += div64_u64(range_len(&ranges[i]), block_size);
	}

	ret = hplab_phase_hold();
	if (ret)
		goto err_restore;
	/*
	 * Every block is offline and stays so: remove_memory() only removes
	 * (offline_and_remove_memory() would first allocate for a rollback,
	 * and could fail with -ENOMEM after the ranges before it are gone).
	 */
	done = 0;
	for (i = 0; i < nr_ranges; i++) {
		ret = remove_memory(ranges[i].start, range_len(&ranges[i]));
		if (ret) {
			pr_err("could not remove offline memory %#llx-%#llx: %pe\n",
			       ranges[i].start, ranges[i].end, ERR_PTR(ret));
			hplab_reject(why, ret,
				     "the kernel refused to remove offline memory: memory before it was removed, the rest is back as it was (see dmesg and the ranges file)");
			ret = hplab_restore_blocks(ranges + i, nr_ranges - i,
						   saved + done, why) ?: ret;
			hplab_forget_requested(group, start, ranges[i].start);
			goto out_clear_guard;
		}
		done += div64_u64(range_len(&ranges[i]), block_size);
	}
	hplab_forget_requested(group, start, end);
	goto out_clear_guard;

err_restore:
	hplab_reject(why, ret, hplab_remove_error_reason(ret));
	ret = hplab_restore_blocks(ranges, nr_ranges, saved, why) ?: ret;
out_clear_guard:
	hplab_guard_clear();
out_free_saved:
	kfree(saved);
out_free_ranges:
	kfree(ranges);
	return ret;
}
#endif

/*
 * check=kernel: one offline_and_remove_memory() over [@start, @end). The
 * module only refuses what would make the kernel WARN or leave /proc/iomem
 * wrong, then makes its records follow what the kernel did.
 */
static int hplab_remove_by_kernel(struct hplab_group *group, u64 start,
				  u64 end, const char **why)
{
	const struct range range = { .start = start, .end = end - 1 };
	struct hplab_chunk *chunk, *next, *right = NULL;
	unsigned int nr_chunks = 0, nr_memmap_on = 0;
	bool partial = false;
	int ret;

	list_for_each_entry(chunk, &hplab.chunks, list) {
		if (!hplab_chunk_intersects(chunk, start, end))
			continue;
		nr_chunks++;
		nr_memmap_on += !!chunk->vmemmap_pages;
		partial |= !hplab_chunk_in(chunk, start, end);
	}
	if (nr_memmap_on && nr_memmap_on != nr_chunks)
		return hplab_reject(why, -EINVAL,
				    "one kernel call must not mix memory added with memmap=on and memmap=off (Linux 6.8+ WARNs on it): remove them separately");
	/*
	 * try_remove_memory() releases the /proc/iomem resource of the range
	 * only when the range lies inside one resource; the module can
	 * release whole leftover resources, but cannot trim one it does not
	 * own.
	 */
	if (partial && nr_chunks > 1)
		return hplab_reject(why, -EINVAL,
				    "a kernel-judged remove either stays inside one add or covers whole adds, or /proc/iomem would keep resources of removed memory");

	/* A hole punched into one chunk leaves two: record both. */
	right = kzalloc(sizeof(*right), GFP_KERNEL);
	if (!right)
		return hplab_reject(why, -ENOMEM, "out of memory");

	ret = hplab_kernel_remove(&range, 1, why);
	if (ret) {
		kfree(right);
		if (ret == -EINVAL && nr_memmap_on)
			return hplab_reject(why, ret,
					    "the kernel refused to remove memmap_on_memory memory in another granularity than it was added ('wrong granularity' in dmesg)");
		return ret;
	}
	pr_info("kernel removed %#llx-%#llx from group %d\n", start, end - 1,
		group->mgid);

	list_for_each_entry_safe(chunk, next, &hplab.chunks, list) {
		if (!hplab_chunk_intersects(chunk, start, end))
			continue;
		if (hplab_chunk_in(chunk, start, end)) {
			if (nr_chunks > 1 &&
			    region_intersects(chunk->start, chunk->size,
					      IORESOURCE_SYSTEM_RAM,
					      IORES_DESC_NONE) == REGION_INTERSECTS)
				release_mem_region(chunk->start, chunk->size);
			hplab_chunk_forget(chunk);
			continue;
		}
		/* The kernel trimmed or split the resource: follow it. */
		group->added -= end - start;
		if (chunk->start < start && hplab_chunk_end(chunk) > end) {
			right->group = group;
			right->start = end;
			right->size = hplab_chunk_end(chunk) - end;
			right->vmemmap_pages =
				hplab_count_vmemmap_pages(right->start, right->size);
			/* The kernel's second resource has our name too. */
			__module_get(THIS_MODULE);
			list_add(&right->list, &chunk->list);
			right = NULL;
			chunk->size = start - chunk->start;
		} else if (chunk->start < start) {
			chunk->size = start - chunk->start;
		} else {
			chunk->size = hplab_chunk_end(chunk) - end;
			chunk->start = end;
		}
		chunk->vmemmap_pages =
			hplab_count_vmemmap_pages(chunk->start, chunk->size);
	}
	kfree(right);
	return 0;
}

/* Is all of [@start, @end) added, and only to @group? */
static int hplab_check_added(struct hplab_group *group, u64 start, u64 end,
			     const char **why)
{
	struct hplab_chunk *chunk;
	u64 covered = start;

	list_for_each_entry(chunk, &hplab.chunks, list) {
		if (!hplab_chunk_intersects(chunk, start, end))
			continue;
		if (chunk->group != group)
			return hplab_reject(why, -EINVAL,
					    "the range includes memory of another group (see the ranges file)");
		if (chunk->start > covered)
			break;
		covered = hplab_chunk_end(chunk);
	}
	if (covered < end)
		return hplab_reject(why, -ENOENT,
				    "part of the range is not added (see the ranges file)");
	return 0;
}

/*
 * @remove, timed: the event of a remove that succeeded shows its two
 * phases, split where the last block the writer offlined went offline
 * (see notifier.c); no block offlined, as when all were offline already,
 * is no offline phase.
 */
static int hplab_remove_timed(int (*remove)(struct hplab_group *group,
					    u64 start, u64 end,
					    const char **why),
			      struct hplab_group *group, u64 start, u64 end,
			      const char **why)
{
	u64 began, ended, offlined;
	int ret;

	hplab_offline_timer_begin();
	began = ktime_get_ns();
	ret = remove(group, start, end, why);
	ended = ktime_get_ns();
	offlined = hplab_offline_timer_end();
	if (ret)
		return ret;
	if (!offlined)
		offlined = began;
	hplab_event_time("offline", offlined - began);
	hplab_event_time("remove", ended - offlined);
	return 0;
}

/**
 * hplab_remove() - offline and remove memory of a group
 * @mgid: memory group id
 * @start: physical start
 * @size: size
 * @why: set to the reason of a rejection
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_remove(int mgid, u64 start, u64 size, const char **why)
{
	struct hplab_group *group = hplab_group_find(mgid);
	u64 end = start + size;
	int ret;

	lockdep_assert_held(&hplab.lock);
	if (!group)
		return hplab_reject(why, -ENOENT,
				    "no such group: see the groups file");
	ret = hplab_check_range(start, size, why);
	if (ret)
		return ret;
	ret = hplab_check_added(group, start, end, why);
	if (ret)
		return ret;

	if (hplab.check == HPLAB_CHECK_KERNEL)
		return hplab_remove_timed(hplab_remove_by_kernel, group, start,
					  end, why);

	if (!group->dynamic && size != group->added)
		return hplab_reject(why, -EINVAL,
				    "a static group is removed as a whole: write '<id> all' to the remove file");
	if (group->dynamic && (!IS_ALIGNED(start, group->size) ||
			       !IS_ALIGNED(size, group->size)))
		return hplab_reject(why, -EINVAL,
				    "a dynamic group is removed in whole units: start and size must be multiples of its unit");
	/*
	 * No chunk is cut now: a static group goes whole, and a dynamic
	 * group's chunks never cross a unit boundary (adds are whole units,
	 * the granularity divides the unit, check=kernel only shrinks them).
	 */
	return hplab_remove_timed(hplab_remove_chunks, group, start, end, why);
}

/**
 * hplab_remove_all() - offline and remove all memory of a group
 * @mgid: memory group id
 * @why: set to the reason of a rejection
 *
 * Whole chunks, whatever the check mode: no kernel refuses that.
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_remove_all(int mgid, const char **why)
{
	struct hplab_group *group = hplab_group_find(mgid);

	lockdep_assert_held(&hplab.lock);
	if (!group)
		return hplab_reject(why, -ENOENT,
				    "no such group: see the groups file");
	if (!group->added)
		return hplab_reject(why, -ENOENT,
				    "nothing is added in this group");
	return hplab_remove_timed(hplab_remove_chunks, group, 0, U64_MAX, why);
}

/**
 * hplab_set_granularity() - set the bytes per add call of a group
 * @mgid: memory group id
 * @bytes: a multiple of the memory block size; 0 restores the default
 * @why: set to the reason of a rejection
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_set_granularity(int mgid, u64 bytes, const char **why)
{
	struct hplab_group *group = hplab_group_find(mgid);
	u64 rest;

	lockdep_assert_held(&hplab.lock);
	if (!group)
		return hplab_reject(why, -ENOENT,
				    "no such group: see the groups file");
	if (!IS_ALIGNED(bytes, memory_block_size_bytes()))
		return hplab_reject(why, -EINVAL,
				    "the granularity must be a multiple of the memory block size (see block_size in info)");
	if (bytes && group->dynamic) {
		div64_u64_rem(group->size, bytes, &rest);
		if (rest)
			return hplab_reject(why, -EINVAL,
					    "a dynamic group's granularity must divide its unit");
	}
	if (bytes > group->size)
		return hplab_reject(why, -EINVAL,
				    "the granularity is larger than the static group's maximum size");
	group->granularity = bytes;
	return 0;
}

/**
 * hplab_added_bytes() - bytes added over all groups
 *
 * Return: the sum.
 */
u64 hplab_added_bytes(void)
{
	struct hplab_group *group;
	u64 sum = 0;

	lockdep_assert_held(&hplab.lock);
	list_for_each_entry(group, &hplab.groups, list)
		sum += group->added;
	return sum;
}

static void hplab_granularity_print(struct seq_file *m,
				    const struct hplab_group *group,
				    bool memmap_on_memory)
{
	if (memmap_on_memory && !HPLAB_MEMMAP_ON_MEMORY_MULTI_BLOCK &&
	    group->granularity > memory_block_size_bytes())
		seq_puts(m, " unsupported");
	else if (!group->granularity && !group->dynamic &&
		 (!memmap_on_memory || HPLAB_MEMMAP_ON_MEMORY_MULTI_BLOCK))
		seq_puts(m, " request");
	else
		seq_printf(m, " %#llx",
			   hplab_add_granularity(group, memmap_on_memory, 0));
}

/**
 * hplab_check_name() - the name of the remove check in force
 *
 * Return: "module" or "kernel".
 */
const char *hplab_check_name(void)
{
	lockdep_assert_held(&hplab.lock);
	return hplab.check == HPLAB_CHECK_KERNEL ? "kernel" : "module";
}

/**
 * hplab_limits_show() - print what the kernel allows, as "key: value" lines
 * @m: seq_file to print to
 */
void hplab_limits_show(struct seq_file *m)
{
	seq_printf(m, "block_size: %#lx\n", memory_block_size_bytes());
	seq_printf(m, "memmap_on_memory: %s\n",
		   hplab_memmap_on_memory() ? "yes" : "no");
	seq_printf(m, "memmap_on_memory_multi_block: %s\n",
		   HPLAB_MEMMAP_ON_MEMORY_MULTI_BLOCK ? "yes" : "no");
	seq_printf(m, "remove_path: %s\n", HPLAB_REMOVE_PATH);
}

/**
 * hplab_granularity_show() - print the kernel's limits and each group's rules
 * @m: seq_file to print to
 *
 * Return: 0.
 */
int hplab_granularity_show(struct seq_file *m)
{
	struct hplab_group *group;

	lockdep_assert_held(&hplab.lock);
	seq_printf(m, "check: %s\n", hplab_check_name());
	hplab_limits_show(m);
	seq_puts(m, "id type add_granularity add_granularity_memmap remove_rule\n");
	list_for_each_entry(group, &hplab.groups, list) {
		seq_printf(m, "%d %s", group->mgid,
			   group->dynamic ? "dynamic" : "static");
		hplab_granularity_print(m, group, false);
		hplab_granularity_print(m, group, true);
		if (hplab.check == HPLAB_CHECK_KERNEL)
			seq_puts(m, " kernel\n");
		else if (group->dynamic)
			seq_printf(m, " units:%#llx\n", group->size);
		else
			seq_puts(m, " whole-group\n");
	}
	return 0;
}

/**
 * hplab_ranges_show() - print a header and one row per chunk
 * @m: seq_file to print to
 *
 * The blocks column has one letter per memory block: '-' offline,
 * 'k' online in a kernel zone, 'm' online movable. Each block's state is
 * read once, so that the state column always agrees with the letters even
 * while blocks are onlined or offlined through sysfs.
 *
 * Return: 0, or -ENOMEM.
 */
int hplab_ranges_show(struct seq_file *m)
{
	static const char letter[] = {
		[HPLAB_BLOCK_OFFLINE] = '-',
		[HPLAB_BLOCK_ONLINE_KERNEL] = 'k',
		[HPLAB_BLOCK_ONLINE_MOVABLE] = 'm',
	};
	const u64 block_size = memory_block_size_bytes();
	struct hplab_chunk *chunk;
	unsigned long i, nr_blocks, online;
	char *blocks;

	lockdep_assert_held(&hplab.lock);
	seq_puts(m, "group start end size memmap vmemmap_pages state blocks\n");
	list_for_each_entry(chunk, &hplab.chunks, list) {
		nr_blocks = div64_u64(chunk->size, block_size);
		blocks = kmalloc(nr_blocks + 1, GFP_KERNEL);
		if (!blocks)
			return -ENOMEM;
		online = 0;
		for (i = 0; i < nr_blocks; i++) {
			enum hplab_block_state state =
				hplab_block_state(chunk->start + i * block_size);

			blocks[i] = letter[state];
			online += state != HPLAB_BLOCK_OFFLINE;
		}
		blocks[nr_blocks] = '\0';
		seq_printf(m, "%d %#llx %#llx %#llx %s %lu %s %s\n",
			   chunk->group->mgid, chunk->start,
			   hplab_chunk_end(chunk) - 1, chunk->size,
			   chunk->vmemmap_pages ? "on" : "off",
			   chunk->vmemmap_pages, !online ? "offline" :
			   online == nr_blocks ? "online" : "partial", blocks);
		kfree(blocks);
	}
	return 0;
}
