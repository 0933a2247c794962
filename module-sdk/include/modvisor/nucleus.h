/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nucleus API a module may call: declarations of what the nucleus
 * exports (nucleus/exports.c is the list; MV_ABI_MAGIC versions it).
 */
#ifndef MODVISOR_NUCLEUS_H
#define MODVISOR_NUCLEUS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum mv_log_level {
	MV_LOG_ERR,
	MV_LOG_WARN,
	MV_LOG_INFO,
	MV_LOG_DEBUG,
};

__attribute__((format(printf, 2, 3)))
void mv_log(enum mv_log_level level, const char *fmt, ...);
__attribute__((format(printf, 1, 2), noreturn))
void mv_panic(const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
int mv_snprintf(char *buf, size_t size, const char *fmt, ...);

void *mv_malloc(size_t size);
/*
 * 2^order contiguous, naturally aligned 4 KiB pages (order <= 10). RAM is
 * identity-mapped: a page's address is the physical address a device
 * DMAs to.
 */
void *mv_page_alloc(unsigned int order);
void *mv_page_alloc_zeroed(unsigned int order);
void mv_page_free(void *page, unsigned int order);
void *mv_zalloc(size_t size);
void mv_free(void *ptr);
uint64_t mv_time_ns(void);

/* The host, for `host info` and `version`. */
struct mv_host_stats {
	const char *version;
	const char *arch;
	unsigned int cpus_online, cpus;
	uint64_t ram_total, ram_free, hypervisor_used;	/* bytes */
	uint64_t uptime_ns;
	uint64_t irqs, timer_irqs, ipis;	/* summed over CPUs */
};
void mv_host_stats(struct mv_host_stats *st);
/* One CPU's counters, for tests and `host info`. */
struct mv_cpu_stats {
	_Bool online;
	uint64_t irqs, timer_irqs, ipis_sent, ipis_received;
	uint64_t idle_ns;	/* time spent waiting for work */
};
int mv_cpu_stats(unsigned int cpu, struct mv_cpu_stats *st);
/* The boot arguments (/chosen/bootargs), "" if none, and whether they
 * hold a word ("modvisor.selftest=sched"). */
const char *mv_bootargs(void);
_Bool mv_bootarg_has(const char *bootargs, const char *word);
/* The free-running system counter, and its ticks <-> nanoseconds. */
uint64_t mv_counter(void);
uint64_t mv_ns_to_ticks(uint64_t ns);
uint64_t mv_ticks_to_ns(uint64_t ticks);
/* The encoding of a function return on this architecture. */
uint32_t mv_arch_return_instruction(void);

/* Power the host off (reset: restart it); returns only on failure. */
void mv_host_power(_Bool reset);
/* List a directory of the boot initrd ("" or NULL: the top). */
int mv_initrd_print(const char *dir);
/*
 * A regular file of the boot initrd (a guest disk image...): its bytes,
 * read-only, valid until the nucleus stops, and *size; NULL if missing.
 */
const void *mv_initrd_file(const char *path, size_t *size);
/* Print the boot device tree (from path, default "/") in DTS syntax. */
int mv_devtree_print(const char *path);
/* Block until the boot, module autoload included, is over. */
void mv_wait_boot_done(void);
/* Next console input byte (blocking) and raw console output. */
int mv_console_getc(void);
void mv_console_write_raw(const char *s, size_t n);

/* A loaded module by name, and uses of it (it cannot unload while used). */
struct mv_module;
struct mv_module *mv_module_find(const char *name);
void mv_module_get(struct mv_module *m);
void mv_module_put(struct mv_module *m);

/* Modules, as `module list` and `module info` show them. */
#define MV_SUMMARY_SECTIONS 12
struct mv_module_summary {
	char name[32];
	char version[24];
	char license[24];
	char description[80];
	char origin[64];
	char reason[96];
	char deps[128];		/* names, comma-separated */
	char users[128];
	size_t mem_size;	/* bytes of module memory */
	unsigned int refcount;
	unsigned int nr_exports, nr_commands;
	uint64_t load_ns;
	unsigned int nr_sections;
	struct {
		char name[48];
		uint64_t addr, size;
	} sections[MV_SUMMARY_SECTIONS];
};
/* Fill in a summary; -MV_ENOENT (negative) if not loaded. */
int mv_module_summary(const char *name, struct mv_module_summary *s);
/* Names of loaded modules, in load order; returns how many there are. */
int mv_module_names(char (*names)[32], int max);
/* Load by name, alias or initrd path, dependencies first. */
int mv_module_request(const char *what, const char *reason);
int mv_module_unload(const char *name);
/* Names in the initrd's module index (loaded or not), for completion. */
int mv_module_index_names(char (*names)[32], int max);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memmove(void *dst, const void *src, size_t n);
unsigned long strtoul(const char *s, char **end, int base);

#endif
