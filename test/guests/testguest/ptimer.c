// SPDX-License-Identifier: GPL-2.0
/*
 * The ptimer test: the EL1 physical timer (CNTP_CTL/CVAL/TVAL_EL0), which
 * a hypervisor may trap and emulate, driven the way Linux's arch timer
 * driver drives it: program TVAL (or CVAL), clear IMASK, take the
 * interrupt, find ISTATUS set, set IMASK in the handler, EOI.
 */
#include <limits.h>

#include "tg.h"

#define CNT_ENABLE	(1UL << 0)
#define CNT_IMASK	(1UL << 1)
#define CNT_ISTATUS	(1UL << 2)

#define PTIMER_ROUNDS	100

static struct {
	volatile u64 fired;
	volatile u64 late_sum;		/* sum of (handler entry - CVAL) */
	volatile s64 late_min;
	volatile u64 no_istatus;	/* taken with ISTATUS clear */
	volatile u64 while_masked;	/* taken with IMASK already set */
	volatile u64 disabled;		/* taken with ENABLE clear */
	volatile u64 last_ctl;
} pt;

static inline u64 pcount(void)
{
	u64 v;

	isb();
	v = read_sysreg(cntpct_el0);
	isb();
	return v;
}

static inline void ctl_write(u64 v)
{
	write_sysreg(cntp_ctl_el0, v);
	isb();
}

void ptimer_irq(struct percpu *pc)
{
	u64 t = read_sysreg(cntpct_el0);
	u64 ctl = read_sysreg(cntp_ctl_el0);
	u64 cval = read_sysreg(cntp_cval_el0);
	s64 late = (s64)(t - cval);

	/* Like Linux: mask the timer, the next event unmasks it. */
	ctl_write(ctl | CNT_IMASK);
	pt.last_ctl = ctl;
	if (!(ctl & CNT_ENABLE))
		pt.disabled++;
	if (ctl & CNT_IMASK)
		pt.while_masked++;
	if (!(ctl & CNT_ISTATUS))
		pt.no_istatus++;
	pt.late_sum += late;
	if (late < pt.late_min)
		pt.late_min = late;
	pt.fired++;
}

static void ptimer_off(struct percpu *pc)
{
	ctl_write(0);
	gic_disable_ppi(pc, dt.ptimer_irq);
}

/* Register round trips with no interrupt expected; 0 or -1 (FAILed). */
static int ptimer_registers(void)
{
	u64 ctl, t, cval, t1, t2;
	s64 tv1, tv2;
	unsigned int i;

	ctl_write(0);
	ctl = read_sysreg(cntp_ctl_el0);
	if (ctl & (CNT_ENABLE | CNT_IMASK)) {
		test_fail("ptimer", "CNTP_CTL 0x%lx after writing 0", ctl);
		return -1;
	}
	ctl_write(CNT_IMASK);
	ctl = read_sysreg(cntp_ctl_el0);
	if ((ctl & (CNT_ENABLE | CNT_IMASK)) != CNT_IMASK) {
		test_fail("ptimer", "CNTP_CTL 0x%lx after writing IMASK", ctl);
		return -1;
	}

	/* Enabled, 1 s ahead: ISTATUS clear, CVAL as written. */
	t = pcount();
	cval = t + cntfrq;
	write_sysreg(cntp_cval_el0, cval);
	ctl_write(CNT_ENABLE | CNT_IMASK);
	ctl = read_sysreg(cntp_ctl_el0);
	if (ctl != (CNT_ENABLE | CNT_IMASK)) {
		test_fail("ptimer", "CNTP_CTL 0x%lx 1 s before CVAL, want 0x3",
			  ctl);
		return -1;
	}
	if (read_sysreg(cntp_cval_el0) != cval) {
		test_fail("ptimer", "CNTP_CVAL reads 0x%lx, wrote 0x%lx",
			  read_sysreg(cntp_cval_el0), cval);
		return -1;
	}

	/* TVAL = CVAL - CNTPCT, counting down. */
	t1 = pcount();
	tv1 = (s32)read_sysreg(cntp_tval_el0);
	t2 = pcount();
	if (tv1 > (s64)(cval - t1) || tv1 < (s64)(cval - t2)) {
		test_fail("ptimer", "CNTP_TVAL %ld outside [%ld, %ld]", tv1,
			  (s64)(cval - t2), (s64)(cval - t1));
		return -1;
	}
	for (i = 0; i < 1000000 && pcount() - t2 < us_to_ticks(100); i++)
		;
	tv2 = (s32)read_sysreg(cntp_tval_el0);
	if (tv2 >= tv1) {
		test_fail("ptimer", "CNTP_TVAL does not count down: %ld then %ld",
			  tv1, tv2);
		return -1;
	}

	/* Written through TVAL: CVAL = CNTPCT + TVAL. */
	t1 = pcount();
	write_sysreg(cntp_tval_el0, cntfrq);
	isb();
	t2 = pcount();
	cval = read_sysreg(cntp_cval_el0);
	if (cval < t1 + cntfrq || cval > t2 + cntfrq) {
		test_fail("ptimer", "CVAL 0x%lx after TVAL=%lu, want 0x%lx-0x%lx",
			  cval, cntfrq, t1 + cntfrq, t2 + cntfrq);
		return -1;
	}

	/* Expired but masked: ISTATUS set, no interrupt for 2 ms. */
	write_sysreg(cntp_cval_el0, pcount() - 1);
	isb();
	ctl = read_sysreg(cntp_ctl_el0);
	if (ctl != (CNT_ENABLE | CNT_IMASK | CNT_ISTATUS)) {
		test_fail("ptimer", "CNTP_CTL 0x%lx after CVAL, masked, want 0x7",
			  ctl);
		return -1;
	}
	t = pcount();
	while (pcount() - t < ms_to_ticks(2))
		;
	if (pt.fired) {
		test_fail("ptimer", "interrupt with IMASK set (CTL 0x%lx)",
			  pt.last_ctl);
		return -1;
	}
	ctl_write(0);
	return 0;
}

void test_ptimer(void)
{
	struct percpu *pc = this_cpu();
	u64 period = us_to_ticks(200), cval = 0, t1, t2, ctl, before, vfired;
	u64 istatus_early = 0, istatus_late = 0;
	char late[24];
	s64 tv;
	int i;

	pt.fired = pt.late_sum = pt.no_istatus = 0;
	pt.while_masked = pt.disabled = 0;
	pt.late_min = LONG_MAX;
	ctl_write(0);
	gic_enable_ppi(pc, dt.ptimer_irq);
	if (ptimer_registers()) {
		ptimer_off(pc);
		return;
	}

	for (i = 0; i < PTIMER_ROUNDS; i++) {
		before = pt.fired;
		vfired = pc->timer_fired;
		/* The virtual timer is a 1 s watchdog on the wait. */
		timer_arm(now() + cntfrq, TIMER_ONESHOT);
		/* Like Linux's set_next_event: the deadline, then CTL. */
		if (i & 1) {
			cval = pcount() + period;
			write_sysreg(cntp_cval_el0, cval);
		} else {
			t1 = pcount();
			write_sysreg(cntp_tval_el0, period);
			isb();
			cval = read_sysreg(cntp_cval_el0);
			if (cval < t1 + period) {
				timer_stop();
				ptimer_off(pc);
				test_fail("ptimer", "round %d: CVAL 0x%lx < "
					  "0x%lx after TVAL=%lu", i, cval,
					  t1 + period, period);
				return;
			}
		}
		irq_disable();
		ctl_write(CNT_ENABLE);
		/* ISTATUS says whether CNTPCT >= CVAL at the read. */
		t1 = pcount();
		ctl = read_sysreg(cntp_ctl_el0);
		tv = (s32)read_sysreg(cntp_tval_el0);
		t2 = pcount();
		if ((ctl & CNT_ISTATUS) && t2 < cval)
			istatus_early++;
		if (!(ctl & CNT_ISTATUS) && t1 >= cval)
			istatus_late++;
		if (tv > (s64)(cval - t1) || tv < (s64)(cval - t2)) {
			irq_enable();
			timer_stop();
			ptimer_off(pc);
			test_fail("ptimer", "round %d: TVAL %ld, want %ld..%ld",
				  i, tv, (s64)(cval - t2), (s64)(cval - t1));
			return;
		}
		while (pt.fired == before && pc->timer_fired == vfired) {
			wfi();
			irq_enable();
			irq_disable();
		}
		irq_enable();
		timer_stop();
		if (pt.fired == before) {
			ptimer_off(pc);
			test_fail("ptimer", "no interrupt in round %d (CTL 0x%lx "
				  "CVAL 0x%lx CNTPCT 0x%lx)", i,
				  read_sysreg(cntp_ctl_el0),
				  read_sysreg(cntp_cval_el0), pcount());
			return;
		}
	}
	ptimer_off(pc);

	if (pt.fired != PTIMER_ROUNDS)
		test_fail("ptimer", "%lu interrupts for %d deadlines", pt.fired,
			  PTIMER_ROUNDS);
	else if (pt.no_istatus || pt.while_masked || pt.disabled)
		test_fail("ptimer", "interrupts with ISTATUS clear %lu, IMASK "
			  "set %lu, ENABLE clear %lu", pt.no_istatus,
			  pt.while_masked, pt.disabled);
	else if (pt.late_min < 0)
		test_fail("ptimer", "interrupt %ld ticks before CVAL",
			  -pt.late_min);
	else if (istatus_early || istatus_late)
		test_fail("ptimer", "ISTATUS set before CVAL %lu times, clear "
			  "after it %lu times", istatus_early, istatus_late);
	else {
		fmt_fixed2(late, sizeof(late),
			   (s64)pt.late_sum * 100 / PTIMER_ROUNDS);
		test_pass("ptimer", "%lu irqs mean-late %s ticks min %ld",
			  pt.fired, late, pt.late_min);
	}
}
