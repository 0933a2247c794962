/* SPDX-License-Identifier: GPL-2.0 */
/* Secondary CPU bring-up and cross-CPU control. */
#ifndef MV_SMP_H
#define MV_SMP_H

#include <mv/types.h>

/* Read /cpus; fills mv_cpus[] and mv_nr_cpus. */
int mv_smp_discover(const void *fdt);
/* Start every other CPU and wait until they are online (or time out). */
void mv_smp_boot_secondaries(void);
/* Called on a secondary with the MMU and its stack set up. */
__mv_noreturn void mv_secondary_main(struct mv_cpu *cpu);
/* Stop every other CPU (panic). */
void mv_smp_stop_others(void);
void mv_smp_ipi_stop(void);

#endif
