// SPDX-License-Identifier: GPL-2.0
/*
 * hplab status and hplab doctor: what the box and the module look like,
 * and what to change before memory hotplug can be tried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "hplab.h"

/* "0x40000000-0x7fffffff (1G)", none, or NULL without the module. */
static char *hplab_region_string(const struct hplab_ctx *ctx,
				 const struct hplab_view *view, bool loaded)
{
	char *text, size[32];

	if (!loaded)
		return NULL;
	if (!view->has_region)
		return strdup("none");
	if (asprintf(&text, "%#" PRIx64 "-%#" PRIx64 " (%s)", view->region_start,
		     view->region_end,
		     hplab_format_size(ctx, view->region_end - view->region_start + 1,
				       size, sizeof(size))) < 0)
		return NULL;
	return text;
}

/*
 * Per group, the size it follows and how far it got, from the target
 * file: "1: 256M of 1G plugged, retrying; 2: no request".
 */
static char *hplab_targets_text(const struct hplab_ctx *ctx, const struct hplab_view *view)
{
	char *text = calloc(1, 1024), plugged[32], requested[32];
	size_t i, used = 0;

	for (i = 0; text && i < view->nr_groups; i++) {
		const struct hplab_target *t = hplab_view_target(view, view->groups[i].id);

		if (!t) {
			hplab_append(text, 1024, &used, "%s%d: no request", i ? "; " : "",
				     view->groups[i].id);
			continue;
		}
		hplab_append(text, 1024, &used, "%s%d: %s of %s plugged, %s", i ? "; " : "",
			     t->group, hplab_format_size(ctx, t->plugged, plugged, sizeof(plugged)),
			     hplab_format_size(ctx, t->requested, requested, sizeof(requested)),
			     t->state);
	}
	return text;
}

/*
 * The same as a JSON array, one object per group: requested, state and
 * retry_ms are null for a group that follows no request (every static
 * group); plugged is then the bytes added.
 */
static char *hplab_targets_json(const struct hplab_view *view)
{
	char *json = NULL;
	size_t len, i;
	FILE *out = open_memstream(&json, &len);

	if (!out)
		return NULL;
	fputc('[', out);
	for (i = 0; i < view->nr_groups; i++) {
		const struct hplab_group *g = &view->groups[i];
		const struct hplab_target *t = hplab_view_target(view, g->id);

		fprintf(out, "%s\n            {\"id\": %d, ", i ? "," : "", g->id);
		if (t)
			fprintf(out, "\"requested\": %" PRIu64 ", \"plugged\": %" PRIu64
				", \"state\": \"%s\", \"retry_ms\": %lu}", t->requested,
				t->plugged, t->state, t->retry_ms);
		else
			fprintf(out, "\"requested\": null, \"plugged\": %" PRIu64
				", \"state\": null, \"retry_ms\": null}", g->added);
	}
	fputs(view->nr_groups ? "\n         ]" : "]", out);
	if (fclose(out)) {
		free(json);
		return NULL;
	}
	return json;
}

/* 1 if there is a range to claim, 0 if not, -EACCES for a user not root */
static int hplab_has_reserved_range(const struct hplab_ctx *ctx)
{
	struct hplab_candidate *list;
	size_t nr = 0;
	int ret = hplab_reserved_candidates(ctx, hplab_block_size(ctx), &list, &nr);

	if (!ret)
		free(list);
	return ret == -EACCES ? ret : nr > 0;
}

int cmd_status(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct hplab_view view;
	uint64_t added = 0, online = 0, vmemmap = 0;
	char *info = NULL, *warnings = NULL, *groups = NULL, *problem;
	uint64_t block_size = hplab_block_size(ctx);
	struct hplab_kv kv[HPLAB_MAX_KV];
	size_t i, w = 0, n = 0;
	char *param, *lockdown;
	int load_err, reserved, ret;
	bool loaded;

	if (hplab_command_start(ctx, argc, argv, NULL, &ret))
		return ret;

	load_err = hplab_view_load(ctx, &view);
	loaded = !load_err;
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

	hplab_kv_add(kv, &n, "kernel", hplab_read_line(ctx, _PATH_PROC_OSRELEASE), HPLAB_KV_STRING);
	hplab_kv_add(kv, &n, "block_size", block_size ? hplab_size_string(ctx, block_size) : NULL,
		     HPLAB_KV_NUMBER);
	hplab_kv_add(kv, &n, "memmap_on_memory", param ? strdup(param) : NULL, HPLAB_KV_STRING);
	hplab_kv_add(kv, &n, "memmap_on_memory_multi_block",
		     info ? hplab_key_value(info, "memmap_on_memory_multi_block") : NULL, HPLAB_KV_BOOLEAN);
	hplab_kv_add(kv, &n, "remove_path",
		     info ? hplab_key_value(info, "remove_path") : NULL, HPLAB_KV_STRING);
	hplab_kv_add(kv, &n, "auto_online_blocks",
		     hplab_read_line(ctx, _PATH_SYS_MEMORY "/auto_online_blocks"), HPLAB_KV_STRING);
	hplab_kv_add(kv, &n, "online_policy",
		     hplab_read_line(ctx, _PATH_MHP_PARAMS "/online_policy"), HPLAB_KV_STRING);
	if (!ctx->json) {
		hplab_kv_add(kv, &n, "region", hplab_region_string(ctx, &view, loaded),
			     HPLAB_KV_STRING);
	} else {
		/* Integers (--json implies bytes), null without a region. */
		hplab_kv_add(kv, &n, "region_start", view.has_region ?
			     hplab_size_string(ctx, view.region_start) : NULL, HPLAB_KV_NUMBER);
		hplab_kv_add(kv, &n, "region_size", view.has_region ?
			     hplab_size_string(ctx, view.region_end - view.region_start + 1) : NULL,
			     HPLAB_KV_NUMBER);
	}
	if (loaded && asprintf(&groups, "%zu", view.nr_groups) < 0)
		groups = NULL;
	hplab_kv_add(kv, &n, "groups", groups, HPLAB_KV_NUMBER);
	hplab_kv_add(kv, &n, "added", loaded ? hplab_size_string(ctx, added) : NULL, HPLAB_KV_NUMBER);
	hplab_kv_add(kv, &n, "online", loaded ? hplab_size_string(ctx, online) : NULL, HPLAB_KV_NUMBER);
	hplab_kv_add(kv, &n, "vmemmap_self_hosted",
		     loaded ? hplab_size_string(ctx, vmemmap) : NULL, HPLAB_KV_NUMBER);
	/* Unknown (null) without the module; none is an empty list. */
	hplab_kv_add(kv, &n, "targets", loaded ? hplab_targets_text(ctx, &view) : NULL,
		     loaded ? HPLAB_KV_LIST : HPLAB_KV_STRING);
	if (loaded)
		kv[n - 1].json = hplab_targets_json(&view);

	/* Every setting that will surprise the user, "; " between two. */
	warnings = calloc(1, 1024);
	if (!warnings)
		return HPLAB_EXIT_REJECTED;
	/* A bad block size has its own warning below. */
	problem = load_err != -EPROTO ? hplab_access_problem(ctx, -load_err) :
		  block_size ? strdup("the module's debugfs files do not parse (see above)") : NULL;
	if (problem)
		hplab_append(warnings, 1024, &w, "%s; ", problem);
	free(problem);
	lockdown = hplab_lockdown_mode(ctx);
	if (lockdown && strcmp(lockdown, "none") && hplab_access(ctx, -load_err) != HPLAB_ACCESS_LOCKED_DOWN)
		hplab_append(warnings, 1024, &w, "the kernel is locked down (%s): debugfs refuses every write (hplab doctor); ",
			      lockdown);
	free(lockdown);
	if (!block_size)
		hplab_append(warnings, 1024, &w, "%s/block_size_bytes cannot be read or is not a power of two; ",
			      _PATH_SYS_MEMORY);
	if (!param || param[0] == 'N')
		hplab_append(warnings, 1024, &w, "memmap_on_memory is off: boot with memory_hotplug.memmap_on_memory=1; ");
	reserved = hplab_has_reserved_range(ctx);
	if (reserved == -EACCES)
		hplab_append(warnings, 1024, &w, "%s shows no addresses to a user who is not root; ",
			      _PATH_PROC_IOMEM);
	else if (!reserved)
		hplab_append(warnings, 1024, &w, "no reserved range in /proc/iomem: boot with memmap=<size>$<start> (hplab doctor); ");
	else if (loaded && !view.has_region)
		hplab_append(warnings, 1024, &w, "no region is claimed: hplab region candidates; ");
	if (w >= 2)
		warnings[w - 2] = '\0';
	hplab_kv_add(kv, &n, "warnings", warnings, HPLAB_KV_LIST);

	hplab_kv_print(ctx, "status", kv, n);
	hplab_kv_free(kv, n);
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

	const char *cells[] = { check, names[verdict], detail };

	hplab_table_add_cells(doc->table, cells);
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
				    ret == -EACCES ?
				    "/proc/iomem shows every address as 0 to a user who is not root (run as root)" :
				    "cannot read /proc/iomem, or no valid block size");
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

/*
 * A rule in /etc/udev/rules.d overrides the one of the same name in
 * /lib/udev/rules.d: an empty file or a link to /dev/null there masks it.
 */
static bool hplab_udev_overridden(const struct hplab_ctx *ctx, const char *dir,
				  const char *rule)
{
	const char *name = strrchr(rule, '/');
	char *path;
	bool overridden;

	if (strcmp(dir, _PATH_UDEV_RULES) || !name)
		return false;
	if (asprintf(&path, "%s%s", _PATH_UDEV_RULES_ETC, name) < 0)
		return false;
	overridden = hplab_exists(ctx, path);
	free(path);
	return overridden;
}

/* The active rules only: the /etc one of two of the same name. */
static bool hplab_udev_onlines_memory(const struct hplab_ctx *ctx, char *which,
				      size_t len)
{
	static const char *const dirs[] = { _PATH_UDEV_RULES, _PATH_UDEV_RULES_ETC };
	bool found = false;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(dirs) && !found; i++) {
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
			const char *rule = rules.gl_pathv[j] + root;
			char *text;

			if (hplab_udev_overridden(ctx, dirs[i], rule))
				continue;
			text = hplab_read(ctx, rule);
			if (text && hplab_rule_onlines_memory(text)) {
				snprintf(which, len, "%s", rule);
				found = true;
			}
			free(text);
		}
		globfree(&rules);
	}
	return found;
}

static const struct hplab_column doctor_columns[] = {
	{ "CHECK", "what was checked" },
	{ "RESULT", "ok, warn or fail" },
	{ "DETAIL", "what was found, and what to do" },
};

static const struct hplab_table_def doctor_table = HPLAB_TABLE("checks", doctor_columns);

/* The checks, and in JSON the kernel command line to add (or null). */
static void hplab_doctor_print(struct hplab_doctor *doc)
{
	char *json;

	if (!doc->ctx->json) {
		hplab_table_print(doc->table);
		if (doc->fixes[0])
			printf("\nAdd to the kernel command line:%s\n(in /etc/default/grub write each $ as \\\\\\$, then update-grub and reboot)\n",
			       doc->fixes);
		return;
	}
	/* libsmartcols prints one key: add this one after it. */
	json = hplab_table_json_members(doc->table);
	if (!json)
		return;
	printf("{\n%s,\n   \"kernel_command_line\": ", json);
	hplab_json_string(doc->fixes[0] ? doc->fixes + 1 : NULL);
	puts("\n}");
	free(json);
}

int cmd_doctor(struct hplab_ctx *ctx, int argc, char **argv)
{
	struct hplab_doctor doc = { .ctx = ctx };
	uint64_t block_size = hplab_block_size(ctx);
	char *param, *policy, *lockdown, *problem, detail[256], buf[32];
	int ret;

	if (hplab_command_start(ctx, argc, argv, NULL, &ret))
		return ret;
	doc.table = hplab_table_new(ctx, &doctor_table);

	if (!*ctx->sysroot)
		hplab_doctor_report(&doc, "root", geteuid() ? HPLAB_FAIL : HPLAB_OK,
				    geteuid() ? "run as root" : "running as root");

	if (block_size) {
		snprintf(detail, sizeof(detail), "%s per memory block",
			 hplab_format_size(ctx, block_size, buf, sizeof(buf)));
		hplab_doctor_report(&doc, "memory hotplug", HPLAB_OK, detail);
	} else if (hplab_exists(ctx, _PATH_SYS_MEMORY "/block_size_bytes")) {
		hplab_doctor_report(&doc, "memory hotplug", HPLAB_FAIL,
				    _PATH_SYS_MEMORY "/block_size_bytes cannot be read or is not a power of two");
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

	problem = hplab_access_problem(ctx, 0);
	hplab_doctor_report(&doc, "hotplug_lab", problem ? HPLAB_WARN : HPLAB_OK,
			    problem ? problem : "loaded");
	free(problem);

	hplab_doctor_print(&doc);
	return doc.failed ? HPLAB_EXIT_REJECTED : HPLAB_EXIT_OK;
}
