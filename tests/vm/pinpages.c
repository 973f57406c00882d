// SPDX-License-Identifier: GPL-2.0
/*
 * pinpages: hold one page of a physical range so that it cannot be
 * migrated, for the guest tests of a stuck offline.
 *
 * vmsplice(2) without SPLICE_F_GIFT takes a reference on the user page it
 * puts into a pipe, and keeps it until the pipe is read. Migration needs
 * the page's references to be the ones it expects, so offline_pages()
 * retries such a page until a signal stops it: in ZONE_MOVABLE the page
 * does not count as unmovable, and the offline waits instead of failing.
 *
 * usage: pinpages START SIZE
 *
 * Allocates anonymous memory 4M at a time (at most 512M, handing back
 * each 4M that missed) until a page of it lies in [START, START + SIZE) (physical addresses, from
 * /proc/self/pagemap, which needs root), pins that page, prints
 * "pinned 0x<address>" and waits for a signal. Prints "no page in range"
 * and exits 1 if none landed there; exits 2 on bad usage or a failed call.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define STEP (4UL << 20)
#define LIMIT (512UL << 20)
#define PFN_MASK ((UINT64_C(1) << 55) - 1)
#define PRESENT (UINT64_C(1) << 63)

static int fail(const char *what)
{
	perror(what);
	return 2;
}

int main(int argc, char **argv)
{
	long page_size = sysconf(_SC_PAGESIZE);
	uint64_t start, end, entry;
	unsigned long allocated, offset;
	int pagemap, pipefd[2];
	char *area;

	if (argc != 3) {
		fprintf(stderr, "usage: pinpages START SIZE\n");
		return 2;
	}
	start = strtoull(argv[1], NULL, 0);
	end = start + strtoull(argv[2], NULL, 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		return fail("/proc/self/pagemap");
	if (pipe(pipefd))
		return fail("pipe");

	for (allocated = 0; allocated < LIMIT; allocated += STEP) {
		area = mmap(NULL, STEP, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (area == MAP_FAILED)
			return fail("mmap");
		for (offset = 0; offset < STEP; offset += page_size) {
			off_t at = (uintptr_t)(area + offset) / page_size *
				   sizeof(entry);
			uint64_t phys;
			struct iovec iov = {
				.iov_base = area + offset,
				.iov_len = page_size,
			};

			area[offset] = 1;
			if (pread(pagemap, &entry, sizeof(entry), at) !=
			    sizeof(entry))
				return fail("pread /proc/self/pagemap");
			if (!(entry & PRESENT) || !(entry & PFN_MASK))
				continue;
			phys = (entry & PFN_MASK) * page_size;
			if (phys < start || phys >= end)
				continue;
			if (vmsplice(pipefd[1], &iov, 1, 0) != page_size)
				return fail("vmsplice");
			printf("pinned %#" PRIx64 "\n", phys);
			fflush(stdout);
			for (;;)
				pause();
		}
		/* Nothing of it landed there: give it back. */
		munmap(area, STEP);
	}
	printf("no page in range\n");
	return 1;
}
