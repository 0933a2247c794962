/* SPDX-License-Identifier: GPL-2.0 */
/* The nucleus's own address space (identity map; arch-independent view). */
#ifndef MV_MMU_H
#define MV_MMU_H

#include <mv/types.h>

struct mv_memmap;

/* RAM set aside for module memory, mapped page by page (mm/module_mem.c). */
#define MV_MODULE_ARENA_SIZE MV_MIB(8)

struct mv_module_arena {
	paddr_t start;
	u64 size;
};
extern struct mv_module_arena mv_module_arena;

/* Build and switch to the final page tables: RAM, the image with W^X. */
int mv_arch_mmu_init(const struct mv_memmap *map);
/* Map a device range (uncached, never executable); returns its address. */
void *mv_ioremap(paddr_t pa, u64 size);

#endif
