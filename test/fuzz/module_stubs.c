// SPDX-License-Identifier: GPL-2.0
/*
 * Host stand-ins for what nucleus/module.c and nucleus/command.c link
 * against, for fuzz_module (adapted from test/unit/host/module_host.c,
 * without what only the unit test needs and with more checking):
 *
 *  - a fake nucleus and the module arena in one mapping, as on the target
 *    (RAM at 1 GiB on QEMU virt, the arena right after the nucleus, 8 MiB):
 *    at a fixed address when the host allows it, so that relocation
 *    results do not depend on ASLR. Nothing in it is ever executable on
 *    the host: code pages of modules are mapped read-only;
 *  - mv_nucleus_symbol over the names nucleus/exports.c exports (the build
 *    extracts them into nucleus_exports.inc) and the few the unit test's
 *    modules expect, each at a harmless address in the fake nucleus (a
 *    fake function of arm64 'ret's or zeroed data, never run). Any other
 *    name is undefined, as on the target;
 *  - module memory handed out page by page; free pages are poisoned for
 *    ASan, protected pages mprotected, and a free or protect that does not
 *    match an allocation aborts;
 *  - the heap on the C library with byte and block counts;
 *  - the driver and emulator registries of nucleus/driver.c (which binds
 *    against the boot device tree and calls the drivers' probe, module
 *    code) reduced to what the loader relies on: each call's declarations
 *    must lie in the module's memory, a declaration without compatible or
 *    ops is refused as driver.c does, registrations are kept per module
 *    until mv_driver_unregister_module, and freeing module memory that
 *    registered declarations still point into aborts;
 *  - failure injection for the heap, module memory, protection and the
 *    driver and emulator registries;
 *  - a mutex that aborts when taken twice; a deterministic clock.
 */
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/module.h>
#include <mv/mutex.h>
#include <mv/time.h>
#include <modvisor/command.h>
#include <modvisor/device.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "module_stubs.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#endif
#endif
#ifndef POISON
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define REGION_HINT 0x40000000UL
#define NUCLEUS_TEXT_PAGES 4
#define NUCLEUS_DATA_PAGES 4
#define NUCLEUS_PAGES (NUCLEUS_TEXT_PAGES + NUCLEUS_DATA_PAGES)
#define ARENA_PAGES (MV_MIB(8) / MV_PAGE_SIZE)	/* MV_MODULE_ARENA_SIZE */
#define REGION_SIZE ((NUCLEUS_PAGES + ARENA_PAGES) * MV_PAGE_SIZE)
#define FN_SLOT 16

static void stub_fail(const char *fmt, ...) __mv_printf(1, 2);

static void stub_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("module_stubs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* -------------------------------------------------------------------- */
/* The fake nucleus and its symbols. */

static u8 *region;
static u8 *arena;

struct nsym {
	const char *name;
	u64 addr;
};

static const char *const nucleus_exports[] = {
#include "nucleus_exports.inc"
};

/* What the unit test adds for its modules (test/unit/modules/). */
static const char *const test_functions[] = { "host_init", "host_exit" };
static const struct {
	const char *name;
	size_t size, align;
} test_data[] = {
	{ "mv_test_u8", 1, 1 }, { "mv_test_u16", 2, 2 },
	{ "mv_test_u32", 4, 4 }, { "mv_test_u64", 8, 8 },
	{ "mv_test_array", 256, 1 }, { "host_entry_init_calls", 4, 4 },
	{ "host_entry_exit_calls", 4, 4 }, { "host_entry_result", 4, 4 },
};

#define NR_SYMBOLS (MV_ARRAY_SIZE(nucleus_exports) +			\
		    MV_ARRAY_SIZE(test_functions) + MV_ARRAY_SIZE(test_data))

static struct nsym symbols[NR_SYMBOLS];
static unsigned int nr_symbols;

static void add_function(const char *name)
{
	static const u8 ret[4] = { 0xc0, 0x03, 0x5f, 0xd6 };
	u8 *p = region + nr_symbols * FN_SLOT;

	if ((size_t)(nr_symbols + 1) * FN_SLOT >
	    NUCLEUS_TEXT_PAGES * MV_PAGE_SIZE)
		stub_fail("out of fake nucleus functions");
	for (int i = 0; i < FN_SLOT; i += 4)
		memcpy(p + i, ret, 4);
	symbols[nr_symbols].name = name;
	symbols[nr_symbols++].addr = (uintptr_t)p;
}

static void region_init(void)
{
	size_t data_used = 0;
	void *map;

	if (region)
		return;
	map = mmap((void *)REGION_HINT, REGION_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		   MAP_FIXED_NOREPLACE, -1, 0);
	if (map == MAP_FAILED || map != (void *)REGION_HINT) {
		if (map != MAP_FAILED)
			munmap(map, REGION_SIZE);
		map = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (map == MAP_FAILED)
		stub_fail("cannot map %lu KiB", (unsigned long)REGION_SIZE >> 10);
	region = map;
	arena = region + NUCLEUS_PAGES * MV_PAGE_SIZE;
	POISON(arena, ARENA_PAGES * MV_PAGE_SIZE);

	for (size_t i = 0; i < MV_ARRAY_SIZE(nucleus_exports); i++)
		add_function(nucleus_exports[i]);
	for (size_t i = 0; i < MV_ARRAY_SIZE(test_functions); i++)
		add_function(test_functions[i]);
	for (size_t i = 0; i < MV_ARRAY_SIZE(test_data); i++) {
		size_t off = MV_ALIGN_UP(data_used, test_data[i].align);

		data_used = off + test_data[i].size;
		symbols[nr_symbols].name = test_data[i].name;
		symbols[nr_symbols++].addr = (uintptr_t)region +
			NUCLEUS_TEXT_PAGES * MV_PAGE_SIZE + off;
	}
}

u64 mv_nucleus_symbol(const char *name)
{
	region_init();
	for (unsigned int i = 0; i < nr_symbols; i++)
		if (!strcmp(symbols[i].name, name))
			return symbols[i].addr;
	return 0;
}

/* -------------------------------------------------------------------- */
/* Module memory. */

static bool page_used[ARENA_PAGES];
static u8 page_prot[ARENA_PAGES];	/* enum mv_module_prot */
static u32 alloc_len[ARENA_PAGES];	/* pages, at an allocation's first */
static size_t used_pages;
static long mem_fail_at = -1, protect_fail_at = -1;

static int host_prot(enum mv_module_prot prot)
{
	/* Never PROT_EXEC: module code is arm64, the host is not. */
	return prot == MV_MODULE_RW ? PROT_READ | PROT_WRITE : PROT_READ;
}

static long arena_page(const void *p)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)arena;

	if (!arena || a < base || a >= base + ARENA_PAGES * MV_PAGE_SIZE)
		return -1;
	return (long)((a - base) / MV_PAGE_SIZE);
}

/* Is [first, first + pages) in use: one allocation or inside one? */
static bool pages_in_use(long first, size_t pages)
{
	if (first < 0 || pages == 0 || pages > ARENA_PAGES ||
	    (size_t)first + pages > ARENA_PAGES)
		return false;
	for (size_t i = 0; i < pages; i++)
		if (!page_used[first + i])
			return false;
	return true;
}

static void set_prot(size_t first, size_t pages, int prot)
{
	if (mprotect(arena + first * MV_PAGE_SIZE, pages * MV_PAGE_SIZE, prot))
		stub_fail("mprotect failed");
}

void *mv_module_mem_alloc(size_t pages)
{
	size_t run = 0;

	region_init();
	if (!pages)
		return NULL;
	if (mem_fail_at >= 0 && mem_fail_at-- == 0)
		return NULL;
	for (size_t i = 0; i < ARENA_PAGES; i++) {
		size_t first;
		u8 *mem;

		run = page_used[i] ? 0 : run + 1;
		if (run != pages)
			continue;
		first = i + 1 - pages;
		mem = arena + first * MV_PAGE_SIZE;
		for (size_t j = first; j <= i; j++) {
			page_used[j] = true;
			page_prot[j] = MV_MODULE_RW;
		}
		alloc_len[first] = pages;
		used_pages += pages;
		set_prot(first, pages, PROT_READ | PROT_WRITE);
		UNPOISON(mem, pages * MV_PAGE_SIZE);
		memset(mem, 0, pages * MV_PAGE_SIZE);
		return mem;
	}
	return NULL;
}

int mv_module_mem_protect(void *mem, size_t pages, enum mv_module_prot prot)
{
	long first = arena_page(mem);

	if (((uintptr_t)mem & (MV_PAGE_SIZE - 1)) ||
	    !pages_in_use(first, pages))
		stub_fail("protect of %zu pages at %p: not module memory in "
			  "use", pages, mem);
	if (prot != MV_MODULE_RX && prot != MV_MODULE_RO &&
	    prot != MV_MODULE_RW)
		stub_fail("protect of %p to %d: no such protection", mem,
			  (int)prot);
	if (protect_fail_at >= 0 && protect_fail_at-- == 0)
		return -MV_EINVAL;
	set_prot((size_t)first, pages, host_prot(prot));
	for (size_t i = 0; i < pages; i++)
		page_prot[first + i] = prot;
	return 0;
}

static bool registered_in(const void *mem, size_t size);

/* As nucleus/mm/module_mem.c: back to plain data, then free. */
void mv_module_mem_free(void *mem, size_t pages)
{
	long first = arena_page(mem);

	if (((uintptr_t)mem & (MV_PAGE_SIZE - 1)) ||
	    !pages_in_use(first, pages) || alloc_len[first] != pages)
		stub_fail("free of %zu pages at %p: not an allocation", pages,
			  mem);
	if (registered_in(mem, pages * MV_PAGE_SIZE))
		stub_fail("free of %zu pages at %p: drivers or emulators "
			  "declared there are still registered", pages, mem);
	set_prot((size_t)first, pages, PROT_READ | PROT_WRITE);
	POISON(mem, pages * MV_PAGE_SIZE);
	for (size_t i = 0; i < pages; i++) {
		page_prot[first + i] = MV_MODULE_RW;
		page_used[first + i] = false;
	}
	alloc_len[first] = 0;
	used_pages -= pages;
}

size_t mv_module_mem_used(void)
{
	return used_pages * MV_PAGE_SIZE;
}

int fuzz_stub_page_prot(const void *addr)
{
	long i = arena_page(addr);

	return i >= 0 && page_used[i] ? page_prot[i] : -1;
}

static bool host_readable(uintptr_t a)
{
	long i;

	if (!region)
		return false;
	if (a >= (uintptr_t)region && a < (uintptr_t)arena)
		return true;
	i = arena_page((const void *)a);
	return i >= 0 && page_used[i];
}

bool fuzz_stub_readable_string(u64 addr)
{
	for (uintptr_t a = (uintptr_t)addr;; a++) {
		if (!host_readable(a))
			return false;
		if (!*(const char *)a)
			return true;
	}
}

void fuzz_stub_poke(void *addr, const void *src, size_t n)
{
	long first = arena_page(addr);
	long last = arena_page((u8 *)addr + n - 1);

	if (!n)
		return;
	if (first < 0 || last < 0 ||
	    !pages_in_use(first, (size_t)(last - first + 1)))
		stub_fail("poke of %zu bytes at %p: not module memory in use",
			  n, addr);
	set_prot((size_t)first, (size_t)(last - first + 1),
		 PROT_READ | PROT_WRITE);
	memcpy(addr, src, n);
	for (long i = first; i <= last; i++)
		set_prot((size_t)i, 1, host_prot(page_prot[i]));
}

void fuzz_stub_mem_fail(long n)
{
	mem_fail_at = n;
}

void fuzz_stub_protect_fail(long n)
{
	protect_fail_at = n;
}

/* -------------------------------------------------------------------- */
/* Driver and emulator registries. */

enum { DRIVERS, EMULATORS };

#define MAX_REGISTRATIONS 64

static struct registration {
	const struct mv_module *m;
	int kind;
	const void *decls;
	size_t n;
} registrations[MAX_REGISTRATIONS];
static unsigned int register_fail;

void fuzz_stub_register_fail(unsigned int mode)
{
	register_fail = mode;
}

static bool registered_in(const void *mem, size_t size)
{
	for (size_t i = 0; i < MAX_REGISTRATIONS; i++) {
		const struct registration *r = &registrations[i];
		uintptr_t a = (uintptr_t)r->decls;

		if (r->m && a >= (uintptr_t)mem && a - (uintptr_t)mem < size)
			return true;
	}
	return false;
}

/* Declarations are two pointers, at whatever alignment the image chose. */
static int register_decls(struct mv_module *m, int kind, const void *decls,
			  size_t n)
{
	const char *what = kind == DRIVERS ? "driver" : "emulator";
	const u8 *mem = m->mem, *p = decls;
	size_t size = m->mem_pages * MV_PAGE_SIZE;
	struct registration *slot = NULL;

	if (!n || !mem || p < mem || p - mem > (ptrdiff_t)size ||
	    n > (size - (size_t)(p - mem)) / (2 * sizeof(void *)))
		stub_fail("%u %ss at %p: not in the memory of module %s",
			  (unsigned int)n, what, decls, m->name);
	for (size_t i = 0; i < MAX_REGISTRATIONS; i++) {
		if (registrations[i].m == m && registrations[i].kind == kind)
			stub_fail("%ss of %s registered twice", what, m->name);
		if (!registrations[i].m && !slot)
			slot = &registrations[i];
	}
	if (!slot)
		stub_fail("more than %d registrations: not undone?",
			  MAX_REGISTRATIONS);
	if (register_fail == 3 && kind == DRIVERS) {
		register_fail = 0;
		return -MV_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		void *f[2];

		memcpy(f, p + i * sizeof(f), sizeof(f));
		if (!f[0] || !f[1] ||
		    register_fail == (kind == DRIVERS ? 2u : 1u)) {
			register_fail = 0;
			mv_log(MV_LOG_ERR, "module: %s: %s %zu has no "
			       "compatible or %s\n", m->name, what, i,
			       kind == DRIVERS ? "probe" : "ops");
			return -MV_EINVAL;
		}
	}
	*slot = (struct registration){ m, kind, decls, n };
	return 0;
}

int mv_driver_register_module(struct mv_module *m,
			      const struct mv_driver_decl *decls, size_t n)
{
	return register_decls(m, DRIVERS, decls, n);
}

int mv_emulator_register_module(struct mv_module *m,
				const struct mv_emulator_decl *decls, size_t n)
{
	return register_decls(m, EMULATORS, decls, n);
}

void mv_driver_unregister_module(struct mv_module *m)
{
	for (size_t i = 0; i < MAX_REGISTRATIONS; i++)
		if (registrations[i].m == m)
			registrations[i].m = NULL;
}

static size_t registered(const struct mv_module *m, int kind)
{
	size_t n = 0;

	for (size_t i = 0; i < MAX_REGISTRATIONS; i++)
		if (registrations[i].m && (!m || registrations[i].m == m) &&
		    registrations[i].kind == kind)
			n += registrations[i].n;
	return n;
}

size_t fuzz_stub_drivers(const struct mv_module *m)
{
	return registered(m, DRIVERS);
}

size_t fuzz_stub_emulators(const struct mv_module *m)
{
	return registered(m, EMULATORS);
}

/* -------------------------------------------------------------------- */
/* The heap, on the C library. */

struct heap_hdr {
	size_t size;
	size_t magic;
} __attribute__((aligned(16)));

#define HEAP_MAGIC 0x6d76686561700a00ull
#define HEAP_MAX (MV_MIB(4) - 16)	/* the nucleus heap's largest block */

static size_t heap_bytes, heap_blocks;
static long heap_fail_at = -1;

void *mv_malloc(size_t size)
{
	struct heap_hdr *h;

	if (size > HEAP_MAX)
		return NULL;
	if (heap_fail_at >= 0 && heap_fail_at-- == 0)
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->size = size;
	h->magic = HEAP_MAGIC;
	heap_bytes += size;
	heap_blocks++;
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
	if (size && n > SIZE_MAX / size)
		return NULL;
	return mv_zalloc(n * size);
}

void mv_free(void *p)
{
	struct heap_hdr *h;

	if (!p)
		return;
	h = (struct heap_hdr *)p - 1;
	if (h->magic != HEAP_MAGIC)
		stub_fail("mv_free of %p, not from mv_malloc", p);
	h->magic = 0;
	heap_bytes -= h->size;
	heap_blocks--;
	free(h);
}

size_t mv_heap_used(void)
{
	return heap_bytes;
}

void fuzz_stub_heap_fail(long n)
{
	heap_fail_at = n;
}

/* -------------------------------------------------------------------- */
/* Mutex, time, console. */

static unsigned int mutexes_held;
static struct mv_thread host_thread;

void mv_mutex_lock(struct mv_mutex *m)
{
	if (m->owner)
		stub_fail("mutex %p taken twice", (void *)m);
	m->owner = &host_thread;
	mutexes_held++;
}

void mv_mutex_unlock(struct mv_mutex *m)
{
	if (m->owner != &host_thread)
		stub_fail("mutex %p released but not held", (void *)m);
	m->owner = NULL;
	mutexes_held--;
}

u64 mv_time_ns(void)
{
	static u64 now;

	return now += 1000;
}

/* Only for running commands, which the fuzzer never does. */
int mv_printf(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

struct fuzz_stub_state fuzz_stub_state(void)
{
	return (struct fuzz_stub_state){
		.pages = used_pages,
		.heap_bytes = heap_bytes,
		.heap_blocks = heap_blocks,
		.mutexes = mutexes_held,
		.drivers = registered(NULL, DRIVERS),
		.emulators = registered(NULL, EMULATORS),
	};
}
