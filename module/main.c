// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug_lab: a memory hotplug laboratory.
 *
 * Module setup: the state, the region= parameter, and init/exit. What the
 * module does is described in hotplug_lab.h; how it is driven, in
 * debugfs-api.txt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "compat.h"
#include "hotplug_lab.h"

struct hplab hplab = {
	.lock = __MUTEX_INITIALIZER(hplab.lock),
	.lock_waiters = __WAIT_QUEUE_HEAD_INITIALIZER(hplab.lock_waiters),
	.groups = LIST_HEAD_INIT(hplab.groups),
	.chunks = LIST_HEAD_INIT(hplab.chunks),
	.check = HPLAB_CHECK_MODULE,
};

/*
 * hplab.lock is taken by sleeping on hplab.lock_waiters until a trylock
 * succeeds, not with mutex_lock(): its holder may wait in offline_pages()
 * for as long as a page stays pinned, running on its CPU all the while,
 * and a mutex waiter spins for as long as the owner runs. On PREEMPT_RT
 * that spin is inside rcu_read_lock(), and readers of the debugfs files
 * held off RCU grace periods behind a stuck remove for minutes (RCU stall
 * reports on 6.12-rt). might_lock() keeps lockdep's view of the order in
 * which hplab.lock is taken, which a trylock alone would not give it.
 */

/**
 * hplab_lock() - take hplab.lock, waiting uninterruptibly
 */
void hplab_lock(void)
{
	might_lock(&hplab.lock);
	wait_event(hplab.lock_waiters, mutex_trylock(&hplab.lock));
}

/**
 * hplab_lock_killable() - take hplab.lock unless a fatal signal comes
 *
 * Return: 0 with the lock held, or -ERESTARTSYS.
 */
int hplab_lock_killable(void)
{
	might_lock(&hplab.lock);
	return wait_event_killable(hplab.lock_waiters,
				   mutex_trylock(&hplab.lock));
}

/**
 * hplab_lock_interruptible() - take hplab.lock unless a signal comes
 *
 * Return: 0 with the lock held, or -ERESTARTSYS.
 */
int hplab_lock_interruptible(void)
{
	might_lock(&hplab.lock);
	return wait_event_interruptible(hplab.lock_waiters,
					mutex_trylock(&hplab.lock));
}

/**
 * hplab_unlock() - release hplab.lock and wake the tasks waiting for it
 */
void hplab_unlock(void)
{
	mutex_unlock(&hplab.lock);
	wake_up(&hplab.lock_waiters);
}

static char *region;
module_param(region, charp, 0444);
MODULE_PARM_DESC(region,
		 "Claim <size>@<start> at load, as writing '<start> <size>' to the region file does (default: none)");

static int __init hplab_claim_param(void)
{
	const char *why = NULL;
	char *at = strchr(region, '@');
	u64 start, size;
	int ret;

	if (!at)
		goto err_syntax;
	*at = '\0';
	ret = hplab_parse_size(region, &size) || hplab_parse_size(at + 1, &start);
	*at = '@';
	if (ret)
		goto err_syntax;
	hplab_lock();
	ret = hplab_region_claim(start, size, false, &why);
	hplab_unlock();
	if (ret)
		pr_err("region=%s: %s\n", region, why);
	return ret;

err_syntax:
	pr_err("region=%s: expected <size>@<start>, for example 1G@0x40000000\n",
	       region);
	return -EINVAL;
}

static int __init hplab_init(void)
{
	int ret = -ENOMEM;

	hplab_compat_init();
	/*
	 * /proc/iomem keeps pointers to the names of our resources for as
	 * long as they exist, which after rmmod -f is longer than the
	 * module: like virtio-mem and kmem, allocate them.
	 */
	hplab.ram_name = kstrdup(HPLAB_RESOURCE_NAME, GFP_KERNEL);
	hplab.region_name = kstrdup(HPLAB_REGION_NAME, GFP_KERNEL);
	if (!hplab.ram_name || !hplab.region_name)
		goto err_free_names;
	ret = hplab_notifier_init();
	if (ret)
		goto err_free_names;
	if (region) {
		ret = hplab_claim_param();
		if (ret)
			goto err_notifier_exit;
	}
	ret = hplab_debugfs_init();
	if (ret)
		goto err_release_region;
	if (hplab_locked_down())
		pr_warn("the kernel is locked down (Secure Boot or lockdown=): debugfs refuses every write, so this module cannot add or remove memory\n");
	return 0;

err_release_region:
	hplab_lock();
	if (hplab.region)
		hplab_region_release(&(const char *){ NULL });
	hplab_unlock();
err_notifier_exit:
	hplab_notifier_exit();
err_free_names:
	kfree(hplab.region_name);
	kfree(hplab.ram_name);
	hplab_compat_exit();
	return ret;
}

static void __exit hplab_exit(void)
{
	const char *why;

	hplab_debugfs_exit();
	hplab_target_exit();
	hplab_notifier_exit();
	hplab_lock();
	/*
	 * Every chunk holds a module reference, so memory is left only
	 * after rmmod -f. Then the kernel keeps that memory, its groups, the
	 * region and the resources' names until reboot.
	 */
	if (!list_empty(&hplab.chunks)) {
		pr_warn("forced unload with %#llx bytes added: that memory, its groups and the region stay until reboot\n",
			hplab_added_bytes());
		hplab_chunks_abandon();
		hplab_groups_destroy();
		hplab_unlock();
		hplab_compat_exit();
		return;
	}
	hplab_groups_destroy();
	if (hplab.region)
		hplab_region_release(&why);
	hplab_unlock();
	kfree(hplab.region_name);
	kfree(hplab.ram_name);
	hplab_compat_exit();
}

module_init(hplab_init);
module_exit(hplab_exit);

MODULE_AUTHOR("hotplug-lab developers");
MODULE_DESCRIPTION("Memory hotplug laboratory: memory groups, add/remove with memmap_on_memory, granularity rules");
MODULE_LICENSE("GPL");
MODULE_VERSION(HPLAB_VERSION);
