/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loadable modules (DESIGN §4, docs/module-format.md): the ELF loader,
 * the list of loaded modules, their exports and reference counts.
 */
#ifndef MV_MODULE_H
#define MV_MODULE_H

#include <mv/list.h>
#include <mv/types.h>
#include <modvisor/module.h>

struct mv_module_export {
	const char *name;
	u64 addr;
};

/* Where each loaded section went (for `module info` and gdb). */
struct mv_module_section {
	char name[48];
	u64 addr;
	u64 size;
};

struct mv_module {
	struct mv_list node;
	char name[MV_MODULE_NAME_MAX];
	const char *version;	/* point into modinfo */
	const char *license;
	const char *description;
	char *modinfo;		/* heap copy of .modinfo */
	size_t modinfo_size;
	void *mem;		/* module memory: text, rodata, data */
	size_t mem_pages;
	size_t text_size, rodata_size, data_size;
	struct mv_module_desc desc;
	struct mv_module_section *sections;
	unsigned int nr_sections;
	struct mv_module_export *exports;
	unsigned int nr_exports;
	void *commands;		/* registrations (nucleus/command.c) */
	size_t nr_commands;
	struct mv_module **deps;	/* modules whose exports it uses */
	unsigned int nr_deps;
	unsigned int refcount;	/* dependents + other users */
	u64 load_ns;		/* read + relocate + link + init */
	char origin[64];	/* file it came from */
	char reason[96];	/* why it was loaded */
};

/*
 * Load a module image (already in memory). On success *out is the module
 * (init has run). On failure everything is undone and one message says
 * what was wrong with which module, section or symbol.
 */
int mv_module_load_image(const void *image, size_t size, const char *origin,
			 const char *reason, struct mv_module **out);
/* Unload: refused (-MV_EBUSY, with a message) while the module is used. */
int mv_module_unload(const char *name);
struct mv_module *mv_module_find(const char *name);
/* Take or drop a use (a guest device, a running command...). */
void mv_module_get(struct mv_module *m);
void mv_module_put(struct mv_module *m);
/* Call fn for each loaded module, in load order, under the module lock. */
void mv_module_for_each(void (*fn)(struct mv_module *m, void *arg), void *arg);
unsigned int mv_module_count(void);
/* Address of an exported symbol (nucleus first, then modules), or 0. */
u64 mv_module_symbol(const char *name, struct mv_module **owner);

/* Commands of a module (nucleus/command.c). Unregistering fails (false)
 * while the module is in use. */
struct mv_command;
int mv_command_register_module(struct mv_module *m,
			       const struct mv_command *cmds, size_t n);
bool mv_command_unregister_module(struct mv_module *m);
int mv_command_split(char *line, char **argv, int max);

/* Drivers and emulators of a module (nucleus/driver.c). */
struct mv_driver_decl;
struct mv_emulator_decl;
int mv_driver_register_module(struct mv_module *m,
			      const struct mv_driver_decl *decls, size_t n);
int mv_emulator_register_module(struct mv_module *m,
				const struct mv_emulator_decl *decls,
				size_t n);
/* Unbind and forget everything the module registered there. */
void mv_driver_unregister_module(struct mv_module *m);
bool mv_emulator_available(const char *compatible);
/* Load what the boot device tree's nodes need (DESIGN §3 step 5). */
void mv_autoload(const void *fdt);

/* From the nucleus's own export table (nucleus/exports.c). */
u64 mv_nucleus_symbol(const char *name);

/* Module memory: page-granular, zeroed, within branch range. */
void *mv_module_mem_alloc(size_t pages);
void mv_module_mem_free(void *mem, size_t pages);
enum mv_module_prot { MV_MODULE_RX, MV_MODULE_RO, MV_MODULE_RW };
int mv_module_mem_protect(void *mem, size_t pages, enum mv_module_prot prot);
/* Bytes of module memory in use. */
size_t mv_module_mem_used(void);

#endif
