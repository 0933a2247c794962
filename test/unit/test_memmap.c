// SPDX-License-Identifier: GPL-2.0
/* Memory map arithmetic: nucleus/mm/memmap.c. */
#include <mv/errno.h>
#include <mv/memmap.h>

#include "mv_test.h"

#define PG MV_PAGE_SIZE
#define RAM0 0x40000000ull

static struct mv_memmap map;

static void setup(void)
{
	memset(&map, 0xa5, sizeof(map));	/* init must clear it all */
	mv_memmap_init(&map);
}

/* Compare a table with a list of {start, end} pairs (end exclusive). */
#define CHECK_RANGES(tab, nr, ...)					\
	do {								\
		const u64 e_[][2] = { __VA_ARGS__ };			\
		unsigned int i_;					\
		CHECK_EQ((nr), MV_ARRAY_SIZE(e_));			\
		for (i_ = 0; i_ < MV_ARRAY_SIZE(e_); i_++) {		\
			CHECK_EQ((tab)[i_].start, e_[i_][0]);		\
			CHECK_EQ((tab)[i_].start + (tab)[i_].size, e_[i_][1]); \
		}							\
	} while (0)

#define USABLE(...) CHECK_RANGES(map.usable, map.nr_usable, __VA_ARGS__)
#define RAM(...) CHECK_RANGES(map.ram, map.nr_ram, __VA_ARGS__)
#define RESERVED(...) CHECK_RANGES(map.reserved, map.nr_reserved, __VA_ARGS__)

static void one_gig(void)
{
	CHECK_EQ(mv_memmap_add_ram(&map, RAM0, MV_GIB(1)), 0);
}

static void test_init(void)
{
	CHECK_EQ(map.nr_ram, 0);
	CHECK_EQ(map.nr_reserved, 0);
	CHECK_EQ(map.nr_usable, 0);
	CHECK_EQ(map.ram[5].start, 0);
	CHECK_EQ(mv_memmap_total(&map), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	CHECK_EQ(map.nr_usable, 0);
	CHECK_EQ(mv_memmap_usable_total(&map), 0);
}

static void test_no_reserve(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, RAM0 + MV_GIB(1) });
	CHECK_EQ(mv_memmap_total(&map), MV_GIB(1));
	CHECK_EQ(mv_memmap_usable_total(&map), MV_GIB(1));
}

static void test_reserve_start(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, RAM0, MV_MIB(2)), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0 + MV_MIB(2), RAM0 + MV_GIB(1) });
	CHECK_EQ(mv_memmap_usable_total(&map), MV_GIB(1) - MV_MIB(2));
	CHECK_EQ(mv_memmap_total(&map), MV_GIB(1));
}

static void test_reserve_middle(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, 0x48000000, PG), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, 0x48000000 }, { 0x48001000, RAM0 + MV_GIB(1) });
	CHECK_EQ(mv_memmap_usable_total(&map), MV_GIB(1) - PG);
}

static void test_reserve_end(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, 0x7fff0000, 0x10000), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, 0x7fff0000 });
	/* Past the end of RAM too: still only trims. */
	CHECK_EQ(mv_memmap_reserve(&map, 0x7ff00000, MV_GIB(4)), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, 0x7ff00000 });
}

static void test_reserve_covering(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, 0x30000000, 0x60000000), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	CHECK_EQ(map.nr_usable, 0);
	CHECK_EQ(mv_memmap_usable_total(&map), 0);
	CHECK_EQ(mv_memmap_total(&map), MV_GIB(1));

	/* Exactly the bank. */
	mv_memmap_init(&map);
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, RAM0, MV_GIB(1)), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	CHECK_EQ(map.nr_usable, 0);
}

static void test_reserve_outside(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, 0x1000, 0x1000), 0);
	CHECK_EQ(mv_memmap_reserve(&map, 0x90000000, 0x1000), 0);
	CHECK_EQ(mv_memmap_reserve(&map, RAM0 - PG, PG), 0);	/* touching */
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, RAM0 + MV_GIB(1) });
}

static void test_overlapping_reserves(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, 0x41000000, 0x100000), 0);
	CHECK_EQ(mv_memmap_reserve(&map, 0x41080000, 0x200000), 0);
	CHECK_EQ(mv_memmap_reserve(&map, 0x50000000, 0x1000), 0);
	CHECK_EQ(mv_memmap_reserve(&map, 0x60000000, 0x1000), 0);
	RESERVED({ 0x41000000, 0x41280000 }, { 0x50000000, 0x50001000 },
		 { 0x60000000, 0x60001000 });
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, 0x41000000 }, { 0x41280000, 0x50000000 },
	       { 0x50001000, 0x60000000 }, { 0x60001000, 0x80000000 });

	/* One range swallowing the first three, partly over the fourth. */
	CHECK_EQ(mv_memmap_reserve(&map, 0x40f00000, 0x1f100800), 0);
	RESERVED({ 0x40f00000, 0x60001000 });
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, 0x40f00000 }, { 0x60001000, 0x80000000 });
	CHECK_EQ(mv_memmap_usable_total(&map),
		 0xf00000 + (0x80000000 - 0x60001000));
}

/* /memreserve/ entries and image ends need not be page aligned. */
static void test_unaligned(void)
{
	one_gig();
	CHECK_EQ(mv_memmap_reserve(&map, 0x48000123, 0x10), 0);
	RESERVED({ 0x48000000, 0x48001000 });
	/* 2 bytes straddling a page boundary: two pages, merged with ^. */
	CHECK_EQ(mv_memmap_reserve(&map, 0x48001fff, 2), 0);
	RESERVED({ 0x48000000, 0x48003000 });
	CHECK_EQ(mv_memmap_reserve(&map, 0x4c000001, 0x1fff), 0);
	RESERVED({ 0x48000000, 0x48003000 }, { 0x4c000000, 0x4c002000 });
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ RAM0, 0x48000000 }, { 0x48003000, 0x4c000000 },
	       { 0x4c002000, 0x80000000 });

	/* Unaligned RAM edges shrink inward. */
	mv_memmap_init(&map);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x40000123, 0x10000000), 0);
	CHECK_EQ(mv_memmap_total(&map), 0x10000000);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ 0x40001000, 0x50000000 });

	/* A bank with no whole page gives nothing; nor does the sliver. */
	mv_memmap_init(&map);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x40000800, 0x1000), 0);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x50000000, 0x3000), 0);
	CHECK_EQ(mv_memmap_reserve(&map, 0x50001800, 0x10), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ 0x50000000, 0x50001000 }, { 0x50002000, 0x50003000 });
	CHECK_EQ(mv_memmap_usable_total(&map), 2 * PG);
}

static void test_merge_ram(void)
{
	CHECK_EQ(mv_memmap_add_ram(&map, 0x80000000, 0x1000000), 0);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x40000000, 0x1000000), 0);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x41000000, 0x1000000), 0);
	RAM({ 0x40000000, 0x42000000 }, { 0x80000000, 0x81000000 });
	/* Overlapping, inside, and bridging. */
	CHECK_EQ(mv_memmap_add_ram(&map, 0x41800000, 0x1000000), 0);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x40100000, 0x1000), 0);
	RAM({ 0x40000000, 0x42800000 }, { 0x80000000, 0x81000000 });
	CHECK_EQ(mv_memmap_total(&map), 0x2800000 + 0x1000000);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x42000000, 0x3e000000), 0);
	RAM({ 0x40000000, 0x81000000 });
	CHECK_EQ(mv_memmap_total(&map), 0x41000000);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ 0x40000000, 0x81000000 });

	/* Unaligned banks that touch form one usable range. */
	mv_memmap_init(&map);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x40000000, 0x1800), 0);
	CHECK_EQ(mv_memmap_add_ram(&map, 0x40001800, 0x1800), 0);
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ 0x40000000, 0x40003000 });
}

static void test_sorted(void)
{
	int i;

	/* 32 disjoint banks added backwards come out sorted. */
	for (i = 31; i >= 0; i--)
		CHECK_EQ(mv_memmap_add_ram(&map, RAM0 + (u64)i * MV_MIB(2),
					   MV_MIB(1)), 0);
	CHECK_EQ(map.nr_ram, 32);
	for (i = 0; i < 32; i++) {
		CHECK_EQ(map.ram[i].start, RAM0 + (u64)i * MV_MIB(2));
		CHECK_EQ(map.ram[i].size, MV_MIB(1));
	}
	CHECK_EQ(mv_memmap_compute(&map), 0);
	CHECK_EQ(map.nr_usable, 32);
	for (i = 1; i < 32; i++)
		CHECK_LT(map.usable[i - 1].start, map.usable[i].start);
	CHECK_EQ(mv_memmap_usable_total(&map), 32 * MV_MIB(1));
}

static void test_errors(void)
{
	struct mv_memmap before;
	int i;

	CHECK_EQ(mv_memmap_add_ram(&map, RAM0, 0), -MV_EINVAL);
	CHECK_EQ(mv_memmap_reserve(&map, RAM0, 0), -MV_EINVAL);
	CHECK_EQ(mv_memmap_add_ram(&map, UINT64_MAX - 10, 20), -MV_EINVAL);
	CHECK_EQ(mv_memmap_reserve(&map, UINT64_MAX - 10, 20), -MV_EINVAL);
	/* Ending exactly at 2^64 does not fit either. */
	CHECK_EQ(mv_memmap_add_ram(&map, UINT64_MAX - 9, 10), -MV_EINVAL);
	CHECK_EQ(mv_memmap_add_ram(&map, 1, UINT64_MAX), -MV_EINVAL);
	CHECK_EQ(map.nr_ram, 0);
	CHECK_EQ(map.nr_reserved, 0);

	/* Full RAM table: a 33rd disjoint bank fails, a touching one merges. */
	for (i = 0; i < 32; i++)
		CHECK_EQ(mv_memmap_add_ram(&map, RAM0 + (u64)i * MV_MIB(4),
					   MV_MIB(1)), 0);
	before = map;
	CHECK_EQ(mv_memmap_add_ram(&map, 0x10000000, PG), -MV_ENOSPC);
	CHECK_EQ(memcmp(&before, &map, sizeof(map)), 0);
	CHECK_EQ(mv_memmap_add_ram(&map, RAM0 + MV_MIB(1), MV_MIB(1)), 0);
	CHECK_EQ(map.nr_ram, 32);
	CHECK_EQ(map.ram[0].size, MV_MIB(2));
	/* One bank bridging all of them frees the table. */
	CHECK_EQ(mv_memmap_add_ram(&map, RAM0, MV_MIB(128)), 0);
	RAM({ RAM0, RAM0 + MV_MIB(128) });

	/* Full reserved table. */
	for (i = 0; i < 32; i++)
		CHECK_EQ(mv_memmap_reserve(&map, RAM0 + (u64)i * MV_MIB(2) + 5,
					   10), 0);
	before = map;
	CHECK_EQ(mv_memmap_reserve(&map, RAM0 + MV_MIB(1), 1), -MV_ENOSPC);
	CHECK_EQ(memcmp(&before, &map, sizeof(map)), 0);
	/* 32 holes in one bank make 32 usable ranges: still fits. */
	CHECK_EQ(mv_memmap_compute(&map), 0);
	CHECK_EQ(map.nr_usable, 32);

	/* 32 holes strictly inside a bank need 33 usable ranges. */
	mv_memmap_init(&map);
	one_gig();
	for (i = 0; i < 32; i++)
		CHECK_EQ(mv_memmap_reserve(&map,
					   RAM0 + (u64)(i + 1) * MV_MIB(2), 1),
			 0);
	CHECK_EQ(mv_memmap_compute(&map), -MV_ENOSPC);
}

/* Addresses at the top of the 64-bit space must not wrap. */
static void test_top_of_space(void)
{
	const u64 top = 0xfffffffffff00000ull;

	CHECK_EQ(mv_memmap_add_ram(&map, top, UINT64_MAX - top), 0);
	CHECK_EQ(mv_memmap_total(&map), UINT64_MAX - top);
	CHECK_EQ(mv_memmap_reserve(&map, top + 0x1000, 0x10), 0);
	/* Rounds up past the last whole page: clamped, nothing to store. */
	CHECK_EQ(mv_memmap_reserve(&map, UINT64_MAX - 0x800, 0x100), 0);
	CHECK_EQ(mv_memmap_reserve(&map, UINT64_MAX - 0x1800, 0x1000), 0);
	RESERVED({ top + 0x1000, top + 0x2000 },
		 { 0xffffffffffffe000ull, 0xfffffffffffff000ull });
	CHECK_EQ(mv_memmap_compute(&map), 0);
	USABLE({ top, top + 0x1000 }, { top + 0x2000, 0xffffffffffffe000ull });
}

/* Tables filled by hand, unsorted and overlapping, are normalized. */
static void test_hand_filled(void)
{
	struct mv_memmap copy;

	map.ram[0] = (struct mv_mem_range){ 0x80000000, 0x1000000 };
	map.ram[1] = (struct mv_mem_range){ 0x40000000, 0x2000000 };
	map.ram[2] = (struct mv_mem_range){ 0x41000000, 0x2000000 };
	map.nr_ram = 3;
	map.reserved[0] = (struct mv_mem_range){ 0x80000010, 0x10 };
	map.reserved[1] = (struct mv_mem_range){ 0x40000000, 0x800 };
	map.nr_reserved = 2;
	CHECK_EQ(mv_memmap_compute(&map), 0);
	RAM({ 0x40000000, 0x43000000 }, { 0x80000000, 0x81000000 });
	RESERVED({ 0x40000000, 0x40001000 }, { 0x80000000, 0x80001000 });
	USABLE({ 0x40001000, 0x43000000 }, { 0x80001000, 0x81000000 });
	/* Idempotent. */
	copy = map;
	CHECK_EQ(mv_memmap_compute(&map), 0);
	CHECK_EQ(memcmp(&copy, &map, sizeof(map)), 0);

	map.ram[3] = (struct mv_mem_range){ 0x90000000, 0 };
	map.nr_ram = 4;
	CHECK_EQ(mv_memmap_compute(&map), -MV_EINVAL);
	map.nr_ram = MV_MEMMAP_MAX + 1;
	CHECK_EQ(mv_memmap_compute(&map), -MV_EINVAL);
}

/*
 * Against a byte-level model: a page is usable iff every byte of it is
 * RAM and none is reserved, and usable ranges are the maximal runs of
 * usable pages.
 */
#define UNIVERSE_PAGES 32
#define UNIVERSE (UNIVERSE_PAGES * PG)

static void test_random_model(void)
{
	static unsigned char ram[UNIVERSE], res[UNIVERSE];
	static const u64 bases[] = { 0, 0x80000000ull, 0xfff000000000ull };
	int iter;

	for (iter = 0; iter < 1500; iter++) {
		u64 base = bases[iter % MV_ARRAY_SIZE(bases)];
		u64 ram_bytes = 0, usable_bytes = 0, p, i;
		unsigned int n, k, runs = 0;
		bool in_run = false;

		mv_memmap_init(&map);
		memset(ram, 0, sizeof(ram));
		memset(res, 0, sizeof(res));
		n = 1 + mv_test_rand_below(6);
		for (k = 0; k < n; k++) {
			u64 s = mv_test_rand_below(UNIVERSE - 1);
			u64 len = 1 + mv_test_rand_below(
				MV_MIN(UNIVERSE - s, UNIVERSE / 3));

			CHECK_EQ(mv_memmap_add_ram(&map, base + s, len), 0);
			memset(ram + s, 1, len);
		}
		n = mv_test_rand_below(7);
		for (k = 0; k < n; k++) {
			u64 s = mv_test_rand_below(UNIVERSE - 1);
			u64 len = 1 + mv_test_rand_below(
				MV_MIN(UNIVERSE - s, 3 * PG));

			CHECK_EQ(mv_memmap_reserve(&map, base + s, len), 0);
			memset(res + s, 1, len);
		}
		CHECK_EQ(mv_memmap_compute(&map), 0);

		for (i = 0; i < UNIVERSE; i++)
			ram_bytes += ram[i];
		CHECK_EQ(mv_memmap_total(&map), ram_bytes);

		/* Walk pages; each run must be the next usable[] entry. */
		for (p = 0; p <= UNIVERSE_PAGES; p++) {
			bool ok = p < UNIVERSE_PAGES;

			for (i = 0; ok && i < PG; i++)
				ok = ram[p * PG + i] && !res[p * PG + i];
			if (ok && !in_run) {
				CHECK_LT(runs, map.nr_usable);
				CHECK_EQ(map.usable[runs].start, base + p * PG);
				in_run = true;
			} else if (!ok && in_run) {
				CHECK_EQ(map.usable[runs].start +
					 map.usable[runs].size, base + p * PG);
				runs++;
				in_run = false;
			}
			usable_bytes += ok ? PG : 0;
		}
		CHECK_EQ(runs, map.nr_usable);
		CHECK_EQ(mv_memmap_usable_total(&map), usable_bytes);
		/* Tables stay sorted and merged. */
		for (k = 1; k < map.nr_ram; k++)
			CHECK_LT(map.ram[k - 1].start + map.ram[k - 1].size,
				 map.ram[k].start);
		for (k = 1; k < map.nr_reserved; k++)
			CHECK_LT(map.reserved[k - 1].start +
				 map.reserved[k - 1].size,
				 map.reserved[k].start);
	}
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_init, setup);
	RUN_TEST(test_no_reserve, setup);
	RUN_TEST(test_reserve_start, setup);
	RUN_TEST(test_reserve_middle, setup);
	RUN_TEST(test_reserve_end, setup);
	RUN_TEST(test_reserve_covering, setup);
	RUN_TEST(test_reserve_outside, setup);
	RUN_TEST(test_overlapping_reserves, setup);
	RUN_TEST(test_unaligned, setup);
	RUN_TEST(test_merge_ram, setup);
	RUN_TEST(test_sorted, setup);
	RUN_TEST(test_errors, setup);
	RUN_TEST(test_top_of_space, setup);
	RUN_TEST(test_hand_filled, setup);
	RUN_TEST(test_random_model, setup);
	return mv_test_summary();
}
