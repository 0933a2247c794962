/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module loader fuzzer's host nucleus (module_stubs.c): what
 * fuzz_module.c asks of it beyond the nucleus interfaces.
 */
#ifndef FUZZ_MODULE_STUBS_H
#define FUZZ_MODULE_STUBS_H

#include <mv/module.h>
#include <mv/types.h>

struct fuzz_stub_state {
	size_t pages;		/* module memory pages in use */
	size_t heap_bytes;	/* bytes and blocks from mv_malloc */
	size_t heap_blocks;
	unsigned int mutexes;	/* held */
	size_t drivers, emulators;	/* declarations registered */
};

struct fuzz_stub_state fuzz_stub_state(void);

/* Make the n-th call from now (0: the next) fail; -1: none fails. */
void fuzz_stub_heap_fail(long n);
void fuzz_stub_mem_fail(long n);
void fuzz_stub_protect_fail(long n);
/*
 * The next emulator (1) or driver (2) registration fails as nucleus/
 * driver.c does for a bad declaration (-MV_EINVAL and one error), or the
 * next driver registration runs out of memory (3); 0: none fails.
 */
void fuzz_stub_register_fail(unsigned int mode);

/* Driver and emulator declarations registered for m. */
size_t fuzz_stub_drivers(const struct mv_module *m);
size_t fuzz_stub_emulators(const struct mv_module *m);

/*
 * The protection last set on the module memory page holding addr, or -1
 * if that page is not module memory in use.
 */
int fuzz_stub_page_prot(const void *addr);

/*
 * Is there a NUL-terminated string at addr that the host may read: in the
 * fake nucleus or in module memory in use, all the way to its NUL?
 */
bool fuzz_stub_readable_string(u64 addr);

/* Write into module memory in use, whatever its protection. */
void fuzz_stub_poke(void *addr, const void *src, size_t n);

/*
 * In fuzz_module.c: what module_loader.c calls instead of a module's init
 * and exit (never run: arm64 code, or any address a fuzzed image names)
 * and instead of mv_command_register_module.
 */
struct mv_command;
int fuzz_module_init(void);
void fuzz_module_exit(void);
int fuzz_module_register_commands(struct mv_module *m,
				  const struct mv_command *cmds, size_t n);

#endif
