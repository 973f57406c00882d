// SPDX-License-Identifier: GPL-2.0
/*
 * Tables through libsmartcols, as lsmem(1) prints them: aligned columns on
 * a terminal, one JSON object with lower-case keys with --json; -o, -n and
 * -r as lsmem has them.
 */
#include <libsmartcols.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hplab.h"

static void *hplab_checked(void *ptr)
{
	if (!ptr) {
		perror("hplab");
		exit(HPLAB_EXIT_REJECTED);
	}
	return ptr;
}

static long hplab_column_index(const struct hplab_table_def *def,
			       const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < def->nr_columns; i++)
		if (strlen(def->columns[i].name) == len &&
		    !strncasecmp(def->columns[i].name, name, len))
			return i;
	return -1;
}

/*
 * Call FN for every column LIST chooses: "NAME,NAME", or "+NAME,..." for
 * the default columns and those. Returns 0, or HPLAB_EXIT_USAGE after a
 * message for a name the table does not have.
 */
static int hplab_table_columns(const char *command, const struct hplab_table_def *def,
			       const char *list, void (*fn)(void *data, size_t index),
			       void *data)
{
	size_t i;

	if (!list || *list == '+') {
		for (i = 0; i < def->nr_columns; i++)
			if (!def->columns[i].extra && fn)
				fn(data, i);
		if (!list)
			return 0;
		list++;
	}
	while (*list) {
		size_t len = strcspn(list, ",");
		long index = hplab_column_index(def, list, len);

		if (index < 0)
			return hplab_usage_error(command, "unknown column '%.*s' (see --list-columns)",
						 (int)len, list);
		if (fn)
			fn(data, index);
		list += len;
		if (*list)
			list++;
	}
	return 0;
}

/* Check an -o LIST; returns 0 or HPLAB_EXIT_USAGE after a message. */
int hplab_table_output(const char *command, const struct hplab_table_def *def,
		       const char *list)
{
	return hplab_table_columns(command, def, list, NULL, NULL);
}

struct hplab_new_table {
	const struct hplab_ctx *ctx;
	const struct hplab_table_def *def;
	struct libscols_table *table;
};

static void hplab_table_new_column(void *data, size_t index)
{
	static const int json_types[] = {
		[HPLAB_COL_STRING] = SCOLS_JSON_STRING,
		[HPLAB_COL_NUMBER] = SCOLS_JSON_NUMBER,
		[HPLAB_COL_BOOLEAN] = SCOLS_JSON_BOOLEAN,
	};
	struct hplab_new_table *t = data;
	const struct hplab_column *column = &t->def->columns[index];
	struct libscols_column *col;

	col = hplab_checked(scols_table_new_column(t->table, column->name, 0,
			column->type == HPLAB_COL_NUMBER ? SCOLS_FL_RIGHT : 0));
	/* Which of the def's cells this column shows. */
	scols_cell_set_userdata(scols_column_get_header(col), (void *)(uintptr_t)index);
	if (t->ctx->json)
		scols_column_set_json_type(col, json_types[column->type]);
}

struct libscols_table *hplab_table_new(const struct hplab_ctx *ctx,
				       const struct hplab_table_def *def)
{
	struct hplab_new_table t = { ctx, def, hplab_checked(scols_new_table()) };

	scols_table_set_name(t.table, def->name);
	scols_table_enable_json(t.table, ctx->json);
	scols_table_enable_raw(t.table, ctx->raw);
	scols_table_enable_noheadings(t.table, ctx->noheadings);
	/* The list was checked when the option was read. */
	hplab_table_columns(ctx->command, def, def == ctx->output_table ? ctx->output : NULL,
			    hplab_table_new_column, &t);
	return t.table;
}

/* One line; CELLS has one string (or NULL) per column of the table's def. */
void hplab_table_add_cells(struct libscols_table *table,
			   const char *const *cells)
{
	struct libscols_line *line = hplab_checked(scols_table_new_line(table, NULL));
	size_t i, n = scols_table_get_ncols(table);
	bool json = scols_table_is_json(table);

	for (i = 0; i < n; i++) {
		struct libscols_column *col = scols_table_get_column(table, i);
		const char *cell = cells[(uintptr_t)scols_cell_get_userdata(scols_column_get_header(col))];

		scols_line_set_data(line, i, cell || json ? cell : "-");
	}
}

void hplab_table_print(struct libscols_table *table)
{
	scols_print_table(table);
	scols_unref_table(table);
}

void hplab_columns_help(const struct hplab_table_def *def)
{
	size_t i;

	fputs("Columns (the --json keys are the same in lower case; * only with -o):\n",
	      stdout);
	for (i = 0; i < def->nr_columns; i++)
		printf("  %-12s%s %s\n", def->columns[i].name,
		       def->columns[i].extra ? "*" : " ", def->columns[i].help);
}

/*
 * The table's JSON without the braces around it ('   "name": [ ... ]'),
 * to print as a member of a larger object; NULL if it cannot be had.
 * Frees the table.
 */
char *hplab_table_json_members(struct libscols_table *table)
{
	char *json = NULL, *open, *close;

	if (scols_print_table_to_string(table, &json) || !json ||
	    !(open = strchr(json, '{')) || !(close = strrchr(json, '}')) ||
	    close < open) {
		free(json);
		scols_unref_table(table);
		return NULL;
	}
	scols_unref_table(table);
	/* Without the newlines after "{" and before "}". */
	open += strspn(open + 1, "\n") + 1;
	while (close > open && close[-1] == '\n')
		close--;
	memmove(json, open, close - open);
	json[close - open] = '\0';
	return json;
}

/* VALUE is allocated (or NULL) and freed by hplab_kv_free(). */
void hplab_kv_add(struct hplab_kv *kv, size_t *n, const char *key,
		  char *value, enum hplab_kv_type type)
{
	kv[*n].key = key;
	kv[*n].value = value;
	kv[*n].type = type;
	kv[*n].json = NULL;
	(*n)++;
}

void hplab_kv_free(struct hplab_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].value);
		free(kv[i].json);
	}
}

/* One value, the members of its object INDENT spaces in. */
static void hplab_kv_json(const struct hplab_kv *kv, int indent)
{
	const char *item;

	if (kv->json) {
		fputs(kv->json, stdout);
		return;
	}
	if (kv->type == HPLAB_KV_NUMBER && kv->value) {
		fputs(kv->value, stdout);
		return;
	}
	/* yes or no; anything else stays a string */
	if (kv->type == HPLAB_KV_BOOLEAN && kv->value &&
	    (!strcmp(kv->value, "yes") || !strcmp(kv->value, "no"))) {
		fputs(!strcmp(kv->value, "yes") ? "true" : "false", stdout);
		return;
	}
	if (kv->type != HPLAB_KV_LIST) {
		hplab_json_string(kv->value);
		return;
	}
	putchar('[');
	for (item = kv->value; item && *item; ) {
		size_t len = strcspn(item, ";");
		char *one = strndup(item, len);

		printf("%s\n%*s", item == kv->value ? "" : ",", indent + 3, "");
		hplab_json_string(one);
		free(one);
		item += len;
		item += strspn(item, "; ");
	}
	if (kv->value && *kv->value)
		printf("\n%*s]", indent, "");
	else
		putchar(']');
}

void hplab_kv_print_text(const struct hplab_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%-30s %s\n", kv[i].key,
		       kv[i].value && *kv[i].value ? kv[i].value :
		       kv[i].type == HPLAB_KV_LIST ? "none" : "-");
}

/*
 * '"key": value' lines, INDENT spaces in, a comma after each but the
 * last; after the last too with MORE (members follow).
 */
void hplab_kv_print_json(const struct hplab_kv *kv, size_t n, int indent, bool more)
{
	size_t i;

	for (i = 0; i < n; i++) {
		printf("%*s\"%s\": ", indent, "", kv[i].key);
		hplab_kv_json(&kv[i], indent);
		puts(i + 1 < n || more ? "," : "");
	}
}

/*
 * KV, then the tables (freed): in text a blank line before each table; in
 * JSON one object, the KV members and then each table's array, null if
 * it cannot be had.
 */
void hplab_kv_tables_print(const struct hplab_ctx *ctx, const struct hplab_kv *kv, size_t n,
			   struct libscols_table *const *tables, size_t nr_tables)
{
	size_t i;

	if (!ctx->json) {
		hplab_kv_print_text(kv, n);
		for (i = 0; i < nr_tables; i++) {
			putchar('\n');
			hplab_table_print(tables[i]);
		}
		return;
	}
	puts("{");
	hplab_kv_print_json(kv, n, 3, nr_tables);
	for (i = 0; i < nr_tables; i++) {
		char *name = strdup(scols_table_get_name(tables[i]));
		char *json = hplab_table_json_members(tables[i]);

		if (json)
			fputs(json, stdout);
		else
			printf("   \"%s\": null", name ? name : "");
		puts(i + 1 < nr_tables ? "," : "");
		free(json);
		free(name);
	}
	puts("}");
}

/* Text, or one JSON object in a one-element array, as libsmartcols prints a table. */
void hplab_kv_print(const struct hplab_ctx *ctx, const char *name,
		    const struct hplab_kv *kv, size_t n)
{
	if (!ctx->json) {
		hplab_kv_print_text(kv, n);
		return;
	}
	printf("{\n   \"%s\": [\n      {\n", name);
	hplab_kv_print_json(kv, n, 9, false);
	puts("      }\n   ]\n}");
}
