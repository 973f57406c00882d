// SPDX-License-Identifier: GPL-2.0
/*
 * hplab status and hplab doctor: what the box and the module look like,
 * and what to change before memory hotplug can be tried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hplab.h"

static char *hplab_read_line(const struct hplab_ctx *ctx, const char *path)
{
	char *text = hplab_read(ctx, path);

	if (text)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

/* key/value pairs: aligned text, or one JSON object with --json */
#define HPLAB_MAX_KV 16
struct hplab_kv {
	const char *key;
	char *value;
	bool number;
};

static void hplab_kv_print(const struct hplab_ctx *ctx, const char *name,
			   const struct hplab_kv *kv, size_t n)
{
	struct hplab_column columns[HPLAB_MAX_KV];
	const char *cells[HPLAB_MAX_KV];
	struct libscols_table *table;
	size_t i;

	if (!ctx->json) {
		for (i = 0; i < n; i++)
			printf("%-30s %s\n", kv[i].key,
			       kv[i].value ? kv[i].value : "-");
		return;
	}
	for (i = 0; i < n; i++) {
		columns[i] = (struct hplab_column){ kv[i].key, NULL, kv[i].number };
		cells[i] = kv[i].value;
	}
	table = hplab_table_new(ctx, name, columns, n);
	hplab_table_add_cells(table, cells);
	hplab_table_print(table);
}

/* VALUE is allocated (or NULL) and freed with the table. */
static void hplab_kv_add(struct hplab_kv *kv, size_t *n, const char *key,
			 char *value, bool number)
{
	kv[*n].key = key;
	kv[*n].value = value;
	kv[*n].number = number;
	(*n)++;
}

static char *hplab_size_string(const struct hplab_ctx *ctx, uint64_t size)
{
	char buf[32];

	return strdup(hplab_format_size(ctx, size, buf, sizeof(buf)));
}

static char *hplab_region_string(const struct hplab_ctx *ctx,
				 const struct hplab_view *view, bool loaded)
{
	char *text, size[32];

	if (!loaded)
		return NULL;
	if (!view->has_region)
		return strdup("none");
	if (ctx->json &&
	    asprintf(&text, "%#" PRIx64 "-%#" PRIx64, view->region_start,
		     view->region_end) >= 0)
		return text;
	if (!ctx->json && asprintf(&text, "%#" PRIx64 "-%#" PRIx64 " (%s)", view->region_start,
		     view->region_end,
		     hplab_format_size(ctx, view->region_end - view->region_start + 1,
				       size, sizeof(size))) < 0)
		return NULL;
	return text;
}

/* debugfs is mounted where the module's files live (/proc/mounts says). */
static bool hplab_debugfs_mounted(const struct hplab_ctx *ctx)
{
	char *mounts = hplab_read(ctx, "/proc/mounts");
	bool mounted = mounts && strstr(mounts, " " _PATH_DEBUGFS " debugfs ");

	free(mounts);
	return mounted;
}

/*
 * The kernel's lockdown mode, the bracketed word of "[none] integrity
 * confidentiality"; NULL without the lockdown LSM or securityfs.
 */
static char *hplab_lockdown_mode(const struct hplab_ctx *ctx)
{
	char *text = hplab_read_line(ctx, _PATH_LOCKDOWN);
	char *open = text ? strchr(text, '[') : NULL;
	char *close = open ? strchr(open, ']') : NULL;
	char *mode = close ? strndup(open + 1, close - open - 1) : NULL;

	free(text);
	return mode;
}

static bool hplab_has_reserved_range(const struct hplab_ctx *ctx)
{
	struct hplab_candidate *list;
	size_t nr = 0;

	if (!hplab_reserved_candidates(ctx, hplab_block_size(ctx), &list, &nr))
		free(list);
	return nr > 0;
}

int cmd_status(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct hplab_view view;
	uint64_t added = 0, online = 0, vmemmap = 0;
	char *info = NULL, *warnings = NULL, *groups = NULL;
	struct hplab_kv kv[HPLAB_MAX_KV];
	size_t i, w = 0, n = 0;
	char *param, *lockdown;
	bool loaded;

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	if (argc > 1)
		return hplab_usage_error(argv[0], "unexpected argument '%s'", argv[1]);

	loaded = hplab_view_load(ctx, &view) == 0;
	if (loaded) {
		info = hplab_read(ctx, _PATH_HPLAB "/info");
		for (i = 0; i < view.nr_ranges; i++) {
			const struct hplab_range *r = &view.ranges[i];
			const char *b;

			added += r->size;
			vmemmap += (uint64_t)r->vmemmap_pages * (uint64_t)sysconf(_SC_PAGESIZE);
			for (b = r->blocks; *b; b++)
				if (*b != '-')
					online += view.block_size;
		}
	}
	param = hplab_read_line(ctx, _PATH_MHP_PARAMS "/memmap_on_memory");

	hplab_kv_add(kv, &n, "kernel", hplab_read_line(ctx, "/proc/sys/kernel/osrelease"), false);
	hplab_kv_add(kv, &n, "block_size", hplab_size_string(ctx, hplab_block_size(ctx)), true);
	hplab_kv_add(kv, &n, "memmap_on_memory", param ? strdup(param) : NULL, false);
	hplab_kv_add(kv, &n, "memmap_on_memory_multi_block",
		     info ? hplab_key_value(info, "memmap_on_memory_multi_block") : NULL, false);
	hplab_kv_add(kv, &n, "remove_path",
		     info ? hplab_key_value(info, "remove_path") : NULL, false);
	hplab_kv_add(kv, &n, "auto_online_blocks",
		     hplab_read_line(ctx, _PATH_SYS_MEMORY "/auto_online_blocks"), false);
	hplab_kv_add(kv, &n, "online_policy",
		     hplab_read_line(ctx, _PATH_MHP_PARAMS "/online_policy"), false);
	hplab_kv_add(kv, &n, "region", hplab_region_string(ctx, &view, loaded), false);
	if (loaded && asprintf(&groups, "%zu", view.nr_groups) < 0)
		groups = NULL;
	hplab_kv_add(kv, &n, "groups", groups, true);
	hplab_kv_add(kv, &n, "added", loaded ? hplab_size_string(ctx, added) : NULL, true);
	hplab_kv_add(kv, &n, "online", loaded ? hplab_size_string(ctx, online) : NULL, true);
	hplab_kv_add(kv, &n, "vmemmap_self_hosted",
		     loaded ? hplab_size_string(ctx, vmemmap) : NULL, true);

	/* Every setting that will surprise the user. */
	warnings = calloc(1, 1024);
	if (!hplab_debugfs_mounted(ctx))
		w += snprintf(warnings + w, 1024 - w, "debugfs is not mounted (mount -t debugfs none /sys/kernel/debug); ");
	else if (!loaded)
		w += snprintf(warnings + w, 1024 - w, "hotplug_lab is not loaded (modprobe hotplug_lab); ");
	lockdown = hplab_lockdown_mode(ctx);
	if (lockdown && strcmp(lockdown, "none"))
		w += snprintf(warnings + w, 1024 - w, "the kernel is locked down (%s): debugfs refuses every write (hplab doctor); ",
			      lockdown);
	free(lockdown);
	if (!param || param[0] == 'N')
		w += snprintf(warnings + w, 1024 - w, "memmap_on_memory is off: boot with memory_hotplug.memmap_on_memory=1; ");
	if (!hplab_has_reserved_range(ctx))
		w += snprintf(warnings + w, 1024 - w, "no reserved range in /proc/iomem: boot with memmap=<size>$<start> (hplab doctor); ");
	else if (loaded && !view.has_region)
		w += snprintf(warnings + w, 1024 - w, "no region is claimed: hplab region candidates; ");
	if (!*ctx->sysroot && geteuid() != 0)
		w += snprintf(warnings + w, 1024 - w, "not root: the debugfs files are root-only; ");
	if (w >= 2)
		warnings[w - 2] = '\0';
	hplab_kv_add(kv, &n, "warnings", w ? warnings : strdup("none"), false);
	if (!w)
		free(warnings);

	hplab_kv_print(ctx, "status", kv, n);
	for (i = 0; i < n; i++)
		free(kv[i].value);
	free(param);
	free(info);
	if (loaded)
		hplab_view_free(&view);
	return HPLAB_EXIT_OK;
}

enum hplab_verdict { HPLAB_OK, HPLAB_WARN, HPLAB_FAIL };

struct hplab_doctor {
	const struct hplab_ctx *ctx;
	struct libscols_table *table;
	bool failed;
	char fixes[512];	/* kernel command line to add */
};

static void hplab_doctor_report(struct hplab_doctor *doc, const char *check,
				enum hplab_verdict verdict, const char *detail)
{
	static const char *const names[] = { "ok", "warn", "fail" };

	hplab_table_add(doc->table, check, names[verdict], detail);
	doc->failed |= verdict == HPLAB_FAIL;
}

static void hplab_doctor_reserved(struct hplab_doctor *doc, uint64_t block_size)
{
	struct hplab_candidate *list;
	char detail[256], size[32];
	size_t nr;
	int ret;

	ret = hplab_reserved_candidates(doc->ctx, block_size, &list, &nr);
	if (ret) {
		hplab_doctor_report(doc, "reserved range", HPLAB_FAIL,
				    ret == -ENODATA ?
				    "no firmware memory map (/sys/firmware/memmap) to tell RAM from MMIO" :
				    "cannot read /proc/iomem");
		return;
	}
	if (!nr) {
		hplab_doctor_report(doc, "reserved range", HPLAB_FAIL,
				    "no block-aligned range that is Reserved in /proc/iomem and RAM in /sys/firmware/memmap");
		strcat(doc->fixes, " memmap=1G$0x40000000");
	} else {
		snprintf(detail, sizeof(detail), "%#" PRIx64 "-%#" PRIx64 " (%s)%s%s",
			 list[0].start, list[0].end,
			 hplab_format_size(doc->ctx, list[0].end - list[0].start + 1, size,
					   sizeof(size)),
			 list[0].claimed ? ", claimed by hotplug_lab" : "",
			 nr > 1 ? ", more: hplab region candidates" : "");
		hplab_doctor_report(doc, "reserved range", HPLAB_OK, detail);
	}
	free(list);
}

/* A udev rule for the memory subsystem that writes "online". */
static bool hplab_rule_onlines_memory(const char *text)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		char *rule = strndup(line, end ? (size_t)(end - line) : strlen(line));
		bool onlines = rule && strstr(rule, "SUBSYSTEM==\"memory\"") &&
			       strstr(rule, "=\"online");

		free(rule);
		if (onlines)
			return true;
		line = end ? end + 1 : NULL;
	}
	return false;
}

static bool hplab_udev_onlines_memory(const struct hplab_ctx *ctx, char *which,
				      size_t len)
{
	static const char *const dirs[] = { _PATH_UDEV_RULES, _PATH_UDEV_RULES_ETC };
	bool found = false;
	size_t i, j;

	for (i = 0; i < 2 && !found; i++) {
		char *pattern = hplab_path(ctx, "%s/*.rules", dirs[i]);
		size_t root = strlen(ctx->sysroot);
		glob_t rules;

		if (glob(pattern, 0, NULL, &rules)) {
			free(pattern);
			continue;
		}
		free(pattern);
		for (j = 0; j < rules.gl_pathc && !found; j++) {
			/* Read it as a path on the box, not below --sysroot. */
			char *text = hplab_read(ctx, rules.gl_pathv[j] + root);

			if (text && hplab_rule_onlines_memory(text)) {
				snprintf(which, len, "%s", rules.gl_pathv[j] + root);
				found = true;
			}
			free(text);
		}
		globfree(&rules);
	}
	return found;
}

static const struct hplab_column doctor_columns[] = {
	{ "CHECK", "what was checked", false },
	{ "RESULT", "ok, warn or fail", false },
	{ "DETAIL", "what was found, and what to do", false },
};

int cmd_doctor(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct hplab_doctor doc = { .ctx = ctx };
	uint64_t block_size = hplab_block_size(ctx);
	char *param, *policy, *lockdown, detail[256], buf[32];

	if (hplab_wants_help(argv[0], argc, argv))
		return HPLAB_EXIT_OK;
	if (argc > 1)
		return hplab_usage_error(argv[0], "unexpected argument '%s'", argv[1]);
	doc.table = hplab_table_new(ctx, "checks", doctor_columns, 3);

	if (!*ctx->sysroot)
		hplab_doctor_report(&doc, "root", geteuid() ? HPLAB_FAIL : HPLAB_OK,
				    geteuid() ? "run as root" : "running as root");

	if (block_size) {
		snprintf(detail, sizeof(detail), "%s per memory block",
			 hplab_format_size(ctx, block_size, buf, sizeof(buf)));
		hplab_doctor_report(&doc, "memory hotplug", HPLAB_OK, detail);
	} else {
		hplab_doctor_report(&doc, "memory hotplug", HPLAB_FAIL,
				    "no /sys/devices/system/memory: kernel without CONFIG_MEMORY_HOTPLUG");
	}

	hplab_doctor_reserved(&doc, block_size);

	param = hplab_read_line(ctx, _PATH_MHP_PARAMS "/memmap_on_memory");
	if (param && (param[0] == 'Y' || !strcmp(param, "force"))) {
		hplab_doctor_report(&doc, "memmap_on_memory", HPLAB_OK, param);
	} else {
		hplab_doctor_report(&doc, "memmap_on_memory", HPLAB_FAIL,
				    param ? "N: the memmap of added memory will use online memory" :
					    "no parameter: kernel without CONFIG_MHP_MEMMAP_ON_MEMORY");
		strcat(doc.fixes, " memory_hotplug.memmap_on_memory=1");
	}
	free(param);

	policy = hplab_read_line(ctx, _PATH_SYS_MEMORY "/auto_online_blocks");
	if (policy && strcmp(policy, "offline")) {
		snprintf(detail, sizeof(detail),
			 "%s: the kernel onlines hot-added memory itself (Debian's 6.12 does); offline it, or 'echo offline > %s/auto_online_blocks', to choose zones yourself",
			 policy, _PATH_SYS_MEMORY);
		hplab_doctor_report(&doc, "online policy", HPLAB_WARN, detail);
	} else {
		hplab_doctor_report(&doc, "online policy", HPLAB_OK,
				    policy ? "offline: hot-added memory waits for you" :
					     "unknown");
	}
	free(policy);

	if (hplab_udev_onlines_memory(ctx, detail, sizeof(detail))) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s onlines hot-added memory", detail);
		hplab_doctor_report(&doc, "udev rules", HPLAB_WARN, msg);
	} else {
		hplab_doctor_report(&doc, "udev rules", HPLAB_OK,
				    "no rule onlines memory");
	}

	if (hplab_debugfs_mounted(ctx))
		hplab_doctor_report(&doc, "debugfs", HPLAB_OK, "mounted");
	else
		hplab_doctor_report(&doc, "debugfs", HPLAB_FAIL,
				    "not mounted: mount -t debugfs none /sys/kernel/debug");

	lockdown = hplab_lockdown_mode(ctx);
	if (lockdown && strcmp(lockdown, "none")) {
		snprintf(detail, sizeof(detail),
			 "%s: debugfs refuses every write, so hotplug_lab cannot be driven; Debian locks down under Secure Boot: turn off validation (mokutil --disable-validation) or Secure Boot",
			 lockdown);
		hplab_doctor_report(&doc, "lockdown", HPLAB_FAIL, detail);
	} else {
		hplab_doctor_report(&doc, "lockdown", HPLAB_OK,
				    lockdown ? "none" : "no lockdown LSM, or securityfs is not mounted");
	}
	free(lockdown);

	hplab_doctor_report(&doc, "hotplug_lab", hplab_module_loaded(ctx) ? HPLAB_OK : HPLAB_WARN,
			    hplab_module_loaded(ctx) ? "loaded" :
			    "not loaded: modprobe hotplug_lab (or insmod hotplug_lab.ko)");

	hplab_table_print(doc.table);
	if (doc.fixes[0] && !ctx->json)
		printf("\nAdd to the kernel command line:%s\n(in /etc/default/grub write each $ as \\\\\\$, then update-grub and reboot)\n",
		       doc.fixes);
	return doc.failed ? HPLAB_EXIT_REJECTED : HPLAB_EXIT_OK;
}
