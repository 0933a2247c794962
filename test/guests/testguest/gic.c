// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3 as a guest OS drives it: the distributor (affinity routing,
 * group 1), each CPU's redistributor (found by GICR_TYPER affinity) and
 * the system-register CPU interface.
 */
#include "tg.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1U << 31)
#define GICD_CTLR_ARE_NS	(1U << 4)
#define GICD_CTLR_GRP1		(1U << 1)

#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ICPENDR		0x0280
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000

#define GICR_STRIDE		0x20000
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		(1UL << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1U << 1)
#define GICR_WAKER_ASLEEP	(1U << 2)
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_ICPENDR0		(GICR_SGI + 0x0280)
#define GICR_ICACTIVER0		(GICR_SGI + 0x0380)
#define GICR_IPRIORITYR		(GICR_SGI + 0x0400)

#define ICC_SRE_EL1		s3_0_c12_c12_5
#define ICC_PMR_EL1		s3_0_c4_c6_0
#define ICC_BPR1_EL1		s3_0_c12_c12_3
#define ICC_CTLR_EL1		s3_0_c12_c12_4
#define ICC_IGRPEN1_EL1		s3_0_c12_c12_7
#define ICC_IAR1_EL1		s3_0_c12_c12_0
#define ICC_EOIR1_EL1		s3_0_c12_c12_1
#define ICC_SGI1R_EL1		s3_0_c12_c11_5

static int wait_clear(u64 addr, u32 mask)
{
	unsigned int i;

	for (i = 0; i < 1000000; i++) {
		if (!(mmio_read32(addr) & mask))
			return 0;
	}
	return -1;
}

void gic_dist_init(void)
{
	mmio_write32(dt.gicd + GICD_CTLR, 0);
	wait_clear(dt.gicd + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(dt.gicd + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_GRP1);
	wait_clear(dt.gicd + GICD_CTLR, GICD_CTLR_RWP);
}

static u64 mpidr_to_typer_aff(u64 mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
}

static u64 find_redist(u64 mpidr)
{
	u64 aff = mpidr_to_typer_aff(mpidr), rd, end;

	end = dt.gicr_size ? dt.gicr + dt.gicr_size :
			     dt.gicr + TG_MAX_CPUS * GICR_STRIDE;
	for (rd = dt.gicr; rd < end; rd += GICR_STRIDE) {
		u64 typer = mmio_read64(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

/* Redistributor and CPU interface of the calling CPU. */
int gic_cpu_init(struct percpu *pc)
{
	u64 rd = find_redist(pc->mpidr);
	unsigned int i;

	if (!rd) {
		tg_printf("tg: cpu%u: no redistributor for mpidr 0x%lx\n",
			  pc->idx, pc->mpidr);
		return -1;
	}
	pc->gicr = rd;

	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (wait_clear(rd + GICR_WAKER, GICR_WAKER_ASLEEP))
		tg_printf("tg: cpu%u: redistributor stays asleep\n", pc->idx);

	/* Forget whatever was left pending or active from a previous life. */
	mmio_write32(rd + GICR_ICENABLER0, ~0U);
	mmio_write32(rd + GICR_ICPENDR0, ~0U);
	mmio_write32(rd + GICR_ICACTIVER0, ~0U);
	mmio_write32(rd + GICR_IGROUPR0, ~0U);
	for (i = 0; i < 32; i += 4)
		mmio_write32(rd + GICR_IPRIORITYR + i, 0xa0a0a0a0);
	wait_clear(rd + GICR_CTLR, 1U << 3);	/* RWP */
	/* All SGIs: the malicious test sends random ones to itself. */
	mmio_write32(rd + GICR_ISENABLER0, 0xffff);

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 7);
	isb();
	if (!(read_sysreg(ICC_SRE_EL1) & 1)) {
		tg_printf("tg: cpu%u: ICC_SRE_EL1.SRE stays 0\n", pc->idx);
		return -1;
	}
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);		/* EOImode 0 */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

void gic_enable_ppi(struct percpu *pc, unsigned int intid)
{
	mmio_write32(pc->gicr + GICR_ISENABLER0, 1U << intid);
}

void gic_disable_ppi(struct percpu *pc, unsigned int intid)
{
	mmio_write32(pc->gicr + GICR_ICENABLER0, 1U << intid);
	wait_clear(pc->gicr + GICR_CTLR, 1U << 3);	/* RWP */
}

/*
 * A shared peripheral interrupt as Linux sets one up: group 1, the same
 * priority as the private ones, level-sensitive, routed to @mpidr.
 */
void gic_enable_spi(unsigned int intid, u64 mpidr)
{
	u64 reg = (intid / 32) * 4, bit = 1U << (intid % 32);
	u64 prio = dt.gicd + GICD_IPRIORITYR + (intid & ~3U);
	u64 cfg = dt.gicd + GICD_ICFGR + (intid / 16) * 4;
	unsigned int shift = (intid & 3) * 8;

	mmio_write32(dt.gicd + GICD_ICENABLER + reg, bit);
	wait_clear(dt.gicd + GICD_CTLR, GICD_CTLR_RWP);
	mmio_write32(dt.gicd + GICD_IGROUPR + reg,
		     mmio_read32(dt.gicd + GICD_IGROUPR + reg) | bit);
	mmio_write32(prio, (mmio_read32(prio) & ~(0xffU << shift)) |
			   0xa0U << shift);
	mmio_write32(cfg, mmio_read32(cfg) & ~(2U << (intid % 16) * 2));
	mmio_write32(dt.gicd + GICD_IROUTER + intid * 8,
		     (u32)(mpidr & 0xffffff));
	mmio_write32(dt.gicd + GICD_IROUTER + intid * 8 + 4,
		     (u32)(mpidr >> 32) & 0xff);
	mmio_write32(dt.gicd + GICD_ICPENDR + reg, bit);
	mmio_write32(dt.gicd + GICD_ISENABLER + reg, bit);
}

void gic_disable_spi(unsigned int intid)
{
	mmio_write32(dt.gicd + GICD_ICENABLER + (intid / 32) * 4,
		     1U << (intid % 32));
	wait_clear(dt.gicd + GICD_CTLR, GICD_CTLR_RWP);
}

void gic_cpu_disable(void)
{
	write_sysreg(ICC_IGRPEN1_EL1, 0);
	isb();
}

u32 gic_ack(void)
{
	u32 intid = read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	dsb(sy);
	return intid;
}

void gic_eoi(u32 intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

u64 gic_sgi1r_value(u64 mpidr, unsigned int intid)
{
	u64 aff0 = mpidr & 0xff;

	return ((mpidr >> 8) & 0xff) << 16 |		/* Aff1 */
	       ((mpidr >> 16) & 0xff) << 32 |		/* Aff2 */
	       ((mpidr >> 32) & 0xff) << 48 |		/* Aff3 */
	       (aff0 >> 4) << 44 |			/* RS */
	       (u64)(intid & 0xf) << 24 |
	       1UL << (aff0 & 0xf);			/* target list */
}

void gic_send_sgi(u64 mpidr, unsigned int intid)
{
	dsb(ishst);
	write_sysreg(ICC_SGI1R_EL1, gic_sgi1r_value(mpidr, intid));
	isb();
}
