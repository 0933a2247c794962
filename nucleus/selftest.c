// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler self-test (boot argument modvisor.selftest=sched). Each part
 * prints its figures and a verdict; the system test checks the figures.
 */
#include <mv/cpu.h>
#include <mv/devtree.h>
#include <mv/log.h>
#include <mv/sched.h>
#include <mv/selftest.h>
#include <mv/time.h>

#define PINGPONG_ROUNDS 10000
#define SLEEP_TRIES 10
#define SLEEP_MS 100
#define SLEEP_SLACK_US 2000

static struct {
	struct mv_waitq to_ping, to_pong, done;
	volatile unsigned int turn;	/* 0: ping's move, 1: pong's */
	volatile unsigned int finished;
} pp;

static void ping_thread(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < PINGPONG_ROUNDS; i++) {
		__atomic_store_n(&pp.turn, 1, __ATOMIC_RELEASE);
		mv_waitq_wake_one(&pp.to_pong);
		mv_wait_event(&pp.to_ping,
			      __atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) == 0);
	}
	__atomic_fetch_add(&pp.finished, 1, __ATOMIC_RELEASE);
	mv_waitq_wake_all(&pp.done);
}

static void pong_thread(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < PINGPONG_ROUNDS; i++) {
		mv_wait_event(&pp.to_pong,
			      __atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) == 1);
		__atomic_store_n(&pp.turn, 0, __ATOMIC_RELEASE);
		mv_waitq_wake_one(&pp.to_ping);
	}
	__atomic_fetch_add(&pp.finished, 1, __ATOMIC_RELEASE);
	mv_waitq_wake_all(&pp.done);
}

static u64 ipis_received(void)
{
	u64 n = 0;

	for (unsigned int i = 0; i < mv_nr_cpus; i++)
		n += MV_READ_ONCE(mv_cpus[i].ipis_received);
	return n;
}

static u64 ipis_sent(void)
{
	u64 n = 0;

	for (unsigned int i = 0; i < mv_nr_cpus; i++)
		n += MV_READ_ONCE(mv_cpus[i].ipis_sent);
	return n;
}

static bool test_pingpong(void)
{
	u64 sent = ipis_sent(), received = ipis_received();
	u64 t0 = mv_time_ns();
	bool ok;

	mv_waitq_init(&pp.to_ping);
	mv_waitq_init(&pp.to_pong);
	mv_waitq_init(&pp.done);
	pp.turn = 0;
	pp.finished = 0;
	if (!mv_thread_create("pong", pong_thread, NULL, MV_PRIO_NORMAL, 1) ||
	    !mv_thread_create("ping", ping_thread, NULL, MV_PRIO_NORMAL, 0)) {
		mv_log(MV_LOG_ERR, "selftest: pingpong: cannot create threads\n");
		return false;
	}
	mv_wait_event(&pp.done, __atomic_load_n(&pp.finished,
						 __ATOMIC_ACQUIRE) == 2);
	sent = ipis_sent() - sent;
	received = ipis_received() - received;
	ok = received > 0 && sent >= received;
	mv_log(MV_LOG_INFO, "selftest: pingpong: %u round trips across cpu0 "
	       "and cpu1 in %lu ms, %lu IPIs sent, %lu received: %s\n",
	       PINGPONG_ROUNDS, (unsigned long)((mv_time_ns() - t0) / 1000000),
	       (unsigned long)sent, (unsigned long)received,
	       ok ? "PASS" : "FAIL");
	return ok;
}

static volatile bool spin_stop;
static volatile u64 spin_count[2];
static volatile unsigned int spinners_done;

static void spinner(void *arg)
{
	volatile u64 *count = arg;

	while (!spin_stop)
		(*count)++;
	__atomic_fetch_add(&spinners_done, 1, __ATOMIC_RELEASE);
}

/* Two never-yielding threads on cpu1: preemption must share the CPU. */
static bool test_preemption(void)
{
	unsigned int windows = 5, fair = 0;
	u64 last[2] = { 0, 0 };

	spin_stop = false;
	spinners_done = 0;
	spin_count[0] = spin_count[1] = 0;
	if (!mv_thread_create("spin0", spinner, (void *)&spin_count[0],
			      MV_PRIO_NORMAL, 1) ||
	    !mv_thread_create("spin1", spinner, (void *)&spin_count[1],
			      MV_PRIO_NORMAL, 1)) {
		mv_log(MV_LOG_ERR, "selftest: preemption: cannot create "
		       "threads\n");
		return false;
	}
	for (unsigned int w = 0; w < windows; w++) {
		u64 now[2];

		mv_sleep_ns(100 * MV_NSEC_PER_MSEC);
		now[0] = spin_count[0];
		now[1] = spin_count[1];
		if (now[0] > last[0] && now[1] > last[1])
			fair++;
		last[0] = now[0];
		last[1] = now[1];
	}
	spin_stop = true;
	while (__atomic_load_n(&spinners_done, __ATOMIC_ACQUIRE) != 2)
		mv_sleep_ns(MV_NSEC_PER_MSEC);
	mv_log(MV_LOG_INFO, "selftest: preemption: two spinning threads on "
	       "cpu1 both advanced in %u of %u 100 ms windows (counts %lu, "
	       "%lu): %s\n", fair, windows, (unsigned long)last[0],
	       (unsigned long)last[1], fair == windows ? "PASS" : "FAIL");
	return fair == windows;
}

static bool test_sleep(void)
{
	u64 worst = 0, early = 0;

	for (unsigned int i = 0; i < SLEEP_TRIES; i++) {
		u64 deadline = mv_arch_counter() +
			       mv_ns_to_ticks(SLEEP_MS * MV_NSEC_PER_MSEC);
		u64 woke;

		mv_sleep_until(deadline);
		woke = mv_arch_counter();
		if (woke < deadline)
			early++;
		else if (woke - deadline > worst)
			worst = woke - deadline;
	}
	worst = mv_ticks_to_ns(worst) / 1000;
	mv_log(MV_LOG_INFO, "selftest: sleep: %u sleeps of %u ms, latest "
	       "wake-up %lu us after the deadline, %lu early: %s\n",
	       SLEEP_TRIES, SLEEP_MS, (unsigned long)worst,
	       (unsigned long)early,
	       !early && worst <= SLEEP_SLACK_US ? "PASS" : "FAIL");
	return !early && worst <= SLEEP_SLACK_US;
}

/* With nothing to run, cpu1 must not see a single timer interrupt. */
static bool test_tickless(void)
{
	u64 before = MV_READ_ONCE(mv_cpus[1].timer_irqs);
	u64 irqs_before = MV_READ_ONCE(mv_cpus[1].irqs);
	u64 ticks, irqs;

	mv_sleep_ns(MV_NSEC_PER_SEC);
	ticks = MV_READ_ONCE(mv_cpus[1].timer_irqs) - before;
	irqs = MV_READ_ONCE(mv_cpus[1].irqs) - irqs_before;
	mv_log(MV_LOG_INFO, "selftest: tickless: idle cpu1 took %lu timer "
	       "interrupts (%lu interrupts in all) in 1 s: %s\n",
	       (unsigned long)ticks, (unsigned long)irqs,
	       ticks == 0 ? "PASS" : "FAIL");
	return ticks == 0;
}

static void sched_selftest(void *arg)
{
	unsigned int failed = 0;

	(void)arg;
	if (mv_cpus_online() < 2) {
		mv_log(MV_LOG_ERR, "selftest: sched needs 2 CPUs, %u online: "
		       "FAIL\n", mv_cpus_online());
		return;
	}
	failed += !test_pingpong();
	failed += !test_preemption();
	failed += !test_sleep();
	failed += !test_tickless();
	mv_log(MV_LOG_INFO, "selftest: sched: %s (%u failed)\n",
	       failed ? "FAIL" : "PASS", failed);
}

/*
 * W^X self-tests: each must end in an exception report and a halt, which
 * the system test reads. Reaching the line after the access is a failure.
 */
static void wx_write_text(void)
{
	volatile u32 *text = (volatile u32 *)(uintptr_t)&mv_selftest_run;

	mv_log(MV_LOG_INFO, "selftest: wx: writing to nucleus text at %p\n",
	       (void *)text);
	*text = *text;
	mv_log(MV_LOG_ERR, "selftest: wx: the write to text went through: "
	       "FAIL\n");
}

static void wx_exec_data(void)
{
	static u32 code[4] __mv_aligned(16);
	void (*fn)(void) = (void (*)(void))(uintptr_t)code;

	code[0] = mv_arch_return_instruction();
	mv_log(MV_LOG_INFO, "selftest: wx: executing nucleus data at %p\n",
	       (void *)code);
	fn();
	mv_log(MV_LOG_ERR, "selftest: wx: data executed: FAIL\n");
}

void mv_selftest_run(const char *bootargs)
{
	if (mv_bootarg_has(bootargs, "modvisor.selftest=sched"))
		mv_thread_create("selftest", sched_selftest, NULL,
				 MV_PRIO_HIGH, 0);
	if (mv_bootarg_has(bootargs, "modvisor.selftest=wx-write"))
		wx_write_text();
	if (mv_bootarg_has(bootargs, "modvisor.selftest=wx-exec"))
		wx_exec_data();
}
