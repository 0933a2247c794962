// SPDX-License-Identifier: GPL-2.0
/*
 * The nucleus's memcpy, memmove and memset (nucleus/lib/string.c, renamed
 * here so the host's C library keeps its own) against byte-at-a-time
 * references: every source and destination alignment 0..15 and lengths
 * 0..300, guard bytes around each copy untouched.
 */
#define memcpy lib_memcpy
#define memmove lib_memmove
#define memset lib_memset
#define memcmp lib_memcmp
#define memchr lib_memchr
#define strlen lib_strlen
#define strnlen lib_strnlen
#define strchr lib_strchr
#define strrchr lib_strrchr
#define strcmp lib_strcmp
#define strncmp lib_strncmp
#define strtoul lib_strtoul
#define strcspn lib_strcspn
#define strstr lib_strstr
#include "../../nucleus/lib/string.c"

#include "mv_test.h"

#define AREA 400
#define GUARD 0xe5

static u8 src_area[AREA], dst_area[AREA], want[AREA];

static void fill(u8 *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)(seed * 131 + i * 7 + (i >> 8));
}

static void test_memcpy_alignments(void)
{
	for (unsigned int so = 0; so < 16; so++)
		for (unsigned int dof = 0; dof < 16; dof++)
			for (size_t n = 0; n <= 300; n++) {
				fill(src_area, AREA, so + n);
				for (size_t i = 0; i < AREA; i++)
					dst_area[i] = want[i] = GUARD;
				for (size_t i = 0; i < n; i++)
					want[16 + dof + i] = src_area[16 + so + i];
				CHECK(lib_memcpy(dst_area + 16 + dof,
						 src_area + 16 + so, n) ==
				      dst_area + 16 + dof);
				for (size_t i = 0; i < AREA; i++)
					if (dst_area[i] != want[i])
						CHECK_EQ(dst_area[i], want[i]);
			}
}

static void test_memmove_overlap(void)
{
	for (int shift = -20; shift <= 20; shift++)
		for (size_t n = 0; n <= 100; n++) {
			fill(dst_area, AREA, (unsigned int)n);
			for (size_t i = 0; i < AREA; i++)
				want[i] = dst_area[i];
			for (size_t i = 0; i < n; i++)
				want[100 + shift + i] = dst_area[100 + i];
			/* The reference read the original bytes: redo it. */
			fill(dst_area, AREA, (unsigned int)n);
			lib_memmove(dst_area + 100 + shift, dst_area + 100, n);
			for (size_t i = 0; i < AREA; i++)
				if (dst_area[i] != want[i])
					CHECK_EQ(dst_area[i], want[i]);
		}
}

static void test_memset(void)
{
	for (unsigned int off = 0; off < 16; off++)
		for (size_t n = 0; n <= 100; n++) {
			for (size_t i = 0; i < AREA; i++)
				dst_area[i] = want[i] = GUARD;
			for (size_t i = 0; i < n; i++)
				want[16 + off + i] = 0x5a;
			lib_memset(dst_area + 16 + off, 0x5a, n);
			for (size_t i = 0; i < AREA; i++)
				if (dst_area[i] != want[i])
					CHECK_EQ(dst_area[i], want[i]);
		}
}

static void no_setup(void)
{
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_memcpy_alignments, no_setup);
	RUN_TEST(test_memmove_overlap, no_setup);
	RUN_TEST(test_memset, no_setup);
	return mv_test_summary();
}
