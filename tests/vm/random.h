/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The random choices of the guest helpers (fuzz.c, stress.c): splitmix64
 * (Steele, Lea and Flood), whose whole state is one number, so that a
 * seed replays the same choices with any libc.
 */
#ifndef HPLAB_TESTS_RANDOM_H
#define HPLAB_TESTS_RANDOM_H

#include <stdint.h>

static uint64_t rng;	/* the seed, then the state */

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number below @n, 0 for 0; the modulo bias does not matter here. */
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

#endif
