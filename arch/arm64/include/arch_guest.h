/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 per-guest and per-vCPU state behind arch/include/mv/arch_guest.h:
 * the stage-2 tables and VMID, the vGICv3 model, the EL1 context.
 */
#ifndef MV_ARCH_GUEST_IMPL_H
#define MV_ARCH_GUEST_IMPL_H

#include <mv/spinlock.h>
#include <mv/timerq.h>
#include <mv/types.h>

struct mv_cpu;

#define VGIC_NR_PRIVATE 32
#define VGIC_NR_SPIS 224		/* guest INTIDs 32..255 */
#define VGIC_NR_IRQS (VGIC_NR_PRIVATE + VGIC_NR_SPIS)
#define VGIC_MAX_LRS 16

/* One interrupt of the guest's view of the GIC. */
struct vgic_irq {
	u8 priority;
	bool enabled;
	bool pending;		/* latched (edge, or set by ISPENDR/SGI) */
	bool level;		/* line level, for level-sensitive ones */
	bool active;
	bool edge;		/* ICFGR: edge-triggered */
	bool in_lr;		/* owned by a list register of its vCPU */
	u8 target;		/* SPIs: the vCPU IROUTER names */
	u64 irouter;
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];	/* SGIs and PPIs */
	u64 lr[VGIC_MAX_LRS];			/* used LRs, last read/written */
	u32 lr_used;				/* LRs the model handed out */
	u32 maybe;				/* private ones to look at */
	u64 vmcr, ap0r0, ap1r0;
	bool dirty;				/* something to flush in */
	bool asleep;				/* GICR_WAKER.ProcessorSleep */
};

struct vgic_dist {
	u32 ctlr;
	u64 maybe[VGIC_NR_SPIS / 64];	/* SPIs that may want delivery */
	struct vgic_irq spi[VGIC_NR_SPIS];
};

/* The guest's IPA layout of the GIC (the same as QEMU virt's). */
#define VGIC_DIST_BASE 0x08000000UL
#define VGIC_DIST_SIZE 0x10000UL
#define VGIC_REDIST_BASE 0x080a0000UL
#define VGIC_REDIST_STRIDE 0x20000UL

struct mv_arch_guest {
	u64 *s2_root;		/* stage-2 root tables, concatenated */
	unsigned int s2_level;	/* the walk starts at level 1 or 2 */
	unsigned int s2_bits;	/* IPA size */
	u64 vttbr;		/* root | VMID << 48 */
	u64 vtcr;		/* VTCR_EL2 for this layout */
	unsigned int vmid;
	u64 s2_tables;		/* table pages, for accounting */
	struct mv_spinlock vgic_lock;
	struct vgic_dist dist;
};

/* Guest general registers; the offsets are known to guest_entry.S. */
struct mv_arm64_guest_regs {
	u64 x[31];
	u64 pc;			/* ELR_EL2 */
	u64 pstate;		/* SPSR_EL2 */
	u64 full;		/* x19-x29 are here, not only in the CPU */
};

struct mv_arm64_fp {
	u64 q[64];		/* q0..q31, 128 bits each */
	u64 fpsr, fpcr;
};

/* EL1 system registers, saved while the vCPU is not on a host CPU. */
enum el1_sysreg {
	SR_SCTLR, SR_CPACR, SR_TTBR0, SR_TTBR1, SR_TCR, SR_ESR, SR_AFSR0,
	SR_AFSR1, SR_FAR, SR_MAIR, SR_AMAIR, SR_VBAR, SR_CONTEXTIDR,
	SR_TPIDR_EL0, SR_TPIDRRO_EL0, SR_TPIDR_EL1, SR_CNTKCTL, SR_PAR,
	SR_SP_EL0, SR_SP_EL1, SR_ELR_EL1, SR_SPSR_EL1, SR_CSSELR,
	SR_SPSR_ABT, SR_SPSR_UND, SR_SPSR_IRQ, SR_SPSR_FIQ, SR_DACR32,
	SR_IFSR32, SR_FPEXC32,
	SR_CNTV_CTL, SR_CNTV_CVAL,
	NR_EL1_SYSREGS
};

struct mv_arch_vcpu {
	struct mv_arm64_guest_regs regs;	/* first: guest_entry.S */
	struct mv_arm64_fp fp;
	u64 sysregs[NR_EL1_SYSREGS];
	u64 vmpidr;
	struct vgic_cpu vgic;
	/* Emulated physical timer (CNTP is trapped). */
	u64 cntp_ctl, cntp_cval;
	struct mv_timer_event ptimer_event;
	/* The virtual timer while the vCPU is off its host CPU. */
	struct mv_timer_event vtimer_event;
	/* A deferred kick for a device interrupt (vgic.c). */
	struct mv_timer_event kick_event;
	unsigned int kick_armed;
	bool loaded;
	bool sysregs_stale;	/* reset: load them even if last here */
	struct mv_cpu *sysregs_cpu;	/* where they were loaded last */
};

#endif
