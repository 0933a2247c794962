// SPDX-License-Identifier: GPL-2.0
/* Buddy page allocator: nucleus/mm/page_alloc.c on host memory. */
#include <mv/errno.h>
#include <mv/page_alloc.h>
#include <pthread.h>
#include <sys/mman.h>

#include "mv_test.h"

#define PG MV_PAGE_SIZE
#define MAXO MV_PAGE_MAX_ORDER
#define BLOCK(o) (PG << (o))

static void setup(void)
{
	mv_page_alloc_reset();
}

static uintptr_t up(uintptr_t x)
{
	return MV_ALIGN_UP(x, PG);
}

static uintptr_t down(uintptr_t x)
{
	return MV_ALIGN_DOWN(x, PG);
}

/* Pages of a region after trimming, and what its one byte/page costs. */
static u64 region_pages(uintptr_t start, u64 size)
{
	return (down(start + size) - up(start)) / PG;
}

static u64 meta_pages(u64 pages)
{
	return (pages + PG - 1) / PG;
}

static void shuffle(void **v, size_t n)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = mv_test_rand_below(i);
		void *t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

/*
 * Shape of the free memory: take blocks greedily from the largest order
 * down, count them per order, then give everything back in random order.
 * Equal histograms before and after a workload mean everything coalesced.
 */
static void free_histogram(u64 hist[MAXO + 1])
{
	u64 cap = mv_page_free_count() + 1, n = 0;
	void **v = malloc(cap * sizeof(*v));
	unsigned int *ord = malloc(cap * sizeof(*ord));
	u64 before = mv_page_free_count();
	int o;

	CHECK(v && ord);
	for (o = MAXO; o >= 0; o--) {
		void *p;

		hist[o] = 0;
		while ((p = mv_page_alloc(o))) {
			CHECK_LT(n, cap);
			v[n] = p;
			ord[n++] = o;
			hist[o]++;
		}
	}
	CHECK_EQ(mv_page_free_count(), 0);
	/* Shuffle pairs together: free in random order. */
	for (u64 i = n; i > 1; i--) {
		u64 j = mv_test_rand_below(i);
		void *tp = v[i - 1];
		unsigned int to = ord[i - 1];

		v[i - 1] = v[j];
		ord[i - 1] = ord[j];
		v[j] = tp;
		ord[j] = to;
	}
	for (u64 i = 0; i < n; i++)
		mv_page_free(v[i], ord[i]);
	CHECK_EQ(mv_page_free_count(), before);
	free(v);
	free(ord);
}

static void check_same_histogram(const u64 *a, const u64 *b)
{
	int o;

	for (o = 0; o <= MAXO; o++)
		CHECK_EQ(a[o], b[o]);
}

/* Aligned 2^o-page blocks inside the page-number range [lo, hi). */
static u64 blocks_fitting(u64 lo, u64 hi, unsigned int o)
{
	u64 first = (lo + (1ULL << o) - 1) >> o, last = hi >> o;

	return last > first ? last - first : 0;
}

static void test_empty(void)
{
	char buf[64];
	unsigned int o;

	for (o = 0; o <= MAXO; o++)
		CHECK(mv_page_alloc(o) == NULL);
	CHECK(mv_page_alloc(MAXO + 1) == NULL);
	CHECK_EQ(mv_page_free_count(), 0);
	CHECK_EQ(mv_page_total_count(), 0);
	CHECK_LOGS_ERROR("page_alloc:",
			 mv_page_free((void *)MV_ALIGN_UP((uintptr_t)buf, PG),
				      0));
	mv_page_free(NULL, 0);	/* no-op, no error */
	CHECK_EQ(mv_host_log_count(MV_LOG_ERR), 1);
}

static void test_add_region_errors(void)
{
	struct mv_host_arena a;
	char *base = mv_host_arena_get(&a, 40 * 2 * PG, BLOCK(MAXO));
	u64 total, nfree;
	int i;

	CHECK(base);
	CHECK_EQ(mv_page_add_region((uintptr_t)base, 0), -MV_EINVAL);
	CHECK_EQ(mv_page_add_region(UINT64_MAX - 100, 200), -MV_EINVAL);
	CHECK_EQ(mv_page_add_region(UINT64_MAX - PG + 1, PG), -MV_EINVAL);
	/* Less than a page once trimmed, or a page left only for metadata. */
	CHECK_EQ(mv_page_add_region((uintptr_t)base + 1, PG), -MV_EINVAL);
	CHECK_EQ(mv_page_add_region((uintptr_t)base + 1, 2 * PG - 2),
		 -MV_EINVAL);
	CHECK_EQ(mv_page_add_region((uintptr_t)base, PG), -MV_EINVAL);
	CHECK_EQ(mv_page_total_count(), 0);

	/* Smallest useful region: one metadata page and one free page. */
	CHECK_EQ(mv_page_add_region((uintptr_t)base + 5, 4 * PG - 10), 0);
	CHECK_EQ(mv_page_total_count(), 2);
	CHECK_EQ(mv_page_free_count(), 1);
	total = mv_page_total_count();
	nfree = mv_page_free_count();

	/* Overlaps are refused and change nothing. */
	CHECK_EQ(mv_page_add_region((uintptr_t)base, 2 * PG), -MV_EEXIST);
	CHECK_EQ(mv_page_add_region((uintptr_t)base + PG, 8 * PG),
		 -MV_EEXIST);
	CHECK_EQ(mv_page_add_region((uintptr_t)base - 4 * PG, 6 * PG),
		 -MV_EEXIST);
	CHECK_EQ(mv_page_total_count(), total);
	CHECK_EQ(mv_page_free_count(), nfree);

	/* 32 regions at most; adjacent ones are fine. */
	for (i = 1; i < 32; i++)
		CHECK_EQ(mv_page_add_region((uintptr_t)base + PG + 2 * PG * i,
					    2 * PG), 0);
	CHECK_EQ(mv_page_add_region((uintptr_t)base + PG + 2 * PG * 32,
				    2 * PG), -MV_ENOSPC);
	CHECK_EQ(mv_page_total_count(), 64);
	CHECK_EQ(mv_page_free_count(), 32);
	/* Each region has one free page; they never pair up. */
	CHECK(mv_page_alloc(1) == NULL);
	for (i = 0; i < 32; i++)
		CHECK(mv_page_alloc(0));
	CHECK(mv_page_alloc(0) == NULL);
	CHECK_NO_ERRORS();
	mv_host_arena_put(&a);
}

/* 1 GiB: metadata is one byte a page and setup touches few pages. */
static void test_init_1g(void)
{
	const u64 size = MV_GIB(1), pages = size / PG;
	struct mv_host_arena a;
	char *base = mv_host_arena_get(&a, size, BLOCK(MAXO));
	static void *blocks[256];
	size_t resident;
	u64 n = 0, i;

	CHECK(base);
	CHECK_EQ(mv_page_add_region((uintptr_t)base, size), 0);
	CHECK_EQ(mv_page_total_count(), pages);
	CHECK_EQ(mv_page_free_count(), pages - meta_pages(pages));
	/*
	 * Page-by-page setup would touch all 262144 pages; block-wise
	 * touches the 64 metadata pages plus one page per free block.
	 */
	resident = mv_host_resident_pages(base, size);
	fprintf(stderr, "  1 GiB region: %zu pages resident after init\n",
		resident);
	CHECK_LT(resident, 1024);

	/* The first 4 MiB holds the metadata; the other 255 are whole. */
	while ((blocks[n] = mv_page_alloc(MAXO))) {
		CHECK_EQ((uintptr_t)blocks[n] % BLOCK(MAXO), 0);
		CHECK((char *)blocks[n] >= base + BLOCK(MAXO));
		CHECK((char *)blocks[n] + BLOCK(MAXO) <= base + size);
		CHECK_LT(++n, 256);
	}
	CHECK_EQ(n, 255);
	CHECK_EQ(mv_page_free_count(),
		 BLOCK(MAXO) / PG - meta_pages(pages));
	for (i = 0; i < n; i++)
		mv_page_free(blocks[i], MAXO);
	CHECK_EQ(mv_page_free_count(), pages - meta_pages(pages));
	CHECK_NO_ERRORS();
	mv_host_arena_put(&a);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a;
	uintptr_t y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/*
 * For each order: take blocks of that order until none is left (exactly
 * as many as fit), then every remaining page, then give it all back.
 */
static void test_exhaust_each_order(void)
{
	const u64 size = MV_MIB(16) + 5 * PG + 1234;
	struct mv_host_arena a;
	char *arena = mv_host_arena_get(&a, size + BLOCK(MAXO), BLOCK(MAXO));
	uintptr_t start = (uintptr_t)arena + 3 * PG + 77;
	u64 pages = region_pages(start, size);
	u64 lo = up(start) / PG + meta_pages(pages);
	u64 hi = down(start + size) / PG;
	u64 fresh[MAXO + 1], after[MAXO + 1];
	void **v = malloc(pages * sizeof(*v));
	unsigned int o;

	CHECK(arena && v);
	for (o = 0; o <= MAXO; o++) {
		u64 n = 0, n0 = 0, initial, i;
		void *p;

		mv_page_alloc_reset();
		CHECK_EQ(mv_page_add_region(start, size), 0);
		CHECK_EQ(mv_page_total_count(), pages);
		initial = mv_page_free_count();
		CHECK_EQ(initial, hi - lo);
		free_histogram(fresh);

		while ((p = mv_page_alloc(o))) {
			CHECK_LT(n, pages);
			CHECK_EQ((uintptr_t)p % BLOCK(o), 0);
			CHECK_GE((uintptr_t)p, lo * PG);
			CHECK_LE((uintptr_t)p + BLOCK(o), hi * PG);
			v[n++] = p;
		}
		CHECK_EQ(n, blocks_fitting(lo, hi, o));
		CHECK_EQ(mv_page_free_count(), initial - (n << o));
		qsort(v, n, sizeof(*v), cmp_ptr);
		for (i = 1; i < n; i++)
			CHECK_GE((uintptr_t)v[i] - (uintptr_t)v[i - 1],
				 BLOCK(o));

		/* What is left is smaller blocks: take it page by page. */
		while ((p = mv_page_alloc(0))) {
			CHECK_LT(n + n0, pages);
			v[n + n0++] = p;
		}
		CHECK_EQ(n0, initial - (n << o));
		CHECK_EQ(mv_page_free_count(), 0);
		for (i = 0; i <= MAXO; i++)
			CHECK(mv_page_alloc(i) == NULL);

		/* Give back the small pages then the blocks, both shuffled. */
		shuffle(v + n, n0);
		for (i = 0; i < n0; i++)
			mv_page_free(v[n + i], 0);
		shuffle(v, n);
		for (i = 0; i < n; i++)
			mv_page_free(v[i], o);
		CHECK_EQ(mv_page_free_count(), initial);
		free_histogram(after);
		check_same_histogram(fresh, after);
	}
	CHECK_NO_ERRORS();
	free(v);
	mv_host_arena_put(&a);
}

struct test_region {
	u64 off, size;
};

/* Odd sizes, misaligned edges, gaps, and two regions touching. */
static const struct test_region odd_regions[] = {
	{ 123, MV_MIB(3) + 777 },
	{ MV_MIB(8) + 3 * 4096, MV_MIB(9) + 5 },
	{ MV_MIB(20) - 1, 2 * 4096 + 2 },
	{ MV_MIB(24) + 5 * 4096, MV_MIB(2) + 2 * 4096 },
	{ MV_MIB(26) + 7 * 4096, MV_MIB(5) - 7 * 4096 },	/* touches ^ */
	{ MV_MIB(33), 4096 * 3 },
};

static int region_of(uintptr_t base, uintptr_t p, u64 len)
{
	unsigned int i;

	for (i = 0; i < MV_ARRAY_SIZE(odd_regions); i++) {
		uintptr_t s = up(base + odd_regions[i].off);
		uintptr_t e = down(base + odd_regions[i].off +
				   odd_regions[i].size);

		if (p >= s && p + len <= e)
			return i;
	}
	return -1;
}

static void test_multi_region(void)
{
	const u64 span = MV_MIB(40);
	struct mv_host_arena a;
	char *arena = mv_host_arena_get(&a, span, BLOCK(MAXO));
	uintptr_t base = (uintptr_t)arena;
	u64 total = 0, nfree = 0, fresh[MAXO + 1], after[MAXO + 1];
	unsigned char *seen = calloc(span / PG, 1);
	void **v = malloc(span / PG * sizeof(*v));
	unsigned int i, o;

	CHECK(arena && seen && v);
	for (i = 0; i < MV_ARRAY_SIZE(odd_regions); i++) {
		u64 pages = region_pages(base + odd_regions[i].off,
					 odd_regions[i].size);

		CHECK_EQ(mv_page_add_region(base + odd_regions[i].off,
					    odd_regions[i].size), 0);
		total += pages;
		nfree += pages - meta_pages(pages);
	}
	CHECK_EQ(mv_page_total_count(), total);
	CHECK_EQ(mv_page_free_count(), nfree);
	free_histogram(fresh);

	/* Every block sits inside one region, aligned to its size. */
	for (o = 0; o <= MAXO; o++) {
		u64 n = 0, k;
		void *p;

		while ((p = mv_page_alloc(o))) {
			CHECK_EQ((uintptr_t)p % BLOCK(o), 0);
			CHECK(region_of(base, (uintptr_t)p, BLOCK(o)) >= 0);
			v[n++] = p;
		}
		for (k = 0; k < n; k++)
			mv_page_free(v[k], o);
		CHECK_EQ(mv_page_free_count(), nfree);
	}

	/* Page by page: each non-metadata page exactly once. */
	for (u64 n = 0; n < nfree; n++) {
		char *p = mv_page_alloc(0);
		u64 idx;

		CHECK(p);
		idx = ((uintptr_t)p - base) / PG;
		CHECK(region_of(base, (uintptr_t)p, PG) >= 0);
		CHECK_EQ(seen[idx], 0);
		seen[idx] = 1;
		v[n] = p;
	}
	CHECK(mv_page_alloc(0) == NULL);
	for (i = 0; i < MV_ARRAY_SIZE(odd_regions); i++) {
		uintptr_t s = up(base + odd_regions[i].off);
		u64 pages = region_pages(base + odd_regions[i].off,
					 odd_regions[i].size);
		u64 m = meta_pages(pages), k;

		for (k = 0; k < pages; k++)
			CHECK_EQ(seen[(s - base) / PG + k], k >= m);
	}
	shuffle(v, nfree);
	for (u64 n = 0; n < nfree; n++)
		mv_page_free(v[n], 0);
	CHECK_EQ(mv_page_free_count(), nfree);
	free_histogram(after);
	check_same_histogram(fresh, after);
	CHECK_NO_ERRORS();
	free(seen);
	free(v);
	mv_host_arena_put(&a);
}

/*
 * Inaccessible pages right before and after a region: the allocator must
 * never look at state or memory outside it, even for buddies of blocks at
 * its edges (the region starts on an odd page so low buddies fall below).
 */
static void test_guard_pages(void)
{
	struct mv_host_arena a;
	char *arena = mv_host_arena_get(&a, MV_MIB(12), BLOCK(MAXO));
	char *start = arena + 3 * PG, *end = arena + MV_MIB(8) - 5 * PG;
	u64 fresh[MAXO + 1], after[MAXO + 1];

	CHECK(arena);
	CHECK_EQ(mprotect(start - PG, PG, PROT_NONE), 0);
	CHECK_EQ(mprotect(end, PG, PROT_NONE), 0);
	CHECK_EQ(mv_page_add_region((uintptr_t)start, end - start), 0);
	free_histogram(fresh);
	for (unsigned int o = 0; o <= MAXO; o++) {
		void *v[2048];
		unsigned int n = 0, i;

		while (n < MV_ARRAY_SIZE(v) && (v[n] = mv_page_alloc(o)))
			n++;
		for (i = 0; i < n; i++)
			mv_page_free(v[i], o);
	}
	free_histogram(after);
	check_same_histogram(fresh, after);
	CHECK_NO_ERRORS();
	mv_host_arena_put(&a);
}

/* Each bad free logs one "page_alloc:" error and changes nothing. */
static void test_invalid_frees(void)
{
	const u64 size = MV_MIB(16);
	struct mv_host_arena a;
	char *base = mv_host_arena_get(&a, size, BLOCK(MAXO));
	u64 fresh[MAXO + 1], after[MAXO + 1], nfree, total;
	void *foreign = aligned_alloc(PG, 2 * PG);
	char *p, *q, *r;

	CHECK(base && foreign);
	CHECK_EQ(mv_page_add_region((uintptr_t)base, size), 0);
	free_histogram(fresh);
	total = mv_page_total_count();

	/* A page freed twice after it merged back into a 4 MiB block. */
	p = mv_page_alloc(0);
	CHECK(p);
	mv_page_free(p, 0);
	nfree = mv_page_free_count();
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(p, 0));
	CHECK_EQ(mv_page_free_count(), nfree);

	p = mv_page_alloc(0);
	q = mv_page_alloc(2);
	r = mv_page_alloc(MAXO);
	CHECK(p && q && r);
	nfree = mv_page_free_count();

	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(p + 1, 0));
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(p + PG / 2, 0));
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(p, MAXO + 1));
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(q, 1));	/* order */
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(q, 0));
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(q + PG, 0)); /* inner */
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(q + 2 * PG, 1));
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(r, MAXO - 1));
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(r + BLOCK(5), 5));
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(base, 0));	/* meta */
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(foreign, 0));
	CHECK_LOGS_ERROR("page_alloc:",
			 mv_page_free(base + size, 0));	/* just past */
	CHECK_LOGS_ERROR("page_alloc:",
			 mv_page_free(base - PG, 0));	/* just before */
	CHECK_EQ(mv_page_free_count(), nfree);
	CHECK_EQ(mv_page_total_count(), total);

	/* Real frees still work, and a second one is caught each time. */
	mv_page_free(q, 2);
	CHECK_EQ(mv_page_free_count(), nfree + 4);
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(q, 2));
	mv_page_free(p, 0);
	CHECK_LOGS_ERROR("page_alloc:", mv_page_free(p, 0));
	mv_page_free(r, MAXO);
	CHECK_LOGS_ERROR("page_alloc: free of", mv_page_free(r, MAXO));
	CHECK(strstr(mv_host_log_last_error(), "double free"));
	CHECK_EQ(mv_page_free_count(), nfree + 4 + 1 + BLOCK(MAXO) / PG);

	/* Nothing was corrupted on the way. */
	free_histogram(after);
	check_same_histogram(fresh, after);
	free(foreign);
	mv_host_arena_put(&a);
}

static void test_zeroed(void)
{
	struct mv_host_arena a;
	char *base = mv_host_arena_get(&a, MV_MIB(8), BLOCK(MAXO));
	unsigned char *p;
	u64 i;

	CHECK(base);
	CHECK_EQ(mv_page_add_region((uintptr_t)base, MV_MIB(8)), 0);
	for (int round = 0; round < 4; round++) {
		p = mv_page_alloc(3);
		CHECK(p);
		memset(p, 0xa5, BLOCK(3));
		mv_page_free(p, 3);
		p = mv_page_alloc_zeroed(3);
		CHECK(p);
		for (i = 0; i < BLOCK(3); i++)
			CHECK_EQ(p[i], 0);
		mv_page_free(p, 3);
	}
	CHECK(mv_page_alloc_zeroed(MAXO + 1) == NULL);
	CHECK_NO_ERRORS();
	mv_host_arena_put(&a);
}

struct live {
	u64 *p;
	unsigned int order;
	u64 tag;
};

/*
 * A few words at both ends of every page: two blocks sharing a page
 * cannot both keep their pattern, and big blocks stay cheap to check.
 */
#define WORDS (PG / sizeof(u64))
#define PATTERN(tag, pg, i) \
	((tag) ^ (((pg) * 16 + (i)) * 0x9e3779b97f4a7c15ull))

static void fill(const struct live *l)
{
	u64 pg, i, n = 1ULL << l->order;

	for (pg = 0; pg < n; pg++) {
		u64 *w = l->p + pg * WORDS;

		for (i = 0; i < 8; i++) {
			w[i] = PATTERN(l->tag, pg, i);
			w[WORDS - 1 - i] = PATTERN(l->tag, pg, i + 8);
		}
	}
}

static bool intact(const struct live *l)
{
	u64 pg, i, n = 1ULL << l->order;

	for (pg = 0; pg < n; pg++) {
		const u64 *w = l->p + pg * WORDS;

		for (i = 0; i < 8; i++)
			if (w[i] != PATTERN(l->tag, pg, i) ||
			    w[WORDS - 1 - i] != PATTERN(l->tag, pg, i + 8))
				return false;
	}
	return true;
}

/* Mostly small orders, now and then a big one. */
static unsigned int random_order(uint64_t r)
{
	static const unsigned char orders[] = {
		0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 7, MAXO,
	};

	return orders[r % sizeof(orders)];
}

/* Random alloc/free, every block filled and checked when freed. */
static void test_stress(void)
{
	const u64 size = MV_MIB(48) + 13 * PG + 99;
	struct mv_host_arena a;
	char *arena = mv_host_arena_get(&a, size + PG, BLOCK(MAXO));
	uintptr_t start = (uintptr_t)arena + 9 * PG + 1;
	enum { CAP = 4096, OPS = 60000 };
	static struct live live[CAP];
	u64 fresh[MAXO + 1], after[MAXO + 1], initial, used = 0, failed = 0;
	unsigned int n = 0, op;

	CHECK(arena);
	CHECK_EQ(mv_page_add_region(start, size), 0);
	initial = mv_page_free_count();
	free_histogram(fresh);

	for (op = 0; op < OPS; op++) {
		uint64_t r = mv_test_rand();

		if (n < CAP && (n == 0 || r % 100 < 55)) {
			struct live *l = &live[n];

			l->order = random_order(r >> 8);
			l->p = mv_page_alloc(l->order);
			if (!l->p) {
				failed++;
				continue;
			}
			CHECK_EQ((uintptr_t)l->p % BLOCK(l->order), 0);
			CHECK_GE((uintptr_t)l->p, up(start));
			CHECK_LE((uintptr_t)l->p + BLOCK(l->order),
				 down(start + size));
			l->tag = ((u64)op << 32) | r >> 40;
			fill(l);
			used += 1ULL << l->order;
			n++;
		} else {
			unsigned int k = mv_test_rand_below(n);

			CHECK(intact(&live[k]));
			mv_page_free(live[k].p, live[k].order);
			used -= 1ULL << live[k].order;
			live[k] = live[--n];
		}
		CHECK_EQ(mv_page_free_count(), initial - used);
	}
	fprintf(stderr, "  stress: %u live at end, %llu failed allocations\n",
		n, (unsigned long long)failed);
	while (n) {
		n--;
		CHECK(intact(&live[n]));
		mv_page_free(live[n].p, live[n].order);
	}
	CHECK_EQ(mv_page_free_count(), initial);
	free_histogram(after);
	check_same_histogram(fresh, after);
	CHECK_NO_ERRORS();
	mv_host_arena_put(&a);
}

/* Several threads at once: the lock keeps the lists and counts sane. */
struct thread_arg {
	unsigned int id;
	uint64_t seed;
	unsigned int corrupt;
	uintptr_t lo, hi;
};

static void *stress_thread(void *p)
{
	struct thread_arg *t = p;
	enum { CAP = 256, OPS = 40000 };
	struct live live[CAP];
	uint64_t x = t->seed;
	unsigned int n = 0, op;

	for (op = 0; op < OPS; op++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		uint64_t r = x * 0x2545f4914f6cdd1dull;

		if (n < CAP && (n == 0 || r % 2)) {
			struct live *l = &live[n];

			l->order = (r >> 8) % 4;
			l->p = mv_page_alloc(l->order);
			if (!l->p)
				continue;
			if ((uintptr_t)l->p < t->lo ||
			    (uintptr_t)l->p + BLOCK(l->order) > t->hi)
				t->corrupt++;
			l->tag = ((u64)t->id << 56) | op;
			fill(l);
			n++;
		} else {
			unsigned int k = (r >> 16) % n;

			if (!intact(&live[k]))
				t->corrupt++;
			mv_page_free(live[k].p, live[k].order);
			live[k] = live[--n];
		}
	}
	while (n--) {
		if (!intact(&live[n]))
			t->corrupt++;
		mv_page_free(live[n].p, live[n].order);
	}
	return NULL;
}

static void test_threads(void)
{
	enum { NT = 4 };
	const u64 size = MV_MIB(8);
	struct mv_host_arena a;
	char *base = mv_host_arena_get(&a, size, BLOCK(MAXO));
	struct thread_arg args[NT];
	pthread_t th[NT];
	u64 fresh[MAXO + 1], after[MAXO + 1], initial;
	int i;

	CHECK(base);
	/* Small enough that threads run it dry and contend. */
	CHECK_EQ(mv_page_add_region((uintptr_t)base, size), 0);
	initial = mv_page_free_count();
	free_histogram(fresh);
	for (i = 0; i < NT; i++) {
		args[i] = (struct thread_arg){
			.id = i, .seed = mv_test_rand() | 1,
			.lo = (uintptr_t)base, .hi = (uintptr_t)base + size,
		};
		CHECK_EQ(pthread_create(&th[i], NULL, stress_thread, &args[i]),
			 0);
	}
	for (i = 0; i < NT; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(args[i].corrupt, 0);
	}
	CHECK_EQ(mv_page_free_count(), initial);
	free_histogram(after);
	check_same_histogram(fresh, after);
	CHECK_NO_ERRORS();
	mv_host_arena_put(&a);
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_empty, setup);
	RUN_TEST(test_add_region_errors, setup);
	RUN_TEST(test_init_1g, setup);
	RUN_TEST(test_exhaust_each_order, setup);
	RUN_TEST(test_multi_region, setup);
	RUN_TEST(test_guard_pages, setup);
	RUN_TEST(test_invalid_frees, setup);
	RUN_TEST(test_zeroed, setup);
	RUN_TEST(test_stress, setup);
	RUN_TEST(test_threads, setup);
	return mv_test_summary();
}
