/* SPDX-License-Identifier: GPL-2.0 */
/* arm64-internal declarations shared by the files under arch/arm64. */
#ifndef MV_ARM64_H
#define MV_ARM64_H

#include <mv/types.h>
#include "../asm_defs.h"

struct mv_arm64_regs {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

_Static_assert(sizeof(struct mv_arm64_regs) == REGS_SIZE, "frame layout");

struct mv_arm64_boot_args {
	u64 ttbr0;
	u64 tcr;
	u64 mair;
	u64 sctlr;
	u64 stack_top;
	u64 cpu;
};

/* Final translation settings, for secondaries (mmu.c). */
void mv_arm64_mmu_boot_args(struct mv_arm64_boot_args *args);
void mv_arm64_secondary_entry(u64 boot_args);
void mv_arm64_mmu_switch(u64 ttbr0, u64 tcr, u64 sctlr);
void mv_arm64_dcache_clean(const void *addr, size_t size);

/* GIC interface for the interrupt path and the timer. */
int mv_arm64_gic_enable_ppi(unsigned int intid);

/* PPIs the virtualization support takes at EL2 (vcpu.c). */
#define GIC_INTID_MAINTENANCE 25
#define GIC_INTID_VTIMER 27
#define GIC_INTID_PTIMER 30
void mv_arm64_guest_ppi(unsigned int intid);

/* HCR_EL2: EL1 is AArch64; physical IRQ/FIQ/SError are taken to EL2. */
#define HCR_EL2_HOST ((1UL << 31) | (1 << 5) | (1 << 4) | (1 << 3))

#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4

#define CNTHP_CTL_EL2 S3_4_C14_C2_1
#define CNTHP_CVAL_EL2 S3_4_C14_C2_2

#endif
