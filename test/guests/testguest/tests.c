// SPDX-License-Identifier: GPL-2.0
/* The tests the bootargs name (malicious.c and smp.c hold the others). */
#include <libfdt.h>
#include <limits.h>
#include <string.h>

#include "tg.h"

#define UARTFR		0x18
#define UARTCR		0x30
#define UARTFR_TXFF	(1U << 5)
#define UARTCR_TXE	(1U << 8)

static void timer_reset_stats(struct percpu *pc)
{
	pc->timer_fired = 0;
	pc->timer_late_sum = 0;
	pc->timer_late_min = LONG_MAX;
}

/* ------------------------------------------------------------------ */

static u32 uart_id(u64 base, unsigned int off)
{
	unsigned int i;
	u32 v = 0;

	for (i = 0; i < 4; i++)
		v |= (mmio_read32(base + off + 4 * i) & 0xff) << (8 * i);
	return v;
}

void test_uart(void)
{
	static const char line[] = "tg: uart: hello from the test guest\n";
	u64 base = console_base();
	unsigned int i;
	u32 fr, cr, pid, cid;

	tg_printf("%s", line);
	for (i = 0; i < 1000000; i++) {
		fr = mmio_read32(base + UARTFR);
		if (!(fr & UARTFR_TXFF))
			break;
	}
	cr = mmio_read32(base + UARTCR);
	pid = uart_id(base, 0xfe0);
	cid = uart_id(base, 0xff0);
	if (fr & UARTFR_TXFF)
		test_fail("uart", "UARTFR.TXFF stays set (fr=0x%x)", fr);
	else if (fr & ~0x1ffU)
		test_fail("uart", "UARTFR reserved bits set: 0x%x", fr);
	else if (!(cr & UARTCR_TXE))
		test_fail("uart", "UARTCR.TXE clear: 0x%x", cr);
	else if ((pid & 0xfffff) != 0x41011 || cid != 0xb105f00d)
		test_fail("uart", "not a PL011: periphid 0x%x cellid 0x%x",
			  pid, cid);
	else
		test_pass("uart", "%zu chars fr=0x%x cr=0x%x periphid=0x%x",
			  strlen(line), fr, cr, pid);
}

/* ------------------------------------------------------------------ */

void test_timer(void)
{
	struct percpu *pc = this_cpu();
	u64 period = us_to_ticks(100), t0, t1;
	char late[24];

	timer_reset_stats(pc);
	pc->timer_target = 1000;
	pc->timer_period = period;
	t0 = now();
	timer_arm(t0 + period, TIMER_REARM);
	if (wait_timer(1000, 60 * cntfrq)) {
		timer_stop();
		test_fail("timer", "only %lu of 1000 interrupts", pc->timer_fired);
		return;
	}
	t1 = now();
	timer_stop();
	if (pc->timer_late_min < 0) {
		test_fail("timer", "interrupt %ld ticks before CVAL",
			  -pc->timer_late_min);
		return;
	}
	fmt_fixed2(late, sizeof(late), pc->timer_late_sum * 100 / 1000);
	test_pass("timer", "1000 irqs mean-late %s ticks min %ld total %lu ticks",
		  late, pc->timer_late_min, t1 - t0);
}

/* ------------------------------------------------------------------ */

void test_wfi(void)
{
	struct percpu *pc = this_cpu();
	u64 sum = 0, max = 0, cval, woke, fired;
	char mean[24];
	int i;

	timer_reset_stats(pc);
	for (i = 0; i < 20; i++) {
		fired = pc->timer_fired;
		cval = now() + ms_to_ticks(1);
		timer_arm(cval, TIMER_ONESHOT);
		irq_disable();
		wfi();
		woke = now();
		irq_enable();
		if (woke < cval) {
			timer_stop();
			test_fail("wfi", "woke %lu ticks before CVAL (round %d)",
				  cval - woke, i);
			return;
		}
		if (wait_timer(fired + 1, cntfrq)) {
			timer_stop();
			test_fail("wfi", "no timer interrupt after WFI (round %d)",
				  i);
			return;
		}
		if (pc->timer_last_now < cval) {
			test_fail("wfi", "interrupt %lu ticks before CVAL",
				  cval - pc->timer_last_now);
			return;
		}
		sum += woke - cval;
		if (woke - cval > max)
			max = woke - cval;
	}
	timer_stop();
	fmt_fixed2(mean, sizeof(mean), sum * 100 / 20);
	test_pass("wfi", "20 wakeups latency mean %s max %lu ticks", mean, max);
}

/* ------------------------------------------------------------------ */

static bool el_implemented(unsigned int el)
{
	return (read_sysreg(id_aa64pfr0_el1) >> (4 * el)) & 0xf;
}

void test_psci(void)
{
	struct percpu *pc = this_cpu();
	u64 unknown = 0x86fffff0, bogus_mpidr = 0xff;
	const char *conduit = dt.psci_smc ? "smc" : "hvc";
	unsigned int i;
	s64 v, r;

	if (!dt.psci_present) {
		test_fail("psci", "no /psci node in the DT");
		return;
	}
	v = psci_call(PSCI_VERSION, 0, 0, 0);
	if (v < 0x10000) {
		test_fail("psci", "PSCI_VERSION 0x%lx < 1.0", v);
		return;
	}
	r = psci_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0);
	if (r != 0) {
		test_fail("psci", "PSCI_FEATURES(CPU_ON) = %ld, want 0", r);
		return;
	}
	r = psci_call(PSCI_FEATURES, 0x840000ff, 0, 0);
	if (r != PSCI_NOT_SUPPORTED) {
		test_fail("psci", "PSCI_FEATURES(0x840000ff) = %ld, want -1", r);
		return;
	}
	r = psci_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
	if (r != 2) {
		test_fail("psci", "MIGRATE_INFO_TYPE = %ld, want 2", r);
		return;
	}

	/*
	 * An unknown function id must return NOT_SUPPORTED. With no EL2 (or
	 * EL3 for SMC) the instruction itself is UNDEFINED: natively, that
	 * is what the architecture says.
	 */
	pc->faults = 0;
	pc->fault_mode = FAULT_SKIP;
	r = psci_call(unknown, 0, 0, 0);
	pc->fault_mode = FAULT_FATAL;
	if (pc->faults) {
		if ((pc->last_esr >> 26) != EC_UNKNOWN ||
		    el_implemented(dt.psci_smc ? 3 : 2)) {
			test_fail("psci", "%s 0x%lx took exception ESR=0x%lx",
				  conduit, unknown, pc->last_esr);
			return;
		}
		conduit = dt.psci_smc ? "smc(undef)" : "hvc(undef)";
	} else if (r != PSCI_NOT_SUPPORTED) {
		test_fail("psci", "%s 0x%lx = %ld, want -1", conduit, unknown, r);
		return;
	}

	for (i = 0; i < dt.ncpus; i++) {
		if ((dt.cpu_mpidr[i] & 0xffffff) == bogus_mpidr)
			bogus_mpidr += 0x100;
	}
	r = psci_call(PSCI_CPU_ON, bogus_mpidr, (u64)secondary_entry, 0);
	if (r != PSCI_INVALID_PARAMS) {
		test_fail("psci", "CPU_ON(mpidr 0x%lx) = %ld, want -2",
			  bogus_mpidr, r);
		return;
	}
	r = psci_call(PSCI_CPU_ON, dt.cpu_mpidr[0], (u64)secondary_entry, 0);
	if (r != PSCI_ALREADY_ON) {
		test_fail("psci", "CPU_ON(self) = %ld, want -4", r);
		return;
	}
	r = psci_call(PSCI_AFFINITY_INFO, dt.cpu_mpidr[0], 0, 0);
	if (r != 0) {
		test_fail("psci", "AFFINITY_INFO(self) = %ld, want 0", r);
		return;
	}
	test_pass("psci", "version %lu.%lu conduit %s", (u64)v >> 16,
		  (u64)v & 0xffff, conduit);
}

/* ------------------------------------------------------------------ */

#define SMCCC_VERSION	0x80000000U
#define TRNG_VERSION	0x84000050U
#define TRNG_FEATURES	0x84000051U
#define TRNG_RND32	0x84000053U
#define TRNG_RND64	0xc4000053U
#define TRNG_DRAWS	16

static unsigned int bits_set(u64 v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/*
 * The Arm TRNG firmware interface over SMCCC 1.1: what Linux seeds its
 * random numbers from. 16 draws of 192 bits: no two alike, about half
 * the bits set; fewer bits asked, zeros above them; 0 or too many bits:
 * INVALID_PARAMETERS.
 */
void test_trng(void)
{
	u64 r[4], draws[TRNG_DRAWS][3];
	unsigned int i, j, ones = 0;
	s64 v;

	if (psci_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0) != 0 ||
	    (v = psci_call(SMCCC_VERSION, 0, 0, 0)) < 0x10001) {
		test_fail("trng", "no SMCCC 1.1");
		return;
	}
	v = psci_call(TRNG_VERSION, 0, 0, 0);
	if (v < 0x10000 || psci_call(TRNG_FEATURES, TRNG_RND64, 0, 0) != 0) {
		test_fail("trng", "TRNG_VERSION %ld, no RND64", v);
		return;
	}
	for (i = 0; i < TRNG_DRAWS; i++) {
		smccc_call_res(TRNG_RND64, 192, r);
		if (r[0]) {
			test_fail("trng", "RND64(192) = %ld", (s64)r[0]);
			return;
		}
		for (j = 0; j < 3; j++) {
			draws[i][j] = r[j + 1];
			ones += bits_set(r[j + 1]);
		}
		for (j = 0; j < i; j++) {
			if (draws[j][0] == draws[i][0] &&
			    draws[j][1] == draws[i][1] &&
			    draws[j][2] == draws[i][2]) {
				test_fail("trng", "draws %u and %u alike", j, i);
				return;
			}
		}
	}
	/* 3072 bits: 1536 expected, 17 standard deviations either way. */
	if (ones < 1300 || ones > 1772) {
		test_fail("trng", "%u of %u bits set", ones, TRNG_DRAWS * 192);
		return;
	}
	smccc_call_res(TRNG_RND64, 8, r);
	if (r[0] || r[1] || r[2] || r[3] > 0xff) {
		test_fail("trng", "RND64(8) = %ld 0x%lx 0x%lx 0x%lx",
			  (s64)r[0], r[1], r[2], r[3]);
		return;
	}
	smccc_call_res(TRNG_RND32, 96, r);
	if ((s32)r[0] || r[1] > 0xffffffff || r[2] > 0xffffffff ||
	    r[3] > 0xffffffff) {
		test_fail("trng", "RND32(96) = %ld 0x%lx 0x%lx 0x%lx",
			  (s64)(s32)r[0], r[1], r[2], r[3]);
		return;
	}
	if (psci_call(TRNG_RND64, 0, 0, 0) != -2 ||
	    psci_call(TRNG_RND64, 193, 0, 0) != -2 ||
	    psci_call(TRNG_RND32, 97, 0, 0) != -2) {
		test_fail("trng", "0 or too many bits not refused");
		return;
	}
	test_pass("trng", "smccc 1.1 trng %lu.%lu %u draws %u/%u bits set",
		  (u64)v >> 16, (u64)v & 0xffff, TRNG_DRAWS, ones,
		  TRNG_DRAWS * 192);
}

/* ------------------------------------------------------------------ */

void test_abort(void)
{
	struct percpu *pc = this_cpu();
	u64 addr = bootarg_u64("abort-addr", TG_DEFAULT_ABORT_ADDR);
	u32 val;

	pc->faults = 0;
	pc->fault_mode = FAULT_SKIP;
	val = mmio_read32(addr);
	pc->fault_mode = FAULT_FATAL;
	if (!pc->faults) {
		test_fail("abort", "read of 0x%lx returned 0x%x, no abort", addr,
			  val);
		return;
	}
	if ((pc->last_esr >> 26) != EC_DABT_CUR) {
		test_fail("abort", "ESR 0x%lx is not a data abort", pc->last_esr);
		return;
	}
	if (pc->last_far != addr) {
		test_fail("abort", "FAR 0x%lx, want 0x%lx (ESR 0x%lx)",
			  pc->last_far, addr, pc->last_esr);
		return;
	}
	test_pass("abort", "ESR=0x%lx FAR=0x%lx", pc->last_esr, pc->last_far);
}

/* ------------------------------------------------------------------ */

void test_heartbeat(void)
{
	struct percpu *pc = this_cpu();
	u64 period = ms_to_ticks(50), next = now() + period, n;

	timer_reset_stats(pc);
	for (n = 1;; n++) {
		timer_arm(next, TIMER_ONESHOT);
		if (wait_timer(n, 60 * cntfrq)) {
			test_fail("heartbeat", "no timer interrupt for beat %lu",
				  n);
			return;
		}
		tg_printf("tg: beat %lu\n", n);
		next += period;
	}
}

void test_spin(void)
{
	volatile u64 count = 0;

	tg_printf("tg: spinning\n");
	asm volatile("msr daifset, #0xf" : : : "memory");
	for (;;)
		count++;
}

/* ------------------------------------------------------------------ */

#define RESET_MAGIC	0x54475243	/* "TGRC" */

void test_reset_count(void)
{
	u64 end = dt.ram_base + dt.ram_size, dtb = (u64)dt.fdt, addr;
	u32 n;

	if (!dt.ram_size) {
		test_fail("reset-count", "no /memory in the DT");
		return;
	}
	/* The last 16 bytes of RAM, or below the DTB if it is there. */
	addr = end - 16;
	if (addr < dtb + fdt_totalsize(dt.fdt) && dtb < end)
		addr = (dtb - 16) & ~15UL;
	if (addr < (u64)_end) {
		test_fail("reset-count", "no room at the end of RAM");
		return;
	}
	n = mmio_read32(addr) == RESET_MAGIC ? mmio_read32(addr + 4) : 0;
	n++;
	mmio_write32(addr, RESET_MAGIC);
	mmio_write32(addr + 4, n);
	dsb(sy);
	tg_printf("tg: boot %u\n", n);
	test_pass("reset-count", "boot %u word 0x%lx", n, addr);
}

/* ------------------------------------------------------------------ */

static s64 per_iter_x100(u64 total, u64 empty, u64 n)
{
	return ((s64)total - (s64)empty) * 100 / (s64)n;
}

static void bench_line(const char *what, s64 x100)
{
	char buf[24];

	fmt_fixed2(buf, sizeof(buf), x100);
	tg_printf("tg: bench: %s %s ticks\n", what, buf);
}

void test_bench(void)
{
	struct percpu *pc = this_cpu();
	const u64 n = 1000;
	u64 empty, t, sum = 0, mean;
	int i, e;

	empty = bench_empty(n);
	bench_line("empty-loop", empty * 100 / n);

	t = dt.psci_smc ? bench_smc(n) : bench_hvc(n);
	bench_line("hvc", per_iter_x100(t, empty, n));

	t = bench_mmio(n, console_base() + UARTFR);
	bench_line("mmio", per_iter_x100(t, empty, n));

	t = bench_sysreg(n);
	bench_line("sysreg", per_iter_x100(t, empty, n));

	timer_reset_stats(pc);
	for (i = 0; i < 100; i++) {
		u64 cval = now() + us_to_ticks(200);

		timer_arm(cval, TIMER_ONESHOT);
		if (wait_timer(i + 1, 10 * cntfrq)) {
			timer_stop();
			test_fail("bench", "no timer interrupt in wfi round %d",
				  i);
			return;
		}
		sum += pc->timer_last_now - cval;
	}
	timer_stop();
	bench_line("wfi", sum * 100 / 100);

	if (dt.ncpus >= 2) {
		e = cpu_up(1);
		if (e) {
			test_fail("bench", "cpu1 did not come up (%d)", e);
			return;
		}
		e = sgi_pingpong(1, 100, &mean);
		cpu_down(1, NULL);
		if (e) {
			test_fail("bench", "no SGI reply in round %d", -e);
			return;
		}
		bench_line("sgi-roundtrip", mean);
	} else {
		tg_printf("tg: bench: sgi-roundtrip n/a (one cpu)\n");
	}
	test_pass("bench", "cntfrq %lu", cntfrq);
}
