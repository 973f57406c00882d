// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug_lab: a memory hotplug laboratory.
 *
 * Module setup: the state, the region= parameter, and init/exit. What the
 * module does is described in hotplug_lab.h; how it is driven, in
 * debugfs-api.txt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "compat.h"
#include "hotplug_lab.h"

struct hplab hplab = {
	.lock = __MUTEX_INITIALIZER(hplab.lock),
	.groups = LIST_HEAD_INIT(hplab.groups),
	.chunks = LIST_HEAD_INIT(hplab.chunks),
	.check = HPLAB_CHECK_MODULE,
};

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
	mutex_lock(&hplab.lock);
	ret = hplab_region_claim(start, size, &why);
	mutex_unlock(&hplab.lock);
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
	int ret;

	hplab_compat_init();
	if (region) {
		ret = hplab_claim_param();
		if (ret)
			return ret;
	}
	ret = hplab_debugfs_init();
	if (ret)
		goto err_release_region;
	return 0;

err_release_region:
	mutex_lock(&hplab.lock);
	if (hplab.region)
		hplab_region_release(&(const char *){ NULL });
	mutex_unlock(&hplab.lock);
	return ret;
}

static void __exit hplab_exit(void)
{
	const char *why;

	/* Every chunk holds a module reference: nothing is added now. */
	hplab_debugfs_exit();
	mutex_lock(&hplab.lock);
	hplab_groups_destroy();
	if (hplab.region)
		hplab_region_release(&why);
	mutex_unlock(&hplab.lock);
}

module_init(hplab_init);
module_exit(hplab_exit);

MODULE_AUTHOR("hotplug-lab developers");
MODULE_DESCRIPTION("Memory hotplug laboratory: memory groups, add/remove with memmap_on_memory, granularity rules");
MODULE_LICENSE("GPL");
MODULE_VERSION(HPLAB_VERSION);
