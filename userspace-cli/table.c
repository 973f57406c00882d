// SPDX-License-Identifier: GPL-2.0
/*
 * Tables through libsmartcols, as lsmem(1) prints them: aligned columns on
 * a terminal, one JSON object with lower-case keys with --json.
 */
#include <ctype.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hplab.h"

struct libscols_table *hplab_table_new(const struct hplab_ctx *ctx,
				       const char *name,
				       const struct hplab_column *columns,
				       size_t nr_columns)
{
	struct libscols_table *table = scols_new_table();
	size_t i;

	if (!table) {
		perror("hplab");
		exit(HPLAB_EXIT_REJECTED);
	}
	scols_table_set_name(table, name);
	scols_table_enable_json(table, ctx->json);
	for (i = 0; i < nr_columns; i++) {
		struct libscols_column *col;

		col = scols_table_new_column(table, columns[i].name, 0,
					     columns[i].number ? SCOLS_FL_RIGHT : 0);
		if (!col) {
			perror("hplab");
			exit(HPLAB_EXIT_REJECTED);
		}
		if (columns[i].number && ctx->json)
			scols_column_set_json_type(col, SCOLS_JSON_NUMBER);
	}
	return table;
}

/* One line; CELLS has as many strings (or NULL) as the table has columns. */
void hplab_table_add_cells(struct libscols_table *table,
			   const char *const *cells)
{
	struct libscols_line *line = scols_table_new_line(table, NULL);
	size_t i, n = scols_table_get_ncols(table);

	if (!line) {
		perror("hplab");
		exit(HPLAB_EXIT_REJECTED);
	}
	for (i = 0; i < n; i++)
		scols_line_set_data(line, i, cells[i]);
}

/* One line; as many strings as the table has columns. */
void hplab_table_add(struct libscols_table *table, ...)
{
	const char *cells[16];
	size_t i, n = scols_table_get_ncols(table);
	va_list ap;

	va_start(ap, table);
	for (i = 0; i < n && i < 16; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	hplab_table_add_cells(table, cells);
}

void hplab_table_print(struct libscols_table *table)
{
	scols_print_table(table);
	scols_unref_table(table);
}

void hplab_columns_help(const struct hplab_column *columns, size_t nr_columns)
{
	size_t i;

	fputs("\nColumns (the --json keys are the same in lower case):\n", stdout);
	for (i = 0; i < nr_columns; i++)
		printf("  %-12s %s\n", columns[i].name, columns[i].help);
}
