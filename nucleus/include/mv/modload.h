/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading modules from the initrd by name or alias, dependencies first,
 * as modules/modules.idx (written by `mvmod index`) describes them.
 */
#ifndef MV_MODLOAD_H
#define MV_MODLOAD_H

#include <mv/initrd.h>

/* The boot initrd (from /chosen), or NULL if there is none. */
extern struct mv_initrd *mv_boot_initrd;

/* Open the initrd the boot loader passed and read the module index. */
int mv_modload_init(const void *fdt);
/* Parse a modules.idx text (exposed for unit tests). */
int mv_modindex_parse(const char *text, size_t size);
/* The module a name or alias ("drv:arm,pl011") names, or NULL. */
const char *mv_modindex_resolve(const char *name_or_alias);
/*
 * Load a module (name, alias or initrd path ending in .mvm) and, first,
 * what it depends on. 0 if it is (already) loaded; logs why not.
 */
int mv_module_request(const char *what, const char *reason);

#endif
