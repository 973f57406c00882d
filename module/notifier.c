// SPDX-License-Identifier: GPL-2.0
/*
 * The module's memory notifier: what it sees of blocks going online and
 * offline, whoever asks for it.
 *
 * - The remove guard (before Linux 7.3): between offlining the blocks of a
 *   remove and removing them, the memory hotplug core lets anybody online
 *   them again through sysfs. Like virtio-mem, the notifier refuses
 *   MEM_GOING_ONLINE for memory being removed, unless the module's own
 *   task asks (it puts blocks back when a remove fails), and the remove
 *   waits for onlines that were past the notifier already.
 * - The online watch: add_memory_driver_managed() onlines what it added
 *   when the kernel's online policy says so, and ignores a block that
 *   fails to online. The notifier sees that block's MEM_CANCEL_ONLINE, so
 *   that an add can fail as a whole instead (see plug.c).
 * - The migration fence: while target.c's work item migrates the pages of
 *   a unit it is about to unplug (alloc_contig_range(), which must not
 *   meet memory going offline under it: an offline block's memmap is
 *   poisoned), the notifier refuses MEM_GOING_ONLINE and
 *   MEM_GOING_OFFLINE for that unit, as virtio-mem's hotplug_mutex keeps
 *   onlining and offlining away from its fake-offline, and the fence is
 *   not set while an online or offline of the unit is under way.
 * - The offline timer: a remove offlines its blocks, then removes them,
 *   inside one kernel call; the notifier notes when the last block of the
 *   writer's went offline, which splits the time of the call into its
 *   two phases for the event log (see plug.c).
 * - The hold (testing): the hold_block parameter stops one block on its
 *   way online or offline, so that a test can inject a failure at exactly
 *   that block of a multi-block operation.
 *
 * Its own spinlock: hplab.lock is held across the calls into memory
 * hotplug that run the notifier.
 */
#include <linux/lockdep.h>
#include <linux/memory.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/pfn.h>
#include <linux/range.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>

#include "hotplug_lab.h"

static DEFINE_SPINLOCK(hplab_notifier_lock);
/*
 * The online or offline between its MEM_GOING_ONLINE or MEM_GOING_OFFLINE
 * and its end, if one is: both hold mem_hotplug_lock for writing, so
 * there is one at most.
 */
static bool hplab_change_in_flight;
static bool hplab_change_onlines;	/* an online, not an offline */
static u64 hplab_change_start, hplab_change_last;
#ifndef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
static DECLARE_WAIT_QUEUE_HEAD(hplab_change_done);
static const struct range *hplab_guard_ranges;	/* inclusive ends */
static unsigned int hplab_guard_nr_ranges;
static const struct task_struct *hplab_guard_task;
#endif
/* The offline timer: whose offlines, and when the last one ended (ns). */
static const struct task_struct *hplab_timer_task;
static u64 hplab_timer_offlined;
/* The migration fence, with an inclusive end. */
static bool hplab_fenced;
static u64 hplab_fence_start, hplab_fence_last;
/* The online watch. */
static const struct task_struct *hplab_watch_task;
static bool hplab_watch_refused;
static u64 hplab_watch_block;	/* the first block that failed to online */

static unsigned int hold_block;
static atomic_t hplab_hold_seen = ATOMIC_INIT(0);
static bool held;

static int hplab_hold_block_set(const char *val, const struct kernel_param *kp)
{
	unsigned int nth;
	int ret = kstrtouint(val, 0, &nth);

	if (ret)
		return ret;
	/* Count from 0 before the notifier can see the new N. */
	atomic_set(&hplab_hold_seen, 0);
	WRITE_ONCE(hold_block, nth);
	return 0;
}

static const struct kernel_param_ops hplab_hold_block_ops = {
	.set = hplab_hold_block_set,
	.get = param_get_uint,
};

module_param_cb(hold_block, &hplab_hold_block_ops, &hold_block, 0644);
MODULE_PARM_DESC(hold_block,
		 "Testing: N > 0 holds the Nth memory block that goes online or offline from now on, in the module's memory notifier (before memory-notifier-error-inject's), until hold_block is 0 again or the task gets a signal (default 0)");
module_param(held, bool, 0444);
MODULE_PARM_DESC(held, "Testing: Y while hold_block holds a block, or hold_fence the target work item");

/**
 * hplab_hold_while() - testing: wait, with held=Y, while a hold lasts
 * @holding: says whether the hold lasts
 *
 * Until @holding says no or a signal comes (none comes to a worker).
 */
void hplab_hold_while(bool (*holding)(void))
{
	WRITE_ONCE(held, true);
	while (holding() && !signal_pending(current))
		schedule_timeout_interruptible(HZ / 20);
	WRITE_ONCE(held, false);
}

static bool hplab_block_holding(void)
{
	return READ_ONCE(hold_block);
}

static void hplab_hold(void)
{
	unsigned int nth = READ_ONCE(hold_block);

	if (!nth || atomic_inc_return(&hplab_hold_seen) != nth)
		return;
	hplab_hold_while(hplab_block_holding);
}

#ifndef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
/* Does [@start, @last] meet memory being removed? */
static bool hplab_guard_covers(u64 start, u64 last)
{
	unsigned int i;

	lockdep_assert_held(&hplab_notifier_lock);
	for (i = 0; i < hplab_guard_nr_ranges; i++)
		if (hplab_guard_ranges[i].start <= last &&
		    hplab_guard_ranges[i].end >= start)
			return true;
	return false;
}

/* Refuses an online of memory being removed to anybody but the remover. */
static int hplab_guard_notify(unsigned long action, u64 start, u64 last)
{
	lockdep_assert_held(&hplab_notifier_lock);
	if (action == MEM_GOING_ONLINE && hplab_guard_task != current &&
	    hplab_guard_covers(start, last))
		return notifier_from_errno(-EBUSY);
	return NOTIFY_OK;
}

/* Is an online of memory being removed still in flight? */
static bool hplab_guarded_online_in_flight(void)
{
	bool ret;

	spin_lock(&hplab_notifier_lock);
	ret = hplab_change_in_flight && hplab_change_onlines &&
	      hplab_guard_covers(hplab_change_start, hplab_change_last);
	spin_unlock(&hplab_notifier_lock);
	return ret;
}

/**
 * hplab_guard_set() - refuse onlining of memory being removed
 * @ranges: the ranges, with inclusive ends; kept until hplab_guard_clear()
 * @nr_ranges: how many
 *
 * Only the calling task may online memory in @ranges until
 * hplab_guard_clear(). An online of memory in @ranges that got past the
 * memory notifiers before may still be making its block online: this
 * waits until it has ended, so that no online changes the block states
 * the caller reads next.
 *
 * Return: 0, or -EINTR if a signal came first (the guard is off again).
 */
int hplab_guard_set(const struct range *ranges, unsigned int nr_ranges)
{
	spin_lock(&hplab_notifier_lock);
	hplab_guard_ranges = ranges;
	hplab_guard_nr_ranges = nr_ranges;
	hplab_guard_task = current;
	spin_unlock(&hplab_notifier_lock);
	if (wait_event_interruptible(hplab_change_done,
				     !hplab_guarded_online_in_flight())) {
		hplab_guard_clear();
		return -EINTR;
	}
	return 0;
}

/**
 * hplab_guard_clear() - let anybody online memory again
 */
void hplab_guard_clear(void)
{
	spin_lock(&hplab_notifier_lock);
	hplab_guard_ranges = NULL;
	hplab_guard_nr_ranges = 0;
	hplab_guard_task = NULL;
	spin_unlock(&hplab_notifier_lock);
}
#else
static int hplab_guard_notify(unsigned long action, u64 start, u64 last)
{
	return NOTIFY_OK;
}
#endif

/*
 * Notes the online or offline in flight, unless it is refused. A
 * MEM_CANCEL_ONLINE or MEM_CANCEL_OFFLINE may come without its MEM_GOING_*
 * here (this notifier refused it, one that runs before it did, or the
 * node notifier of 6.17 and later): it ends nothing, and as there is one
 * in flight at most, nothing is lost by clearing the note.
 */
static int hplab_change_notify(unsigned long action, u64 start, u64 last)
{
	int ret = NOTIFY_OK;

	lockdep_assert_held(&hplab_notifier_lock);
	switch (action) {
	case MEM_GOING_ONLINE:
	case MEM_GOING_OFFLINE:
		if (hplab_fenced && hplab_fence_start <= last &&
		    hplab_fence_last >= start)
			return notifier_from_errno(-EBUSY);
		ret = hplab_guard_notify(action, start, last);
		if (ret != NOTIFY_OK)
			return ret;
		hplab_change_in_flight = true;
		hplab_change_onlines = action == MEM_GOING_ONLINE;
		hplab_change_start = start;
		hplab_change_last = last;
		break;
	case MEM_ONLINE:
	case MEM_CANCEL_ONLINE:
	case MEM_OFFLINE:
	case MEM_CANCEL_OFFLINE:
		hplab_change_in_flight = false;
#ifndef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
		wake_up_all(&hplab_change_done);
#endif
		break;
	}
	return ret;
}

/**
 * hplab_fence_set() - keep onlining and offlining away from a range
 * @start: physical start
 * @size: bytes
 *
 * Until hplab_fence_clear(), a block of [@start, @start + @size) that
 * anybody tries to online or offline is refused in the memory notifier
 * (EBUSY for that task).
 *
 * Context: hplab.lock held, which makes one fence at a time.
 * Return: 0, or -EBUSY if an online or offline of the range is under way
 * already (the fence is not set: the caller would have to wait for an
 * offline that may never end).
 */
int hplab_fence_set(u64 start, u64 size)
{
	int ret = 0;

	lockdep_assert_held(&hplab.lock);
	spin_lock(&hplab_notifier_lock);
	WARN_ON_ONCE(hplab_fenced);
	if (hplab_change_in_flight && hplab_change_start < start + size &&
	    hplab_change_last >= start) {
		ret = -EBUSY;
	} else {
		hplab_fenced = true;
		hplab_fence_start = start;
		hplab_fence_last = start + size - 1;
	}
	spin_unlock(&hplab_notifier_lock);
	return ret;
}

/**
 * hplab_fence_clear() - let anybody online and offline the range again
 */
void hplab_fence_clear(void)
{
	spin_lock(&hplab_notifier_lock);
	hplab_fenced = false;
	spin_unlock(&hplab_notifier_lock);
}

static int hplab_memory_cb(struct notifier_block *nb, unsigned long action,
			   void *arg)
{
	const struct memory_notify *mhp = arg;
	u64 start = PFN_PHYS(mhp->start_pfn);
	u64 last = start + PFN_PHYS(mhp->nr_pages) - 1;
	int ret;

	spin_lock(&hplab_notifier_lock);
	ret = hplab_change_notify(action, start, last);
	if (action == MEM_CANCEL_ONLINE && hplab_watch_task == current &&
	    !hplab_watch_refused) {
		hplab_watch_refused = true;
		hplab_watch_block = start;
	}
	if (action == MEM_OFFLINE && hplab_timer_task == current)
		hplab_timer_offlined = ktime_get_ns();
	spin_unlock(&hplab_notifier_lock);
	/* Past the guard and the fence: a block held here is in flight. */
	if (ret == NOTIFY_OK &&
	    (action == MEM_GOING_ONLINE || action == MEM_GOING_OFFLINE))
		hplab_hold();
	return ret;
}

/*
 * First of all: the guard and the fence refuse before any other notifier
 * has acted on the block, an online or offline is noted before another
 * notifier can refuse it, and a held block is held before
 * memory-notifier-error-inject (priority 0 by default) sees it.
 */
static struct notifier_block hplab_memory_nb = {
	.notifier_call = hplab_memory_cb,
	.priority = INT_MAX,
};

/**
 * hplab_online_watch_begin() - note blocks that fail to online for the caller
 */
void hplab_online_watch_begin(void)
{
	spin_lock(&hplab_notifier_lock);
	hplab_watch_task = current;
	hplab_watch_refused = false;
	spin_unlock(&hplab_notifier_lock);
}

/**
 * hplab_online_watch_end() - stop noting, and tell what was noted
 * @block: set to the physical start of the first block that failed to
 *	online since hplab_online_watch_begin(), if one did
 *
 * Return: true if an online of the caller's failed after the memory
 * notifiers were asked (MEM_CANCEL_ONLINE).
 */
bool hplab_online_watch_end(u64 *block)
{
	bool refused;

	spin_lock(&hplab_notifier_lock);
	hplab_watch_task = NULL;
	refused = hplab_watch_refused;
	*block = hplab_watch_block;
	spin_unlock(&hplab_notifier_lock);
	return refused;
}

/**
 * hplab_offline_timer_begin() - note when the caller's blocks go offline
 *
 * Context: hplab.lock held, which makes one timer at a time.
 */
void hplab_offline_timer_begin(void)
{
	lockdep_assert_held(&hplab.lock);
	spin_lock(&hplab_notifier_lock);
	hplab_timer_task = current;
	hplab_timer_offlined = 0;
	spin_unlock(&hplab_notifier_lock);
}

/**
 * hplab_offline_timer_end() - stop noting, and tell what was noted
 *
 * Return: the ktime_get_ns() at which the last block that the caller
 * offlined since hplab_offline_timer_begin() went offline, or 0 if none
 * did.
 */
u64 hplab_offline_timer_end(void)
{
	u64 offlined;

	spin_lock(&hplab_notifier_lock);
	hplab_timer_task = NULL;
	offlined = hplab_timer_offlined;
	spin_unlock(&hplab_notifier_lock);
	return offlined;
}

/**
 * hplab_notifier_init() - register the module's memory notifier
 *
 * Return: 0, or a negative errno.
 */
int hplab_notifier_init(void)
{
	return register_memory_notifier(&hplab_memory_nb);
}

/**
 * hplab_notifier_exit() - unregister the module's memory notifier
 */
void hplab_notifier_exit(void)
{
	/* Unregistering waits for a held block: let it go. */
	WRITE_ONCE(hold_block, 0);
	unregister_memory_notifier(&hplab_memory_nb);
}
