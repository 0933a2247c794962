/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Physical page allocator (buddy system) over the usable RAM regions.
 * The nucleus identity-maps RAM, so a page's address is its physical
 * address; host-built unit tests hand it ordinary buffers.
 */
#ifndef MV_PAGE_ALLOC_H
#define MV_PAGE_ALLOC_H

#include <mv/types.h>

#define MV_PAGE_MAX_ORDER 10	/* largest block: 2^10 pages = 4 MiB */

/* Hand a usable range to the allocator (unaligned edges are trimmed). */
int mv_page_add_region(paddr_t start, u64 size);
/* 2^order contiguous, naturally aligned pages, or NULL. Not zeroed. */
void *mv_page_alloc(unsigned int order);
void *mv_page_alloc_zeroed(unsigned int order);
void mv_page_free(void *page, unsigned int order);
u64 mv_page_free_count(void);
u64 mv_page_total_count(void);
/* Forget every region (host tests only reset state between cases). */
void mv_page_alloc_reset(void);

#endif
