// SPDX-License-Identifier: GPL-2.0
/*
 * Secondary CPUs: PSCI CPU_ON/CPU_OFF, the secondary's own set-up and
 * its SGI ping-pong with cpu0.
 */
#include "tg.h"

enum { CMD_RUN, CMD_OFF };

static volatile int cpu_online[TG_MAX_CPUS];
static volatile int cpu_cmd[TG_MAX_CPUS];
volatile u64 pong_count;

void secondary_main(u64 idx)
{
	struct percpu *pc = this_cpu();
	s64 r;

	if (gic_cpu_init(pc)) {
		tg_printf("tg: cpu%lu: GIC set-up failed\n", idx);
		tg_halt();
	}
	tg_printf("tg: cpu%lu up\n", idx);
	__atomic_store_n(&cpu_online[idx], 1, __ATOMIC_RELEASE);

	for (;;) {
		irq_disable();
		if (READ_ONCE(cpu_cmd[idx]) == CMD_OFF)
			break;
		wfi();
		irq_enable();
	}
	gic_cpu_disable();
	__atomic_store_n(&cpu_online[idx], 0, __ATOMIC_RELEASE);
	r = psci_call(PSCI_CPU_OFF, 0, 0, 0);
	tg_printf("tg: cpu%lu: CPU_OFF returned %ld\n", idx, r);
	tg_halt();
}

/* 0, a PSCI error, or 1 if the CPU did not report in within 5 s. */
int cpu_up(unsigned int idx)
{
	u64 start;
	s64 r;

	WRITE_ONCE(cpu_cmd[idx], CMD_RUN);
	WRITE_ONCE(cpu_online[idx], 0);
	/* The secondary reads these with its MMU off. */
	clean_dcache_range(&boot_ttbr0, sizeof(boot_ttbr0));
	clean_dcache_range(&boot_tcr, sizeof(boot_tcr));
	clean_dcache_range(&boot_mair, sizeof(boot_mair));
	r = psci_call(PSCI_CPU_ON, dt.cpu_mpidr[idx], (u64)secondary_entry,
		      idx);
	if (r)
		return (int)r;
	start = now();
	while (!__atomic_load_n(&cpu_online[idx], __ATOMIC_ACQUIRE)) {
		if (now() - start > 5 * cntfrq)
			return 1;
		cpu_relax();
	}
	return 0;
}

/* Ask the secondary to CPU_OFF itself; 0 once AFFINITY_INFO says OFF. */
int cpu_down(unsigned int idx, s64 *last)
{
	u64 start = now();
	s64 r;

	WRITE_ONCE(cpu_cmd[idx], CMD_OFF);
	gic_send_sgi(dt.cpu_mpidr[idx], SGI_KICK);
	do {
		r = psci_call(PSCI_AFFINITY_INFO, dt.cpu_mpidr[idx], 0, 0);
		if (r == 1)
			return 0;
		cpu_relax();
	} while (now() - start < 5 * cntfrq);
	if (last)
		*last = r;
	return -1;
}

/*
 * @rounds SGI round trips with secondary @idx: cpu0 sends SGI_PING, the
 * secondary answers SGI_PONG; the time is taken at cpu0's handler entry.
 * The virtual timer is a 1 s watchdog on each wait.
 */
int sgi_pingpong(unsigned int idx, unsigned int rounds, u64 *mean_x100)
{
	struct percpu *pc = this_cpu();
	u64 sum = 0, before, fired, t0;
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		before = READ_ONCE(pong_count);
		fired = READ_ONCE(pc->timer_fired);
		timer_arm(now() + cntfrq, TIMER_ONESHOT);
		t0 = now();
		gic_send_sgi(dt.cpu_mpidr[idx], SGI_PING);
		while (READ_ONCE(pong_count) == before) {
			irq_disable();
			if (READ_ONCE(pong_count) == before &&
			    READ_ONCE(pc->timer_fired) == fired)
				wfi();
			irq_enable();
			if (READ_ONCE(pong_count) == before &&
			    READ_ONCE(pc->timer_fired) != fired) {
				timer_stop();
				return -1 - (int)i;
			}
		}
		timer_stop();
		sum += pc->last_sgi_time - t0;
	}
	*mean_x100 = rounds ? sum * 100 / rounds : 0;
	return 0;
}

void test_smp(void)
{
	char rtt[24];
	u64 mean;
	s64 r;
	int e;

	if (dt.ncpus < 2) {
		test_fail("smp", "no second cpu in the DT");
		return;
	}
	e = cpu_up(1);
	if (e) {
		if (e == 1)
			test_fail("smp", "cpu1 (mpidr 0x%lx) did not come up",
				  dt.cpu_mpidr[1]);
		else
			test_fail("smp", "CPU_ON mpidr 0x%lx returned %d",
				  dt.cpu_mpidr[1], e);
		return;
	}
	r = psci_call(PSCI_AFFINITY_INFO, dt.cpu_mpidr[1], 0, 0);
	if (r != 0) {
		test_fail("smp", "AFFINITY_INFO of running cpu1 is %ld", r);
		cpu_down(1, NULL);
		return;
	}
	e = sgi_pingpong(1, 100, &mean);
	if (e) {
		test_fail("smp", "no SGI reply in round %d", -e);
		cpu_down(1, NULL);
		return;
	}
	if (cpu_down(1, &r)) {
		test_fail("smp", "AFFINITY_INFO stays %ld after CPU_OFF", r);
		return;
	}
	fmt_fixed2(rtt, sizeof(rtt), mean);
	test_pass("smp", "cpus=%u sgi=100 rtt %s ticks, cpu1 off", dt.ncpus,
		  rtt);
}
