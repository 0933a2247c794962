// SPDX-License-Identifier: GPL-2.0
/*
 * Host stand-ins for what nucleus/module.c links against, for the module
 * loader's unit test (test/unit/test_module_loader.c):
 *
 *  - a fake nucleus and the module memory in one 64 MiB mapping, so that
 *    module code is within branch (±128 MiB) and ADRP (±4 GiB) range of
 *    the "nucleus" as on the target: the first pages hold fake nucleus
 *    functions (one 'ret' each) and data, the rest is handed out page by
 *    page by mv_module_mem_alloc;
 *  - mv_nucleus_symbol over a table: the names nucleus/exports.c exports,
 *    each at its own fake function, plus whatever a test adds;
 *  - mv_module_mem_protect records each page's protection (and mprotects
 *    it, so a write after protection faults); code pages are executable
 *    only when a test asks for it;
 *  - the heap on the C library (ASan sees every byte) with a byte count
 *    for mv_heap_used and one-shot failure injection;
 *  - a mutex that must never be taken twice, with a count of holders;
 *  - mv_time_ns, and mv_printf (for nucleus/command.c) to stderr.
 * What tests use beyond the nucleus interfaces is prefixed mv_host_ and
 * declared in the test.
 */
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/module.h>
#include <mv/mutex.h>
#include <mv/time.h>
#include <modvisor/command.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define REGION_SIZE MV_MIB(64)
#define REGION_PAGES (REGION_SIZE / MV_PAGE_SIZE)
#define NUCLEUS_TEXT_PAGES 8
#define NUCLEUS_DATA_PAGES 8
#define NUCLEUS_PAGES (NUCLEUS_TEXT_PAGES + NUCLEUS_DATA_PAGES)
#define FN_SLOT 16
#define MAX_SYMBOLS 256

/* -------------------------------------------------------------------- */
/* The region: fake nucleus, then module memory. */

enum { PAGE_FREE = 0, PAGE_USED = 1 };

static u8 *region;
static u8 page_state[REGION_PAGES];
static u8 page_prot[REGION_PAGES];	/* enum mv_module_prot */
static u32 alloc_len[REGION_PAGES];	/* pages, at an allocation's first */
static size_t used_pages;
static bool exec_ok;
static long mem_fail_at = -1, protect_fail_at = -1;
static unsigned int bad_calls;
static char bad_call_text[256];

struct nsym {
	char name[48];
	u64 addr;
};

static struct nsym symbols[MAX_SYMBOLS];
static unsigned int nr_symbols;
static size_t fn_used, data_used;

/* Every name nucleus/exports.c exports, so real modules link. */
static const char *const nucleus_exports[] = {
	"memcpy", "memmove", "memset", "memcmp", "memchr", "strlen",
	"strnlen", "strcmp", "strncmp", "strchr", "strrchr", "strtoul",
	"mv_log", "mv_panic", "mv_snprintf", "mv_vsnprintf",
	"mv_malloc", "mv_zalloc", "mv_calloc", "mv_free", "mv_page_alloc",
	"mv_page_alloc_zeroed", "mv_page_free",
	"mv_time_ns", "mv_ns_to_ticks", "mv_ticks_to_ns",
	"mv_thread_create", "mv_thread_exit", "mv_current", "mv_yield",
	"mv_sleep_ns", "mv_sleep_until", "mv_waitq_init", "mv_waitq_prepare",
	"mv_waitq_finish", "mv_waitq_wake", "mv_schedule", "mv_mutex_lock",
	"mv_mutex_unlock", "mv_timer_arm", "mv_timer_cancel",
	"mv_module_find", "mv_module_get", "mv_module_put",
};

static void bad_call(const char *fmt, ...) __mv_printf(1, 2);

static void bad_call(const char *fmt, ...)
{
	va_list ap;

	bad_calls++;
	va_start(ap, fmt);
	vsnprintf(bad_call_text, sizeof(bad_call_text), fmt, ap);
	va_end(ap);
	fprintf(stderr, "module_host: %s\n", bad_call_text);
}

static int host_prot(enum mv_module_prot prot)
{
	switch (prot) {
	case MV_MODULE_RX:
		return PROT_READ | (exec_ok ? PROT_EXEC : 0);
	case MV_MODULE_RO:
		return PROT_READ;
	default:
		return PROT_READ | PROT_WRITE;
	}
}

u64 mv_host_nucleus_add(const char *name, u64 addr);

/* A fresh fake nucleus function: 16 bytes of arm64 'ret'. */
static u64 new_function(void)
{
	u8 *p = region + fn_used;

	if (fn_used + FN_SLOT > NUCLEUS_TEXT_PAGES * MV_PAGE_SIZE)
		mv_panic("module_host: out of fake nucleus functions\n");
	for (int i = 0; i < FN_SLOT; i += 4) {
		static const u8 ret[4] = { 0xc0, 0x03, 0x5f, 0xd6 };

		memcpy(p + i, ret, 4);
	}
	fn_used += FN_SLOT;
	return (uintptr_t)p;
}

static void region_init(void)
{
	void *map;

	if (region)
		return;
	map = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		mv_panic("module_host: cannot map %lu MiB\n",
			 (unsigned long)(REGION_SIZE >> 20));
	madvise(map, REGION_SIZE, MADV_NOHUGEPAGE);
	region = map;
	for (size_t i = 0; i < REGION_PAGES; i++)
		page_prot[i] = MV_MODULE_RW;
	for (size_t i = 0; i < MV_ARRAY_SIZE(nucleus_exports); i++)
		mv_host_nucleus_add(nucleus_exports[i], 0);
}

/* The region's bounds (the fake nucleus is its first pages). */
u64 mv_host_region(size_t *size)
{
	region_init();
	if (size)
		*size = REGION_SIZE;
	return (uintptr_t)region;
}

/*
 * Add or replace a nucleus symbol: at addr, or (addr == 0) at a new fake
 * function. Returns its address.
 */
u64 mv_host_nucleus_add(const char *name, u64 addr)
{
	struct nsym *s = NULL;

	region_init();
	for (unsigned int i = 0; i < nr_symbols; i++)
		if (!strcmp(symbols[i].name, name))
			s = &symbols[i];
	if (!s) {
		if (nr_symbols == MAX_SYMBOLS ||
		    strlen(name) >= sizeof(s->name))
			mv_panic("module_host: cannot add symbol %s\n", name);
		s = &symbols[nr_symbols++];
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	s->addr = addr ? addr : new_function();
	return s->addr;
}

/* A nucleus data object: size bytes aligned to align, filled with fill. */
u64 mv_host_nucleus_data(const char *name, size_t size, size_t align,
			 int fill)
{
	size_t off;

	region_init();
	off = MV_ALIGN_UP(data_used, align);
	if (off + size > NUCLEUS_DATA_PAGES * MV_PAGE_SIZE)
		mv_panic("module_host: out of fake nucleus data\n");
	data_used = off + size;
	off += NUCLEUS_TEXT_PAGES * MV_PAGE_SIZE;
	memset(region + off, fill, size);
	return mv_host_nucleus_add(name, (uintptr_t)(region + off));
}

u64 mv_nucleus_symbol(const char *name)
{
	region_init();
	for (unsigned int i = 0; i < nr_symbols; i++)
		if (!strcmp(symbols[i].name, name))
			return symbols[i].addr;
	return 0;
}

static long page_index(const void *p)
{
	uintptr_t a = (uintptr_t)p, r = (uintptr_t)region;

	if (!region || a < r + NUCLEUS_PAGES * MV_PAGE_SIZE ||
	    a >= r + REGION_SIZE || (a & (MV_PAGE_SIZE - 1)))
		return -1;
	return (long)((a - r) / MV_PAGE_SIZE);
}

/* Is [first, first + pages) exactly an allocation or inside one? */
static bool pages_allocated(long first, size_t pages)
{
	if (first < 0 || pages == 0 || (size_t)first + pages > REGION_PAGES)
		return false;
	for (size_t i = 0; i < pages; i++)
		if (page_state[first + i] != PAGE_USED)
			return false;
	return true;
}

void *mv_module_mem_alloc(size_t pages)
{
	size_t run = 0;

	region_init();
	if (!pages)
		return NULL;
	if (mem_fail_at >= 0 && mem_fail_at-- == 0)
		return NULL;
	for (size_t i = NUCLEUS_PAGES; i < REGION_PAGES; i++) {
		size_t first;
		u8 *mem;

		run = page_state[i] == PAGE_USED ? 0 : run + 1;
		if (run != pages)
			continue;
		first = i + 1 - pages;
		mem = region + first * MV_PAGE_SIZE;
		for (size_t j = first; j <= i; j++) {
			page_state[j] = PAGE_USED;
			if (page_prot[j] != MV_MODULE_RW)
				bad_call("free page %zu is not RW", j);
		}
		alloc_len[first] = pages;
		used_pages += pages;
		if (mprotect(mem, pages * MV_PAGE_SIZE,
			     PROT_READ | PROT_WRITE))
			mv_panic("module_host: mprotect failed\n");
		memset(mem, 0, pages * MV_PAGE_SIZE);
		return mem;
	}
	return NULL;
}

int mv_module_mem_protect(void *mem, size_t pages, enum mv_module_prot prot)
{
	long first = page_index(mem);

	if (!pages_allocated(first, pages)) {
		bad_call("protect of %zu pages at %p: not module memory in use",
			 pages, mem);
		return -MV_EINVAL;
	}
	if (protect_fail_at >= 0 && protect_fail_at-- == 0)
		return -MV_EINVAL;
	if (mprotect(mem, pages * MV_PAGE_SIZE, host_prot(prot)))
		mv_panic("module_host: mprotect failed\n");
	for (size_t i = 0; i < pages; i++)
		page_prot[first + i] = prot;
	return 0;
}

/* As nucleus/mm/module_mem.c: back to plain data, then free. */
void mv_module_mem_free(void *mem, size_t pages)
{
	long first = page_index(mem);

	if (!pages_allocated(first, pages) || alloc_len[first] != pages) {
		bad_call("free of %zu pages at %p: not an allocation", pages,
			 mem);
		return;
	}
	if (mprotect(mem, pages * MV_PAGE_SIZE, PROT_READ | PROT_WRITE))
		mv_panic("module_host: mprotect failed\n");
	for (size_t i = 0; i < pages; i++) {
		page_prot[first + i] = MV_MODULE_RW;
		page_state[first + i] = PAGE_FREE;
	}
	alloc_len[first] = 0;
	used_pages -= pages;
}

size_t mv_module_mem_used(void)
{
	return used_pages * MV_PAGE_SIZE;
}

size_t mv_host_module_pages_used(void)
{
	return used_pages;
}

/*
 * The protection last recorded for the module memory page holding addr,
 * and whether the page is in use; -1 if addr is not module memory.
 */
int mv_host_module_page_prot(u64 addr, bool *used)
{
	long i = page_index((void *)(uintptr_t)MV_ALIGN_DOWN(addr,
							      MV_PAGE_SIZE));

	if (i < 0)
		return -1;
	if (used)
		*used = page_state[i] == PAGE_USED;
	return page_prot[i];
}

/* Code pages executable on the host (for modules holding host code). */
void mv_host_module_exec(bool allow)
{
	exec_ok = allow;
}

/* Make the n-th call from now (0: the next) fail; -1: none fails. */
void mv_host_module_mem_fail(long n)
{
	mem_fail_at = n;
}

void mv_host_module_protect_fail(long n)
{
	protect_fail_at = n;
}

/* Calls with arguments that do not match an allocation. */
unsigned int mv_host_module_bad_calls(const char **last)
{
	if (last)
		*last = bad_call_text;
	return bad_calls;
}

/* -------------------------------------------------------------------- */
/* The heap, on the C library. */

struct heap_hdr {
	size_t size;
	size_t magic;
} __attribute__((aligned(16)));

#define HEAP_MAGIC 0x6d76686561700a00ull
#define HEAP_MAX (MV_MIB(4) - 16)

static size_t heap_used;
static long heap_fail_at = -1;
static unsigned long heap_allocs;

void *mv_malloc(size_t size)
{
	struct heap_hdr *h;

	heap_allocs++;
	if (size > HEAP_MAX)
		return NULL;
	if (heap_fail_at >= 0 && heap_fail_at-- == 0)
		return NULL;
	h = malloc(sizeof(*h) + (size ? size : 1));
	if (!h)
		return NULL;
	h->size = size;
	h->magic = HEAP_MAGIC;
	heap_used += size;
	return h + 1;
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
	if (size && n > SIZE_MAX / size) {
		heap_allocs++;
		return NULL;
	}
	return mv_zalloc(n * size);
}

void mv_free(void *p)
{
	struct heap_hdr *h;

	if (!p)
		return;
	h = (struct heap_hdr *)p - 1;
	if (h->magic != HEAP_MAGIC)
		mv_panic("module_host: mv_free of %p, not from mv_malloc\n", p);
	h->magic = 0;
	heap_used -= h->size;
	free(h);
}

size_t mv_heap_used(void)
{
	return heap_used;
}

/* Make the n-th allocation from now (0: the next) fail; -1: none. */
void mv_host_heap_fail(long n)
{
	heap_fail_at = n;
}

unsigned long mv_host_heap_allocs(void)
{
	return heap_allocs;
}

/* -------------------------------------------------------------------- */
/* Mutex, time. */

static unsigned int mutexes_held;
static struct mv_thread host_thread;

void mv_mutex_lock(struct mv_mutex *m)
{
	if (m->owner)
		mv_panic("module_host: mutex %p taken twice\n", (void *)m);
	m->owner = &host_thread;
	mutexes_held++;
}

void mv_mutex_unlock(struct mv_mutex *m)
{
	if (m->owner != &host_thread)
		mv_panic("module_host: mutex %p released but not held\n",
			 (void *)m);
	m->owner = NULL;
	mutexes_held--;
}

unsigned int mv_host_mutexes_held(void)
{
	return mutexes_held;
}

u64 mv_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * MV_NSEC_PER_SEC + (u64)ts.tv_nsec;
}

int mv_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Driver and emulator registries (nucleus/driver.c binds against the boot
 * device tree, which the host does not have): record what the loader
 * hands over, so tests can check it.
 */
size_t mv_host_drivers_registered, mv_host_emulators_registered;

int mv_driver_register_module(struct mv_module *m,
			      const struct mv_driver_decl *decls, size_t n)
{
	(void)m;
	(void)decls;
	mv_host_drivers_registered += n;
	return 0;
}

int mv_emulator_register_module(struct mv_module *m,
				const struct mv_emulator_decl *decls, size_t n)
{
	(void)m;
	(void)decls;
	mv_host_emulators_registered += n;
	return 0;
}

void mv_driver_unregister_module(struct mv_module *m)
{
	(void)m;
}
