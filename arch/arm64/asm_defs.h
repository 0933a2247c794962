/* SPDX-License-Identifier: GPL-2.0 */
/* Constants shared by the arm64 assembly files and their C counterparts. */
#ifndef MV_ARM64_ASM_DEFS_H
#define MV_ARM64_ASM_DEFS_H

#ifdef __ASSEMBLER__
#define MV_UL(x) x
#else
#define MV_UL(x) x##UL
#endif

#define R_AARCH64_RELATIVE 1027

/* MAIR_EL2 attribute indexes. */
#define MT_DEVICE_nGnRnE 0
#define MT_DEVICE_nGnRE 1
#define MT_NORMAL 2
#define MT_NORMAL_NC 3
#define MAIR_EL2_VALUE 0x44ff0400

/* Stage-1 EL2 descriptor bits. */
#define PTE_VALID (1 << 0)
#define PTE_TABLE (1 << 1)
#define PTE_PAGE (1 << 1)
#define PTE_ATTR(idx) ((idx) << 2)
#define PTE_AP_RW_EL2 (1 << 6)		/* AP[1] is RES1 at EL2 */
#define PTE_AP_RO_EL2 (3 << 6)
#define PTE_SH_INNER (3 << 8)
#define PTE_AF (1 << 10)
#define PTE_XN (MV_UL(1) << 54)

#define EARLY_DEVICE_BLOCK \
	(PTE_VALID | PTE_ATTR(MT_DEVICE_nGnRE) | PTE_AP_RW_EL2 | PTE_AF | PTE_XN)
#define EARLY_NORMAL_BLOCK \
	(PTE_VALID | PTE_ATTR(MT_NORMAL) | PTE_AP_RW_EL2 | PTE_SH_INNER | PTE_AF)

/* TCR_EL2: RES1 bits 31, 23; WB-WA walks, inner shareable, 4 KiB granule. */
#define TCR_EL2_COMMON ((MV_UL(1) << 31) | (1 << 23) | (3 << 12) | (1 << 10) | (1 << 8))
#define TCR_EL2_EARLY (TCR_EL2_COMMON | 25)	/* 39-bit VA, start at L1 */
#define TCR_EL2_FINAL (TCR_EL2_COMMON | 16)	/* 48-bit VA, start at L0 */

/* SCTLR_EL2 (non-VHE): RES1 bits + M, C, SA, I; WXN added later. */
#define SCTLR_EL2_RES1 0x30c50830
#define SCTLR_EL2_MMU_ON (SCTLR_EL2_RES1 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 12))
#define SCTLR_EL2_WXN (1 << 19)

#define BOOT_STACK_SIZE (16 * 1024)

/* struct mv_arm64_boot_args layout. */
#define BOOT_ARGS_TTBR0 0
#define BOOT_ARGS_TCR 8
#define BOOT_ARGS_MAIR 16
#define BOOT_ARGS_SCTLR 24
#define BOOT_ARGS_STACK 32
#define BOOT_ARGS_CPU 40

/* Why mv_arm64_guest_run returned (the lower-EL vector taken). */
#define GUEST_EXIT_SYNC 0
#define GUEST_EXIT_IRQ 1
#define GUEST_EXIT_FIQ 2
#define GUEST_EXIT_SERROR 3

/* struct mv_arm64_regs: x0-x30, sp, elr, spsr, esr, far. */
#define REGS_SIZE 288

#endif
