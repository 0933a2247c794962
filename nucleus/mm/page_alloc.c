// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy allocator over the usable RAM regions.
 *
 * Each region keeps one state byte per page, carved from the region's own
 * first pages so that no other allocator is needed to bring this one up.
 * A byte is non-zero only for the head page of a block (free or handed
 * out, with its order) or for a metadata page; pages inside a block stay
 * zero. That makes every check on free O(1): the pointer must be the head
 * of an allocated block of exactly the given order.
 *
 * Blocks are aligned on their size in physical page numbers, so a buddy is
 * found by flipping one bit of the page number; it must lie in the same
 * region, which keeps blocks from ever spanning two regions.
 *
 * Free blocks below the largest order sit on one list per order (shared by
 * all regions); the list node lives in the free block's first page. Free
 * blocks of the largest order are known only by their state byte, found
 * by a scan: setting up a region then writes nothing but its metadata, so
 * free RAM stays untouched (under QEMU, never backed by host memory).
 */
#include <mv/arch.h>
#include <mv/errno.h>
#include <mv/list.h>
#include <mv/log.h>
#include <mv/page_alloc.h>
#include <mv/spinlock.h>
#include <string.h>

#define MV_PAGE_MAX_REGIONS 32

/* Per-page state bytes. */
#define PA_INNER 0x00		/* inside a block, not its head */
#define PA_META 0x20		/* holds this allocator's metadata */
#define PA_USED 0x40		/* | order: head of an allocated block */
#define PA_FREE 0x80		/* | order: head of a free block */
#define PA_ORDER_MASK 0x0f

_Static_assert(MV_PAGE_MAX_ORDER <= PA_ORDER_MASK, "order must fit meta");

struct pa_region {
	u64 base_pfn;		/* first page, where the metadata starts */
	u64 end_pfn;		/* one past the last page */
	u64 nr_meta;		/* pages taken by the state bytes */
	u8 *state;		/* one byte per page of the region */
	u64 nr_top_free;	/* free blocks of MV_PAGE_MAX_ORDER */
	u64 top_hint;		/* where the next scan for one starts */
};

/* Written into the first page of every free block. */
struct pa_block {
	struct mv_list link;
	u32 region;
	u32 order;
};

static struct mv_spinlock pa_lock = MV_SPINLOCK_INIT;
static struct pa_region pa_regions[MV_PAGE_MAX_REGIONS];
static unsigned int pa_nr_regions;
static struct mv_list pa_free_list[MV_PAGE_MAX_ORDER + 1];
/* Counting blocks per order lets alloc skip lists before they exist. */
static u64 pa_nr_blocks[MV_PAGE_MAX_ORDER + 1];
static bool pa_lists_ready;
static u64 pa_free_pages;
static u64 pa_total_pages;

static inline void *pfn_to_ptr(u64 pfn)
{
	return (void *)(uintptr_t)(pfn << MV_PAGE_SHIFT);
}

static void pa_lists_init(void)
{
	unsigned int o;

	for (o = 0; o <= MV_PAGE_MAX_ORDER; o++) {
		mv_list_init(&pa_free_list[o]);
		pa_nr_blocks[o] = 0;
	}
	pa_lists_ready = true;
}

static void pa_push(unsigned int ridx, u64 pfn, unsigned int order)
{
	struct pa_region *r = &pa_regions[ridx];
	struct pa_block *b = pfn_to_ptr(pfn);

	r->state[pfn - r->base_pfn] = PA_FREE | order;
	pa_nr_blocks[order]++;
	if (order == MV_PAGE_MAX_ORDER) {
		r->nr_top_free++;
		return;
	}
	b->region = ridx;
	b->order = order;
	mv_list_add(&b->link, &pa_free_list[order]);
}

static void pa_unlink(struct pa_block *b, unsigned int order)
{
	mv_list_del(&b->link);
	pa_nr_blocks[order]--;
}

/* Take a free block of the largest order: the scan the lists spare us. */
static u64 pa_take_top(unsigned int *ridx)
{
	const u64 step = 1ULL << MV_PAGE_MAX_ORDER;

	for (unsigned int i = 0; i < pa_nr_regions; i++) {
		struct pa_region *r = &pa_regions[i];
		u64 first = (r->base_pfn + step - 1) & ~(step - 1);
		u64 span = r->end_pfn > first ? r->end_pfn - first : 0;
		u64 n = span >> MV_PAGE_MAX_ORDER;

		if (!r->nr_top_free)
			continue;
		for (u64 k = 0; k < n; k++) {
			u64 pfn = first + ((r->top_hint + k) % n) * step;

			if (r->state[pfn - r->base_pfn] ==
			    (PA_FREE | MV_PAGE_MAX_ORDER)) {
				r->top_hint = (pfn - first) / step + 1;
				r->nr_top_free--;
				pa_nr_blocks[MV_PAGE_MAX_ORDER]--;
				*ridx = i;
				return pfn;
			}
		}
		mv_panic("page_alloc: region %u counts %lu free 4 MiB blocks "
			 "but has none\n", i, (unsigned long)r->nr_top_free);
	}
	mv_panic("page_alloc: free block count out of step\n");
}

static struct pa_region *pa_find_region(u64 pfn, unsigned int *ridx)
{
	unsigned int i;

	for (i = 0; i < pa_nr_regions; i++) {
		struct pa_region *r = &pa_regions[i];

		if (pfn >= r->base_pfn && pfn < r->end_pfn) {
			*ridx = i;
			return r;
		}
	}
	return NULL;
}

int mv_page_add_region(paddr_t start, u64 size)
{
	u64 end = start + size;
	u64 first, last, npages, nr_meta, pfn;
	unsigned long flags;
	struct pa_region *r;
	unsigned int i, ridx;

	if (size == 0 || end < start)
		return -MV_EINVAL;
#if UINTPTR_MAX < UINT64_MAX
	/* Identity mapping: every byte must be reachable by a pointer. */
	if (end - 1 > UINTPTR_MAX)
		return -MV_EINVAL;
#endif
	/* Trim to whole pages without overflowing near the top. */
	first = (start >> MV_PAGE_SHIFT) + !!(start & (MV_PAGE_SIZE - 1));
	last = end >> MV_PAGE_SHIFT;
	if (last <= first)
		return -MV_EINVAL;
	npages = last - first;
	nr_meta = (npages + MV_PAGE_SIZE - 1) >> MV_PAGE_SHIFT;
	if (npages <= nr_meta)
		return -MV_EINVAL;	/* nothing left besides its metadata */

	flags = mv_spin_lock_irqsave(&pa_lock);
	if (!pa_lists_ready)
		pa_lists_init();
	if (pa_nr_regions >= MV_PAGE_MAX_REGIONS) {
		mv_spin_unlock_irqrestore(&pa_lock, flags);
		return -MV_ENOSPC;
	}
	for (i = 0; i < pa_nr_regions; i++) {
		if (first < pa_regions[i].end_pfn &&
		    pa_regions[i].base_pfn < last) {
			mv_spin_unlock_irqrestore(&pa_lock, flags);
			return -MV_EEXIST;
		}
	}

	ridx = pa_nr_regions++;
	r = &pa_regions[ridx];
	r->base_pfn = first;
	r->end_pfn = last;
	r->nr_meta = nr_meta;
	r->nr_top_free = 0;
	r->top_hint = 0;
	r->state = pfn_to_ptr(first);
	memset(r->state, PA_INNER, npages);
	memset(r->state, PA_META, nr_meta);

	/* Largest aligned blocks that fit: O(blocks), not O(pages). */
	for (pfn = first + nr_meta; pfn < last;) {
		unsigned int o = MV_PAGE_MAX_ORDER;

		while (o && ((pfn & ((1ULL << o) - 1)) ||
			     last - pfn < (1ULL << o)))
			o--;
		pa_push(ridx, pfn, o);
		pfn += 1ULL << o;
	}
	pa_total_pages += npages;
	pa_free_pages += npages - nr_meta;
	mv_spin_unlock_irqrestore(&pa_lock, flags);
	return 0;
}

void *mv_page_alloc(unsigned int order)
{
	struct pa_region *r;
	struct pa_block *b;
	unsigned long flags;
	unsigned int o, ridx;
	u64 pfn, idx;

	if (order > MV_PAGE_MAX_ORDER)
		return NULL;

	flags = mv_spin_lock_irqsave(&pa_lock);
	for (o = order; o <= MV_PAGE_MAX_ORDER; o++)
		if (pa_nr_blocks[o])
			break;
	if (o > MV_PAGE_MAX_ORDER) {
		mv_spin_unlock_irqrestore(&pa_lock, flags);
		return NULL;
	}

	if (o == MV_PAGE_MAX_ORDER) {
		pfn = pa_take_top(&ridx);
		b = pfn_to_ptr(pfn);
		r = &pa_regions[ridx];
	} else {
		b = mv_list_first_entry(&pa_free_list[o], struct pa_block,
					link);
		pfn = (uintptr_t)b >> MV_PAGE_SHIFT;
		ridx = b->region;
		/* The node lives in free memory: a stray write shows here. */
		if (ridx >= pa_nr_regions || b->order != o)
			goto corrupt;
		r = &pa_regions[ridx];
		if (pfn < r->base_pfn || pfn >= r->end_pfn ||
		    r->state[pfn - r->base_pfn] != (PA_FREE | o))
			goto corrupt;
		pa_unlink(b, o);
	}

	/* Split, handing the upper halves back. */
	while (o > order) {
		o--;
		pa_push(ridx, pfn + (1ULL << o), o);
	}
	idx = pfn - r->base_pfn;
	r->state[idx] = PA_USED | order;
	pa_free_pages -= 1ULL << order;
	mv_spin_unlock_irqrestore(&pa_lock, flags);
	return b;

corrupt:
	mv_panic("page_alloc: free list corrupted at %p (order %u)\n",
		 (void *)b, o);
}

void *mv_page_alloc_zeroed(unsigned int order)
{
	void *p = mv_page_alloc(order);

	if (p)
		mv_arch_clear_pages(p, MV_PAGE_SIZE << order);
	return p;
}

void mv_page_free(void *page, unsigned int order)
{
	uintptr_t addr = (uintptr_t)page;
	struct pa_region *r;
	unsigned long flags;
	unsigned int o, ridx;
	u64 pfn, idx;
	u8 st;

	if (!page)
		return;
	if (order > MV_PAGE_MAX_ORDER) {
		mv_log(MV_LOG_ERR, "page_alloc: free of %p with bad order %u\n",
		       page, order);
		return;
	}
	if (addr & ((MV_PAGE_SIZE << order) - 1)) {
		mv_log(MV_LOG_ERR,
		       "page_alloc: free of misaligned %p (order %u)\n",
		       page, order);
		return;
	}
	pfn = addr >> MV_PAGE_SHIFT;

	flags = mv_spin_lock_irqsave(&pa_lock);
	r = pa_find_region(pfn, &ridx);
	if (!r) {
		mv_spin_unlock_irqrestore(&pa_lock, flags);
		mv_log(MV_LOG_ERR, "page_alloc: free of %p outside RAM\n",
		       page);
		return;
	}
	idx = pfn - r->base_pfn;
	st = r->state[idx];
	if (st != (PA_USED | order)) {
		const char *why;

		if (st & PA_FREE)
			why = "double free";
		else if (st & PA_USED)
			why = "wrong order";
		else if (st == PA_META)
			why = "allocator metadata";
		else
			why = "not an allocated block (double free?)";
		mv_spin_unlock_irqrestore(&pa_lock, flags);
		mv_log(MV_LOG_ERR, "page_alloc: free of %p order %u: %s\n",
		       page, order, why);
		return;
	}
	pa_free_pages += 1ULL << order;

	/* Merge with free buddies of the same order in the same region. */
	for (o = order; o < MV_PAGE_MAX_ORDER; o++) {
		u64 buddy = pfn ^ (1ULL << o);

		if (buddy < r->base_pfn || buddy + (1ULL << o) > r->end_pfn)
			break;
		if (r->state[buddy - r->base_pfn] != (PA_FREE | o))
			break;
		pa_unlink(pfn_to_ptr(buddy), o);
		r->state[buddy - r->base_pfn] = PA_INNER;
		r->state[pfn - r->base_pfn] = PA_INNER;
		pfn &= ~(1ULL << o);
	}
	pa_push(ridx, pfn, o);
	mv_spin_unlock_irqrestore(&pa_lock, flags);
}

u64 mv_page_free_count(void)
{
	return MV_READ_ONCE(pa_free_pages);
}

u64 mv_page_total_count(void)
{
	return MV_READ_ONCE(pa_total_pages);
}

void mv_page_alloc_reset(void)
{
	unsigned long flags = mv_spin_lock_irqsave(&pa_lock);

	memset(pa_regions, 0, sizeof(pa_regions));
	pa_nr_regions = 0;
	pa_free_pages = 0;
	pa_total_pages = 0;
	pa_lists_init();
	mv_spin_unlock_irqrestore(&pa_lock, flags);
}
