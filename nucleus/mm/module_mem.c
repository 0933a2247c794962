// SPDX-License-Identifier: GPL-2.0
/*
 * Module memory: pages from the module arena, RAM reserved at boot right
 * after the nucleus image. Being there keeps module code within branch
 * (±128 MiB) and ADRP (±4 GiB) range of the nucleus and of each other,
 * so no veneers are needed; being mapped page by page lets permissions
 * change per page without splitting live block mappings.
 */
#include <mv/errno.h>
#include <mv/log.h>
#include <mv/mmu.h>
#include <mv/module.h>
#include <mv/spinlock.h>
#include <string.h>

#define ARENA_MAX_PAGES (MV_MODULE_ARENA_SIZE / MV_PAGE_SIZE)

struct mv_module_arena mv_module_arena;
static u64 used_map[ARENA_MAX_PAGES / 64];
static size_t used_pages;
static struct mv_spinlock arena_lock = MV_SPINLOCK_INIT;

static bool page_used(size_t i)
{
	return used_map[i / 64] & (1ULL << (i % 64));
}

static void mark(size_t first, size_t n, bool used)
{
	for (size_t i = first; i < first + n; i++) {
		if (used)
			used_map[i / 64] |= 1ULL << (i % 64);
		else
			used_map[i / 64] &= ~(1ULL << (i % 64));
	}
}

void *mv_module_mem_alloc(size_t pages)
{
	size_t total = mv_module_arena.size / MV_PAGE_SIZE;
	size_t run = 0;
	unsigned long flags;
	void *mem = NULL;

	if (!pages)
		return NULL;
	flags = mv_spin_lock_irqsave(&arena_lock);
	for (size_t i = 0; i < total; i++) {
		run = page_used(i) ? 0 : run + 1;
		if (run == pages) {
			mark(i + 1 - pages, pages, true);
			used_pages += pages;
			mem = (void *)(uintptr_t)(mv_module_arena.start +
						  (i + 1 - pages) * MV_PAGE_SIZE);
			break;
		}
	}
	mv_spin_unlock_irqrestore(&arena_lock, flags);
	if (mem)
		memset(mem, 0, pages * MV_PAGE_SIZE);
	return mem;
}

void mv_module_mem_free(void *mem, size_t pages)
{
	size_t first = ((uintptr_t)mem - mv_module_arena.start) / MV_PAGE_SIZE;
	unsigned long flags;

	/* Back to plain data before the pages can be handed out again. */
	if (mv_module_mem_protect(mem, pages, MV_MODULE_RW) < 0) {
		mv_log(MV_LOG_ERR, "module: cannot unmap module memory %p\n",
		       mem);
		return;
	}
	flags = mv_spin_lock_irqsave(&arena_lock);
	mark(first, pages, false);
	used_pages -= pages;
	mv_spin_unlock_irqrestore(&arena_lock, flags);
}

size_t mv_module_mem_used(void)
{
	return MV_READ_ONCE(used_pages) * MV_PAGE_SIZE;
}
