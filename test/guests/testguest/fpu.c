// SPDX-License-Identifier: GPL-2.0
/*
 * The fpu test: v0-v31, FPCR and FPSR hold a pattern from a seed (the
 * fpu-seed= bootarg mixed with MPIDR) while the vCPU leaves the CPU over
 * and over: an HVC (PSCI_VERSION), an MMIO read of the UART's FR, and
 * every 10th round a 200 us WFI sleep on the virtual timer, during which
 * the host CPU runs something else. After each of those every register
 * is checked (fpu_ops.S); the first one that changed is named.
 */
#include "tg.h"

#define UARTFR			0x18
#define CPACR_FPEN		(3UL << 20)
#define DEFAULT_FPU_ROUNDS	2000

#define LCG_A	0x5851f42d4c957f2dUL
#define LCG_C	0x14057b7ef767814fUL

/* FPCR: AHP, DN, FZ, RMode; FPSR: QC, IDC, IXC, UFC, OFC, DZC, IOC. */
#define FPCR_BITS	0x07c00000UL
#define FPSR_BITS	0x0800009fUL

static const char *const what_names[] = { "hvc", "mmio", "wfi sleep" };

/* What fpu_fill put into register @reg (v0-v31): lo, hi. */
static void expected(u64 seed, int reg, u64 *lo, u64 *hi)
{
	u64 x = seed;
	int i;

	*lo = *hi = 0;
	for (i = 0; i <= reg; i++) {
		x = x * LCG_A + LCG_C;
		*lo = x;
		x = x * LCG_A + LCG_C;
		*hi = x;
	}
}

static void report(u64 seed, int bad, u64 fpcr, u64 fpsr, u64 round,
		   const char *what)
{
	u64 regs[66] __attribute__((aligned(16)));
	u64 lo, hi;

	fpu_dump(regs);
	if (bad < 32) {
		expected(seed, bad, &lo, &hi);
		tg_printf("tg: fpu: v%d = 0x%016lx%016lx, want "
			  "0x%016lx%016lx\n", bad, regs[2 * bad + 1],
			  regs[2 * bad], hi, lo);
		test_fail("fpu", "v%d changed after %s in round %lu", bad, what,
			  round);
	} else {
		tg_printf("tg: fpu: FPCR = 0x%lx want 0x%lx, FPSR = 0x%lx "
			  "want 0x%lx\n", regs[64], fpcr, regs[65], fpsr);
		test_fail("fpu", "%s changed after %s in round %lu",
			  bad == 32 ? "FPCR" : "FPSR", what, round);
	}
}

void test_fpu(void)
{
	struct percpu *pc = this_cpu();
	u64 rounds = bootarg_u64("fpu-rounds", DEFAULT_FPU_ROUNDS);
	u64 seed = bootarg_u64("fpu-seed", 1) * 0x9e3779b97f4a7c15UL ^
		   pc->mpidr;
	u64 fpcr, fpsr, r, sleeps = 0, fired;
	unsigned int what;
	int bad;
	s64 v;

	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | CPACR_FPEN);
	isb();
	fpcr = (seed >> 7) & FPCR_BITS;
	fpsr = ((seed >> 3) & FPSR_BITS) | 1;
	fpu_fill(seed, fpcr, fpsr);
	/* What the CPU kept of them (unimplemented bits read as zero). */
	fpcr = read_sysreg(fpcr);
	fpsr = read_sysreg(fpsr);
	bad = fpu_check(seed, fpcr, fpsr);
	if (bad >= 0) {
		report(seed, bad, fpcr, fpsr, 0, "fpu_fill");
		goto out;
	}
	tg_printf("tg: fpu: seed 0x%lx fpcr 0x%lx fpsr 0x%lx rounds %lu\n",
		  seed, fpcr, fpsr, rounds);

	for (r = 1; r <= rounds; r++) {
		for (what = 0; what < 3; what++) {
			switch (what) {
			case 0:
				v = psci_call(PSCI_VERSION, 0, 0, 0);
				if (v < 0x10000) {
					test_fail("fpu", "PSCI_VERSION 0x%lx in "
						  "round %lu", v, r);
					goto out;
				}
				break;
			case 1:
				mmio_read32(console_base() + UARTFR);
				break;
			case 2:
				if (r % 10)
					continue;
				fired = pc->timer_fired;
				timer_arm(now() + us_to_ticks(200),
					  TIMER_ONESHOT);
				if (wait_timer(fired + 1, 10 * cntfrq)) {
					test_fail("fpu", "no timer interrupt "
						  "in round %lu", r);
					goto out;
				}
				sleeps++;
				break;
			}
			bad = fpu_check(seed, fpcr, fpsr);
			if (bad >= 0) {
				report(seed, bad, fpcr, fpsr, r,
				       what_names[what]);
				goto out;
			}
		}
	}
	test_pass("fpu", "%lu rounds %lu sleeps seed 0x%lx", rounds, sleeps,
		  seed);
out:
	timer_stop();
	/* Back to the reset values for libfdt and the next tests. */
	write_sysreg(fpcr, 0);
	write_sysreg(fpsr, 0);
	isb();
}
