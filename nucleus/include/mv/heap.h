/* SPDX-License-Identifier: GPL-2.0 */
/* Nucleus heap: small objects from size-class slabs, large ones from pages. */
#ifndef MV_HEAP_H
#define MV_HEAP_H

#include <mv/types.h>

void *mv_malloc(size_t size);
void *mv_zalloc(size_t size);
void *mv_calloc(size_t n, size_t size);
void mv_free(void *ptr);
/* Bytes currently handed out, and pages the heap holds from the allocator. */
size_t mv_heap_used(void);
size_t mv_heap_pages(void);
void mv_heap_reset(void);

#endif
