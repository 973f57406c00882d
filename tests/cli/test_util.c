// SPDX-License-Identifier: GPL-2.0
/* Unit tests of hplab's size parser and formatter, as TAP. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hplab.h"

static int n, failed;

static void check(int ok, const char *what)
{
	n++;
	failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", n, what);
}

static void parses(const char *str, uint64_t want)
{
	uint64_t val = 0;
	char what[96];

	snprintf(what, sizeof(what), "'%s' is %" PRIu64, str, want);
	check(hplab_parse_size(str, &val) == 0 && val == want, what);
}

static void rejects(const char *str)
{
	uint64_t val;
	char what[96];

	snprintf(what, sizeof(what), "'%s' is rejected", str);
	check(hplab_parse_size(str, &val) == -EINVAL, what);
}

static void formats(uint64_t val, bool bytes, const char *want)
{
	struct hplab_ctx ctx = { .sysroot = "", .bytes = bytes };
	char buf[32], what[96];

	snprintf(what, sizeof(what), "%" PRIu64 " prints as %s", val, want);
	check(!strcmp(hplab_format_size(&ctx, val, buf, sizeof(buf)), want), what);
}

int main(void)
{
	parses("0", 0);
	parses("134217728", 134217728);
	parses("0x40000000", 0x40000000);
	parses("0X40000000", 0x40000000);
	parses("128M", 128ULL << 20);
	parses("128m", 128ULL << 20);
	parses("1G", 1ULL << 30);
	parses("0x10K", 16ULL << 10);
	parses("16T", 16ULL << 40);
	parses("18446744073709551615", UINT64_MAX);
	parses("16777215T", 16777215ULL << 40);
	rejects("");
	rejects("M");
	rejects("-1");
	rejects("+1");
	rejects(" 1");
	rejects("1 ");
	rejects("0x");
	rejects("0xG");
	rejects("12Q");
	rejects("1.5G");
	rejects("010");
	rejects("00");
	rejects("18446744073709551616");
	rejects("16777216T");
	rejects("0x1g0");
	rejects("123456789012345678901234567890");
	formats(0, false, "0");
	formats(512, false, "512");
	formats(128ULL << 20, false, "128M");
	formats(1ULL << 30, false, "1G");
	formats(1536ULL << 20, false, "1.5G");
	formats(12ULL << 30, false, "12G");
	formats(128ULL << 20, true, "134217728");
	return failed ? 1 : 0;
}
