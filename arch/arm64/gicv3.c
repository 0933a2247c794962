// SPDX-License-Identifier: GPL-2.0
/*
 * Host GICv3: distributor, one redistributor per CPU (found by affinity),
 * the system-register CPU interface, SGIs for IPIs. Every interrupt is
 * group 1; the nucleus takes them at EL2 (HCR_EL2.IMO).
 */
#include <mv/arch.h>
#include <mv/cpu.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/mmu.h>
#include <mv/sched.h>
#include <mv/smp.h>
#include <mv/time.h>
#include <arm64.h>
#include <libfdt.h>

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_CTLR_RWP (1U << 31)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_ENABLE_G1 (1U << 1)
#define GICD_CTLR_ENABLE_G0 (1U << 0)

#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_WAKER_SLEEP (1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1U << 2)
#define GICR_TYPER_VLPIS (1UL << 1)
#define GICR_TYPER_LAST (1UL << 4)
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI_BASE + 0x0180)
#define GICR_ICPENDR0 (GICR_SGI_BASE + 0x0280)
#define GICR_IPRIORITYR (GICR_SGI_BASE + 0x0400)

#define GIC_PRIO_DEFAULT 0xa0
#define GIC_SPURIOUS 1020

#define GICD_ISENABLER 0x0100
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6100
#define MAX_SPI 1020

struct irq_handler {
	void (*fn)(void *arg);
	void *arg;
	bool running;	/* fn in progress: mv_arch_irq_free waits for it */
};

static volatile u8 *gicd;
static struct irq_handler *spi_handlers;
static unsigned int nr_lines;
static volatile u8 *gicr_regions[4];
static u64 gicr_region_size[4];
static unsigned int nr_gicr_regions;
static volatile u8 *gicr_of_cpu[MV_MAX_CPUS];

static inline u32 rd32(volatile u8 *base, u32 off)
{
	return *(volatile u32 *)(base + off);
}

static inline void wr32(volatile u8 *base, u32 off, u32 v)
{
	*(volatile u32 *)(base + off) = v;
}

static inline u64 rd64(volatile u8 *base, u32 off)
{
	return *(volatile u64 *)(base + off);
}

static int wait_clear(volatile u8 *base, u32 off, u32 bit, const char *what)
{
	u64 deadline = mv_arch_counter() + mv_ns_to_ticks(100 * MV_NSEC_PER_MSEC);

	while (rd32(base, off) & bit) {
		if (mv_arch_counter() > deadline) {
			mv_log(MV_LOG_ERR, "gicv3: timed out waiting for %s\n",
			       what);
			return -MV_ETIMEDOUT;
		}
		mv_arch_poll_hint();
	}
	return 0;
}

int mv_arch_irq_init(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	u64 addr, size;
	u32 lines;
	int n;

	if (node < 0) {
		mv_log(MV_LOG_ERR, "gicv3: no \"arm,gic-v3\" node in the DTB; "
		       "this nucleus needs a GICv3 (QEMU: gic-version=3)\n");
		return -MV_ENODEV;
	}
	n = mv_dt_reg_count(fdt, node);
	if (n < 2 || mv_dt_reg(fdt, node, 0, &addr, &size) < 0) {
		mv_log(MV_LOG_ERR, "gicv3: %s: reg must give the distributor "
		       "and the redistributors\n", fdt_get_name(fdt, node, NULL));
		return -MV_EINVAL;
	}
	gicd = mv_ioremap(addr, size);
	/* Redistributor regions follow the distributor (binding). */
	for (int i = 1; i < n && nr_gicr_regions < 4; i++) {
		if (mv_dt_reg(fdt, node, i, &addr, &size) < 0 || !size)
			break;
		/* Further entries may be GICC/GICH/GICV frames; those are small. */
		if (size < 0x20000)
			break;
		gicr_regions[nr_gicr_regions] = mv_ioremap(addr, size);
		gicr_region_size[nr_gicr_regions++] = size;
	}

	lines = ((rd32(gicd, GICD_TYPER) & 0x1f) + 1) * 32;
	if (lines > MAX_SPI)
		lines = MAX_SPI;
	nr_lines = lines;
	spi_handlers = mv_calloc(lines, sizeof(*spi_handlers));
	if (!spi_handlers)
		return -MV_ENOMEM;
	wr32(gicd, GICD_CTLR, 0);
	if (wait_clear(gicd, GICD_CTLR, GICD_CTLR_RWP, "distributor RWP"))
		return -MV_ETIMEDOUT;
	for (u32 i = 32; i < lines; i += 32) {
		wr32(gicd, GICD_ICENABLER + i / 8, ~0U);
		wr32(gicd, GICD_ICPENDR + i / 8, ~0U);
		wr32(gicd, GICD_IGROUPR + i / 8, ~0U);
	}
	for (u32 i = 32; i < lines; i += 4)
		wr32(gicd, GICD_IPRIORITYR + i, GIC_PRIO_DEFAULT * 0x01010101U);
	/* Affinity routing first, then the groups (GICv3 spec 12.9.4). */
	wr32(gicd, GICD_CTLR, GICD_CTLR_ARE);
	if (wait_clear(gicd, GICD_CTLR, GICD_CTLR_RWP, "distributor RWP"))
		return -MV_ETIMEDOUT;
	wr32(gicd, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 |
			      GICD_CTLR_ENABLE_G0);
	mv_log(MV_LOG_DEBUG, "gicv3: %u interrupt lines, %u redistributor "
	       "region(s)\n", lines, nr_gicr_regions);
	return 0;
}

static volatile u8 *find_redistributor(u64 hwid)
{
	u32 aff = ((hwid >> 8) & 0xff000000) | (hwid & 0xffffff);

	for (unsigned int r = 0; r < nr_gicr_regions; r++) {
		u64 off = 0;

		while (off + 0x20000 <= gicr_region_size[r]) {
			volatile u8 *rd = gicr_regions[r] + off;
			u64 typer = rd64(rd, GICR_TYPER);

			if ((u32)(typer >> 32) == aff)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			off += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
		}
	}
	return NULL;
}

int mv_arch_irq_init_cpu(void)
{
	struct mv_cpu *cpu = mv_this_cpu();
	volatile u8 *rd = find_redistributor(cpu->hwid);
	u32 waker;

	if (!rd) {
		mv_log(MV_LOG_ERR, "gicv3: no redistributor for cpu%u "
		       "(MPIDR %lx)\n", cpu->id, (unsigned long)cpu->hwid);
		return -MV_ENODEV;
	}
	gicr_of_cpu[cpu->id] = rd;
	waker = rd32(rd, GICR_WAKER);
	wr32(rd, GICR_WAKER, waker & ~GICR_WAKER_SLEEP);
	if (wait_clear(rd, GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP,
		       "redistributor to wake"))
		return -MV_ETIMEDOUT;

	wr32(rd, GICR_ICENABLER0, ~0U);
	wr32(rd, GICR_ICPENDR0, ~0U);
	wr32(rd, GICR_IGROUPR0, ~0U);
	for (u32 i = 0; i < 32; i += 4)
		wr32(rd, GICR_IPRIORITYR + i, GIC_PRIO_DEFAULT * 0x01010101U);
	/* SGIs used as IPIs. */
	wr32(rd, GICR_ISENABLER0, (1U << MV_IPI_RESCHEDULE) |
				  (1U << MV_IPI_STOP) | (1U << MV_IPI_KICK));

	mv_write_sysreg(ICC_SRE_EL2, 0xf);	/* SRE, DFB, DIB, Enable */
	mv_isb();
	mv_write_sysreg(ICC_PMR_EL1, 0xf0);
	mv_write_sysreg(ICC_BPR1_EL1, 0);
	mv_write_sysreg(ICC_CTLR_EL1, 0);	/* EOI also deactivates */
	mv_write_sysreg(ICC_IGRPEN1_EL1, 1);
	mv_isb();
	return 0;
}

int mv_arch_irq_request(unsigned int irq, void (*fn)(void *arg), void *arg)
{
	u64 aff = mv_cpus[0].hwid;
	u32 cfg;

	if (irq < 32 || irq >= nr_lines || !fn)
		return -MV_EINVAL;
	if (spi_handlers[irq].fn)
		return -MV_EBUSY;
	spi_handlers[irq].arg = arg;
	MV_WRITE_ONCE(spi_handlers[irq].fn, fn);
	/* Level-triggered, routed to CPU 0 by affinity. */
	cfg = rd32(gicd, GICD_ICFGR + irq / 16 * 4);
	cfg &= ~(2U << (irq % 16 * 2));
	wr32(gicd, GICD_ICFGR + irq / 16 * 4, cfg);
	*(volatile u64 *)(gicd + GICD_IROUTER + (irq - 32) * 8) =
		(aff & 0xffffff) | ((aff >> 32 & 0xff) << 32);
	mv_dsb(sy);
	wr32(gicd, GICD_ISENABLER + irq / 32 * 4, 1U << (irq % 32));
	return 0;
}

void mv_arch_irq_free(unsigned int irq)
{
	if (irq < 32 || irq >= nr_lines || !spi_handlers[irq].fn)
		return;
	wr32(gicd, GICD_ICENABLER + irq / 32 * 4, 1U << (irq % 32));
	wait_clear(gicd, GICD_CTLR, GICD_CTLR_RWP, "distributor RWP");
	/*
	 * The handler sets running before it reads fn: once fn is NULL and
	 * running is clear, no call is in flight and none can start.
	 */
	__atomic_store_n(&spi_handlers[irq].fn, NULL, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&spi_handlers[irq].running, __ATOMIC_SEQ_CST))
		mv_arch_poll_hint();
	spi_handlers[irq].arg = NULL;
}

/* False if the line has no handler (any more). */
static bool run_spi_handler(struct irq_handler *h)
{
	void (*fn)(void *arg);

	__atomic_store_n(&h->running, true, __ATOMIC_SEQ_CST);
	fn = __atomic_load_n(&h->fn, __ATOMIC_SEQ_CST);
	if (fn)
		fn(h->arg);
	__atomic_store_n(&h->running, false, __ATOMIC_RELEASE);
	return fn != NULL;
}

int mv_arch_irq_from_dt(const void *fdt, int node, unsigned int index)
{
	int len;
	const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);

	/* GICv3 binding: <type number flags>; type 0 = SPI, 1 = PPI. */
	if (!irqs || len < (int)((index + 1) * 12))
		return -MV_ENOENT;
	irqs += index * 3;
	return (fdt32_to_cpu(irqs[0]) == 0 ? 32 : 16) + fdt32_to_cpu(irqs[1]);
}

int mv_arm64_gic_enable_ppi(unsigned int intid)
{
	volatile u8 *rd = gicr_of_cpu[mv_this_cpu()->id];

	if (!rd || intid < 16 || intid > 31)
		return -MV_EINVAL;
	wr32(rd, GICR_ISENABLER0, 1U << intid);
	return 0;
}

void mv_arch_send_ipi(unsigned int cpu, enum mv_ipi ipi)
{
	u64 hwid = mv_cpus[cpu].hwid;
	u64 aff0 = hwid & 0xff;
	u64 sgi = ((u64)ipi << 24) | (1UL << (aff0 & 15)) |
		  ((aff0 >> 4) << 44) | (((hwid >> 8) & 0xff) << 16) |
		  (((hwid >> 16) & 0xff) << 32) | (((hwid >> 32) & 0xff) << 48);

	mv_dsb(ishst);
	mv_write_sysreg(ICC_SGI1R_EL1, sgi);
	mv_isb();
}

extern unsigned int mv_arm64_timer_intid;
void mv_arm64_timer_interrupt(void);

void mv_arm64_handle_irq(void *regs);
void mv_arm64_handle_irq(void *regs)
{
	(void)regs;
	mv_sched_irq_enter();
	for (;;) {
		u32 iar = mv_read_sysreg(ICC_IAR1_EL1);
		u32 intid = iar & 0xffffff;

		if (intid >= GIC_SPURIOUS)
			break;
		if (intid == MV_IPI_RESCHEDULE)
			mv_sched_ipi_reschedule();
		else if (intid == MV_IPI_STOP)
			mv_smp_ipi_stop();
		else if (intid == mv_arm64_timer_intid)
			mv_arm64_timer_interrupt();
		else if (intid == MV_IPI_KICK)
			mv_this_cpu()->ipis_received++;
		else if (intid == GIC_INTID_MAINTENANCE ||
			 intid == GIC_INTID_VTIMER)
			mv_arm64_guest_ppi(intid);
		else if (intid < 32 || intid >= nr_lines ||
			 !run_spi_handler(&spi_handlers[intid]))
			mv_log(MV_LOG_WARN, "gicv3: cpu%u: unhandled interrupt "
			       "%u\n", mv_this_cpu()->id, intid);
		mv_write_sysreg(ICC_EOIR1_EL1, iar);
		mv_isb();
	}
	mv_sched_irq_exit();
}
