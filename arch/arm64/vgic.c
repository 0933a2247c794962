// SPDX-License-Identifier: GPL-2.0
/*
 * vGICv3: the guest's distributor and redistributors are emulated here
 * (SGIs, PPIs, SPIs: enable, pending, active, priority, config, routing);
 * delivery goes through the CPU's virtual interface: the model hands
 * pending interrupts to list registers before the vCPU enters the guest
 * and reads them back when it needs to. More pending interrupts than
 * list registers wait in the model (the software overflow queue) with the
 * underflow maintenance interrupt armed. A level-sensitive interrupt asks
 * for an EOI maintenance interrupt only while its line is high, so a line
 * still high at EOI is re-delivered; a guest that lowers the line first
 * (the usual acknowledge of an emulated device, itself a trap) completes
 * the interrupt without another exit.
 * One lock per guest guards the model: interrupts are rare next to traps.
 */
#include <mv/arch.h>
#include <mv/cpu.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/log.h>
#include <mv/sched.h>
#include <mv/time.h>
#include <arm64.h>
#include <string.h>

#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_MISR_EL2 S3_4_C12_C11_2
#define ICH_VMCR_EL2 S3_4_C12_C11_7

#define ICH_HCR_EN (1UL << 0)
#define ICH_HCR_UIE (1UL << 1)
#define LR_STATE_PENDING (1UL << 62)
#define LR_STATE_ACTIVE (1UL << 63)
#define LR_GROUP1 (1UL << 60)
#define LR_EOI (1UL << 41)
#define LR_PRIO_SHIFT 48

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GIC_PIDR2 0xffe8
#define GICD_CTLR_ARE_NS (1U << 4)
#define GICD_CTLR_ENABLE_G1A (1U << 1)
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_SGI 0x10000
#define GIC_IIDR_ARM 0x43b
#define GIC_PIDR2_V3 0x3b

#define INTID_MAINTENANCE 25
#define INTID_VTIMER 27

static unsigned int nr_lrs;

#define LR_ACCESS(n) \
	case n: \
		if (write) \
			mv_write_sysreg(S3_4_C12_C12_##n, val); \
		else \
			val = mv_read_sysreg(S3_4_C12_C12_##n); \
		break; \
	case n + 8: \
		if (write) \
			mv_write_sysreg(S3_4_C12_C13_##n, val); \
		else \
			val = mv_read_sysreg(S3_4_C12_C13_##n); \
		break;

static u64 lr_access(unsigned int i, bool write, u64 val)
{
	switch (i) {
	LR_ACCESS(0) LR_ACCESS(1) LR_ACCESS(2) LR_ACCESS(3)
	LR_ACCESS(4) LR_ACCESS(5) LR_ACCESS(6) LR_ACCESS(7)
	}
	return val;
}

static u64 lr_read(unsigned int i)
{
	return lr_access(i, false, 0);
}

static void lr_write(unsigned int i, u64 val)
{
	lr_access(i, true, val);
}

void mv_arm64_vgic_init(void)
{
	nr_lrs = (mv_read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;
}

/* LRs reset to unknown values; from here on they are 0 while unloaded. */
void mv_arm64_vgic_init_cpu(void)
{
	mv_write_sysreg(ICH_HCR_EL2, 0);
	for (unsigned int i = 0; i < nr_lrs; i++)
		lr_write(i, 0);
}

static struct vgic_irq *irq_of(struct mv_guest *g, struct mv_vcpu *v,
			       unsigned int intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return &v->arch.vgic.priv[intid];
	if (intid < VGIC_NR_IRQS)
		return &g->arch.dist.spi[intid - VGIC_NR_PRIVATE];
	return NULL;
}

/*
 * Note that an interrupt's state changed: delivery scans only look at
 * marked interrupts and unmark those that turn out to want nothing.
 */
static void mark(struct mv_guest *g, struct mv_vcpu *v, unsigned int intid)
{
	if (intid < VGIC_NR_PRIVATE)
		v->arch.vgic.maybe |= 1U << intid;
	else if (intid < VGIC_NR_IRQS)
		g->arch.dist.maybe[(intid - 32) / 64] |= 1UL << ((intid - 32) % 64);
}

static struct mv_vcpu *spi_target(struct mv_guest *g, struct vgic_irq *irq)
{
	return g->vcpus[irq->target < g->nr_vcpus ? irq->target : 0];
}

static bool irq_wants_delivery(struct mv_guest *g, struct vgic_irq *irq,
			       bool spi)
{
	if (!irq->enabled || irq->in_lr)
		return false;
	if (spi && !(g->arch.dist.ctlr & GICD_CTLR_ENABLE_G1A))
		return false;
	return irq->pending || (!irq->edge && irq->level);
}

/*
 * Read the list registers back into the model, and each used one's value
 * into vc->lr: one whose state went to 0 was completed by the guest
 * (ICH_ELRSR would not say so for those that asked for an EOI
 * maintenance interrupt). With the guest lock held, on the vCPU's CPU.
 */
static void vgic_sync(struct mv_vcpu *v)
{
	struct vgic_cpu *vc = &v->arch.vgic;

	for (unsigned int i = 0; i < nr_lrs; i++) {
		struct vgic_irq *irq;
		u64 lr;

		if (!(vc->lr_used & (1U << i)))
			continue;
		lr = lr_read(i);
		irq = irq_of(v->guest, v, (u32)lr);
		if (!(lr & (LR_STATE_PENDING | LR_STATE_ACTIVE))) {
			mark(v->guest, v, (u32)lr);
			irq->in_lr = false;
			irq->active = false;
			vc->lr_used &= ~(1U << i);
			lr_write(i, 0);
			continue;
		}
		irq->active = !!(lr & LR_STATE_ACTIVE);
		if (irq->pending && irq->edge && !(lr & LR_STATE_PENDING)) {
			/* Fired again while the guest handled it. */
			lr |= LR_STATE_PENDING;
			lr_write(i, lr);
			irq->pending = false;
		} else if (!irq->edge && !!(lr & LR_EOI) != irq->level) {
			lr = irq->level ? lr | LR_EOI : lr & ~LR_EOI;
			lr_write(i, lr);
		}
		vc->lr[i] = lr;
	}
}

/*
 * Up to max interrupts for v not yet in a list register, best priority
 * first; returns how many (max + 1 if even more are waiting).
 */
static unsigned int candidates(struct mv_vcpu *v, unsigned int *intids,
			       unsigned int max)
{
	struct mv_guest *g = v->guest;
	struct vgic_dist *d = &g->arch.dist;
	unsigned int n = 0, more = 0;

	for (unsigned int w = 0; w <= VGIC_NR_SPIS / 64; w++) {
		u64 bits = w == 0 ? v->arch.vgic.maybe : d->maybe[w - 1];
		unsigned int base = w == 0 ? 0 : VGIC_NR_PRIVATE + (w - 1) * 64;

		while (bits) {
			unsigned int bit = __builtin_ctzl(bits), intid = base + bit;
			struct vgic_irq *irq = irq_of(g, v, intid);
			unsigned int pos;

			bits &= bits - 1;
			if (w && spi_target(g, irq) != v)
				continue;	/* another vCPU's to look at */
			if (!irq_wants_delivery(g, irq, w != 0)) {
				if (w)
					d->maybe[w - 1] &= ~(1UL << bit);
				else
					v->arch.vgic.maybe &= ~(1U << bit);
				continue;
			}
			/* Insert by priority into the short sorted list. */
			for (pos = n; pos && irq_of(g, v, intids[pos - 1])->priority >
					      irq->priority; pos--)
				if (pos < max)
					intids[pos] = intids[pos - 1];
			if (pos < max) {
				intids[pos] = intid;
				if (n < max)
					n++;
				else
					more = 1;
			} else {
				more = 1;
			}
		}
	}
	return n + more;
}

/* Hand what is pending to free list registers. On v's CPU, v loaded. */
static void vgic_flush_locked(struct mv_vcpu *v)
{
	struct vgic_cpu *vc = &v->arch.vgic;
	unsigned int intids[VGIC_MAX_LRS], free = 0, n, next = 0;
	u64 hcr = ICH_HCR_EN;

	vgic_sync(v);
	vc->dirty = false;
	for (unsigned int i = 0; i < nr_lrs; i++)
		if (!(vc->lr_used & (1U << i)))
			free++;
	n = candidates(v, intids, free);
	for (unsigned int i = 0; i < nr_lrs && next < n && next < free; i++) {
		struct vgic_irq *irq;
		u64 lr;

		if (vc->lr_used & (1U << i))
			continue;
		irq = irq_of(v->guest, v, intids[next]);
		lr = intids[next++] | LR_GROUP1 | LR_STATE_PENDING |
		     ((u64)irq->priority << LR_PRIO_SHIFT);
		if (irq->active)
			lr |= LR_STATE_ACTIVE;
		if (!irq->edge && irq->level)
			lr |= LR_EOI;
		irq->pending = false;
		irq->in_lr = true;
		vc->lr_used |= 1U << i;
		vc->lr[i] = lr;
		lr_write(i, lr);
	}
	/* Some had to wait: hear about it when the guest frees an LR. */
	if (n > free)
		hcr |= ICH_HCR_UIE;
	mv_write_sysreg(ICH_HCR_EL2, hcr);
}

void mv_arm64_vgic_flush(struct mv_vcpu *v)
{
	struct mv_guest *g = v->guest;

	mv_spin_lock(&g->arch.vgic_lock);
	vgic_flush_locked(v);
	mv_spin_unlock(&g->arch.vgic_lock);
}

/* A maintenance condition is fixed by a flush (IRQs masked, v loaded). */
void mv_arm64_vgic_maintenance(struct mv_vcpu *v)
{
	if (mv_read_sysreg(ICH_MISR_EL2))
		mv_arm64_vgic_flush(v);
}

/*
 * Every LR is 0 while no vCPU is loaded, so load and put touch only the
 * ones in use: on QEMU's TCG each ICH register access takes the global
 * lock that the other CPUs' exits, IPIs and timers take too.
 */
void mv_arm64_vgic_load(struct mv_vcpu *v)
{
	struct vgic_cpu *vc = &v->arch.vgic;

	for (unsigned int i = 0; i < nr_lrs; i++)
		if (vc->lr_used & (1U << i))
			lr_write(i, vc->lr[i]);
	mv_write_sysreg(ICH_VMCR_EL2, vc->vmcr);
	mv_write_sysreg(ICH_AP0R0_EL2, vc->ap0r0);
	mv_write_sysreg(ICH_AP1R0_EL2, vc->ap1r0);
	mv_write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
	/* Completions and injections while away: look at them first. */
	vc->dirty = true;
}

void mv_arm64_vgic_put(struct mv_vcpu *v)
{
	struct mv_guest *g = v->guest;
	struct vgic_cpu *vc = &v->arch.vgic;

	mv_spin_lock(&g->arch.vgic_lock);
	vgic_sync(v);		/* which leaves each used LR in vc->lr */
	for (unsigned int i = 0; i < nr_lrs; i++)
		if (vc->lr_used & (1U << i))
			lr_write(i, 0);
	mv_spin_unlock(&g->arch.vgic_lock);
	vc->vmcr = mv_read_sysreg(ICH_VMCR_EL2);
	vc->ap0r0 = mv_read_sysreg(ICH_AP0R0_EL2);
	vc->ap1r0 = mv_read_sysreg(ICH_AP1R0_EL2);
	mv_write_sysreg(ICH_HCR_EL2, 0);
}

bool mv_arm64_vgic_has_pending(struct mv_vcpu *v)
{
	struct mv_guest *g = v->guest;
	struct vgic_cpu *vc = &v->arch.vgic;
	unsigned long flags = mv_spin_lock_irqsave(&g->arch.vgic_lock);
	unsigned int intid;
	bool pending = candidates(v, &intid, 1) != 0;

	for (unsigned int i = 0; !pending && i < nr_lrs; i++)
		if ((vc->lr_used & (1U << i)) &&
		    (vc->lr[i] & LR_STATE_PENDING))
			pending = true;
	mv_spin_unlock_irqrestore(&g->arch.vgic_lock, flags);
	return pending;
}

/* Mark v as having something new; the caller kicks it after unlocking. */
static struct mv_vcpu *touch(struct mv_vcpu *v)
{
	v->arch.vgic.dirty = true;
	return v;
}

static void kick(struct mv_vcpu *v)
{
	if (v && v != mv_vcpu_current())
		mv_vcpu_kick(v);
}

/*
 * A device interrupt for a vCPU that runs on another CPU waits for that
 * vCPU's next exit, for at most KICK_DEFER_NS: a guest busy with its
 * network traffic exits often, and then takes a stream of frames in one
 * interrupt instead of an IPI, an exit and an interrupt for each. On
 * QEMU's TCG, every IPI also waits for the global lock. A vCPU that is
 * not running (blocked in WFI, say) is woken at once.
 */
#define KICK_DEFER_NS 1000000

static void kick_expired(struct mv_timer_event *ev)
{
	struct mv_vcpu *v = ev->arg;

	__atomic_store_n(&v->arch.kick_armed, 0, __ATOMIC_SEQ_CST);
	if (MV_READ_ONCE(v->arch.vgic.dirty))
		mv_vcpu_kick(v);
}

static void kick_device_irq(struct mv_vcpu *v)
{
	if (!MV_READ_ONCE(v->arch.loaded)) {
		mv_vcpu_kick(v);
		return;
	}
	/* One CPU at a time arms it: an event sits in one CPU's queue. */
	if (!__atomic_exchange_n(&v->arch.kick_armed, 1, __ATOMIC_SEQ_CST))
		mv_timer_arm(&v->arch.kick_event,
			     mv_arch_counter() + mv_ns_to_ticks(KICK_DEFER_NS));
}

void mv_arm64_vgic_vcpu_init(struct mv_vcpu *v)
{
	mv_timer_event_init(&v->arch.kick_event, kick_expired, v);
}

void mv_arm64_vgic_vcpu_free(struct mv_vcpu *v)
{
	mv_timer_cancel(&v->arch.kick_event);
}

void mv_arch_guest_irq_set(struct mv_guest *g, unsigned int intid, bool level)
{
	struct mv_vcpu *target = NULL;
	struct vgic_irq *irq;
	unsigned long flags;

	if (intid < 16 || intid >= VGIC_NR_IRQS)
		return;
	flags = mv_spin_lock_irqsave(&g->arch.vgic_lock);
	irq = intid < VGIC_NR_PRIVATE ? NULL : &g->arch.dist.spi[intid - 32];
	if (irq) {
		if (irq->edge && level && !irq->level)
			irq->pending = true;
		if (irq->level != level) {
			irq->level = level;
			mark(g, NULL, intid);
			target = touch(spi_target(g, irq));
		}
	}
	mv_spin_unlock_irqrestore(&g->arch.vgic_lock, flags);
	if (target && target != mv_vcpu_current())
		kick_device_irq(target);
}

/* A private interrupt (timer PPI) of one vCPU becomes pending. */
void mv_arm64_vgic_inject_private(struct mv_vcpu *v, unsigned int intid)
{
	struct mv_guest *g = v->guest;
	unsigned long flags = mv_spin_lock_irqsave(&g->arch.vgic_lock);

	v->arch.vgic.priv[intid].pending = true;
	mark(g, v, intid);
	touch(v);
	mv_spin_unlock_irqrestore(&g->arch.vgic_lock, flags);
	kick(v);
}

static void irq_reset(struct vgic_irq *irq, bool edge)
{
	memset(irq, 0, sizeof(*irq));
	irq->edge = edge;
}

void mv_arch_guest_irq_reset(struct mv_guest *g)
{
	unsigned long flags = mv_spin_lock_irqsave(&g->arch.vgic_lock);

	g->arch.dist.ctlr = 0;
	memset(g->arch.dist.maybe, 0xff, sizeof(g->arch.dist.maybe));
	for (unsigned int i = 0; i < VGIC_NR_SPIS; i++)
		irq_reset(&g->arch.dist.spi[i], false);
	for (unsigned int c = 0; c < g->nr_vcpus; c++) {
		struct vgic_cpu *vc = &g->vcpus[c]->arch.vgic;

		for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++)
			irq_reset(&vc->priv[i], i < 16);
		vc->lr_used = 0;
		vc->maybe = ~0U;
		vc->vmcr = vc->ap0r0 = vc->ap1r0 = 0;
		vc->asleep = true;
		vc->dirty = true;
	}
	mv_spin_unlock_irqrestore(&g->arch.vgic_lock, flags);
}

/* ICC_SGI1R_EL1 written by v: SGIs to the vCPUs it names. */
void mv_arm64_vgic_sgi(struct mv_vcpu *v, u64 val)
{
	struct mv_guest *g = v->guest;
	unsigned int intid = (val >> 24) & 0xf;
	unsigned int rs = (val >> 44) & 0xf;
	bool broadcast = val & (1UL << 40);
	u32 targets = 0;
	unsigned long flags;

	if (broadcast) {
		targets = ((1U << g->nr_vcpus) - 1) & ~(1U << v->index);
	} else if (!(val & 0x00ff0000ff0000UL) && rs == 0) {
		/* Our vCPUs have Aff0 = index, Aff1-3 = 0. */
		targets = (val & 0xffff) & ((1U << g->nr_vcpus) - 1);
	}
	if (!targets)
		return;
	flags = mv_spin_lock_irqsave(&g->arch.vgic_lock);
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (targets & (1U << i)) {
			g->vcpus[i]->arch.vgic.priv[intid].pending = true;
			mark(g, g->vcpus[i], intid);
			touch(g->vcpus[i]);
		}
	mv_spin_unlock_irqrestore(&g->arch.vgic_lock, flags);
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (targets & (1U << i))
			kick(g->vcpus[i]);
}

/* --- Distributor and redistributor registers ------------------------ */

enum bit_field { F_ENABLED, F_PENDING, F_ACTIVE };

static bool *field_of(struct vgic_irq *irq, enum bit_field f)
{
	return f == F_ENABLED ? &irq->enabled :
	       f == F_PENDING ? &irq->pending : &irq->active;
}

/*
 * A set/clear-enable, -pending or -active register for 32 interrupts
 * from first. Returns the vCPU to kick, if any.
 */
static struct mv_vcpu *bits_access(struct mv_guest *g, struct mv_vcpu *v,
				   unsigned int first, enum bit_field f,
				   int set, bool write, u64 *val)
{
	struct mv_vcpu *kicked = NULL;
	u32 bits = 0;

	for (unsigned int i = 0; i < 32; i++) {
		struct vgic_irq *irq = irq_of(g, v, first + i);
		bool *b;

		if (!irq)
			break;
		b = field_of(irq, f);
		if (!write) {
			if (*b || (f == F_PENDING && !irq->edge && irq->level) ||
			    (f == F_PENDING && irq->in_lr))
				bits |= 1U << i;
			continue;
		}
		if (!(*val & (1UL << i)) || *b == (set > 0))
			continue;
		*b = set > 0;
		mark(g, v, first + i);
		kicked = touch(first + i < VGIC_NR_PRIVATE ? v :
			       spi_target(g, irq));
	}
	if (!write)
		*val = bits;
	return kicked;
}

static void priority_access(struct mv_guest *g, struct mv_vcpu *v,
			    unsigned int first, unsigned int width, bool write,
			    u64 *val)
{
	u64 out = 0;

	for (unsigned int i = 0; i < width; i++) {
		struct vgic_irq *irq = irq_of(g, v, first + i);

		if (!irq)
			break;
		if (write)
			irq->priority = (*val >> (8 * i)) & 0xf8;
		else
			out |= (u64)irq->priority << (8 * i);
	}
	if (!write)
		*val = out;
}

static void config_access(struct mv_guest *g, struct mv_vcpu *v,
			  unsigned int first, bool write, u64 *val)
{
	u64 out = 0;

	for (unsigned int i = 0; i < 16; i++) {
		struct vgic_irq *irq = irq_of(g, v, first + i);

		if (!irq)
			break;
		/* SGIs are always edge-triggered. */
		if (write && first + i >= 16) {
			irq->edge = *val & (2UL << (2 * i));
			mark(g, v, first + i);
		}
		else if (!write && irq->edge)
			out |= 2UL << (2 * i);
	}
	if (!write)
		*val = out;
}

/* GICD_* and GICR SGI-frame registers shared by both (offset-relative). */
static struct mv_vcpu *irq_regs(struct mv_guest *g, struct mv_vcpu *v,
				unsigned int base_intid, u64 off,
				unsigned int width, bool write, u64 *val,
				unsigned int limit)
{
	unsigned int n;

	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + limit) {
		if (width == 1 || width == 4)
			priority_access(g, v, base_intid + off - 0x400, width,
					write, val);
		return NULL;
	}
	if (width != 4)
		return NULL;
	if (off >= GICD_ICFGR && off < GICD_ICFGR + limit / 4) {
		config_access(g, v, base_intid + (off - GICD_ICFGR) * 4, write,
			      val);
		return NULL;
	}
	if (off >= GICD_IGROUPR && off < GICD_IGROUPR + limit / 8) {
		if (!write)
			*val = ~0U;	/* group 1 only */
		return NULL;
	}
	if (off < GICD_ISENABLER || off >= GICD_ICACTIVER + limit / 8)
		return NULL;
	n = (off & 0x7f) / 4;
	if (n * 32 >= limit)
		return NULL;
	return bits_access(g, v, base_intid + n * 32,
			   (enum bit_field)((off - GICD_ISENABLER) / 0x100),
			   (off & 0x80) ? -1 : 1, write, val);
}

static struct mv_vcpu *dist_access(struct mv_guest *g, struct mv_vcpu *v,
				   u64 off, unsigned int width, bool write,
				   u64 *val)
{
	struct vgic_dist *d = &g->arch.dist;

	switch (off) {
	case GICD_CTLR:
		if (write) {
			d->ctlr = *val & GICD_CTLR_ENABLE_G1A;
			memset(d->maybe, 0xff, sizeof(d->maybe));
			for (unsigned int i = 0; i < g->nr_vcpus; i++)
				touch(g->vcpus[i]);
			return g->vcpus[0];
		}
		*val = d->ctlr | GICD_CTLR_ARE_NS;
		return NULL;
	case GICD_TYPER:
		/* Lines, 10 INTID bits, CPU count ignored (affinity routing). */
		*val = write ? *val : (VGIC_NR_IRQS / 32 - 1) | (9U << 19);
		return NULL;
	case GICD_IIDR:
		*val = write ? *val : GIC_IIDR_ARM;
		return NULL;
	case GIC_PIDR2:
		*val = write ? *val : GIC_PIDR2_V3;
		return NULL;
	}
	if (off >= GICD_IROUTER + 32 * 8 &&
	    off < GICD_IROUTER + VGIC_NR_IRQS * 8 && (width == 8 || width == 4)) {
		struct vgic_irq *irq =
			&d->spi[(off - GICD_IROUTER) / 8 - VGIC_NR_PRIVATE];
		unsigned int shift = (off & 4) * 8;
		u64 mask = (width == 8 ? ~0UL : 0xffffffffUL) << shift;

		if (!write) {
			*val = (irq->irouter & mask) >> shift;
			return NULL;
		}
		irq->irouter = (irq->irouter & ~mask) | ((*val << shift) & mask);
		irq->irouter &= 0xff00ffffffUL | (1UL << 31);
		/* IRM (any CPU) or a vCPU by Aff0: ours have Aff1-3 = 0. */
		irq->target = (irq->irouter & (1UL << 31)) ? 0 :
			      (irq->irouter & 0xff00ffff00UL) ? 0xff :
			      irq->irouter & 0xff;
		mark(g, v, (off - GICD_IROUTER) / 8);
		return touch(spi_target(g, irq));
	}
	/* SPIs only: private interrupts live in the redistributors. */
	if (off < GICD_IPRIORITYR + VGIC_NR_PRIVATE && off >= GICD_IPRIORITYR)
		return NULL;
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 8)
		return NULL;
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR && !(off & 0x7c))
		return NULL;
	return irq_regs(g, v, 0, off, width, write, val, VGIC_NR_IRQS);
}

static struct mv_vcpu *redist_access(struct mv_guest *g, struct mv_vcpu *v,
				     u64 off, unsigned int width, bool write,
				     u64 *val)
{
	struct vgic_cpu *vc = &v->arch.vgic;

	if (off >= GICR_SGI)
		return irq_regs(g, v, 0, off - GICR_SGI, width, write, val,
				VGIC_NR_PRIVATE);
	switch (off) {
	case GICR_TYPER:
	case GICR_TYPER + 4: {
		u64 typer = ((v->arch.vmpidr & 0xffffff) << 32) |
			    ((u64)v->index << 8) |
			    (v->index == g->nr_vcpus - 1 ? 1UL << 4 : 0);

		if (!write)
			*val = off == GICR_TYPER ?
				(width == 8 ? typer : (u32)typer) : typer >> 32;
		return NULL;
	}
	case GICR_IIDR:
		*val = write ? *val : GIC_IIDR_ARM;
		return NULL;
	case GICR_WAKER:
		if (write)
			vc->asleep = *val & 2;
		else
			*val = vc->asleep ? 6 : 0;
		return NULL;
	case GIC_PIDR2:
		*val = write ? *val : GIC_PIDR2_V3;
		return NULL;
	case GICR_CTLR:
	default:
		if (!write)
			*val = 0;
		return NULL;
	}
}

int mv_arm64_vgic_mmio(struct mv_vcpu *v, u64 ipa, unsigned int width,
		       bool write, u64 *val)
{
	struct mv_guest *g = v->guest;
	struct mv_vcpu *kicked;
	unsigned long flags;

	if (ipa >= VGIC_DIST_BASE && ipa < VGIC_DIST_BASE + VGIC_DIST_SIZE) {
		flags = mv_spin_lock_irqsave(&g->arch.vgic_lock);
		kicked = dist_access(g, v, ipa - VGIC_DIST_BASE, width, write,
				     val);
	} else if (ipa >= VGIC_REDIST_BASE &&
		   ipa < VGIC_REDIST_BASE + g->nr_vcpus * VGIC_REDIST_STRIDE) {
		u64 off = ipa - VGIC_REDIST_BASE;

		flags = mv_spin_lock_irqsave(&g->arch.vgic_lock);
		kicked = redist_access(g, g->vcpus[off / VGIC_REDIST_STRIDE],
				       off % VGIC_REDIST_STRIDE, width, write,
				       val);
	} else {
		return -MV_ENOENT;
	}
	mv_spin_unlock_irqrestore(&g->arch.vgic_lock, flags);
	if (kicked && kicked->guest == g) {
		/* Enables and routing may make anything deliverable. */
		for (unsigned int i = 0; i < g->nr_vcpus; i++)
			if (g->vcpus[i]->arch.vgic.dirty)
				kick(g->vcpus[i]);
	}
	return 0;
}

unsigned int mv_arch_guest_reserved(const struct mv_guest *g, u64 base[],
				    u64 size[], unsigned int max)
{
	if (max < 2)
		return 0;
	base[0] = VGIC_DIST_BASE;
	size[0] = VGIC_DIST_SIZE;
	base[1] = VGIC_REDIST_BASE;
	size[1] = g->nr_vcpus * VGIC_REDIST_STRIDE;
	return 2;
}
