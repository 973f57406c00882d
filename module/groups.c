// SPDX-License-Identifier: GPL-2.0
/*
 * Memory groups: which memory blocks belong to one device.
 *
 * A static group is like a DIMM: its memory is added and removed as a
 * whole. A dynamic group is like a virtio-mem device: memory comes and goes
 * in units. The kernel uses the groups when onlining with the auto-movable
 * policy; hotplug_lab also uses them for its add and remove rules.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/memory.h>
#include <linux/nodemask.h>
#include <linux/pfn.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "hotplug_lab.h"

/**
 * hplab_group_find() - look up a group by its memory group id
 * @mgid: memory group id
 *
 * Return: the group, or NULL.
 */
struct hplab_group *hplab_group_find(int mgid)
{
	struct hplab_group *group;

	lockdep_assert_held(&hplab.lock);
	list_for_each_entry(group, &hplab.groups, list)
		if (group->mgid == mgid)
			return group;
	return NULL;
}

/**
 * hplab_group_create() - register a static or dynamic memory group
 * @dynamic: register a dynamic group
 * @size: static: maximum size; dynamic: unit size (bytes)
 * @nid: NUMA node, NUMA_NO_NODE for the first online node
 * @why: set to the reason of a rejection
 *
 * Return: the new memory group id, or a negative errno with @why set.
 */
int hplab_group_create(bool dynamic, u64 size, int nid, const char **why)
{
	const u64 block_size = memory_block_size_bytes();
	struct hplab_group *group;
	int mgid;

	lockdep_assert_held(&hplab.lock);
	if (nid == NUMA_NO_NODE)
		nid = first_online_node;
	if (nid < 0 || nid >= MAX_NUMNODES || !node_possible(nid))
		return hplab_reject(why, -EINVAL,
				    "no such NUMA node: see /sys/devices/system/node/possible");
	if (!size || !IS_ALIGNED(size, block_size))
		return hplab_reject(why, -EINVAL,
				    "the size must be a non-zero multiple of the memory block size (see block_size in info)");
	if (dynamic && !is_power_of_2(size))
		return hplab_reject(why, -EINVAL,
				    "a dynamic group's unit must be a power of two (the kernel's rule for memory_group_register_dynamic)");

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return hplab_reject(why, -ENOMEM, "out of memory");

	if (dynamic)
		mgid = memory_group_register_dynamic(nid, PHYS_PFN(size));
	else
		mgid = memory_group_register_static(nid, PHYS_PFN(size));
	if (mgid < 0) {
		kfree(group);
		return hplab_reject(why, mgid,
				    "the kernel refused to register the memory group (see dmesg)");
	}

	group->mgid = mgid;
	group->dynamic = dynamic;
	group->nid = nid;
	group->size = size;
	list_add_tail(&group->list, &hplab.groups);
	pr_info("registered %s memory group %d on node %d, %s %#llx\n",
		dynamic ? "dynamic" : "static", mgid, nid,
		dynamic ? "unit" : "max size", size);
	return mgid;
}

static void hplab_group_destroy(struct hplab_group *group)
{
	/* Cannot fail: no memory block belongs to an empty group. */
	WARN_ON(memory_group_unregister(group->mgid));
	list_del(&group->list);
	kfree(group);
}

/**
 * hplab_group_delete() - unregister an empty memory group
 * @mgid: memory group id
 * @why: set to the reason of a rejection
 *
 * Return: 0 on success, or a negative errno with @why set.
 */
int hplab_group_delete(int mgid, const char **why)
{
	struct hplab_group *group = hplab_group_find(mgid);

	lockdep_assert_held(&hplab.lock);
	if (!group)
		return hplab_reject(why, -ENOENT,
				    "no such group: see the groups file");
	if (group->added)
		return hplab_reject(why, -EBUSY,
				    "the group still has memory: remove it first ('<id> all' to the remove file)");
	hplab_group_destroy(group);
	pr_info("unregistered memory group %d\n", mgid);
	return 0;
}

/**
 * hplab_groups_destroy() - unregister every group at module exit
 *
 * A group still has memory only after rmmod -f (every chunk holds a module
 * reference): the kernel's memory blocks still point at it, so it stays
 * registered until reboot and only our record of it goes.
 */
void hplab_groups_destroy(void)
{
	struct hplab_group *group, *next;

	lockdep_assert_held(&hplab.lock);
	list_for_each_entry_safe(group, next, &hplab.groups, list) {
		if (!group->added) {
			hplab_group_destroy(group);
			continue;
		}
		list_del(&group->list);
		kfree(group);
	}
}

/**
 * hplab_groups_show() - print a header and one row per group
 * @m: seq_file to print to
 *
 * Return: 0.
 */
int hplab_groups_show(struct seq_file *m)
{
	struct hplab_group *group;

	lockdep_assert_held(&hplab.lock);
	seq_puts(m, "id type node size added\n");
	list_for_each_entry(group, &hplab.groups, list)
		seq_printf(m, "%d %s %d %#llx %#llx\n", group->mgid,
			   group->dynamic ? "dynamic" : "static", group->nid,
			   group->size, group->added);
	return 0;
}
