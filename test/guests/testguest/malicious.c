// SPDX-License-Identifier: GPL-2.0
/*
 * The malicious test: rounds of things a guest has no business doing,
 * chosen by an xorshift PRNG: system registers (malicious_ops.S), loads
 * and stores outside RAM, random HVC/SMC, SGI storms, PSCI calls with
 * bogus arguments. The guest keeps itself alive by skipping every
 * faulting instruction; it fails only if the hypervisor accepts what it
 * must refuse (CPU_ON of a CPU that does not exist or is on) or if
 * something reached the guest's own memory or killed its timer.
 */
#include "tg.h"

typedef void (*malop_fn)(u64 x0);
extern const malop_fn malops_table[], malops_table_end[];

static u64 rng_state;

static u64 rnd(void)
{
	u64 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dUL;
}

static u64 rnd_below(u64 n)
{
	return n ? rnd() % n : 0;
}

/* A random argument: small numbers, all ones and anything. */
static u64 rnd_arg(void)
{
	switch (rnd_below(4)) {
	case 0:
		return rnd_below(16);
	case 1:
		return ~0UL;
	default:
		return rnd();
	}
}

static struct {
	u64 sysreg, mmio, hvc, sgi, psci, bad_accept;
} cnt;

static u32 canary[1024];

static u32 canary_sum(void)
{
	u32 s = 0;
	unsigned int i;

	for (i = 0; i < 1024; i++)
		s = s * 31 + canary[i];
	return s;
}

/* (a) one random system-register operation */
static void do_sysreg(void)
{
	u64 n = malops_table_end - malops_table;

	malops_table[rnd_below(n)](rnd_arg());
	cnt.sysreg++;
}

static bool in_range(u64 a, u64 len, u64 base, u64 size)
{
	return a < base + size && base < a + len;
}

static bool store_allowed(u64 a, u64 len)
{
	unsigned int i;

	for (i = 0; i < dt.nregions; i++) {
		if (in_range(a, len, dt.region_base[i], dt.region_size[i]))
			return false;
	}
	return !in_range(a, len, dt.gicd, dt.gicd_size) &&
	       !in_range(a, len, dt.gicr, dt.gicr_size);
}

/* (b) a load or store at a random IPA outside RAM and the UART */
static void do_mmio(void)
{
	u64 ram_end = dt.ram_base + dt.ram_size, a, len, v = rnd();
	bool store = rnd() & 1;
	unsigned int tries;

	for (tries = 0; tries < 16; tries++) {
		switch (rnd_below(3)) {
		case 0:
			a = rnd_below(dt.ram_base);
			break;
		case 1:
			a = ram_end + rnd_below(16 << 20);
			break;
		default:
			a = ram_end + rnd_below(pa_limit - ram_end);
			break;
		}
		len = 1UL << rnd_below(4);
		if (rnd_below(16))
			a &= ~(len - 1);	/* mostly aligned */
		if (a + len > pa_limit ||
		    in_range(a, len, dt.ram_base, dt.ram_size) ||
		    in_range(a, len, console_base() & ~0xfffUL, 0x1000))
			continue;
		if (store && !store_allowed(a, len))
			continue;
		break;
	}
	if (tries == 16)
		return;

	switch (len | (store ? 0x10 : 0)) {
	case 1:
		asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
		break;
	case 2:
		asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
		break;
	case 4:
		asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
		break;
	case 8:
		asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
		break;
	case 0x11:
		asm volatile("strb %w0, [%1]" : : "r"(v), "r"(a) : "memory");
		break;
	case 0x12:
		asm volatile("strh %w0, [%1]" : : "r"(v), "r"(a) : "memory");
		break;
	case 0x14:
		asm volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
		break;
	default:
		asm volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
		break;
	}
	cnt.mmio++;
}

/*
 * A random SMCCC function id, never in the standard secure service range
 * (PSCI, SDEI: 0x84xxxxxx, 0xc4xxxxxx): SYSTEM_OFF, CPU_OFF and friends
 * would end the test.
 */
static u64 rnd_function_id(void)
{
	u64 id;

	switch (rnd_below(4)) {
	case 0:
		id = 0x80000000 | rnd_below(0x100);	/* arch calls */
		break;
	case 1:
		id = 0x86000000 | (rnd() & 0x400000ff); /* vendor hyp */
		break;
	default:
		id = rnd() & 0xffffffff;
		break;
	}
	if (((id >> 24) & 0x3f) == 4)
		id ^= 1UL << 24;
	if (!rnd_below(4))
		id |= rnd() << 32;	/* junk in the upper half of x0 */
	return id;
}

/* (c) HVC or SMC with a random function id and arguments */
static void do_hvc(void)
{
	u64 id = rnd_function_id();

	if (rnd() & 1)
		hvc_call(id, rnd_arg(), rnd_arg(), rnd_arg());
	else
		smc_call(id, rnd_arg(), rnd_arg(), rnd_arg());
	cnt.hvc++;
}

/* (d) a burst of 100 SGIs to random targets, existing or not */
static void do_sgi_burst(void)
{
	unsigned int i;

	for (i = 0; i < 100; i++) {
		u64 v = rnd_below(16) << 24 | (rnd() & 0xffff);

		if (!rnd_below(2))
			v |= (rnd() & 0xff) << 16;		/* Aff1 */
		if (!rnd_below(4))
			v |= (rnd() & 0xff) << 32;		/* Aff2 */
		if (!rnd_below(4))
			v |= (rnd() & 0xff) << 48;		/* Aff3 */
		if (!rnd_below(8))
			v |= (rnd() & 0xf) << 44;		/* RS */
		if (!rnd_below(8))
			v |= 1UL << 40;				/* IRM */
		asm volatile("msr s3_0_c12_c11_5, %0\n\tisb"
			     : : "r"(v) : "memory");
		cnt.sgi++;
	}
}

static bool mpidr_exists(u64 m)
{
	unsigned int i;

	for (i = 0; i < dt.ncpus; i++) {
		if ((dt.cpu_mpidr[i] & 0xffffff) == (m & 0xffffff))
			return true;
	}
	return false;
}

static u64 rnd_entry(void)
{
	switch (rnd_below(4)) {
	case 0:
		return rnd_below(dt.ram_base);		/* below RAM */
	case 1:
		return dt.ram_base + dt.ram_size + rnd_below(1UL << 32);
	case 2:
		return (u64)secondary_entry + 1 + rnd_below(3); /* unaligned */
	default:
		return rnd();
	}
}

/* (e) PSCI with bogus arguments; never SYSTEM_OFF/RESET or CPU_OFF */
static void do_psci(void)
{
	struct percpu *pc = this_cpu();
	u64 m, fired;
	s64 r;

	switch (rnd_below(7)) {
	case 0:	/* CPU_ON of a CPU that does not exist */
		do
			m = rnd_arg();
		while (mpidr_exists(m));
		r = psci_call(rnd() & 1 ? PSCI_CPU_ON : 0x84000003, m,
			      rnd_entry(), rnd());
		if (r == PSCI_SUCCESS) {
			tg_printf("tg: malicious: CPU_ON(0x%lx) succeeded\n", m);
			cnt.bad_accept++;
		}
		break;
	case 1:	/* CPU_ON of ourselves, which is on */
		r = psci_call(PSCI_CPU_ON, dt.cpu_mpidr[0], rnd_entry(), rnd());
		if (r == PSCI_SUCCESS) {
			tg_printf("tg: malicious: CPU_ON(self) succeeded\n");
			cnt.bad_accept++;
		}
		break;
	case 2:	/*
		 * CPU_SUSPEND with a random standby (never power-down) state:
		 * StateType (bit 16, or bit 30 in the extended format) clear.
		 * The vtimer wakes us; a power-down would resume at the trap.
		 */
		m = rnd() & ~((1UL << 16) | (1UL << 30));
		if (rnd() & 1)
			m &= 0xffffffff;
		fired = pc->timer_fired;
		/*
		 * Masked until the call: a timer handled before it would
		 * leave the standby nothing to wake on. A pending interrupt
		 * ends a standby whether or not it is masked.
		 */
		irq_disable();
		timer_arm(now() + us_to_ticks(200), TIMER_ONESHOT);
		psci_call(rnd() & 1 ? PSCI_CPU_SUSPEND : 0x84000001, m,
			  (u64)suspend_resume_trap, rnd());
		irq_enable();
		wait_timer(fired + 1, cntfrq);
		timer_stop();
		break;
	case 3:	/* AFFINITY_INFO with random affinity and level */
		psci_call(PSCI_AFFINITY_INFO, rnd_arg(), rnd_arg(), 0);
		break;
	case 4:
		psci_call(PSCI_FEATURES, rnd_function_id(), rnd(), rnd());
		break;
	case 5:
		psci_call(rnd() & 1 ? PSCI_MIGRATE : PSCI_MIGRATE_INFO_UP,
			  rnd_arg(), rnd(), rnd());
		break;
	default:
		psci_call(PSCI_NODE_HW_STATE, rnd_arg(), rnd_arg(), rnd());
		break;
	}
	cnt.psci++;
}

void test_malicious(void)
{
	struct percpu *pc = this_cpu();
	u64 rounds = bootarg_u64("rounds", TG_DEFAULT_ROUNDS), round, seed;
	u32 sum;
	unsigned int i;
	s64 aff = 1;

	seed = bootarg_u64("seed", now() | 1);
	rng_state = seed ? seed : 1;
	tg_printf("tg: malicious: seed 0x%lx, %lu ops in the table\n", seed,
		  (u64)(malops_table_end - malops_table));
	for (i = 0; i < 1024; i++)
		canary[i] = (u32)rnd();
	sum = canary_sum();
	cnt.sysreg = cnt.mmio = cnt.hvc = cnt.sgi = cnt.psci = 0;
	cnt.bad_accept = 0;

	pc->faults = 0;
	pc->serrors = 0;
	pc->fault_mode = FAULT_SKIP;
	for (round = 1; round <= rounds; round++) {
		for (i = 0; i < 32; i++)
			do_sysreg();
		for (i = 0; i < 32; i++)
			do_mmio();
		for (i = 0; i < 50; i++)
			do_hvc();
		do_sgi_burst();
		for (i = 0; i < 8; i++)
			do_psci();
		if (round % 50 == 0)
			tg_printf("tg: malicious round %lu\n", round);
	}
	/* Quiet what the random writes may have switched on. */
	asm volatile("msr cntp_ctl_el0, xzr\n\t"
		     "msr mdscr_el1, xzr\n\t"
		     "msr pmcr_el0, xzr\n\t"
		     "msr pmcntenclr_el0, %0\n\t"
		     "msr pmintenclr_el1, %0\n\t"
		     "msr oslar_el1, xzr\n\t"
		     "isb" : : "r"(~0UL) : "memory");
	pc->fault_mode = FAULT_FATAL;

	if (dt.ncpus >= 2)
		aff = psci_call(PSCI_AFFINITY_INFO, dt.cpu_mpidr[1], 0, 0);
	if (cnt.bad_accept) {
		test_fail("malicious", "%lu bogus CPU_ON calls succeeded",
			  cnt.bad_accept);
	} else if (aff != 1) {
		test_fail("malicious", "cpu1 AFFINITY_INFO %ld, want OFF", aff);
	} else if (canary_sum() != sum) {
		test_fail("malicious", "guest memory changed under the test");
	} else {
		u64 fired = pc->timer_fired;

		timer_arm(now() + ms_to_ticks(1), TIMER_ONESHOT);
		if (wait_timer(fired + 1, cntfrq)) {
			test_fail("malicious", "vtimer dead after the test");
			return;
		}
		timer_stop();
		test_pass("malicious",
			  "rounds=%lu sysreg=%lu mmio=%lu hvc=%lu sgi=%lu psci=%lu faults=%lu",
			  rounds, cnt.sysreg, cnt.mmio, cnt.hvc, cnt.sgi,
			  cnt.psci, pc->faults);
	}
}
