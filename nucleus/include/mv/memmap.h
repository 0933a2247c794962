/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Physical memory map arithmetic: RAM banks minus reserved ranges gives
 * the usable ranges handed to the page allocator. Pure range maths, so the
 * devtree code fills it in and host unit tests check it.
 */
#ifndef MV_MEMMAP_H
#define MV_MEMMAP_H

#include <mv/types.h>

#define MV_MEMMAP_MAX 32

struct mv_mem_range {
	paddr_t start;
	u64 size;
};

/*
 * ram[]: sorted, overlapping and adjacent banks merged.
 * reserved[]: sorted, merged, each range widened outward to whole pages.
 * usable[]: ram minus reserved, shrunk inward to whole pages, sorted;
 *           valid after mv_memmap_compute().
 */
struct mv_memmap {
	struct mv_mem_range ram[MV_MEMMAP_MAX];
	unsigned int nr_ram;
	struct mv_mem_range reserved[MV_MEMMAP_MAX];
	unsigned int nr_reserved;
	struct mv_mem_range usable[MV_MEMMAP_MAX];
	unsigned int nr_usable;
};

/* Empty every table (a zeroed struct is equally valid). */
void mv_memmap_init(struct mv_memmap *map);
/*
 * Add a RAM bank / a reserved range. -MV_EINVAL for size 0 or a range whose
 * end wraps past 2^64, -MV_ENOSPC when the table would need a 33rd entry.
 */
int mv_memmap_add_ram(struct mv_memmap *map, paddr_t start, u64 size);
int mv_memmap_reserve(struct mv_memmap *map, paddr_t start, u64 size);
/* Fill usable[]; -MV_ENOSPC if it needs more than MV_MEMMAP_MAX entries. */
int mv_memmap_compute(struct mv_memmap *map);
/* Bytes of RAM, and of usable RAM (after mv_memmap_compute()). */
u64 mv_memmap_total(const struct mv_memmap *map);
u64 mv_memmap_usable_total(const struct mv_memmap *map);

#endif
