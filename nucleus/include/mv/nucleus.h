/* SPDX-License-Identifier: GPL-2.0 */
/* Boot entry into the arch-independent nucleus and global facts. */
#ifndef MV_NUCLEUS_H
#define MV_NUCLEUS_H

#include <mv/types.h>

#ifndef MV_VERSION
#define MV_VERSION "0.0.0"
#endif

extern bool mv_log_debug;
/* /chosen/bootargs of the DTB the boot loader passed. */
extern const char *mv_boot_bootargs;

/* Called by the arch entry on the boot CPU with the MMU on (early map). */
__mv_noreturn void mv_nucleus_main(const void *fdt);
/* Nucleus image plus every page the hypervisor allocated for itself. */
u64 mv_hypervisor_ram_used(void);
void mv_wait_boot_done(void);
/* RAM the DTB describes, in bytes. */
u64 mv_boot_ram_total(void);

#endif
