// SPDX-License-Identifier: GPL-2.0
/* Nucleus heap: nucleus/mm/heap.c over the real page allocator. */
#include <mv/heap.h>
#include <mv/page_alloc.h>
#include <pthread.h>

#include "mv_test.h"

#define PG MV_PAGE_SIZE
#define ARENA_SIZE MV_MIB(128)
#define LARGE_HDR 16
#define LARGE_MAX ((PG << MV_PAGE_MAX_ORDER) - LARGE_HDR)

static struct mv_host_arena arena;
static char *arena_base;
static u64 initial_free;

static void setup(void)
{
	mv_heap_reset();
	mv_page_alloc_reset();
	if (mv_page_add_region((uintptr_t)arena_base, ARENA_SIZE)) {
		fprintf(stderr, "cannot set up the page allocator\n");
		abort();
	}
	initial_free = mv_page_free_count();
}

/* What a request costs in mv_heap_used(): its class, or its block. */
static size_t charged(size_t size)
{
	size_t c = 16;
	unsigned int order = 0;

	if (size <= 2048) {
		while (c < size)
			c *= 2;
		return c;
	}
	while ((PG << order) - LARGE_HDR < size)
		order++;
	return (PG << order) - LARGE_HDR;
}

static size_t large_pages(size_t size)
{
	unsigned int order = 0;

	while ((PG << order) - LARGE_HDR < size)
		order++;
	return (size_t)1 << order;
}

static void check_empty(void)
{
	CHECK_EQ(mv_heap_used(), 0);
	CHECK_EQ(mv_heap_pages(), 0);
	CHECK_EQ(mv_page_free_count(), initial_free);
}

/* Every size up to the largest class, one at a time. */
static void test_each_small_size(void)
{
	size_t size;

	for (size = 0; size <= 2048; size++) {
		unsigned char *p = mv_malloc(size);

		CHECK(p);
		CHECK_EQ((uintptr_t)p % 16, 0);
		CHECK_EQ(mv_heap_used(), charged(size));
		CHECK_EQ(mv_heap_pages(), 1);
		memset(p, 0xab, size);
		mv_free(p);
		check_empty();
	}
	CHECK_NO_ERRORS();
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a;
	uintptr_t y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* Fill several slabs of each class; objects are disjoint and packed. */
static void test_class_packing(void)
{
	static void *v[4 * 256 + 1];
	size_t c;

	for (c = 16; c <= 2048; c *= 2) {
		size_t per_page = 0, n, i, min_slots;

		/* Count the slots of the first slab. */
		while (mv_heap_pages() < 2) {
			CHECK_LT(per_page, MV_ARRAY_SIZE(v));
			v[per_page++] = mv_malloc(c);
			CHECK(v[per_page - 1]);
		}
		per_page--;
		/* The slab header takes at most 64 bytes. */
		min_slots = (PG - 64) / c;
		CHECK_GE(per_page, min_slots);
		CHECK_LE(per_page, PG / c);

		n = per_page + 1;
		while (n < 3 * per_page + 1) {
			v[n] = mv_malloc(c);
			CHECK(v[n]);
			n++;
		}
		CHECK_EQ(mv_heap_pages(), 4);
		CHECK_EQ(mv_heap_used(), n * c);
		for (i = 0; i < n; i++) {
			CHECK_EQ((uintptr_t)v[i] % 16, 0);
			CHECK_GE((uintptr_t)v[i] % PG, 16);	/* header */
			CHECK_LE((uintptr_t)v[i] % PG + c, PG);
			memset(v[i], (int)i, c);
		}
		qsort(v, n, sizeof(*v), cmp_ptr);
		for (i = 1; i < n; i++)
			CHECK_GE((uintptr_t)v[i] - (uintptr_t)v[i - 1], c);

		for (i = n; i > 1; i--) {
			size_t j = mv_test_rand_below(i);
			void *t = v[i - 1];

			v[i - 1] = v[j];
			v[j] = t;
		}
		for (i = 0; i < n; i++)
			mv_free(v[i]);
		check_empty();
	}
	CHECK_NO_ERRORS();
}

static void test_reuse(void)
{
	void *a = mv_malloc(32), *b = mv_malloc(32), *c, *d;

	CHECK(a && b && a != b);
	mv_free(b);
	c = mv_malloc(32);
	CHECK(c == b);			/* last freed slot comes back first */
	mv_free(a);
	d = mv_malloc(20);		/* same class */
	CHECK(d == a);
	CHECK_EQ(mv_heap_pages(), 1);
	mv_free(c);
	mv_free(d);
	check_empty();
	CHECK_NO_ERRORS();
}

static void test_large(void)
{
	static const size_t sizes[] = {
		2049, 3000, 4080, 4081, 4096, 8192, 12345, 100000,
		MV_MIB(1), MV_MIB(2) - 16, MV_MIB(2), LARGE_MAX,
	};
	unsigned int i;

	for (i = 0; i < MV_ARRAY_SIZE(sizes); i++) {
		size_t size = sizes[i], k;
		unsigned char *p = mv_malloc(size);

		CHECK(p);
		CHECK_EQ((uintptr_t)p % 16, 0);
		CHECK_EQ(mv_heap_pages(), large_pages(size));
		CHECK_EQ(mv_heap_used(), charged(size));
		CHECK_EQ(mv_page_free_count(),
			 initial_free - large_pages(size));
		for (k = 0; k < size; k++)
			p[k] = (unsigned char)(k * 7 + i);
		for (k = 0; k < size; k++)
			CHECK_EQ(p[k], (unsigned char)(k * 7 + i));
		mv_free(p);
		check_empty();
	}
	/* Beyond the largest page block, or absurd. */
	CHECK(mv_malloc(LARGE_MAX + 1) == NULL);
	CHECK(mv_malloc(MV_MIB(64)) == NULL);
	CHECK(mv_malloc(SIZE_MAX) == NULL);
	CHECK(mv_calloc(SIZE_MAX / 2, 3) == NULL);
	CHECK(mv_calloc(3, SIZE_MAX / 2) == NULL);
	/* Products that wrap to a small number. */
	CHECK(mv_calloc(((size_t)1 << 60) + 1, 16) == NULL);
	CHECK(mv_calloc(16, ((size_t)1 << 60) + 2) == NULL);
	check_empty();
	CHECK_NO_ERRORS();
}

static void test_zero_and_calloc(void)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 1000, 2048, 5000,
					40000 };
	unsigned int i, round;
	void *z;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < MV_ARRAY_SIZE(sizes); i++) {
			unsigned char *p = mv_malloc(sizes[i]), *q;
			size_t k;

			CHECK(p);
			memset(p, 0xff, sizes[i]);
			mv_free(p);
			q = round == 1 ? mv_calloc(sizes[i], 1) :
			    round == 2 ? mv_calloc(1, sizes[i]) :
					 mv_zalloc(sizes[i]);
			CHECK(q);
			for (k = 0; k < sizes[i]; k++)
				CHECK_EQ(q[k], 0);
			mv_free(q);
		}
	}
	/* Zero bytes still gives a distinct, freeable object. */
	z = mv_malloc(0);
	CHECK(z);
	CHECK(mv_calloc(0, 8));
	mv_free(z);
	mv_free(NULL);
	/* The calloc(0, 8) object stays live: one class-16 object. */
	CHECK_EQ(mv_heap_used(), 16);
	CHECK_NO_ERRORS();
}

static void test_invalid_free(void)
{
	unsigned char *p = mv_malloc(64), *q = mv_malloc(64), *l, *raw;
	size_t used, pages;

	CHECK(p && q);
	l = mv_malloc(10000);
	CHECK(l);
	memset(l, 0, 10000);
	raw = mv_page_alloc_zeroed(0);
	CHECK(raw);
	used = mv_heap_used();
	pages = mv_heap_pages();

	CHECK_LOGS_ERROR("heap:", mv_free(p + 8));	/* misaligned */
	CHECK_LOGS_ERROR("heap:", mv_free(p + 16));	/* inside object */
	CHECK_LOGS_ERROR("heap:", mv_free(p + 48));
	/* Inside the slab header. */
	CHECK_LOGS_ERROR("heap:",
			 mv_free((void *)MV_ALIGN_DOWN((uintptr_t)p, PG)));
	CHECK_LOGS_ERROR("heap:", mv_free(l + 16));	/* inside large */
	CHECK_LOGS_ERROR("heap:", mv_free(l + PG));	/* its 2nd page */
	CHECK_LOGS_ERROR("heap:", mv_free(raw));	/* not the heap's */
	CHECK_LOGS_ERROR("heap:", mv_free(raw + 256));
	CHECK_EQ(mv_heap_used(), used);
	CHECK_EQ(mv_heap_pages(), pages);

	/* Double frees, small and large. */
	mv_free(p);
	CHECK_LOGS_ERROR("heap:", mv_free(p));
	CHECK(strstr(mv_host_log_last_error(), "double free"));
	CHECK_EQ(mv_heap_used(), used - 64);
	mv_free(l);
	CHECK_LOGS_ERROR("heap:", mv_free(l));
	CHECK_EQ(mv_heap_used(), used - 64 - charged(10000));
	CHECK_EQ(mv_heap_pages(), 1);
	/* Last object of a slab: its page went back, a second free sees so. */
	mv_free(q);
	CHECK_EQ(mv_heap_pages(), 0);
	CHECK_LOGS_ERROR("heap:", mv_free(q));

	mv_free(NULL);
	mv_page_free(raw, 0);
	check_empty();

	/*
	 * Large double frees whatever became of the pages: some blocks are
	 * merged into a buddy below and keep their old contents.
	 */
	{
		void *big[8];
		unsigned int i;

		for (i = 0; i < MV_ARRAY_SIZE(big); i++) {
			big[i] = mv_malloc(10000);
			CHECK(big[i]);
		}
		for (i = 0; i < MV_ARRAY_SIZE(big); i++)
			mv_free(big[i]);
		for (i = 0; i < MV_ARRAY_SIZE(big); i++)
			CHECK_LOGS_ERROR("heap:", mv_free(big[i]));
		check_empty();
	}
	/* Still works afterwards. */
	p = mv_malloc(64);
	CHECK(p);
	mv_free(p);
	check_empty();
}

/* Runs the page allocator dry through the heap, then recovers. */
static void test_out_of_memory(void)
{
	static void *v[MV_MIB(64) / 512];
	size_t n = 0, i;
	void *p;

	mv_page_alloc_reset();
	CHECK_EQ(mv_page_add_region((uintptr_t)arena_base, 40 * PG), 0);
	initial_free = mv_page_free_count();

	while ((p = mv_malloc(512))) {
		CHECK_LT(n, MV_ARRAY_SIZE(v));
		v[n++] = p;
	}
	CHECK_EQ(mv_page_free_count(), 0);
	CHECK_EQ(mv_heap_pages(), initial_free);
	CHECK(mv_malloc(3000) == NULL);
	CHECK(mv_malloc(100) == NULL);
	for (i = 0; i < n; i++)
		mv_free(v[i]);
	check_empty();

	n = 0;
	while ((p = mv_malloc(5000))) {
		CHECK_LT(n, MV_ARRAY_SIZE(v));
		v[n++] = p;
	}
	CHECK_GE(n, 1);
	CHECK_EQ(mv_heap_pages(), 2 * n);
	for (i = 0; i < n; i++)
		mv_free(v[i]);
	check_empty();
	CHECK_NO_ERRORS();
}

struct obj {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

static size_t random_size(uint64_t r)
{
	unsigned int kind = r % 100;

	r >>= 8;
	if (kind < 60)
		return r % 257;
	if (kind < 92)
		return r % 2049;
	if (kind < 99)
		return 2049 + r % 60000;
	return r % MV_MIB(1);
}

static void fill(const struct obj *o)
{
	size_t k;

	for (k = 0; k < o->size; k++)
		o->p[k] = (unsigned char)(o->tag + k);
}

static bool intact(const struct obj *o)
{
	size_t k;

	for (k = 0; k < o->size; k++)
		if (o->p[k] != (unsigned char)(o->tag + k))
			return false;
	return true;
}

/* Random sizes, every byte checked, the counters followed exactly. */
static void test_stress(void)
{
	enum { CAP = 3000, OPS = 100000 };
	static struct obj live[CAP];
	size_t used = 0, n = 0;
	unsigned int op;

	for (op = 0; op < OPS; op++) {
		uint64_t r = mv_test_rand();

		if (n < CAP && (n == 0 || r % 100 < 55)) {
			struct obj *o = &live[n];

			o->size = random_size(r >> 8);
			o->p = mv_malloc(o->size);
			CHECK(o->p);
			CHECK_EQ((uintptr_t)o->p % 16, 0);
			o->tag = (unsigned char)op;
			fill(o);
			used += charged(o->size);
			n++;
		} else {
			size_t k = mv_test_rand_below(n);

			CHECK(intact(&live[k]));
			mv_free(live[k].p);
			used -= charged(live[k].size);
			live[k] = live[--n];
		}
		CHECK_EQ(mv_heap_used(), used);
		/* The heap is the page allocator's only user here. */
		CHECK_EQ(mv_heap_pages(),
			 initial_free - mv_page_free_count());
	}
	while (n) {
		n--;
		CHECK(intact(&live[n]));
		mv_free(live[n].p);
	}
	check_empty();
	CHECK_NO_ERRORS();
}

struct thread_arg {
	uint64_t seed;
	unsigned int bad;
};

static void *stress_thread(void *arg)
{
	struct thread_arg *t = arg;
	enum { CAP = 256, OPS = 40000 };
	struct obj live[CAP];
	uint64_t x = t->seed;
	unsigned int n = 0, op;

	for (op = 0; op < OPS; op++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		uint64_t r = x * 0x2545f4914f6cdd1dull;

		if (n < CAP && (n == 0 || r % 2)) {
			struct obj *o = &live[n];

			o->size = (r >> 8) % 100 < 95 ? (r >> 16) % 600 :
							 (r >> 16) % 9000;
			o->p = mv_malloc(o->size);
			if (!o->p || (uintptr_t)o->p % 16) {
				t->bad++;
				continue;
			}
			o->tag = (unsigned char)(r >> 40);
			fill(o);
			n++;
		} else {
			unsigned int k = (r >> 20) % n;

			if (!intact(&live[k]))
				t->bad++;
			mv_free(live[k].p);
			live[k] = live[--n];
		}
	}
	while (n--) {
		if (!intact(&live[n]))
			t->bad++;
		mv_free(live[n].p);
	}
	return NULL;
}

static void test_threads(void)
{
	enum { NT = 4 };
	struct thread_arg args[NT];
	pthread_t th[NT];
	int i;

	for (i = 0; i < NT; i++) {
		args[i] = (struct thread_arg){ .seed = mv_test_rand() | 1 };
		CHECK_EQ(pthread_create(&th[i], NULL, stress_thread, &args[i]),
			 0);
	}
	for (i = 0; i < NT; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(args[i].bad, 0);
	}
	check_empty();
	CHECK_NO_ERRORS();
}

int main(void)
{
	mv_test_init();
	arena_base = mv_host_arena_get(&arena, ARENA_SIZE, PG << 10);
	if (!arena_base) {
		perror("mmap");
		return 1;
	}
	RUN_TEST(test_each_small_size, setup);
	RUN_TEST(test_class_packing, setup);
	RUN_TEST(test_reuse, setup);
	RUN_TEST(test_large, setup);
	RUN_TEST(test_zero_and_calloc, setup);
	RUN_TEST(test_invalid_free, setup);
	RUN_TEST(test_out_of_memory, setup);
	RUN_TEST(test_stress, setup);
	RUN_TEST(test_threads, setup);
	mv_host_arena_put(&arena);
	return mv_test_summary();
}
