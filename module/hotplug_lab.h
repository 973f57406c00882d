/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hotplug_lab: a memory hotplug laboratory.
 *
 * The module claims one firmware-reserved physical range (the region),
 * registers static and dynamic memory groups, and hot-adds/removes memory
 * inside the region with add_memory_driver_managed() and
 * offline_and_remove_memory(), optionally with MHP_MEMMAP_ON_MEMORY.
 *
 * Locking: hplab.lock, a mutex, serialises every operation. It protects
 * every member of struct hplab, every struct hplab_group (with its
 * hplab_target) and hplab_chunk, and the event ring. The functions of
 * region.c, groups.c, plug.c, target.c and events.c read or change that
 * state: they must be called with it held, and say so with
 * lockdep_assert_held(). The debugfs handlers take it, target.c's work
 * item for each step, and module init and exit for the region= claim and
 * the teardown; the work item is cancelled without it. blocks.c
 * and compat.c look only at the kernel's state and need no lock. It is
 * taken before the kernel's device_hotplug_lock and mem_hotplug_lock (we
 * call into memory hotplug while holding it), so nothing called back by
 * the memory hotplug core may take it; and no file is read under it (a
 * sysfs read takes a seq_file lock, as every debugfs read here does).
 * Memory block state files are written under it (blocks.c): that takes
 * the file's kernfs active reference and, by trylock only,
 * device_hotplug_lock, and no holder of either takes hplab.lock.
 * It is taken with hplab_lock() and its killable and interruptible
 * variants and released with hplab_unlock(), never with mutex_lock():
 * see main.c for why.
 * notifier.c's memory notifier is such a callback: it runs under
 * device_hotplug_lock, mem_hotplug_lock and the notifier chain's rwsem,
 * and its state has a spinlock of its own, taken last of all.
 */
#ifndef _HOTPLUG_LAB_H
#define _HOTPLUG_LAB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

struct range;
struct resource;
struct seq_file;

/* add_memory_driver_managed() wants "System RAM ($DRIVER)". */
#define HPLAB_RESOURCE_NAME "System RAM (" KBUILD_MODNAME ")"
#define HPLAB_REGION_NAME "hotplug_lab region"

/**
 * enum hplab_check - who judges the granularity of a remove
 * @HPLAB_CHECK_MODULE: the module's rules (the default)
 * @HPLAB_CHECK_KERNEL: one offline_and_remove_memory() over the request,
 *	so the kernel's own granularity check is what decides
 */
enum hplab_check {
	HPLAB_CHECK_MODULE,
	HPLAB_CHECK_KERNEL,
};

/**
 * struct hplab_target - the requested size of a dynamic group (target.c)
 * @active: the group follows a request: only the work item adds and
 *	removes its memory
 * @requested: bytes to plug
 * @memmap_on_memory: plug with MHP_MEMMAP_ON_MEMORY
 * @reached: the request was met, and "reached" logged
 * @retrying: a pass stopped short; the next starts at @retry_at
 * @retry_ms: the delay before the next pass, doubled after each pass
 *	that stops short, 0 after a step that succeeds
 * @retry_at: jiffies at which the next pass is due
 * @unplug_below: this pass unplugs below this address: the units above
 *	it were unplugged or found busy
 */
struct hplab_target {
	bool active;
	u64 requested;
	bool memmap_on_memory;
	bool reached;
	bool retrying;
	unsigned int retry_ms;
	unsigned long retry_at;
	u64 unplug_below;
};

/**
 * struct hplab_group - a kernel memory group registered by the module
 * @list: entry in hplab.groups, in creation order
 * @mgid: the kernel's memory group id, passed with MHP_NID_IS_MGID
 * @dynamic: dynamic (added/removed in units) or static (as a whole)
 * @nid: NUMA node of the group
 * @size: static: maximum size; dynamic: unit size (bytes)
 * @granularity: bytes per add_memory_driver_managed() call, 0 for default
 * @added: bytes currently added to the group
 * @target: the requested size a dynamic group follows (target.c)
 */
struct hplab_group {
	struct list_head list;
	int mgid;
	bool dynamic;
	int nid;
	u64 size;
	u64 granularity;
	u64 added;
	struct hplab_target target;
};

/**
 * struct hplab_chunk - memory added by one add_memory_driver_managed() call
 * @list: entry in hplab.chunks, sorted by @start
 * @group: the group the memory was added to
 * @start: physical start address
 * @size: size in bytes
 * @vmemmap_pages: pages of the memmap of this chunk that lie inside the
 *	chunk itself, measured after the add: non-zero means the kernel
 *	really self-hosted the memmap (MHP_MEMMAP_ON_MEMORY took effect)
 *
 * Each chunk holds a reference on the module, so that it is not unloaded
 * with memory added (rmmod -f aside, see hplab_exit()).
 */
struct hplab_chunk {
	struct list_head list;
	struct hplab_group *group;
	u64 start;
	u64 size;
	unsigned long vmemmap_pages;
};

/**
 * struct hplab - the state of the module
 * @lock: serialises everything, see the comment at the top of this file
 * @lock_waiters: tasks waiting for @lock (hplab_lock())
 * @region: the claimed physical range, NULL when none is claimed
 * @groups: list of struct hplab_group
 * @chunks: list of struct hplab_chunk, sorted by start address
 * @check: who judges the granularity of a remove
 * @ram_name: HPLAB_RESOURCE_NAME, allocated: /proc/iomem points at it
 * @region_name: HPLAB_REGION_NAME, allocated likewise
 */
struct hplab {
	struct mutex lock;	/* the one lock, see the top of this file */
	wait_queue_head_t lock_waiters;
	struct resource *region;
	struct list_head groups;
	struct list_head chunks;
	enum hplab_check check;
	const char *ram_name;
	const char *region_name;
};

extern struct hplab hplab;

/* main.c */
void hplab_lock(void);
int hplab_lock_killable(void);
int hplab_lock_interruptible(void);
void hplab_unlock(void);

/*
 * Every operation reports why it rejected a request through a
 * "const char **why" argument: one sentence a user can act on, logged in
 * the event ring next to the errno.
 */
static inline int hplab_reject(const char **why, int err, const char *reason)
{
	*why = reason;
	return err;
}

/* region.c */
int hplab_region_claim(u64 start, u64 size, bool force, const char **why);
int hplab_region_release(const char **why);
bool hplab_region_contains(u64 start, u64 size);
int hplab_region_show(struct seq_file *m);

/* groups.c */
int hplab_group_create(bool dynamic, u64 size, int nid, const char **why);
int hplab_group_delete(int mgid, const char **why);
struct hplab_group *hplab_group_find(int mgid);
void hplab_groups_destroy(void);
int hplab_groups_show(struct seq_file *m);

/* plug.c */
int hplab_add(int mgid, u64 start, u64 size, bool memmap_on_memory,
	      const char *online, const char **why);
int hplab_remove(int mgid, u64 start, u64 size, const char **why);
int hplab_remove_all(int mgid, const char **why);
int hplab_check_memmap_on_memory(const struct hplab_group *group,
				 const char **why);
bool hplab_range_added(u64 start, u64 size);
void hplab_chunks_abandon(void);
int hplab_set_granularity(int mgid, u64 bytes, const char **why);
u64 hplab_added_bytes(void);
const char *hplab_check_name(void);
void hplab_limits_show(struct seq_file *m);
int hplab_granularity_show(struct seq_file *m);
int hplab_ranges_show(struct seq_file *m);

/* target.c */
void hplab_target_announce(bool begin);
int hplab_target_set(int mgid, u64 size, bool memmap_on_memory,
		     const char **why);
int hplab_target_clear(int mgid, const char **why);
bool hplab_target_follows(int mgid);
int hplab_target_show(struct seq_file *m);
void hplab_target_exit(void);

/* blocks.c */
enum hplab_block_state {
	HPLAB_BLOCK_OFFLINE = 0,	/* what kcalloc() gives */
	HPLAB_BLOCK_ONLINE_KERNEL,
	HPLAB_BLOCK_ONLINE_MOVABLE,
};

enum hplab_block_state hplab_block_state(u64 block_start);
unsigned long hplab_count_vmemmap_pages(u64 start, u64 size);
enum hplab_block_state *hplab_blocks_alloc(const struct range *ranges,
					   unsigned int nr_ranges);
enum hplab_block_state *hplab_blocks_save(const struct range *ranges,
					  unsigned int nr_ranges);
int hplab_blocks_check_back(const struct range *ranges, unsigned int nr_ranges,
			    const enum hplab_block_state *before,
			    const char **why);
int hplab_online_range(u64 start, u64 size, const char *state, u64 *failed);
#ifndef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
int hplab_offline_blocks(u64 start, u64 size, enum hplab_block_state *saved);
int hplab_restore_blocks(const struct range *ranges, unsigned int nr_ranges,
			 const enum hplab_block_state *saved, const char **why);
#endif

/* notifier.c */
#ifndef HPLAB_HAVE_OFFLINE_AND_REMOVE_MEMORY_RANGES
int hplab_guard_set(const struct range *ranges, unsigned int nr_ranges);
void hplab_guard_clear(void);
#endif
int hplab_fence_set(u64 start, u64 size);
void hplab_fence_clear(void);
void hplab_hold_while(bool (*holding)(void));
void hplab_online_watch_begin(void);
bool hplab_online_watch_end(u64 *block);
void hplab_offline_timer_begin(void);
u64 hplab_offline_timer_end(void);
int hplab_notifier_init(void);
void hplab_notifier_exit(void);

/* events.c */
#define HPLAB_EVENT_LEN		256	/* one event's text, with its NUL */
__printf(3, 4) int hplab_reject_fmt(const char **why, int err,
				    const char *fmt, ...);
const char *hplab_event_log(const char *op, const char *args, int err,
			    const char *why);
u64 hplab_events_logged(void);
void hplab_event_time(const char *phase, u64 ns);
int hplab_events_show(struct seq_file *m);

/* debugfs.c */
int hplab_debugfs_init(void);
void hplab_debugfs_exit(void);
int hplab_parse_size(const char *str, u64 *val);
bool hplab_locked_down(void);

#endif /* _HOTPLUG_LAB_H */
