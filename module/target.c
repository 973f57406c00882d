// SPDX-License-Identifier: GPL-2.0
/*
 * A requested size per dynamic group, reached the way virtio-mem reaches
 * the size its hypervisor requests (drivers/virtio/virtio_mem.c, Big
 * Block Mode): one work item plugs the lowest free units of the region and
 * unplugs the group's units from the highest address down, one unit per
 * step, skips a unit that cannot be unplugged, and when a pass can do
 * nothing more tries again later, after a delay that doubles from
 * target_retry_min_ms to target_retry_max_ms, as virtio-mem's retry timer
 * does. Every step is one event.
 *
 * The work item takes hplab.lock for one step at a time, so that every
 * other operation gets its turn between steps. A write to the target file
 * announces itself before it waits for the lock (hplab_target_announce()),
 * and the work item takes no further step until it is done, as a config
 * change stops virtio-mem's: a new request replaces the old one after the
 * step under way, not after the steps the work item would otherwise win
 * the lock for. Each step holds a module reference: a module on its way
 * out adds nothing more, and hplab_target_exit() waits for the step under
 * way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn.h>
#include <linux/seq_file.h>
#include <linux/stdarg.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "hotplug_lab.h"

/*
 * The retry delays are bounded: 0 would make the work item spin on a
 * request it cannot meet, and doubling a delay near UINT_MAX would wrap.
 */
#define HPLAB_TARGET_RETRY_MIN_MS	100
#define HPLAB_TARGET_RETRY_MAX_MS	3600000

static int hplab_retry_ms_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, HPLAB_TARGET_RETRY_MIN_MS,
				     HPLAB_TARGET_RETRY_MAX_MS);
}

static const struct kernel_param_ops hplab_retry_ms_ops = {
	.set = hplab_retry_ms_set,
	.get = param_get_uint,
};

static unsigned int target_retry_min_ms = 50000;
module_param_cb(target_retry_min_ms, &hplab_retry_ms_ops,
		&target_retry_min_ms, 0644);
MODULE_PARM_DESC(target_retry_min_ms,
		 "Delay before a request's first retry, doubled up to target_retry_max_ms; 100 to 3600000 (default 50000, virtio-mem's)");

static unsigned int target_retry_max_ms = 300000;
module_param_cb(target_retry_max_ms, &hplab_retry_ms_ops,
		&target_retry_max_ms, 0644);
MODULE_PARM_DESC(target_retry_max_ms,
		 "Longest delay between a request's retries, 100 to 3600000; below target_retry_min_ms it counts as that (default 300000, virtio-mem's)");

static bool hold_fence;
module_param(hold_fence, bool, 0644);
MODULE_PARM_DESC(hold_fence,
		 "Testing: while Y, the work item waits with the unit it is about to migrate fenced, before it reads the unit's block states, holding hplab.lock and keeping suspend from freezing it (held shows Y meanwhile; default N)");

/* virtio_mem_fake_offline(): ZONE_MOVABLE is worth a few more tries. */
#define HPLAB_MIGRATE_TRIES_MOVABLE	5

static void hplab_target_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(hplab_target_work, hplab_target_work_fn);

/* Writers of the target file on their way to hplab.lock. */
static atomic_t hplab_target_writers = ATOMIC_INIT(0);

static bool hplab_target_reached(const struct hplab_group *group)
{
	return group->target.reached && group->added == group->target.requested;
}

static const char *hplab_target_state(const struct hplab_group *group)
{
	if (hplab_target_reached(group))
		return "reached";
	return group->target.retrying ? "retrying" : "working";
}

/* The units of the group's size that lie wholly inside the region. */
static u64 hplab_region_units(const struct hplab_group *group)
{
	const struct resource *res = hplab.region;
	u64 first = round_up(res->start, group->size);
	u64 end = round_down(res->end + 1, group->size);

	return end > first ? div64_u64(end - first, group->size) : 0;
}

/* The lowest unit of the region that no add of any group overlaps. */
static bool hplab_target_free_unit(const struct hplab_group *group, u64 *start)
{
	const struct resource *res = hplab.region;
	u64 addr;

	for (addr = round_up(res->start, group->size);
	     addr >= res->start && addr + group->size - 1 <= res->end;
	     addr += group->size) {
		if (!hplab_range_added(addr, group->size)) {
			*start = addr;
			return true;
		}
	}
	return false;
}

/* The group's highest unit below @below that has memory added. */
static bool hplab_target_top_unit(const struct hplab_group *group, u64 below,
				  u64 *start)
{
	const struct hplab_chunk *chunk;
	bool found = false;

	list_for_each_entry(chunk, &hplab.chunks, list) {
		if (chunk->group != group || chunk->start >= below)
			continue;
		*start = round_down(chunk->start, group->size);
		found = true;
	}
	return found;
}

/* The bytes of the group's unit at @start that are added. */
static u64 hplab_unit_added(const struct hplab_group *group, u64 start)
{
	const struct hplab_chunk *chunk;
	u64 added = 0, first, end;

	list_for_each_entry(chunk, &hplab.chunks, list) {
		if (chunk->group != group)
			continue;
		first = max(chunk->start, start);
		end = min(chunk->start + chunk->size, start + group->size);
		if (end > first)
			added += end - first;
	}
	return added;
}

/*
 * Is a unit of the group only partly added (a remove with check=kernel
 * took part of it, or a failed step left part of it)? Its start goes to
 * @start. The work item plugs and unplugs whole units: with such a unit
 * it would never meet the request, and would plug and unplug for ever.
 * A dynamic group's chunks never cross a unit boundary (see
 * hplab_remove()), so each lies in one unit.
 */
static bool hplab_target_partial_unit(const struct hplab_group *group,
				      u64 *start)
{
	const struct hplab_chunk *chunk;
	u64 unit;

	list_for_each_entry(chunk, &hplab.chunks, list) {
		if (chunk->group != group)
			continue;
		unit = round_down(chunk->start, group->size);
		if (hplab_unit_added(group, unit) != group->size) {
			*start = unit;
			return true;
		}
	}
	return false;
}

/*
 * Migrate every page of an online block away and give the block back,
 * as virtio_mem_fake_offline() does (which then keeps the pages): a page
 * that cannot move makes alloc_contig_range() give up after a few tries,
 * where offline_pages() would retry for as long as no signal comes, and
 * none comes to a worker. The self-hosted memmap at the block's start
 * never moves, and is not tried.
 */
static int hplab_migrate_block(u64 block, unsigned long vmemmap_pages)
{
	unsigned long pfn = PHYS_PFN(block) + vmemmap_pages;
	unsigned long end_pfn = PHYS_PFN(block + memory_block_size_bytes());
	enum hplab_block_state state = hplab_block_state(block);
	int tries, ret = 0;

	if (state == HPLAB_BLOCK_OFFLINE)
		return 0;
	tries = state == HPLAB_BLOCK_ONLINE_MOVABLE ?
		HPLAB_MIGRATE_TRIES_MOVABLE : 1;
	while (tries--) {
		ret = alloc_contig_range(pfn, end_pfn, HPLAB_ACR_MOVABLE,
					 GFP_KERNEL | __GFP_NOWARN);
		if (!ret) {
			free_contig_range(pfn, end_pfn - pfn);
			return 0;
		}
		if (ret == -ENOMEM)
			break;
	}
	return ret;
}

/* hplab_target_migrate_unit() with the unit fenced. */
static int __hplab_target_migrate_unit(const struct hplab_group *group,
				       u64 start, const char **why)
{
	const u64 block_size = memory_block_size_bytes();
	const struct hplab_chunk *chunk;
	unsigned long vmemmap_pages;
	u64 block;
	int ret;

	list_for_each_entry(chunk, &hplab.chunks, list) {
		if (chunk->start < start ||
		    chunk->start >= start + group->size)
			continue;
		/* 6.8+ gives each block its own altmap, 6.1 adds one block. */
		vmemmap_pages = chunk->vmemmap_pages /
				div64_u64(chunk->size, block_size);
		for (block = chunk->start; block < chunk->start + chunk->size;
		     block += block_size) {
			ret = hplab_migrate_block(block, vmemmap_pages);
			if (ret)
				return hplab_reject_fmt(why,
							ret == -ENOMEM ? -ENOMEM : -EBUSY,
							"memory%llu has a page that cannot be migrated (pinned, or kernel memory): the unit stays as it was",
							div64_u64(block, block_size));
		}
	}
	return 0;
}

static bool hplab_fence_holding(void)
{
	return READ_ONCE(hold_fence);
}

/*
 * Can every online block of the unit at @start be offlined now? Nobody
 * may online or offline the unit meanwhile: alloc_contig_range() over a
 * block that went offline after its state was read would walk a poisoned
 * memmap.
 */
static int hplab_target_migrate_unit(const struct hplab_group *group,
				     u64 start, const char **why)
{
	int ret = hplab_fence_set(start, group->size);

	if (ret)
		return hplab_reject(why, ret,
				    "a block of the unit is being onlined or offlined by someone else: the unit stays as it is");
	if (READ_ONCE(hold_fence))
		hplab_hold_while(hplab_fence_holding);
	ret = __hplab_target_migrate_unit(group, start, why);
	/*
	 * The remove that follows offlines the unit itself. An online by
	 * someone else before it is the window documented for a page pinned
	 * after the check: offline_pages() may then retry for long.
	 */
	hplab_fence_clear();
	return ret;
}

static __printf(4, 5) void hplab_target_log(const struct hplab_group *group,
					      int err, const char *why,
					      const char *fmt, ...)
{
	char args[HPLAB_EVENT_LEN];
	va_list ap;
	int len;

	len = scnprintf(args, sizeof(args), "%d ", group->mgid);
	va_start(ap, fmt);
	vscnprintf(args + len, sizeof(args) - len, fmt, ap);
	va_end(ap);
	hplab_event_log("target", args, err, why);
}

/* The pass stopped short: say why, and try again after the backoff. */
static void hplab_target_retry(struct hplab_group *group, int err,
			       const char *reason)
{
	struct hplab_target *target = &group->target;
	const char *why;
	unsigned int min_ms = READ_ONCE(target_retry_min_ms);
	unsigned int max_ms = max(READ_ONCE(target_retry_max_ms), min_ms);

	target->retry_ms = clamp(target->retry_ms * 2, min_ms, max_ms);
	target->retry_at = jiffies + msecs_to_jiffies(target->retry_ms);
	target->retrying = true;
	target->unplug_below = U64_MAX;
	hplab_reject_fmt(&why, err, "%#llx of %#llx plugged: %s",
			 group->added, target->requested, reason);
	hplab_target_log(group, err, why, "retry %u", target->retry_ms);
}

static void hplab_target_plug(struct hplab_group *group)
{
	struct hplab_target *target = &group->target;
	const char *why = NULL;
	u64 start;
	int ret;

	if (!hplab_target_free_unit(group, &start)) {
		hplab_target_retry(group, -ENOSPC,
				   "no free unit in the region");
		return;
	}
	ret = hplab_add(group->mgid, start, group->size,
			target->memmap_on_memory, NULL, &why);
	hplab_target_log(group, ret, why, "plug %#llx %#llx", start,
			 group->size);
	if (ret)
		hplab_target_retry(group, ret, "a unit could not be plugged");
	else
		target->retry_ms = 0;
}

static void hplab_target_unplug(struct hplab_group *group)
{
	struct hplab_target *target = &group->target;
	const char *why = NULL;
	u64 start;
	int ret;

	if (!hplab_target_top_unit(group, target->unplug_below, &start)) {
		hplab_target_retry(group, -EBUSY,
				   "no unit left that could be unplugged");
		return;
	}
	/* Busy or not, this pass goes on below this unit. */
	target->unplug_below = start;
	ret = hplab_target_migrate_unit(group, start, &why);
	if (!ret)
		ret = hplab_remove(group->mgid, start, group->size, &why);
	hplab_target_log(group, ret, why, "unplug %#llx %#llx", start,
			 group->size);
	if (!ret)
		target->retry_ms = 0;
}

/* One step towards the request of @group. */
static void hplab_target_step(struct hplab_group *group)
{
	struct hplab_target *target = &group->target;

	u64 partial;

	lockdep_assert_held(&hplab.lock);
	target->retrying = false;
	if (hplab_target_partial_unit(group, &partial)) {
		hplab_target_retry(group, -EBUSY,
				   "a unit is only partly added: write '<id> none' and remove the rest of it");
	} else if (group->added == target->requested) {
		target->reached = true;
		target->retry_ms = 0;
		hplab_target_log(group, 0, NULL, "reached %#llx",
				 target->requested);
	} else if (group->added < target->requested) {
		hplab_target_plug(group);
	} else {
		hplab_target_unplug(group);
	}
}

/*
 * The first group with a step due, or NULL; *@next is set to when the
 * first retry is due, if one is pending.
 */
static struct hplab_group *hplab_target_due(unsigned long *next, bool *pending)
{
	struct hplab_group *group;

	lockdep_assert_held(&hplab.lock);
	*pending = false;
	list_for_each_entry(group, &hplab.groups, list) {
		if (!group->target.active || hplab_target_reached(group))
			continue;
		if (!group->target.retrying ||
		    time_after_eq(jiffies, group->target.retry_at))
			return group;
		if (!*pending || time_before(group->target.retry_at, *next))
			*next = group->target.retry_at;
		*pending = true;
	}
	return NULL;
}

static void hplab_target_work_fn(struct work_struct *work)
{
	struct hplab_group *group;
	unsigned long next = 0;
	bool pending;

	for (;;) {
		/* A request on its way: it queues the work item again. */
		if (atomic_read(&hplab_target_writers))
			return;
		/* A module on its way out plugs nothing more. */
		if (!try_module_get(THIS_MODULE))
			return;
		hplab_lock();
		group = hplab_target_due(&next, &pending);
		if (group)
			hplab_target_step(group);
		else if (pending)
			mod_delayed_work(system_freezable_wq, &hplab_target_work,
					 time_after(next, jiffies) ?
					 next - jiffies : 0);
		hplab_unlock();
		module_put(THIS_MODULE);
		if (!group)
			return;
		cond_resched();
	}
}

/**
 * hplab_target_announce() - a write to the target file begins or ends
 * @begin: true before the writer waits for hplab.lock, false once it has
 *	released it (or gave up waiting)
 *
 * Between the two the work item takes no step; at the end it is queued
 * again, for the new request or the old one.
 */
void hplab_target_announce(bool begin)
{
	if (begin) {
		atomic_inc(&hplab_target_writers);
		return;
	}
	if (atomic_dec_and_test(&hplab_target_writers))
		mod_delayed_work(system_freezable_wq, &hplab_target_work, 0);
}

/**
 * hplab_target_set() - request a size for a dynamic group
 * @mgid: memory group id
 * @size: the bytes to plug, 0 or a multiple of the group's unit
 * @memmap_on_memory: plug with MHP_MEMMAP_ON_MEMORY
 * @why: set to the reason of a rejection
 *
 * Replaces the group's previous request at once; the work item, queued
 * when the write is done (hplab_target_announce()), takes the steps.
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_target_set(int mgid, u64 size, bool memmap_on_memory,
		     const char **why)
{
	struct hplab_group *group = hplab_group_find(mgid);
	struct hplab_target *target;
	u64 rest, partial;
	int ret;

	lockdep_assert_held(&hplab.lock);
	if (!group)
		return hplab_reject(why, -ENOENT,
				    "no such group: see the groups file");
	if (!group->dynamic)
		return hplab_reject(why, -EINVAL,
				    "only a dynamic group has a requested size: a static group is added as a whole");
	div64_u64_rem(size, group->size, &rest);
	if (rest)
		return hplab_reject(why, -EINVAL,
				    "the size must be a multiple of the group's unit (see the groups file)");
	if (!hplab.region)
		return hplab_reject(why, -ERANGE,
				    "no region is claimed: write '<start> <size>' to the region file first");
	if (div64_u64(size, group->size) > hplab_region_units(group))
		return hplab_reject(why, -ENOSPC,
				    "the size is larger than the units the claimed region holds");
	if (memmap_on_memory) {
		ret = hplab_check_memmap_on_memory(group, why);
		if (ret)
			return ret;
	}
	if (hplab_target_partial_unit(group, &partial))
		return hplab_reject_fmt(why, -EBUSY,
					"the unit at %#llx is only partly added (a remove with check=kernel took part of it): remove the rest of it (after '<id> none' if the group follows a request)",
					partial);

	target = &group->target;
	*target = (struct hplab_target){
		.active = true,
		.requested = size,
		.memmap_on_memory = memmap_on_memory,
		.unplug_below = U64_MAX,
	};
	return 0;
}

/**
 * hplab_target_clear() - stop following a group's request
 * @mgid: memory group id
 * @why: set to the reason of a rejection
 *
 * What is plugged stays.
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_target_clear(int mgid, const char **why)
{
	struct hplab_group *group = hplab_group_find(mgid);

	lockdep_assert_held(&hplab.lock);
	if (!group)
		return hplab_reject(why, -ENOENT,
				    "no such group: see the groups file");
	if (!group->target.active)
		return hplab_reject(why, -ENOENT,
				    "the group follows no requested size");
	group->target = (struct hplab_target){};
	return 0;
}

/**
 * hplab_target_follows() - does any group, or a given one, follow a request
 * @mgid: memory group id, or -1 for any group
 *
 * Return: true if it does: then only the work item adds and removes its
 * memory.
 */
bool hplab_target_follows(int mgid)
{
	const struct hplab_group *group;

	lockdep_assert_held(&hplab.lock);
	list_for_each_entry(group, &hplab.groups, list)
		if (group->target.active && (mgid < 0 || group->mgid == mgid))
			return true;
	return false;
}

/**
 * hplab_target_show() - print a header and one row per group with a request
 * @m: seq_file to print to
 *
 * Return: 0.
 */
int hplab_target_show(struct seq_file *m)
{
	const struct hplab_group *group;

	lockdep_assert_held(&hplab.lock);
	seq_puts(m, "id requested plugged memmap state retry_ms\n");
	list_for_each_entry(group, &hplab.groups, list) {
		if (!group->target.active)
			continue;
		seq_printf(m, "%d %#llx %#llx %s %s %u\n", group->mgid,
			   group->target.requested, group->added,
			   group->target.memmap_on_memory ? "on" : "off",
			   hplab_target_state(group),
			   group->target.retrying ? group->target.retry_ms : 0);
	}
	return 0;
}

/**
 * hplab_target_exit() - stop the work item at module exit
 *
 * The debugfs files are gone, so nothing queues it any more. A step under
 * way holds a module reference, so only rmmod -f meets one here: it is
 * waited for.
 */
void hplab_target_exit(void)
{
	/* A work item held for a test would be waited for, for ever. */
	WRITE_ONCE(hold_fence, false);
	cancel_delayed_work_sync(&hplab_target_work);
}
