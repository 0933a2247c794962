/* SPDX-License-Identifier: GPL-2.0 */
/* Device-tree helpers over Debian's libfdt. */
#ifndef MV_DEVTREE_H
#define MV_DEVTREE_H

#include <mv/types.h>

/* The boot device tree (the DTB the boot loader passed). */
extern const void *mv_boot_fdt;

/* reg entry idx of node, translated with the parent's cell counts only. */
int mv_dt_reg(const void *fdt, int node, int idx, u64 *addr, u64 *size);
/* Number of reg entries of node, or a negative error. */
int mv_dt_reg_count(const void *fdt, int node);
/* /chosen/stdout-path resolved through /aliases, without ":options". */
const char *mv_dt_stdout_path(const void *fdt, int *len);
/* A big-endian cell array property read as one number (1 or 2 cells). */
bool mv_dt_read_number(const void *fdt, int node, const char *prop, u64 *v);
/* /chosen/bootargs or "" */
const char *mv_dt_bootargs(const void *fdt);
/* Does the space-separated bootargs string contain word (e.g. "a=b")? */
bool mv_bootarg_has(const char *bootargs, const char *word);

#endif
