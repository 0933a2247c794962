// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPUs: EL1 context switch, the trap loop and its handlers (data
 * aborts to emulators, system registers, WFI/WFE, PSCI over HVC and
 * SMC), exception injection, and the guest timers: CNTV runs in hardware
 * while the vCPU is on a CPU and becomes a host timer event when it is
 * not; CNTP is trapped and emulated with host timer events.
 *
 * A trap is handled with IRQs masked on the vCPU's own thread and goes
 * straight back into the guest unless the nucleus has something to do.
 * Only x0-x30, PC and PSTATE are saved on a trap; the EL1 registers, FP
 * state, timer and vGIC state move when the vCPU leaves its host CPU.
 */
#include <mv/arch.h>
#include <mv/cpu.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/log.h>
#include <mv/sched.h>
#include <arm64.h>
#include <string.h>

#include "smccc.h"

/* HCR_EL2 for guests: stage 2, interrupts to EL2, broadcast TLB and cache
 * maintenance (vCPUs migrate), trap WFI, WFE, SMC, ACTLR and
 * implementation-defined registers. */
#define HCR_VM (1UL << 0)
#define HCR_SWIO (1UL << 1)
#define HCR_FB (1UL << 9)
#define HCR_BSU_IS (1UL << 10)
#define HCR_TWI (1UL << 13)
#define HCR_TWE (1UL << 14)
#define HCR_TSC (1UL << 19)
#define HCR_TIDCP (1UL << 20)
#define HCR_TACR (1UL << 21)
#define HCR_EL2_GUEST (HCR_EL2_HOST | HCR_VM | HCR_SWIO | HCR_FB | \
		       HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | \
		       HCR_TIDCP | HCR_TACR)
/* MDCR_EL2: trap debug, OS lock and PMU registers (RAZ/WI to guests). */
#define MDCR_EL2_GUEST ((1UL << 11) | (1UL << 10) | (1UL << 9) | \
			(1UL << 6) | (1UL << 5))

#define ESR_EC(esr) ((u32)(esr) >> 26)
#define ESR_IL (1U << 25)
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define ISS_DABT_ISV (1U << 24)
#define ISS_DABT_SSE (1U << 21)
#define ISS_DABT_SF (1U << 15)
#define ISS_DABT_S1PTW (1U << 7)
#define ISS_DABT_WNR (1U << 6)
#define FSC_EXTERNAL_ABORT 0x10
#define FSC_TYPE_MASK 0x3c
#define FSC_TRANSLATION 0x04		/* any level */

#define PSTATE_EL1H 0x5
#define PSTATE_DAIF 0x3c0
#define PSTATE_AARCH32 0x10
#define SCTLR_EL1_RESET 0x30d00800UL
#define CNT_ENABLE 1UL
#define CNT_IMASK 2UL
#define CNT_ISTATUS 4UL

/* Keep going; call again with x19-x29 in v->arch.regs (guest_entry.S). */
#define ACTION_RESUME (-1)
#define ACTION_NEED_REGS (-2)

enum mv_arm64_exit_kind { EXIT_SYNC, EXIT_IRQ, EXIT_FIQ, EXIT_SERROR };
long mv_arm64_guest_loop(struct mv_vcpu *v);
void mv_arm64_fp_save(struct mv_arm64_fp *fp);
void mv_arm64_fp_restore(const struct mv_arm64_fp *fp);
void mv_arm64_stage2_init(void);
void mv_arm64_stage2_init_cpu(void);
int mv_arm64_stage2_create(struct mv_arch_guest *a, u64 ipa_top);
void mv_arm64_stage2_destroy(struct mv_arch_guest *a);
void mv_arm64_vgic_init(void);
void mv_arm64_vgic_init_cpu(void);
void mv_arm64_vgic_vcpu_init(struct mv_vcpu *v);
void mv_arm64_vgic_vcpu_free(struct mv_vcpu *v);
void mv_arm64_vgic_load(struct mv_vcpu *v);
void mv_arm64_vgic_put(struct mv_vcpu *v);
void mv_arm64_vgic_flush(struct mv_vcpu *v);
void mv_arm64_vgic_maintenance(struct mv_vcpu *v);
bool mv_arm64_vgic_has_pending(struct mv_vcpu *v);
void mv_arm64_vgic_inject_private(struct mv_vcpu *v, unsigned int intid);
void mv_arm64_vgic_sgi(struct mv_vcpu *v, u64 val);
int mv_arm64_vgic_mmio(struct mv_vcpu *v, u64 ipa, unsigned int width,
		       bool write, u64 *val);

static bool virt_ok;

int mv_arch_virt_init(void)
{
	/* The vGIC needs the GICv3 system-register CPU interface. */
	if (!((mv_read_sysreg(id_aa64pfr0_el1) >> 24) & 0xf)) {
		mv_log(MV_LOG_ERR, "guest: this CPU has no GICv3 CPU "
		       "interface: guests cannot run\n");
		return -MV_ENODEV;
	}
	mv_arm64_stage2_init();
	mv_arm64_vgic_init();
	virt_ok = true;
	return 0;
}

void mv_arch_virt_init_cpu(void)
{
	u64 hpmn = (mv_read_sysreg(pmcr_el0) >> 11) & 0x1f;

	if (!virt_ok)
		return;
	mv_arm64_stage2_init_cpu();
	mv_write_sysreg(mdcr_el2, MDCR_EL2_GUEST | hpmn);
	mv_write_sysreg(vpidr_el2, mv_read_sysreg(midr_el1));
	mv_write_sysreg(cntv_ctl_el0, 0);
	mv_arm64_vgic_init_cpu();
	mv_arm64_gic_enable_ppi(GIC_INTID_MAINTENANCE);
	mv_arm64_gic_enable_ppi(GIC_INTID_VTIMER);
	mv_isb();
}

int mv_arch_guest_init(struct mv_guest *g)
{
	mv_spin_init(&g->arch.vgic_lock);
	return mv_arm64_stage2_create(&g->arch, g->ipa_top);
}

void mv_arch_guest_free(struct mv_guest *g)
{
	mv_arm64_stage2_destroy(&g->arch);
}

/* --- Timers ---------------------------------------------------------- */

static bool timer_due(u64 ctl, u64 cval)
{
	return (ctl & (CNT_ENABLE | CNT_IMASK)) == CNT_ENABLE &&
	       mv_arch_counter() >= cval;
}

/* Host timer event standing in for CNTV while the vCPU is off-CPU. */
static void vtimer_expired(struct mv_timer_event *ev)
{
	mv_vcpu_kick(ev->arg);
}

static void ptimer_expired(struct mv_timer_event *ev)
{
	struct mv_vcpu *v = ev->arg;

	if (timer_due(v->arch.cntp_ctl, v->arch.cntp_cval))
		mv_arm64_vgic_inject_private(v, GIC_INTID_PTIMER);
}

static void ptimer_update(struct mv_vcpu *v)
{
	struct mv_arch_vcpu *a = &v->arch;

	if ((a->cntp_ctl & (CNT_ENABLE | CNT_IMASK)) == CNT_ENABLE)
		mv_timer_arm(&a->ptimer_event, a->cntp_cval);
	else
		mv_timer_cancel(&a->ptimer_event);
}

/* A guest PPI taken at EL2 while a vCPU runs (IRQ context). */
void mv_arm64_guest_ppi(unsigned int intid)
{
	struct mv_vcpu *v = mv_this_cpu()->vcpu;
	u64 ctl;

	if (intid == GIC_INTID_MAINTENANCE) {
		if (v)
			mv_arm64_vgic_maintenance(v);
		return;
	}
	ctl = mv_read_sysreg(cntv_ctl_el0);
	if (!v) {
		mv_write_sysreg(cntv_ctl_el0, 0);
		return;
	}
	/* Like Linux's handler: mask the line; the guest re-arms it. */
	if ((ctl & (CNT_ENABLE | CNT_IMASK | CNT_ISTATUS)) ==
	    (CNT_ENABLE | CNT_ISTATUS)) {
		mv_write_sysreg(cntv_ctl_el0, ctl | CNT_IMASK);
		mv_arm64_vgic_inject_private(v, GIC_INTID_VTIMER);
	}
}

bool mv_arch_vcpu_has_pending(struct mv_vcpu *v)
{
	return mv_arm64_vgic_has_pending(v) ||
	       timer_due(v->arch.sysregs[SR_CNTV_CTL],
			 v->arch.sysregs[SR_CNTV_CVAL]);
}

/* --- Context --------------------------------------------------------- */

#define SYSREGS(X) \
	X(SR_SCTLR, sctlr_el1) X(SR_CPACR, cpacr_el1) \
	X(SR_TTBR0, ttbr0_el1) X(SR_TTBR1, ttbr1_el1) X(SR_TCR, tcr_el1) \
	X(SR_ESR, esr_el1) X(SR_AFSR0, afsr0_el1) X(SR_AFSR1, afsr1_el1) \
	X(SR_FAR, far_el1) X(SR_MAIR, mair_el1) X(SR_AMAIR, amair_el1) \
	X(SR_VBAR, vbar_el1) X(SR_CONTEXTIDR, contextidr_el1) \
	X(SR_TPIDR_EL0, tpidr_el0) X(SR_TPIDRRO_EL0, tpidrro_el0) \
	X(SR_TPIDR_EL1, tpidr_el1) X(SR_CNTKCTL, cntkctl_el1) \
	X(SR_PAR, par_el1) X(SR_SP_EL0, sp_el0) X(SR_SP_EL1, sp_el1) \
	X(SR_ELR_EL1, elr_el1) X(SR_SPSR_EL1, spsr_el1) \
	X(SR_CSSELR, csselr_el1) X(SR_SPSR_ABT, spsr_abt) \
	X(SR_SPSR_UND, spsr_und) X(SR_SPSR_IRQ, spsr_irq) \
	X(SR_SPSR_FIQ, spsr_fiq) X(SR_DACR32, dacr32_el2) \
	X(SR_IFSR32, ifsr32_el2) X(SR_FPEXC32, fpexc32_el2) \
	X(SR_CNTV_CVAL, cntv_cval_el0)
#define SAVE_SYSREG(idx, reg) s[idx] = mv_read_sysreg(reg);
/*
 * Only what differs: the vCPU that ran here before is often of the same
 * guest with the same values, and on QEMU's TCG a TCR_EL1 write empties
 * the whole TLB (EL2's entries too) whatever it writes.
 */
#define LOAD_SYSREG(idx, reg) \
	if (mv_read_sysreg(reg) != s[idx]) \
		mv_write_sysreg(reg, s[idx]);

void mv_arch_vcpu_init(struct mv_vcpu *v)
{
	struct mv_arch_vcpu *a = &v->arch;

	a->vmpidr = (1UL << 31) | v->index;
	mv_timer_event_init(&a->ptimer_event, ptimer_expired, v);
	mv_timer_event_init(&a->vtimer_event, vtimer_expired, v);
	mv_arm64_vgic_vcpu_init(v);
}

void mv_arch_vcpu_reset(struct mv_vcpu *v, u64 pc, u64 arg)
{
	struct mv_arch_vcpu *a = &v->arch;

	memset(&a->regs, 0, sizeof(a->regs));
	memset(&a->fp, 0, sizeof(a->fp));
	memset(a->sysregs, 0, sizeof(a->sysregs));
	a->regs.x[0] = arg;
	a->regs.full = 1;
	a->regs.pc = pc;
	a->regs.pstate = PSTATE_EL1H | PSTATE_DAIF;
	a->sysregs[SR_SCTLR] = SCTLR_EL1_RESET;
	a->sysregs_stale = true;
	a->cntp_ctl = 0;
	mv_timer_cancel(&a->ptimer_event);
	mv_timer_cancel(&a->vtimer_event);
}

void mv_arch_vcpu_load(struct mv_vcpu *v)
{
	struct mv_arch_vcpu *a = &v->arch;
	u64 *s = a->sysregs;
	u64 ctl = s[SR_CNTV_CTL];

	/*
	 * Nothing but vCPUs uses EL1 and the guest configuration does not
	 * matter at EL2: when this vCPU was the last one here and has not
	 * run anywhere else since, its EL1 registers, VTTBR and HCR are
	 * still in place (rewriting them would also flush the TLBs on QEMU).
	 * VTCR too: each guest has its own stage-2 layout.
	 * FP always: libfdt and zlib use it.
	 */
	if (mv_this_cpu()->last_vcpu != v || a->sysregs_cpu != mv_this_cpu() ||
	    a->sysregs_stale) {
		mv_write_sysreg(vtcr_el2, v->guest->arch.vtcr);
		mv_write_sysreg(vttbr_el2, v->guest->arch.vttbr);
		mv_write_sysreg(vmpidr_el2, a->vmpidr);
		SYSREGS(LOAD_SYSREG)
		mv_write_sysreg(hcr_el2, HCR_EL2_GUEST);
		mv_this_cpu()->last_vcpu = v;
		a->sysregs_stale = false;
	}
	/* Where its EL1 state is live now (a move elsewhere makes ours old). */
	a->sysregs_cpu = mv_this_cpu();
	mv_arm64_fp_restore(&a->fp);
	mv_isb();
	mv_this_cpu()->vcpu = v;
	v->host_cpu = mv_this_cpu()->id;
	a->loaded = true;
	mv_arm64_vgic_load(v);
	mv_timer_cancel(&a->vtimer_event);
	/* Expired while away: deliver it as the hardware would have. */
	if (timer_due(ctl, s[SR_CNTV_CVAL])) {
		ctl |= CNT_IMASK;
		mv_arm64_vgic_inject_private(v, GIC_INTID_VTIMER);
	}
	mv_write_sysreg(cntv_ctl_el0, ctl);
	mv_isb();
}

void mv_arch_vcpu_put(struct mv_vcpu *v)
{
	struct mv_arch_vcpu *a = &v->arch;
	u64 *s = a->sysregs;

	s[SR_CNTV_CTL] = mv_read_sysreg(cntv_ctl_el0);
	mv_write_sysreg(cntv_ctl_el0, 0);
	SYSREGS(SAVE_SYSREG)
	mv_arm64_fp_save(&a->fp);
	mv_arm64_vgic_put(v);
	a->loaded = false;
	mv_this_cpu()->vcpu = NULL;
	if ((s[SR_CNTV_CTL] & (CNT_ENABLE | CNT_IMASK)) == CNT_ENABLE)
		mv_timer_arm(&a->vtimer_event, s[SR_CNTV_CVAL]);
}

void mv_arch_vcpu_free(struct mv_vcpu *v)
{
	mv_timer_cancel(&v->arch.ptimer_event);
	mv_timer_cancel(&v->arch.vtimer_event);
	mv_arm64_vgic_vcpu_free(v);
	/* A new vCPU may get this address: it must not look loaded. */
	for (unsigned int c = 0; c < mv_nr_cpus; c++)
		__atomic_compare_exchange_n(&mv_cpus[c].last_vcpu, &(struct
					    mv_vcpu *){ v }, NULL, false,
					    __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
}

/* --- Injection -------------------------------------------------------- */

/* Take an exception to the guest's EL1 as the hardware would. */
static void inject(struct mv_vcpu *v, u32 esr, u64 far, bool set_far)
{
	struct mv_arm64_guest_regs *r = &v->arch.regs;
	u64 mode = r->pstate & 0x1f, offset;
	bool from_el0 = (mode & PSTATE_AARCH32) || (mode & 0xc) == 0;

	if (mode & PSTATE_AARCH32)
		offset = 0x600;
	else if (from_el0)
		offset = 0x400;
	else
		offset = (mode & 1) ? 0x200 : 0x000;
	/* Same-EL variants of the abort classes when taken from EL1. */
	if (!from_el0 && (ESR_EC(esr) == EC_DABT_LOW ||
			  ESR_EC(esr) == EC_IABT_LOW))
		esr += 1U << 26;
	mv_write_sysreg(esr_el1, esr);
	if (set_far)
		mv_write_sysreg(far_el1, far);
	mv_write_sysreg(elr_el1, r->pc);
	mv_write_sysreg(spsr_el1, r->pstate);
	r->pstate = PSTATE_EL1H | PSTATE_DAIF;
	r->pc = mv_read_sysreg(vbar_el1) + offset;
}

static void inject_undef(struct mv_vcpu *v)
{
	inject(v, (EC_UNKNOWN << 26) | ESR_IL, 0, false);
}

static void inject_abort(struct mv_vcpu *v, bool instruction, bool write,
			 u64 far)
{
	u32 esr = ((instruction ? EC_IABT_LOW : EC_DABT_LOW) << 26) | ESR_IL |
		  FSC_EXTERNAL_ABORT;

	if (write && !instruction)
		esr |= ISS_DABT_WNR;
	inject(v, esr, far, true);
	v->exits[MV_EXIT_ABORT]++;
}

/* --- Trap handlers ---------------------------------------------------- */

/* Operand rt is one the trap path left in the CPU (guest_entry.S). */
static inline bool reg_in_cpu(struct mv_vcpu *v, unsigned int rt)
{
	return rt - 19 <= 29 - 19 && !v->arch.regs.full;
}

static inline u64 reg_read(struct mv_vcpu *v, unsigned int rt)
{
	return rt == 31 ? 0 : v->arch.regs.x[rt];
}

static inline void reg_write(struct mv_vcpu *v, unsigned int rt, u64 val)
{
	if (rt != 31)
		v->arch.regs.x[rt] = val;
}

static inline void skip_instruction(struct mv_vcpu *v, u32 esr)
{
	v->arch.regs.pc += 2 + ((esr & ESR_IL) >> 24);	/* IL: 32-bit */
}

static inline __attribute__((always_inline)) u64 fault_ipa(void)
{
	return ((mv_read_sysreg(hpfar_el2) >> 4) << 12) |
	       (mv_read_sysreg(far_el2) & 0xfff);
}

/* An access the trap path cannot complete: say why, abort the guest. */
static __attribute__((noinline, cold)) int dabt_refused(struct mv_vcpu *v,
							 u32 esr)
{
	if (!(esr & ISS_DABT_ISV) || (esr & ISS_DABT_S1PTW))
		mv_guest_warn(v->guest, "vcpu%u: %s at 0x%lx (pc 0x%lx) "
			      "cannot be emulated: abort injected\n", v->index,
			      (esr & ISS_DABT_S1PTW) ?
				"page table walk" : "access without syndrome",
			      (unsigned long)fault_ipa(),
			      (unsigned long)v->arch.regs.pc);
	inject_abort(v, false, esr & ISS_DABT_WNR, mv_read_sysreg(far_el2));
	return ACTION_RESUME;
}

/*
 * The 2 MiB block that holds the vGIC's distributor and every
 * redistributor: one compare, and the vGIC refuses (-MV_ENOENT) the rest
 * of it, which then goes to the devices.
 */
#define VGIC_WINDOW_SHIFT 21
_Static_assert(VGIC_DIST_BASE >> VGIC_WINDOW_SHIFT ==
	       (VGIC_REDIST_BASE + MV_GUEST_MAX_VCPUS * VGIC_REDIST_STRIDE - 1) >>
	       VGIC_WINDOW_SHIFT, "the vGIC spans two 2 MiB blocks");

static inline bool in_vgic_window(u64 ipa)
{
	return ipa >> VGIC_WINDOW_SHIFT == VGIC_DIST_BASE >> VGIC_WINDOW_SHIFT;
}

/* An access in the vGIC's window that it may not claim (then a device's). */
static __attribute__((noinline)) int mmio_vgic(struct mv_vcpu *v, u64 ipa,
					       unsigned int width, bool write,
					       u64 *val)
{
	int err = mv_arm64_vgic_mmio(v, ipa, width, write, val);

	if (err != -MV_ENOENT)
		return err;
	err = mv_guest_mmio(v, ipa, width, write, val);
	if (err)
		mv_guest_mmio_failed(v, ipa, width, write, err);
	return err;
}

static inline __attribute__((always_inline)) int mmio(struct mv_vcpu *v,
						      u64 ipa,
						      unsigned int width,
						      bool write, u64 *val)
{
	/* The vGIC's own ranges first; everything else is a device's. */
	if (in_vgic_window(ipa))
		return mmio_vgic(v, ipa, width, write, val);
	return mv_guest_mmio(v, ipa, width, write, val);
}

/* Bytes of a data abort's access, from its syndrome. */
static inline unsigned int dabt_width(u32 esr)
{
	return 1U << ((esr >> 22) & 3);
}

static inline unsigned int dabt_reg(u32 esr)
{
	return (esr >> 16) & 0x1f;
}

/*
 * A loaded value as the load instruction leaves it in its register:
 * truncated to the access, sign-extended (SSE) to 64 bits, then cut to 32
 * unless SF (a W register).
 */
static inline u64 dabt_extend(u32 esr, u64 val)
{
	/* 64 minus the access's bits, modulo 64 as register shifts take it. */
	unsigned int shift = -(8U << ((esr >> 22) & 3)) & 63;

	if (mv_unlikely(esr & ISS_DABT_SSE))
		val = (u64)((s64)(val << shift) >> shift);
	else
		val = (val << shift) >> shift;
	return (esr & ISS_DABT_SF) ? val : (u32)val;
}

/*
 * A translation fault on guest RAM is a granule not backed yet: back it
 * and retry the access. 0 if it was that (or failed: abort injected).
 */
static int ram_fault(struct mv_vcpu *v, u32 esr, bool instruction)
{
	u64 ipa = fault_ipa();
	int err;

	if ((esr & FSC_TYPE_MASK) != FSC_TRANSLATION ||
	    !mv_guest_ram_contains(v->guest, ipa, 1))
		return -MV_ENOENT;
	err = mv_guest_ram_fault(v->guest, ipa);
	if (!err)
		v->exits[MV_EXIT_RAM]++;
	if (err && err != -MV_ENOENT)
		inject_abort(v, instruction, !instruction &&
			     (esr & ISS_DABT_WNR), mv_read_sysreg(far_el2));
	return err == -MV_ENOENT ? err : 0;
}

/*
 * Nothing emulates ipa: RAM not backed yet is backed and the access
 * retried; anything else is an access to nothing, reported and aborted.
 */
static __attribute__((noinline)) int dabt_unclaimed(struct mv_vcpu *v,
						     u32 esr)
{
	u64 ipa = fault_ipa();

	if (!ram_fault(v, esr, false))
		return ACTION_RESUME;
	if (esr & ISS_DABT_ISV)
		mv_guest_mmio_refused(v, ipa, dabt_width(esr),
				      esr & ISS_DABT_WNR, NULL, -MV_ENOENT);
	return dabt_refused(v, esr);
}

/* Off the fast path: no syndrome, a walk, or an operand still in the CPU. */
static __attribute__((noinline)) int dabt_slow(struct mv_vcpu *v, u32 esr)
{
	if ((esr & (ISS_DABT_ISV | ISS_DABT_S1PTW)) != ISS_DABT_ISV)
		return dabt_unclaimed(v, esr);
	return ACTION_NEED_REGS;
}

/*
 * The access failed: nothing there (perhaps RAM to back), or refused
 * (by the vGIC, or by a device: mmio_vgic() reported those in its range).
 */
static __attribute__((noinline)) int dabt_failed(struct mv_vcpu *v, u32 esr,
						  int err)
{
	u64 ipa = fault_ipa();

	if (!in_vgic_window(ipa))
		mv_guest_mmio_failed(v, ipa, dabt_width(esr),
				     esr & ISS_DABT_WNR, err);
	if (err == -MV_ENOENT)
		return dabt_unclaimed(v, esr);
	v->exits[MV_EXIT_MMIO]++;
	return dabt_refused(v, esr);
}

/*
 * Inlined into the exit handler: one prologue for the whole MMIO path,
 * and only v and the syndrome live across the emulator's call (every
 * operand is decoded again from esr afterwards, which is cheaper than
 * keeping it in a callee-saved register). Devices are looked up first,
 * so an emulated access pays nothing for the RAM that is backed on first
 * touch (dabt_unclaimed).
 */
static inline __attribute__((always_inline)) int handle_dabt(struct mv_vcpu *v,
							     u32 esr)
{
	bool write = esr & ISS_DABT_WNR;
	u64 val = 0;
	int err;

	if (mv_unlikely(!(esr & ISS_DABT_ISV)) ||
	    mv_unlikely(esr & ISS_DABT_S1PTW) ||
	    mv_unlikely(reg_in_cpu(v, dabt_reg(esr))))
		return dabt_slow(v, esr);
	if (write) {
		val = reg_read(v, dabt_reg(esr));
		if (dabt_width(esr) < 8)
			val &= (1UL << (8 * dabt_width(esr))) - 1;
	}
	err = mmio(v, fault_ipa(), dabt_width(esr), write, &val);
	/* Decode again rather than keep every field in a saved register. */
	__asm__("" : "+r"(esr));
	if (mv_unlikely(err))
		return dabt_failed(v, esr, err);
	v->exits[MV_EXIT_MMIO]++;
	if (!(esr & ISS_DABT_WNR))
		reg_write(v, dabt_reg(esr), dabt_extend(esr, val));
	skip_instruction(v, esr);
	return ACTION_RESUME;
}

/* op0, op1, CRn, CRm, op2 of a trapped MRS/MSR, as in the ESR ISS. */
#define SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | \
	 ((crm) << 1))
#define SYSREG_MASK SYSREG(3, 7, 15, 15, 7)
#define SR_ACTLR_EL1 SYSREG(3, 0, 1, 0, 1)
#define SR_ICC_SGI1R SYSREG(3, 0, 12, 11, 5)
#define SR_ICC_ASGI1R SYSREG(3, 0, 12, 11, 6)
#define SR_ICC_SGI0R SYSREG(3, 0, 12, 11, 7)
#define SR_CNTP_TVAL SYSREG(3, 3, 14, 2, 0)
#define SR_CNTP_CTL SYSREG(3, 3, 14, 2, 1)
#define SR_CNTP_CVAL SYSREG(3, 3, 14, 2, 2)

static bool is_pmu_reg(u32 key)
{
	unsigned int op0 = (key >> 20) & 3, crn = (key >> 10) & 0xf;
	unsigned int crm = (key >> 1) & 0xf;

	return op0 == 3 && ((crn == 9 && crm >= 12) ||
			    (crn == 14 && crm >= 8));
}

static __attribute__((noinline)) int handle_sysreg(struct mv_vcpu *v,
						  u32 esr)
{
	u32 key = esr & SYSREG_MASK;
	bool read = esr & 1;
	unsigned int rt = (esr >> 5) & 0x1f;
	struct mv_arch_vcpu *a = &v->arch;
	u64 val, now;

	if (reg_in_cpu(v, rt))
		return ACTION_NEED_REGS;
	val = read ? 0 : reg_read(v, rt);
	v->exits[MV_EXIT_SYSREG]++;
	switch (key) {
	case SR_ACTLR_EL1:
		break;		/* reads as zero: nothing to tune here */
	case SR_ICC_SGI1R:
	case SR_ICC_ASGI1R:
		if (!read)
			mv_arm64_vgic_sgi(v, val);
		break;
	case SR_ICC_SGI0R:
		break;		/* group 0 is not offered */
	case SR_CNTP_CTL:
		if (read) {
			val = a->cntp_ctl;
			if ((val & CNT_ENABLE) &&
			    mv_arch_counter() >= a->cntp_cval)
				val |= CNT_ISTATUS;
		} else {
			a->cntp_ctl = val & (CNT_ENABLE | CNT_IMASK);
			ptimer_update(v);
		}
		break;
	case SR_CNTP_CVAL:
		if (read) {
			val = a->cntp_cval;
		} else {
			a->cntp_cval = val;
			ptimer_update(v);
		}
		break;
	case SR_CNTP_TVAL:
		now = mv_arch_counter();
		if (read) {
			val = (u32)(a->cntp_cval - now);
		} else {
			a->cntp_cval = now + (s64)(s32)val;
			ptimer_update(v);
		}
		break;
	default:
		/* Debug, OS lock and PMU registers: not offered, RAZ/WI. */
		if (((key >> 20) & 3) == 2 || is_pmu_reg(key))
			break;
		mv_guest_warn(v->guest, "vcpu%u: %s of system register "
			      "S%u_%u_C%u_C%u_%u (pc 0x%lx): undefined "
			      "instruction injected\n", v->index,
			      read ? "read" : "write", (key >> 20) & 3,
			      (key >> 14) & 7, (key >> 10) & 0xf,
			      (key >> 1) & 0xf, (key >> 17) & 7,
			      (unsigned long)a->regs.pc);
		inject_undef(v);
		return ACTION_RESUME;
	}
	if (read)
		reg_write(v, rt, val);
	skip_instruction(v, esr);
	return ACTION_RESUME;
}

#define PSCI_VERSION 0x84000000
#define PSCI_CPU_SUSPEND 0x84000001
#define PSCI_CPU_OFF 0x84000002
#define PSCI_CPU_ON 0x84000003
#define PSCI_AFFINITY_INFO 0x84000004
#define PSCI_MIGRATE_INFO_TYPE 0x84000006
#define PSCI_SYSTEM_OFF 0x84000008
#define PSCI_SYSTEM_RESET 0x84000009
#define PSCI_FEATURES 0x8400000a
#define PSCI_64BIT 0x40000000
#define PSCI_1_0 0x10000
#define PSCI_TOS_NOT_PRESENT 2

static bool psci_implemented(u32 fn)
{
	switch (fn & ~PSCI_64BIT) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return !(fn & PSCI_64BIT);
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
		return true;
	}
	return false;
}

static __attribute__((noinline)) int handle_psci(struct mv_vcpu *v, bool smc)
{
	u64 *x = v->arch.regs.x;
	u32 fn = (u32)x[0];
	/* SMC32/HVC32 calls pass 32-bit arguments. */
	u64 mask = (fn & PSCI_64BIT) ? ~0UL : 0xffffffffUL;
	u64 a1 = x[1] & mask, a2 = x[2] & mask, a3 = x[3] & mask;
	s64 ret = MV_PSCI_NOT_SUPPORTED;
	int action = ACTION_RESUME;

	v->exits[smc ? MV_EXIT_SMC : MV_EXIT_HVC]++;
	if (fn == PSCI_VERSION) {	/* the cheapest call: keep it cheap */
		x[0] = PSCI_1_0;
		return action;
	}
	if (mv_arm64_smccc_call(fn, x))
		return action;
	if (!psci_implemented(fn)) {
		mv_guest_warn(v->guest, "vcpu%u: unknown %s function 0x%x: "
			      "NOT_SUPPORTED\n", v->index, smc ? "SMC" : "HVC",
			      fn);
		x[0] = (u64)ret;
		return action;
	}
	switch (fn & ~PSCI_64BIT) {
	case PSCI_VERSION:
		ret = PSCI_1_0;
		break;
	case PSCI_CPU_SUSPEND:
		/* Every power state is a standby: wait like WFI. */
		ret = MV_PSCI_SUCCESS;
		action = MV_RUN_WFI;
		break;
	case PSCI_CPU_OFF:
		return MV_RUN_OFF;
	case PSCI_CPU_ON:
		ret = mv_vcpu_psci_cpu_on(v, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO:
		ret = a2 ? MV_PSCI_INVALID_PARAMETERS :
			   mv_vcpu_psci_affinity(v, a1);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT;
		break;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		mv_vcpu_psci_system(v, fn == PSCI_SYSTEM_RESET);
		return MV_RUN_CHECK;
	case PSCI_FEATURES:
		/* CPU_SUSPEND: the original power_state format. */
		ret = psci_implemented((u32)a1) || (u32)a1 == SMCCC_VERSION ?
			      0 : MV_PSCI_NOT_SUPPORTED;
		break;
	}
	x[0] = (u64)ret;
	return action;
}

static int handle_sync(struct mv_vcpu *v)
{
	u32 esr = mv_read_sysreg(esr_el2);

	switch (ESR_EC(esr)) {
	case EC_HVC64:
		return handle_psci(v, false);
	case EC_SYSREG:
		return handle_sysreg(v, esr);
	case EC_DABT_LOW:
		return handle_dabt(v, esr);
	case EC_WFX:
		skip_instruction(v, esr);
		if (esr & 1) {
			v->exits[MV_EXIT_WFE]++;
			return MV_RUN_WFE;
		}
		v->exits[MV_EXIT_WFI]++;
		return MV_RUN_WFI;
	case EC_SMC64:
		skip_instruction(v, esr);	/* trapped: ELR is the SMC */
		return handle_psci(v, true);
	case EC_IABT_LOW: {
		u64 far = mv_read_sysreg(far_el2);

		if (!ram_fault(v, esr, true))
			return ACTION_RESUME;
		mv_guest_warn(v->guest, "vcpu%u: instruction fetch from "
			      "0x%lx outside its RAM: abort injected\n",
			      v->index, (unsigned long)far);
		inject_abort(v, true, false, far);
		return ACTION_RESUME;
	}
	default:
		v->exits[MV_EXIT_OTHER]++;
		mv_guest_warn(v->guest, "vcpu%u: unexpected trap (ESR 0x%x, "
			      "pc 0x%lx): undefined instruction injected\n",
			      v->index, esr, (unsigned long)v->arch.regs.pc);
		inject_undef(v);
		return ACTION_RESUME;
	}
}

/*
 * From guest_entry.S after every exit, with the guest's registers saved:
 * ACTION_RESUME goes straight back into the guest, anything else returns
 * from mv_arm64_guest_loop to mv_arch_vcpu_run.
 */
long mv_arm64_handle_exit(struct mv_vcpu *v, long kind);
long mv_arm64_handle_exit(struct mv_vcpu *v, long kind)
{
	int action;

	if (__builtin_expect(kind == EXIT_SYNC, 1)) {
		action = handle_sync(v);
		if (action != ACTION_RESUME)
			return action;
		if (MV_READ_ONCE(v->requests) ||
		    MV_READ_ONCE(mv_this_cpu()->sched.need_resched))
			return MV_RUN_CHECK;
		if (v->arch.vgic.dirty)
			mv_arm64_vgic_flush(v);
		return ACTION_RESUME;
	}
	if (kind == EXIT_SERROR) {
		mv_guest_warn(v->guest, "vcpu%u: SError (ESR 0x%lx)\n",
			      v->index, (unsigned long)mv_read_sysreg(esr_el2));
		v->exits[MV_EXIT_OTHER]++;
		return MV_RUN_CHECK;
	}
	v->exits[MV_EXIT_IRQ]++;
	mv_arm64_vgic_maintenance(v);
	return MV_RUN_IRQ;
}

enum mv_run_action mv_arch_vcpu_run(struct mv_vcpu *v)
{
	if (v->arch.vgic.dirty)
		mv_arm64_vgic_flush(v);
	return mv_arm64_guest_loop(v);
}

void mv_arch_guest_mem_sync(void *host, size_t size)
{
	mv_arm64_dcache_clean(host, size);
	__asm__ volatile("ic ialluis\n\tdsb ish\n\tisb" : : : "memory");
}
