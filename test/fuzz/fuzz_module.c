// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the module loader: nucleus/module.c (built through
 * module_loader.c, so that no module code is ever called),
 * arch/arm64/module_reloc.c and nucleus/command.c, on the host nucleus of
 * module_stubs.c.
 *
 * nucleus/driver.c is left out: module_stubs.c stands in for its
 * registries (it would bind the boot device tree and call probe).
 *
 * An input is up to MAX_IMAGES module images, separated by SEP; an image
 * after a separator starts with two control bytes (none before the first:
 * a plain .mvm file is an input of one image):
 *
 *   ctl[0] bits 0-4  n != 0: the loader's (n-1)-th heap allocation fails
 *          bits 5-7  what the module's init "returns" (init_results[])
 *   ctl[1] bit 0     the module memory allocation fails
 *          bits 1-2  n != 0: the (n-1)-th mv_module_mem_protect fails
 *          bits 3-4  the emulator (1) or driver (2) registration refuses
 *                    a declaration, or the driver one runs out of memory (3)
 *
 * Each image is loaded (from an exact-size heap copy, freed right after);
 * one that loads is loaded again, which must fail as already loaded.
 * Then the modules that others use must refuse to unload, and all unload
 * in reverse order. Besides what ASan and UBSan catch (free module pages
 * are poisoned), it aborts when the loader breaks its contract: a failed
 * load returns a negative code, logs exactly one error and leaves modules,
 * module memory, heap, commands and locks exactly as they were; a good
 * one logs nothing, lays out text, rodata and data in its pages with RX,
 * RO and RW, calls init exactly when there is one, registers its commands,
 * drivers and emulators, and exports so that they are found, takes one
 * reference per dependency;
 * unloading calls exit exactly when there is one and, at the end of every
 * input, nothing at all is left.
 *
 * The pointers a module stores for the nucleus to follow are its own
 * business on the target, but on the host they may point anywhere: init
 * and exit are never called (module_loader.c) and a command name the host
 * cannot read is set to NULL before nucleus/command.c sees it
 * (FUZZ_MODULE_RAW_COMMANDS=1 passes it as it is).
 * FUZZ_MODULE_VERBOSE=1 prints the loader's messages while replaying;
 * FUZZ_MODULE_IMAGE_OFFSET=n (1-7) places each image n bytes past an
 * 8-byte boundary, as an initrd's cpio newc data (4-byte aligned) can be.
 */
#define _GNU_SOURCE
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include "fuzz_log.h"
#include <mv/module.h>
#include <modvisor/command.h>
#include <modvisor/device.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_stubs.h"

#define MAX_IMAGES 4
#define SEP "#MVFUZZ#"
#define SEP_LEN (sizeof(SEP) - 1)
#define NOT_LOADED "Not Loaded"	/* never a valid module name */

static const int init_results[8] = {
	0, 0, 0, 0, -MV_EINVAL, -MV_ENOMEM, 1, -MV_EIO,
};

static bool verbose, raw_commands;
static size_t image_offset;
static unsigned int init_calls, exit_calls;
static int init_result;

static struct mv_module *loaded[MAX_IMAGES];
static unsigned int nr_loaded;

/* -------------------------------------------------------------------- */
/* What module_loader.c calls instead. */

int fuzz_module_init(void)
{
	init_calls++;
	return init_result;
}

void fuzz_module_exit(void)
{
	exit_calls++;
}

/* The table may sit at any alignment: read and write it bytewise. */
static const char *command_name(const struct mv_command *cmds, size_t i)
{
	const char *name;

	memcpy(&name, (const u8 *)cmds + i * sizeof(*cmds) +
	       offsetof(struct mv_command, name), sizeof(name));
	return name;
}

int fuzz_module_register_commands(struct mv_module *m,
				  const struct mv_command *cmds, size_t n)
{
	for (size_t i = 0; i < n && !raw_commands; i++) {
		const char *name = command_name(cmds, i);

		if (name && !fuzz_stub_readable_string((uintptr_t)name)) {
			name = NULL;
			fuzz_stub_poke((u8 *)cmds + i * sizeof(*cmds) +
				       offsetof(struct mv_command, name),
				       &name, sizeof(name));
		}
	}
	return mv_command_register_module(m, cmds, n);
}

/* -------------------------------------------------------------------- */
/* Global state: what a failed load or a refused unload must not change. */

struct state {
	unsigned int modules;
	size_t commands, mem_used, heap_used;
	struct fuzz_stub_state stub;
};

static void add_commands(struct mv_module *m, void *arg)
{
	*(size_t *)arg += m->nr_commands;
}

static struct state state_now(void)
{
	struct state s = {
		.modules = mv_module_count(),
		.mem_used = mv_module_mem_used(),
		.heap_used = mv_heap_used(),
		.stub = fuzz_stub_state(),
	};

	mv_module_for_each(add_commands, &s.commands);
	return s;
}

static bool state_same(struct state a, struct state b)
{
	return a.modules == b.modules && a.commands == b.commands &&
	       a.mem_used == b.mem_used && a.heap_used == b.heap_used &&
	       a.stub.pages == b.stub.pages &&
	       a.stub.heap_bytes == b.stub.heap_bytes &&
	       a.stub.heap_blocks == b.stub.heap_blocks &&
	       a.stub.mutexes == b.stub.mutexes &&
	       a.stub.drivers == b.stub.drivers &&
	       a.stub.emulators == b.stub.emulators;
}

static bool state_empty(struct state s)
{
	return !s.modules && !s.commands && !s.mem_used && !s.heap_used &&
	       !s.stub.pages && !s.stub.heap_bytes && !s.stub.heap_blocks &&
	       !s.stub.mutexes && !s.stub.drivers && !s.stub.emulators;
}

/* -------------------------------------------------------------------- */
/* A module that loaded. */

static bool valid_name(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == 0 || n == max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool in_modinfo(const struct mv_module *m, const char *p)
{
	return !p || (p >= m->modinfo && p < m->modinfo + m->modinfo_size);
}

struct listing {
	size_t n;
	const char *prev;
};

static void list_command(const struct mv_command *c, void *arg)
{
	struct listing *l = arg;
	const char *name = command_name(c, 0);
	size_t len = strnlen(name, 32);

	ENSURE(len > 0 && len < 32);
	for (size_t i = 0; i < len; i++)
		ENSURE(name[i] > 0x20 && name[i] < 0x7f);
	ENSURE(!l->prev || strcmp(l->prev, name) < 0);
	ENSURE(mv_command_find(name) == c);
	l->prev = name;
	l->n++;
}

/* The terminal's view: every command, sorted, unique, found. */
static void check_command_list(void)
{
	struct listing l = { 0, NULL };
	size_t total = state_now().commands;

	mv_command_for_each(list_command, &l);
	ENSURE(l.n == (total < 64 ? total : 64));
}

/* The loaded section of that name (at most one loads), or NULL. */
static const struct mv_module_section *section(const struct mv_module *m,
					       const char *name)
{
	const struct mv_module_section *sec = NULL;

	for (unsigned int i = 0; i < m->nr_sections; i++) {
		if (strcmp(m->sections[i].name, name))
			continue;
		ENSURE(!sec);
		sec = &m->sections[i];
	}
	return sec;
}

static void check_commands(const struct mv_module *m)
{
	const struct mv_module_section *sec = section(m, ".mv_commands");
	const struct mv_command *cmds;

	ENSURE(!m->nr_commands == !m->commands);
	ENSURE(m->nr_commands == (sec ? sec->size / sizeof(*cmds) : 0));
	if (!m->nr_commands)
		return;
	ENSURE(sec->size == m->nr_commands * sizeof(*cmds));
	cmds = (const void *)(uintptr_t)sec->addr;
	for (size_t i = 0; i < m->nr_commands; i++) {
		const char *name = command_name(cmds, i);

		ENSURE(name && mv_command_find(name) ==
		       (const void *)((const u8 *)cmds + i * sizeof(*cmds)));
	}
}

static void check_exports(struct mv_module *m)
{
	ENSURE(!m->nr_exports || m->exports);
	for (unsigned int i = 0; i < m->nr_exports; i++) {
		const struct mv_module_export *e = &m->exports[i];
		struct mv_module *owner;
		u64 v;

		ENSURE(e->name);
		ENSURE(!mv_nucleus_symbol(e->name));
		v = mv_module_symbol(e->name, &owner);
		/*
		 * Found here, or (exported at address 0 by a module loaded
		 * earlier, which module_export() then finds first) nowhere.
		 */
		if (owner == m)
			ENSURE(v == e->addr);
		else
			ENSURE(v == 0 && e->addr == 0);
	}
}

static size_t pages_of(size_t bytes)
{
	return MV_ALIGN_UP(bytes, MV_PAGE_SIZE) / MV_PAGE_SIZE;
}

static void check_loaded(struct mv_module *m, struct state before)
{
	struct state now = state_now();
	size_t text = pages_of(m->text_size), ro = pages_of(m->rodata_size);
	size_t data = pages_of(m->data_size);
	u64 mem = (uintptr_t)m->mem, size = m->mem_pages * MV_PAGE_SIZE;
	const struct mv_module_section *sec;

	ENSURE(mv_module_find(m->name) == m);
	ENSURE(valid_name(m->name, sizeof(m->name)));
	ENSURE(now.modules == before.modules + 1);
	ENSURE(m->refcount == 0);
	ENSURE(!strcmp(m->origin, "fuzz") && !strcmp(m->reason, "fuzz"));
	ENSURE(m->modinfo && m->modinfo_size &&
	       !m->modinfo[m->modinfo_size - 1]);
	ENSURE(in_modinfo(m, m->version) && in_modinfo(m, m->license) &&
	       in_modinfo(m, m->description));

	/* Module memory: text RX, then rodata RO, then data RW. */
	ENSURE(m->mem_pages == text + ro + data);
	ENSURE(!m->mem == !m->mem_pages);
	ENSURE(now.stub.pages == before.stub.pages + m->mem_pages);
	for (size_t i = 0; i < m->mem_pages; i++) {
		int want = i < text ? MV_MODULE_RX :
			   i < text + ro ? MV_MODULE_RO : MV_MODULE_RW;

		ENSURE(fuzz_stub_page_prot((u8 *)m->mem +
					   i * MV_PAGE_SIZE) == want);
	}
	ENSURE(!m->nr_sections || m->sections);
	for (unsigned int i = 0; i < m->nr_sections; i++) {
		const struct mv_module_section *s = &m->sections[i];

		ENSURE(memchr(s->name, 0, sizeof(s->name)));
		ENSURE(s->size && s->addr >= mem && s->addr - mem <= size &&
		       s->size <= size - (s->addr - mem));
	}

	for (unsigned int i = 0; i < m->nr_deps; i++) {
		struct mv_module *d = m->deps[i];

		ENSURE(d != m && mv_module_find(d->name) == d);
		ENSURE(d->refcount > 0);
		for (unsigned int j = 0; j < i; j++)
			ENSURE(m->deps[j] != d);
	}
	check_exports(m);
	check_commands(m);
	sec = section(m, ".mv_drivers");
	ENSURE(fuzz_stub_drivers(m) ==
	       (sec ? sec->size / sizeof(struct mv_driver_decl) : 0));
	sec = section(m, ".mv_emulators");
	ENSURE(fuzz_stub_emulators(m) ==
	       (sec ? sec->size / sizeof(struct mv_emulator_decl) : 0));
	check_command_list();
}

/* Every reference is a dependency of a loaded module. */
static void check_refcounts(void)
{
	for (unsigned int i = 0; i < nr_loaded; i++) {
		unsigned int users = 0;

		for (unsigned int j = 0; j < nr_loaded; j++)
			for (unsigned int k = 0; k < loaded[j]->nr_deps; k++)
				users += loaded[j]->deps[k] == loaded[i];
		ENSURE(loaded[i]->refcount == users);
	}
}

/* -------------------------------------------------------------------- */
/* Loading and unloading. */

static void set_failures(const u8 ctl[2])
{
	unsigned int heap = ctl[0] & 31, protect = (ctl[1] >> 1) & 3;

	fuzz_stub_heap_fail(heap ? (long)heap - 1 : -1);
	fuzz_stub_mem_fail(ctl[1] & 1 ? 0 : -1);
	fuzz_stub_protect_fail(protect ? (long)protect - 1 : -1);
	fuzz_stub_register_fail((ctl[1] >> 3) & 3);
	init_result = init_results[ctl[0] >> 5];
}

static int load(const u8 *image, size_t size, struct mv_module **m)
{
	int ret;

	init_calls = exit_calls = 0;
	ret = mv_module_load_image(image, size, "fuzz", "fuzz", m);
	fuzz_stub_heap_fail(-1);
	fuzz_stub_mem_fail(-1);
	fuzz_stub_protect_fail(-1);
	fuzz_stub_register_fail(0);
	if (verbose)
		fprintf(stderr, "fuzz_module: load of %zu bytes: %d\n", size,
			ret);
	/* exit only undoes a load that got past init (which may be NULL). */
	ENSURE(init_calls <= 1 && exit_calls <= 1);
	ENSURE(!exit_calls || !init_calls || !init_result);
	return ret;
}

/* A failed load: one error, no trace. */
static void check_refused(int ret, struct mv_module *m, struct state before,
			  unsigned int errs)
{
	ENSURE(ret < 0);
	ENSURE(m == (struct mv_module *)&loaded);
	ENSURE(fuzz_nr_errors == errs + 1);
	ENSURE(state_same(state_now(), before));
	if (init_calls && init_result) {
		ENSURE(exit_calls == 0);
		ENSURE(ret == (init_result < 0 ? init_result : -MV_EIO));
	}
}

static void load_one(const u8 *data, size_t size, const u8 ctl[2])
{
	struct state before = state_now();
	unsigned int errs = fuzz_nr_errors;
	struct mv_module *m = (struct mv_module *)&loaded;
	/* Exactly the image: ASan sees a read past its end. */
	u8 *buf = malloc(image_offset + size), *image;
	int ret;

	ENSURE(buf);
	image = buf + image_offset;
	if (size)
		memcpy(image, data, size);
	set_failures(ctl);
	ret = load(image, size, &m);
	if (ret) {
		free(buf);
		check_refused(ret, m, before, errs);
		return;
	}
	ENSURE(m && m != (struct mv_module *)&loaded);
	ENSURE(fuzz_nr_errors == errs);
	ENSURE(init_calls == (m->desc.init != NULL));
	ENSURE(!init_calls || !init_result);
	ENSURE(exit_calls == 0);
	loaded[nr_loaded++] = m;

	/* The same again: refused by name, before anything is done. */
	{
		struct state again = state_now();
		struct mv_module *m2 = (struct mv_module *)&loaded;

		errs = fuzz_nr_errors;
		ret = load(image, size, &m2);
		ENSURE(ret == -MV_EEXIST && init_calls == 0);
		check_refused(ret, m2, again, errs);
	}
	/* Nothing may point into the image any more. */
	free(buf);
	check_loaded(m, before);
}

static void unload_all(void)
{
	struct state before;
	unsigned int errs;

	/* Modules in use refuse, and stay as they are. */
	for (unsigned int i = 0; i < nr_loaded; i++) {
		if (!loaded[i]->refcount)
			continue;
		before = state_now();
		errs = fuzz_nr_errors;
		exit_calls = 0;
		ENSURE(mv_module_unload(loaded[i]->name) == -MV_EBUSY);
		ENSURE(fuzz_nr_errors == errs + 1 && exit_calls == 0);
		ENSURE(state_same(state_now(), before));
		ENSURE(mv_module_find(loaded[i]->name) == loaded[i]);
	}
	errs = fuzz_nr_errors;
	ENSURE(mv_module_unload(NOT_LOADED) == -MV_ENOENT);
	ENSURE(fuzz_nr_errors == errs + 1);

	/* Users first: the reverse of load order. */
	while (nr_loaded) {
		struct mv_module *m = loaded[--nr_loaded];
		bool has_exit = m->desc.exit != NULL;
		char name[MV_MODULE_NAME_MAX];

		memcpy(name, m->name, sizeof(name));
		before = state_now();
		errs = fuzz_nr_errors;
		exit_calls = 0;
		ENSURE(mv_module_unload(name) == 0);
		ENSURE(fuzz_nr_errors == errs);
		ENSURE(exit_calls == (unsigned int)has_exit);
		ENSURE(!mv_module_find(name));
		ENSURE(state_now().modules == before.modules - 1);
		check_refcounts();
	}
	check_command_list();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_MODULE_VERBOSE") != NULL;
	fuzz_log_init("module: ", "FUZZ_MODULE_VERBOSE");
	raw_commands = getenv("FUZZ_MODULE_RAW_COMMANDS") != NULL;
	if (getenv("FUZZ_MODULE_IMAGE_OFFSET"))
		image_offset = strtoul(getenv("FUZZ_MODULE_IMAGE_OFFSET"),
				       NULL, 0) & 7;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p = data, *end = data + size;
	u8 ctl[2] = { 0, 0 };

	fuzz_last_error[0] = '\0';
	ENSURE(state_empty(state_now()) && nr_loaded == 0);
	for (unsigned int k = 0; k < MAX_IMAGES; k++) {
		const u8 *sep = k + 1 < MAX_IMAGES ?
				memmem(p, (size_t)(end - p), SEP, SEP_LEN) :
				NULL;

		load_one(p, (size_t)((sep ? sep : end) - p), ctl);
		if (!sep)
			break;
		p = sep + SEP_LEN;
		ctl[0] = p < end ? *p++ : 0;
		ctl[1] = p < end ? *p++ : 0;
	}
	check_refcounts();
	unload_all();
	ENSURE(state_empty(state_now()));
	return 0;
}
