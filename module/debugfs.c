// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs interface, /sys/kernel/debug/hotplug_lab/: parsing what is
 * written, calling the operation under hplab.lock, logging the result in
 * the event ring. debugfs-api.txt documents every file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "compat.h"
#include "hotplug_lab.h"

#define HPLAB_MAX_WORDS 5	/* add: <id> <start> <size> memmap= online= */

/**
 * struct hplab_file - one debugfs file
 * @name: file name
 * @mode: permissions
 * @show: prints the file's content; returns 0 or a negative errno
 * @store: acts on the words written, NULL for a read-only file; returns
 *	0 or a negative errno with the reason in @why
 */
struct hplab_file {
	const char *name;
	umode_t mode;
	int (*show)(struct seq_file *m);
	int (*store)(char **words, int nr_words, const char **why);
};

/**
 * struct hplab_open_file - one open file description of a debugfs file
 * @def: the file
 * @verdict: the event of the last write logged through this open file,
 *	empty before one; what a read returns then, so that a writer reads
 *	its own result whatever other writers did. Under hplab.lock.
 */
struct hplab_open_file {
	const struct hplab_file *def;
	char verdict[HPLAB_EVENT_LEN];
};

static struct dentry *hplab_debugfs_dir;

/**
 * hplab_parse_size() - parse a size or address
 * @str: decimal digits without a leading zero, or 0x-prefixed hex digits,
 *	with an optional K, M, G or T suffix (either case, powers of 1024)
 * @val: the value
 *
 * Return: 0, or -EINVAL for anything else, including overflow.
 */
int hplab_parse_size(const char *str, u64 *val)
{
	static const char suffixes[] = "KMGT";
	unsigned int shift = 0;
	const char *suffix;
	char digits[24];
	size_t len = strlen(str);
	u64 value;
	int ret;

	if (!len || len >= sizeof(digits) || !isdigit(str[0]))
		return -EINVAL;
	/* "010" would be octal in C and ten here: refuse to guess. */
	if (str[0] == '0' && isdigit(str[1]))
		return -EINVAL;
	memcpy(digits, str, len + 1);
	suffix = strchr(suffixes, toupper(digits[len - 1]));
	if (suffix) {
		shift = 10 * (suffix - suffixes + 1);
		digits[--len] = '\0';
	}
	if (digits[0] == '0' && tolower(digits[1]) == 'x')
		ret = kstrtoull(digits, 16, &value);
	else
		ret = kstrtoull(digits, 10, &value);
	if (ret || value > (U64_MAX >> shift))
		return -EINVAL;
	*val = value << shift;
	return 0;
}

static int hplab_parse_range(char **words, u64 *start, u64 *size,
			     const char **why)
{
	if (hplab_parse_size(words[0], start) ||
	    hplab_parse_size(words[1], size))
		return hplab_reject(why, -EINVAL,
				    "addresses and sizes are decimal or 0x-hex numbers with an optional K, M, G or T suffix");
	return 0;
}

/*
 * Group ids and node numbers: plain decimal, no sign (kstrtoint() would
 * take "+1" and "-1") and no leading zero, like sizes.
 */
static int hplab_parse_id(const char *word, int *id)
{
	if (!isdigit(word[0]) || (word[0] == '0' && word[1]))
		return -EINVAL;
	return kstrtoint(word, 10, id);
}

static int hplab_parse_group_id(const char *word, int *mgid, const char **why)
{
	if (hplab_parse_id(word, mgid))
		return hplab_reject(why, -EINVAL,
				    "the group id is a decimal number: see the first column of the groups file");
	return 0;
}

static int hplab_parse_memmap(const char *word, bool *memmap_on_memory,
			      const char **why)
{
	if (!strcmp(word, "memmap=on"))
		*memmap_on_memory = true;
	else if (!strcmp(word, "memmap=off"))
		*memmap_on_memory = false;
	else
		return hplab_reject(why, -EINVAL,
				    "the last word is memmap=on or memmap=off");
	return 0;
}

/* While a group follows a request, only target.c's work item changes it. */
static int hplab_check_not_followed(int mgid, const char **why)
{
	if (hplab_target_follows(mgid))
		return hplab_reject(why, -EBUSY,
				    "the group follows a requested size: write '<id> none' to the target file first");
	return 0;
}

static int hplab_region_store(char **words, int nr_words, const char **why)
{
	u64 start, size;
	int ret;

	if (nr_words == 1 && !strcmp(words[0], "release")) {
		if (hplab_target_follows(-1))
			return hplab_reject(why, -EBUSY,
					    "a group follows a requested size in the region: write '<id> none' to the target file first");
		return hplab_region_release(why);
	}
	if ((nr_words != 2 && nr_words != 3) ||
	    (nr_words == 3 && strcmp(words[2], "force")))
		return hplab_reject(why, -EINVAL,
				    "write '<start> <size> [force]' to claim a range or 'release' to give it back");
	ret = hplab_parse_range(words, &start, &size, why);
	if (ret)
		return ret;
	return hplab_region_claim(start, size, nr_words == 3, why);
}

static int hplab_groups_store(char **words, int nr_words, const char **why)
{
	int nid = NUMA_NO_NODE, mgid, ret;
	bool dynamic;
	u64 size;

	if (nr_words == 2 && !strcmp(words[0], "delete")) {
		ret = hplab_parse_group_id(words[1], &mgid, why) ?:
		      hplab_check_not_followed(mgid, why);
		return ret ? ret : hplab_group_delete(mgid, why);
	}
	if (nr_words < 2 || nr_words > 3 ||
	    (strcmp(words[0], "static") && strcmp(words[0], "dynamic")))
		return hplab_reject(why, -EINVAL,
				    "write 'static <max_size> [node=<nid>]', 'dynamic <unit_size> [node=<nid>]' or 'delete <id>'");
	dynamic = !strcmp(words[0], "dynamic");
	if (hplab_parse_size(words[1], &size))
		return hplab_reject(why, -EINVAL,
				    "sizes are decimal or 0x-hex numbers with an optional K, M, G or T suffix");
	if (nr_words == 3 && (strncmp(words[2], "node=", 5) ||
			      hplab_parse_id(words[2] + 5, &nid)))
		return hplab_reject(why, -EINVAL,
				    "the node is given as node=<nid>, a NUMA node number");
	ret = hplab_group_create(dynamic, size, nid, why);
	return ret < 0 ? ret : 0;
}

/* online=online|kernel|movable: what to write to each block's state file */
static int hplab_parse_online(const char *word, const char **online,
			      const char **why)
{
	if (!strcmp(word, "online=online"))
		*online = "online";
	else if (!strcmp(word, "online=kernel"))
		*online = "online_kernel";
	else if (!strcmp(word, "online=movable"))
		*online = "online_movable";
	else
		return hplab_reject(why, -EINVAL,
				    "the last words are memmap=on|off and online=online|kernel|movable, in that order");
	return 0;
}

static int hplab_add_store(char **words, int nr_words, const char **why)
{
	bool memmap_on_memory = false;
	const char *online = NULL;
	u64 start, size;
	int mgid, ret;

	/* The last word, unless it is memmap=, is online=. */
	if (nr_words >= 4 && strncmp(words[nr_words - 1], "memmap=", 7)) {
		ret = hplab_parse_online(words[--nr_words], &online, why);
		if (ret)
			return ret;
	}
	if (nr_words < 3 || nr_words > 4)
		return hplab_reject(why, -EINVAL,
				    "write '<group-id> <start> <size> [memmap=on|off] [online=online|kernel|movable]'");
	if (nr_words == 4) {
		ret = hplab_parse_memmap(words[3], &memmap_on_memory, why);
		if (ret)
			return ret;
	}
	ret = hplab_parse_group_id(words[0], &mgid, why) ?:
	      hplab_check_not_followed(mgid, why);
	if (ret)
		return ret;
	ret = hplab_parse_range(words + 1, &start, &size, why);
	if (ret)
		return ret;
	return hplab_add(mgid, start, size, memmap_on_memory, online, why);
}

static int hplab_remove_store(char **words, int nr_words, const char **why)
{
	u64 start, size;
	int mgid, ret;

	if (nr_words != 2 && nr_words != 3)
		return hplab_reject(why, -EINVAL,
				    "write '<group-id> <start> <size>' or '<group-id> all'");
	ret = hplab_parse_group_id(words[0], &mgid, why) ?:
	      hplab_check_not_followed(mgid, why);
	if (ret)
		return ret;
	if (nr_words == 2) {
		if (strcmp(words[1], "all"))
			return hplab_reject(why, -EINVAL,
					    "write '<group-id> <start> <size>' or '<group-id> all'");
		return hplab_remove_all(mgid, why);
	}
	ret = hplab_parse_range(words + 1, &start, &size, why);
	if (ret)
		return ret;
	return hplab_remove(mgid, start, size, why);
}

static int hplab_granularity_store(char **words, int nr_words,
				   const char **why)
{
	u64 bytes = 0;
	int mgid, ret;

	if (nr_words == 1 && !strcmp(words[0], "check=module")) {
		hplab.check = HPLAB_CHECK_MODULE;
		return 0;
	}
	if (nr_words == 1 && !strcmp(words[0], "check=kernel")) {
		hplab.check = HPLAB_CHECK_KERNEL;
		return 0;
	}
	if (nr_words != 2)
		return hplab_reject(why, -EINVAL,
				    "write '<group-id> <bytes>', '<group-id> default', 'check=module' or 'check=kernel'");
	ret = hplab_parse_group_id(words[0], &mgid, why);
	if (ret)
		return ret;
	if (strcmp(words[1], "default") &&
	    (hplab_parse_size(words[1], &bytes) || !bytes))
		return hplab_reject(why, -EINVAL,
				    "the granularity is a non-zero size (decimal or 0x-hex, optional K, M, G or T suffix) or 'default'");
	return hplab_set_granularity(mgid, bytes, why);
}

static int hplab_target_store(char **words, int nr_words, const char **why)
{
	bool memmap_on_memory = false;
	int mgid, ret;
	u64 size;

	if (nr_words < 2 || nr_words > 3)
		return hplab_reject(why, -EINVAL,
				    "write '<group-id> <size> [memmap=on|off]' or '<group-id> none'");
	ret = hplab_parse_group_id(words[0], &mgid, why);
	if (ret)
		return ret;
	if (nr_words == 2 && !strcmp(words[1], "none"))
		return hplab_target_clear(mgid, why);
	if (nr_words == 3) {
		ret = hplab_parse_memmap(words[2], &memmap_on_memory, why);
		if (ret)
			return ret;
	}
	if (hplab_parse_size(words[1], &size))
		return hplab_reject(why, -EINVAL,
				    "sizes are decimal or 0x-hex numbers with an optional K, M, G or T suffix");
	return hplab_target_set(mgid, size, memmap_on_memory, why);
}

static int hplab_info_show(struct seq_file *m)
{
	struct hplab_group *group;
	unsigned int nr_groups = 0;

	list_for_each_entry(group, &hplab.groups, list)
		nr_groups++;
	seq_printf(m, "version: %s\n", HPLAB_VERSION);
	seq_printf(m, "kernel: %s\n", utsname()->release);
	seq_printf(m, "page_size: %lu\n", PAGE_SIZE);
	seq_printf(m, "struct_page_size: %zu\n", sizeof(struct page));
	hplab_limits_show(m);
	seq_puts(m, "region: ");
	hplab_region_show(m);
	seq_printf(m, "groups: %u\n", nr_groups);
	seq_printf(m, "added: %#llx\n", hplab_added_bytes());
	seq_printf(m, "check: %s\n", hplab_check_name());
	seq_printf(m, "events: %llu\n", hplab_events_logged());
#ifdef HPLAB_HAVE_MHP_GET_DEFAULT_ONLINE_TYPE
	seq_printf(m, "default_online_type: %s\n", hplab_default_online_type());
#endif
	seq_printf(m, "locked_down: %s\n", hplab_locked_down() ? "yes" : "no");
	return 0;
}

/* Reading a file that only acts on writes shows what it accepts. */
static int hplab_add_show(struct seq_file *m)
{
	seq_puts(m, "<group-id> <start> <size> [memmap=on|off] [online=online|kernel|movable]\n");
	return 0;
}

static int hplab_remove_show(struct seq_file *m)
{
	seq_puts(m, "<group-id> <start> <size>\n<group-id> all\n");
	return 0;
}

static const struct hplab_file hplab_files[] = {
	{ "info",	 0400, hplab_info_show,	       NULL },
	{ "region",	 0600, hplab_region_show,      hplab_region_store },
	{ "groups",	 0600, hplab_groups_show,      hplab_groups_store },
	{ "add",	 0600, hplab_add_show,	       hplab_add_store },
	{ "remove",	 0600, hplab_remove_show,      hplab_remove_store },
	{ "granularity", 0600, hplab_granularity_show, hplab_granularity_store },
	{ "target",	 0600, hplab_target_show,      hplab_target_store },
	{ "ranges",	 0400, hplab_ranges_show,      NULL },
	{ "events",	 0400, hplab_events_show,      NULL },
};

static int hplab_show(struct seq_file *m, void *unused)
{
	const struct hplab_open_file *of = m->private;
	int ret = 0;

	/* A reader waits behind a slow offline; Ctrl-C must reach it. */
	if (hplab_lock_interruptible())
		return -ERESTARTSYS;
	if (of->verdict[0])
		seq_printf(m, "%s\n", of->verdict);
	else
		ret = of->def->show(m);
	hplab_unlock();
	return ret;
}

static int hplab_open(struct inode *inode, struct file *file)
{
	struct hplab_open_file *of;
	int ret;

	of = kzalloc(sizeof(*of), GFP_KERNEL);
	if (!of)
		return -ENOMEM;
	of->def = inode->i_private;
	ret = single_open(file, hplab_show, of);
	if (ret)
		kfree(of);
	return ret;
}

static int hplab_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	kfree(m->private);
	return single_release(inode, file);
}

/* Split @buf in place at white space; more than @max words is an error. */
static int hplab_split_words(char *buf, char **words, int max)
{
	int nr_words = 0;
	char *word;

	while ((word = strsep(&buf, " \t\n"))) {
		if (!*word)
			continue;
		if (nr_words == max)
			return -E2BIG;
		words[nr_words++] = word;
	}
	return nr_words;
}

static ssize_t hplab_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct hplab_open_file *of = m->private;
	const struct hplab_file *def = of->def;
	char *words[HPLAB_MAX_WORDS], *buf, *args, *word;
	const char *why = NULL;
	int nr_words, ret;
	bool has_nul;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!def->store)
		return -EPERM;
	/* Nothing valid is longer; a larger write is not even read. */
	if (count >= PAGE_SIZE)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	has_nul = strlen(buf) != count;
	args = kstrdup(strim(buf), GFP_KERNEL);
	if (!args) {
		kfree(buf);
		return -ENOMEM;
	}

	/* The event log shows what was written; keep it one printable line. */
	for (word = args; *word; word++)
		if (!isascii(*word) || !isprint(*word))
			*word = '?';

	nr_words = hplab_split_words(buf, words, HPLAB_MAX_WORDS);
	if (has_nul)
		ret = hplab_reject(&why, -EINVAL,
				   "the input contains a NUL byte");
	else if (nr_words == -E2BIG)
		ret = hplab_reject(&why, -EINVAL,
				   "too many words: see debugfs-api.txt for what this file accepts");
	else
		ret = 0;

	/*
	 * Killable: a writer waiting for its turn may be killed, and then did
	 * nothing and logs nothing. Not interruptible: a request is not
	 * dropped before its turn for a signal its writer handles and goes
	 * on from (once its turn came, an offline stops for any signal).
	 */
	if (def->store == hplab_target_store)
		hplab_target_announce(true);
	if (hplab_lock_killable()) {
		ret = -EINTR;
		goto out_announced;
	}
	if (ret >= 0)
		ret = def->store(words, nr_words, &why);
	strscpy(of->verdict, hplab_event_log(def->name, args, ret, why),
		sizeof(of->verdict));
	hplab_unlock();

out_announced:
	if (def->store == hplab_target_store)
		hplab_target_announce(false);
	kfree(args);
	kfree(buf);
	return ret < 0 ? ret : count;
}

static const struct file_operations hplab_fops = {
	.owner = THIS_MODULE,
	.open = hplab_open,
	.read = seq_read,
	.write = hplab_write,
	.llseek = seq_lseek,
	.release = hplab_release,
};

/**
 * hplab_locked_down() - does lockdown keep debugfs from taking writes
 *
 * Under kernel lockdown (integrity or confidentiality, as Secure Boot
 * gives on Debian) debugfs refuses to open a file that is writable, and
 * this interface is writes. The read-only files (info, ranges, events)
 * stay readable.
 *
 * Return: true if the module cannot be driven.
 */
bool hplab_locked_down(void)
{
	static bool locked_down;

	/*
	 * Lockdown is never lifted, and every probe that finds it logs the
	 * kernel's "Lockdown: ... debugfs access is restricted": stop
	 * probing once it is on.
	 */
	if (!READ_ONCE(locked_down))
		WRITE_ONCE(locked_down, security_locked_down(LOCKDOWN_DEBUGFS) != 0);
	return READ_ONCE(locked_down);
}

/**
 * hplab_debugfs_init() - create /sys/kernel/debug/hotplug_lab/
 *
 * Return: 0, or -ENODEV without debugfs.
 */
int hplab_debugfs_init(void)
{
	const struct hplab_file *def;

	hplab_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(hplab_debugfs_dir))
		return -ENODEV;
	for (def = hplab_files; def < hplab_files + ARRAY_SIZE(hplab_files); def++)
		debugfs_create_file(def->name, def->mode, hplab_debugfs_dir,
				    (void *)def, &hplab_fops);
	return 0;
}

/**
 * hplab_debugfs_exit() - remove /sys/kernel/debug/hotplug_lab/
 *
 * Waits for readers and writers still inside a handler.
 */
void hplab_debugfs_exit(void)
{
	debugfs_remove_recursive(hplab_debugfs_dir);
}
