/* SPDX-License-Identifier: GPL-2.0 */
/* The nucleus's own address space (identity map; arch-independent view). */
#ifndef MV_MMU_H
#define MV_MMU_H

#include <mv/types.h>

struct mv_memmap;

/* Build and switch to the final page tables: RAM, the image with W^X. */
int mv_arch_mmu_init(const struct mv_memmap *map);
/* Map a device range (uncached, never executable); returns its address. */
void *mv_ioremap(paddr_t pa, u64 size);

#endif
