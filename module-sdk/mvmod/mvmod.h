/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvmod: the host tool that inspects, checks, indexes and packs Modvisor
 * modules (docs/module-format.md is the contract it enforces).
 */
#ifndef MVMOD_H
#define MVMOD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gelf.h>

/* ---- util.c ---- */

/* One problem: "mvmod: <file>: <message>" on stderr (file may be NULL). */
void mv_err(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print s with control bytes escaped, so that one entry stays one line. */
void mv_put_clean(FILE *f, const char *s);

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

/* Reads a whole file; 0, or -1 after reporting the problem. */
int mv_read_file(const char *path, unsigned char **buf, size_t *size);

/*
 * An output file written under a temporary name and renamed into place
 * on success, so that a failed run never leaves a half-written file.
 */
struct outfile {
	const char *path;
	char *tmp;
	FILE *f;
};

int out_open(struct outfile *o, const char *path);
int out_commit(struct outfile *o);
void out_abort(struct outfile *o);

/* A module name: 1..MV_MODULE_NAME_MAX-1 bytes of [a-z0-9_-]. */
int mv_valid_name(const char *s);
/* Non-empty and free of spaces and control bytes (an index field). */
int mv_valid_field(const char *s);

/* A growable array of borrowed strings. */
struct strlist {
	const char **v;
	size_t n;
	size_t cap;
};

void strlist_add(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);
void strlist_sort(struct strlist *l);
/* Sorted lists only. */
int strlist_find(const struct strlist *l, const char *s);

/* ---- reloc.c ---- */

struct mv_machine {
	const char *name;
	unsigned int em;
	uint32_t abs64;		/* type of a 64-bit absolute address */
	/* Relocation types the nucleus loader applies on this machine. */
	const uint32_t *supported;
	size_t nsupported;
};

/* A machine mvmod can check modules for, by --machine name, or NULL. */
const struct mv_machine *mv_machine_by_name(const char *name);
/* "aarch64", "x86_64", ... or "machine <n>" (in buf). */
const char *mv_machine_name(unsigned int em, char *buf, size_t len);
/* "R_AARCH64_CALL26", ... or "relocation type <n>" (in buf). */
const char *mv_reloc_name(unsigned int em, uint32_t type, char *buf,
			  size_t len);
int mv_reloc_supported(const struct mv_machine *mach, uint32_t type);

/* ---- module.c ---- */

struct mvm_sym {
	const char *name;	/* "" for none; never NULL once loaded */
	uint64_t value;
	uint64_t size;
	uint16_t shndx;
	unsigned char bind;
	unsigned char type;
};

struct mvm_rel {
	uint64_t offset;
	int64_t addend;
	uint32_t type;
	uint32_t sym;
};

struct mvm_sec {
	const char *name;
	const unsigned char *data;	/* NULL for SHT_NOBITS */
	uint64_t size;
	uint64_t flags;
	uint64_t entsize;
	uint32_t type;
	uint32_t link;
	uint32_t info;
	struct mvm_rel *rels;		/* SHT_RELA and SHT_REL only */
	size_t nrels;
};

/*
 * A module file, structurally checked: every section lies inside the
 * file, every name is a terminated string of its table, every relocation
 * names an existing symbol at an offset inside its target section.
 */
struct mvm {
	const char *path;
	unsigned char *image;
	size_t image_size;
	Elf *elf;
	unsigned int machine;
	struct mvm_sec *secs;
	size_t nsecs;
	struct mvm_sym *syms;
	size_t nsyms;
	struct strlist modinfo;	/* "key=value" strings of .modinfo */
	struct strlist exports;	/* names in .mv_exports */
	size_t n_modinfo_secs;
	size_t n_module_secs;
	const struct mvm_sec *module_sec;	/* the first .mv_module */
};

struct mvm *mvm_load(const char *path);
void mvm_free(struct mvm *m);

/* Number of key= entries of .modinfo, and the n-th value (or NULL). */
size_t mvm_info_count(const struct mvm *m, const char *key);
const char *mvm_info_get(const struct mvm *m, const char *key, size_t n);
/* A symbol's name for messages (a section symbol by its section). */
const char *mvm_sym_display(const struct mvm *m, uint32_t idx);
/* Undefined symbols the module imports (global or weak, named). */
int mvm_sym_is_import(const struct mvm_sym *s);
int mvm_sym_is_defined_global(const struct mvm_sym *s);
/* Relocation sections whose target the loader places in memory. */
int mvm_rel_applied(const struct mvm *m, const struct mvm_sec *s);

/* ---- verify.c ---- */

/* Names from a nucleus.exports file, one a line; 0 or -1 (reported). */
int mv_read_exports(const char *path, struct strlist *names, char **buf);

/*
 * Checks m against docs/module-format.md for mach; when provided (a
 * sorted list) is given, also that every import is in it. Reports each
 * problem; returns their number.
 */
int mvm_verify(const struct mvm *m, const struct mv_machine *mach,
	       const struct strlist *provided);

/* ---- mvmod.c ---- */

/*
 * getopt_long over a command's arguments (argv[0] is the command); an
 * unknown option or a missing argument is reported and gives '?'.
 */
struct option;
int mv_getopt(int argc, char **argv, const char *shortopts,
	      const struct option *longopts);
void mv_usage(FILE *f);

/* ---- commands ---- */

int cmd_info(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_pack(int argc, char **argv);

#endif
