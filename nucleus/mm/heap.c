// SPDX-License-Identifier: GPL-2.0
/*
 * Nucleus heap.
 *
 * Requests up to 2048 bytes come from power-of-two size classes (16 ..
 * 2048). Each class carves order-0 pages ("slabs"): a header at the page
 * start names the class and keeps a bitmap of live slots, free slots of all
 * the class's slabs sit on one list. A slab whose last object is freed goes
 * back to the page allocator. The header costs 48 bytes, so the two largest
 * classes fit 3 x 1024 and 1 x 2048 objects in a page.
 *
 * Larger requests take a 2^k-page block with a 16-byte header in front.
 *
 * mv_free() finds the header by rounding the pointer down to its page:
 * that is where the magic numbers below catch frees of pointers the heap
 * never handed out, double frees and frees of interior pointers.
 */
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/list.h>
#include <mv/log.h>
#include <mv/page_alloc.h>
#include <mv/spinlock.h>
#include <string.h>

#define HEAP_SLAB_MAGIC 0x534c4142u	/* "SLAB" */
#define HEAP_LARGE_MAGIC 0x4c524745u	/* "LRGE" */
#define HEAP_ALIGN 16

#define HEAP_MIN_SHIFT 4		/* 16-byte smallest class */
#define HEAP_NR_CLASSES 8		/* 16 .. 2048 */
#define HEAP_SMALL_MAX (1u << (HEAP_MIN_SHIFT + HEAP_NR_CLASSES - 1))

struct heap_slab {
	u32 magic;
	u16 cls;
	u16 inuse;
	u64 live[4];		/* one bit per slot */
};

#define HEAP_SLAB_HDR MV_ALIGN_UP(sizeof(struct heap_slab), HEAP_ALIGN)
#define HEAP_MAX_SLOTS ((MV_PAGE_SIZE - HEAP_SLAB_HDR) >> HEAP_MIN_SHIFT)

_Static_assert(HEAP_MAX_SLOTS <= 4 * 64, "slot bitmap too small");
_Static_assert(sizeof(struct mv_list) <= (1u << HEAP_MIN_SHIFT),
	       "free slot must hold a list node");

struct heap_large {
	u32 magic;
	u32 order;
	u64 reserved;
};

#define HEAP_LARGE_HDR sizeof(struct heap_large)
#define HEAP_LARGE_MAX ((MV_PAGE_SIZE << MV_PAGE_MAX_ORDER) - HEAP_LARGE_HDR)

_Static_assert(HEAP_LARGE_HDR % HEAP_ALIGN == 0, "large header alignment");

static struct mv_spinlock heap_lock = MV_SPINLOCK_INIT;
static struct mv_list heap_free[HEAP_NR_CLASSES];
static bool heap_ready;
static size_t heap_used;
static size_t heap_pages;

static inline size_t class_size(unsigned int cls)
{
	return (size_t)1 << (cls + HEAP_MIN_SHIFT);
}

static inline unsigned int class_slots(unsigned int cls)
{
	return (MV_PAGE_SIZE - HEAP_SLAB_HDR) / class_size(cls);
}

static unsigned int size_to_class(size_t size)
{
	unsigned int cls = 0;

	while (class_size(cls) < size)
		cls++;
	return cls;
}

static void heap_init_lists(void)
{
	unsigned int i;

	for (i = 0; i < HEAP_NR_CLASSES; i++)
		mv_list_init(&heap_free[i]);
	heap_ready = true;
}

static inline void *slot_ptr(struct heap_slab *s, unsigned int slot)
{
	return (char *)s + HEAP_SLAB_HDR + slot * class_size(s->cls);
}

/* Called with heap_lock held. */
static bool heap_grow(unsigned int cls)
{
	struct heap_slab *s = mv_page_alloc(0);
	unsigned int i, n = class_slots(cls);

	if (!s)
		return false;
	s->magic = HEAP_SLAB_MAGIC;
	s->cls = cls;
	s->inuse = 0;
	memset(s->live, 0, sizeof(s->live));
	/* In address order, so a fresh slab fills from its start. */
	for (i = 0; i < n; i++)
		mv_list_add_tail(slot_ptr(s, i), &heap_free[cls]);
	heap_pages++;
	return true;
}

static void *heap_alloc_small(size_t size)
{
	unsigned int cls = size_to_class(size);
	struct mv_list *obj;
	struct heap_slab *s;
	unsigned long flags;
	unsigned int slot;

	flags = mv_spin_lock_irqsave(&heap_lock);
	if (!heap_ready)
		heap_init_lists();
	if (mv_list_empty(&heap_free[cls]) && !heap_grow(cls)) {
		mv_spin_unlock_irqrestore(&heap_lock, flags);
		return NULL;
	}
	obj = heap_free[cls].next;
	mv_list_del(obj);
	s = (struct heap_slab *)MV_ALIGN_DOWN((uintptr_t)obj, MV_PAGE_SIZE);
	slot = ((uintptr_t)obj - (uintptr_t)s - HEAP_SLAB_HDR) /
	       class_size(cls);
	s->live[slot / 64] |= 1ULL << (slot % 64);
	s->inuse++;
	heap_used += class_size(cls);
	mv_spin_unlock_irqrestore(&heap_lock, flags);
	return obj;
}

static void *heap_alloc_large(size_t size)
{
	struct heap_large *h;
	unsigned long flags;
	unsigned int order = 0;

	while ((MV_PAGE_SIZE << order) - HEAP_LARGE_HDR < size)
		order++;
	h = mv_page_alloc(order);
	if (!h)
		return NULL;
	h->magic = HEAP_LARGE_MAGIC;
	h->order = order;
	h->reserved = 0;

	flags = mv_spin_lock_irqsave(&heap_lock);
	heap_used += (MV_PAGE_SIZE << order) - HEAP_LARGE_HDR;
	heap_pages += 1u << order;
	mv_spin_unlock_irqrestore(&heap_lock, flags);
	return (char *)h + HEAP_LARGE_HDR;
}

void *mv_malloc(size_t size)
{
	if (size <= HEAP_SMALL_MAX)
		return heap_alloc_small(size);
	if (size > HEAP_LARGE_MAX)
		return NULL;
	return heap_alloc_large(size);
}

void *mv_zalloc(size_t size)
{
	void *p = mv_malloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *mv_calloc(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return mv_zalloc(bytes);
}

/* Called with heap_lock held; returns the page to give back, if any. */
static void *heap_free_small(struct heap_slab *s, void *ptr)
{
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)s;
	unsigned int cls = s->cls, slot, i;
	size_t sz;

	if (cls >= HEAP_NR_CLASSES || off < HEAP_SLAB_HDR) {
		mv_log(MV_LOG_ERR, "heap: free of %p: not an object\n", ptr);
		return NULL;
	}
	sz = class_size(cls);
	slot = (off - HEAP_SLAB_HDR) / sz;
	if ((off - HEAP_SLAB_HDR) % sz || slot >= class_slots(cls)) {
		mv_log(MV_LOG_ERR,
		       "heap: free of %p: inside a %zu-byte object\n", ptr, sz);
		return NULL;
	}
	if (!(s->live[slot / 64] & (1ULL << (slot % 64)))) {
		mv_log(MV_LOG_ERR, "heap: double free of %p\n", ptr);
		return NULL;
	}
	s->live[slot / 64] &= ~(1ULL << (slot % 64));
	s->inuse--;
	heap_used -= sz;
	mv_list_add(ptr, &heap_free[cls]);	/* LIFO: reuse warm slots */
	if (s->inuse)
		return NULL;

	/* Empty slab: pull its slots off the class list, return the page. */
	for (i = 0; i < class_slots(cls); i++)
		mv_list_del(slot_ptr(s, i));
	s->magic = 0;
	heap_pages--;
	return s;
}

void mv_free(void *ptr)
{
	uintptr_t page = MV_ALIGN_DOWN((uintptr_t)ptr, MV_PAGE_SIZE);
	struct heap_large *h = (struct heap_large *)page;
	void *give_back = NULL;
	unsigned int order = 0;
	unsigned long flags;

	if (!ptr)
		return;
	if (!MV_IS_ALIGNED((uintptr_t)ptr, HEAP_ALIGN)) {
		mv_log(MV_LOG_ERR, "heap: free of misaligned %p\n", ptr);
		return;
	}

	flags = mv_spin_lock_irqsave(&heap_lock);
	if (h->magic == HEAP_SLAB_MAGIC && heap_ready) {
		give_back = heap_free_small((struct heap_slab *)page, ptr);
	} else if (h->magic == HEAP_LARGE_MAGIC) {
		if ((uintptr_t)ptr != page + HEAP_LARGE_HDR ||
		    h->order > MV_PAGE_MAX_ORDER) {
			mv_log(MV_LOG_ERR,
			       "heap: free of %p: not the start of a block\n",
			       ptr);
		} else {
			order = h->order;
			h->magic = 0;	/* a second free finds no magic */
			heap_used -= (MV_PAGE_SIZE << order) - HEAP_LARGE_HDR;
			heap_pages -= 1u << order;
			give_back = h;
		}
	} else {
		mv_log(MV_LOG_ERR, "heap: free of %p: not a heap block\n", ptr);
	}
	mv_spin_unlock_irqrestore(&heap_lock, flags);

	if (give_back)
		mv_page_free(give_back, order);
}

size_t mv_heap_used(void)
{
	return MV_READ_ONCE(heap_used);
}

size_t mv_heap_pages(void)
{
	return MV_READ_ONCE(heap_pages);
}

void mv_heap_reset(void)
{
	unsigned long flags = mv_spin_lock_irqsave(&heap_lock);

	heap_init_lists();
	heap_used = 0;
	heap_pages = 0;
	mv_spin_unlock_irqrestore(&heap_lock, flags);
}
