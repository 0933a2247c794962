// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the nucleus, as a module so the nucleus does not carry
 * them: "modvisor.selftest=sched" (threads, wait queues, IPIs,
 * preemption, sleep, tickless idle) and "=wx-write" / "=wx-exec" (W^X:
 * each must end in an exception report). Load it with the boot argument
 * modvisor.modules=selftest; each part prints its figures and a verdict,
 * and the system tests check the figures.
 */
#include <modvisor/errno.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/sched.h>
#include <stdbool.h>

#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

#define PINGPONG_ROUNDS 10000
#define SLEEP_TRIES 10
#define SLEEP_MS 100
#define SLEEP_SLACK_US 2000

static struct {
	struct mv_waitq *to_ping, *to_pong, *done;
	volatile unsigned int turn;	/* 0: ping's move, 1: pong's */
	volatile unsigned int finished;
} pp;

static void ping_thread(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < PINGPONG_ROUNDS; i++) {
		__atomic_store_n(&pp.turn, 1, __ATOMIC_RELEASE);
		mv_waitq_wake_one(pp.to_pong);
		mv_wait_event(pp.to_ping,
			      __atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) == 0);
	}
	__atomic_fetch_add(&pp.finished, 1, __ATOMIC_RELEASE);
	mv_waitq_wake_all(pp.done);
}

static void pong_thread(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < PINGPONG_ROUNDS; i++) {
		mv_wait_event(pp.to_pong,
			      __atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) == 1);
		__atomic_store_n(&pp.turn, 0, __ATOMIC_RELEASE);
		mv_waitq_wake_one(pp.to_ping);
	}
	__atomic_fetch_add(&pp.finished, 1, __ATOMIC_RELEASE);
	mv_waitq_wake_all(pp.done);
}

static struct mv_cpu_stats cpu_stats(unsigned int cpu)
{
	struct mv_cpu_stats st = { 0 };

	mv_cpu_stats(cpu, &st);
	return st;
}

static uint64_t ipis_received(void)
{
	return cpu_stats(0).ipis_received + cpu_stats(1).ipis_received;
}

static uint64_t ipis_sent(void)
{
	return cpu_stats(0).ipis_sent + cpu_stats(1).ipis_sent;
}

static bool test_pingpong(void)
{
	uint64_t sent = ipis_sent(), received = ipis_received();
	uint64_t t0 = mv_time_ns();
	_Bool ok;

	/*
	 * Never freed: the last thread still wakes 'done' after the count
	 * that lets us go, so freeing here would race with it.
	 */
	if (!pp.to_ping) {
		pp.to_ping = mv_waitq_new();
		pp.to_pong = mv_waitq_new();
		pp.done = mv_waitq_new();
	}
	if (!pp.to_ping || !pp.to_pong || !pp.done) {
		mv_log(MV_LOG_ERR, "selftest: pingpong: out of memory\n");
		return 0;
	}
	pp.turn = 0;
	pp.finished = 0;
	if (!mv_thread_create("pong", pong_thread, NULL, MV_PRIO_NORMAL, 1) ||
	    !mv_thread_create("ping", ping_thread, NULL, MV_PRIO_NORMAL, 0)) {
		mv_log(MV_LOG_ERR, "selftest: pingpong: cannot create threads\n");
		return 0;
	}
	mv_wait_event(pp.done, __atomic_load_n(&pp.finished,
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
static volatile uint64_t spin_count[2];
static volatile unsigned int spinners_done;

static void spinner(void *arg)
{
	volatile uint64_t *count = arg;

	while (!spin_stop)
		(*count)++;
	__atomic_fetch_add(&spinners_done, 1, __ATOMIC_RELEASE);
}

/* Two never-yielding threads on cpu1: preemption must share the CPU. */
static bool test_preemption(void)
{
	unsigned int windows = 5, fair = 0;
	uint64_t last[2] = { 0, 0 };

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
		uint64_t now[2];

		mv_sleep_ns(100 * NSEC_PER_MSEC);
		now[0] = spin_count[0];
		now[1] = spin_count[1];
		if (now[0] > last[0] && now[1] > last[1])
			fair++;
		last[0] = now[0];
		last[1] = now[1];
	}
	spin_stop = true;
	while (__atomic_load_n(&spinners_done, __ATOMIC_ACQUIRE) != 2)
		mv_sleep_ns(NSEC_PER_MSEC);
	mv_log(MV_LOG_INFO, "selftest: preemption: two spinning threads on "
	       "cpu1 both advanced in %u of %u 100 ms windows (counts %lu, "
	       "%lu): %s\n", fair, windows, (unsigned long)last[0],
	       (unsigned long)last[1], fair == windows ? "PASS" : "FAIL");
	return fair == windows;
}

static bool test_sleep(void)
{
	uint64_t worst = 0, early = 0;

	for (unsigned int i = 0; i < SLEEP_TRIES; i++) {
		uint64_t deadline = mv_counter() +
			       mv_ns_to_ticks(SLEEP_MS * NSEC_PER_MSEC);
		uint64_t woke;

		mv_sleep_until(deadline);
		woke = mv_counter();
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
	uint64_t before = cpu_stats(1).timer_irqs;
	uint64_t irqs_before = cpu_stats(1).irqs;
	uint64_t ticks, irqs;

	mv_sleep_ns(NSEC_PER_SEC);
	ticks = cpu_stats(1).timer_irqs - before;
	irqs = cpu_stats(1).irqs - irqs_before;
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
	struct mv_host_stats host;

	mv_host_stats(&host);
	if (host.cpus_online < 2) {
		mv_log(MV_LOG_ERR, "selftest: sched needs 2 CPUs, %u online: "
		       "FAIL\n", host.cpus_online);
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
	volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)&mv_log;

	mv_log(MV_LOG_INFO, "selftest: wx: writing to nucleus text at %p\n",
	       (void *)text);
	*text = *text;
	mv_log(MV_LOG_ERR, "selftest: wx: the write to text went through: "
	       "FAIL\n");
}

static void wx_exec_data(void)
{
	static uint32_t code[4] __attribute__((aligned(16)));
	void (*fn)(void) = (void (*)(void))(uintptr_t)code;

	code[0] = mv_arch_return_instruction();
	mv_log(MV_LOG_INFO, "selftest: wx: executing module data at %p\n",
	       (void *)code);
	fn();
	mv_log(MV_LOG_ERR, "selftest: wx: data executed: FAIL\n");
}

struct mv_module;
struct mv_module *mv_module_find(const char *name);
void mv_module_get(struct mv_module *m);
void mv_module_put(struct mv_module *m);

static void selftest_thread(void *arg)
{
	const char *args = mv_bootargs();
	struct mv_module *self;

	(void)arg;
	/* Our code runs here: keep the module loaded meanwhile. */
	while (!(self = mv_module_find("selftest")))
		mv_sleep_ns(NSEC_PER_MSEC);
	mv_module_get(self);
	/* After the boot messages, so the output reads in order. */
	mv_wait_boot_done();
	if (mv_bootarg_has(args, "modvisor.selftest=sched"))
		sched_selftest(NULL);
	if (mv_bootarg_has(args, "modvisor.selftest=wx-write"))
		wx_write_text();
	if (mv_bootarg_has(args, "modvisor.selftest=wx-exec"))
		wx_exec_data();
	mv_module_put(self);
}

static int selftest_init(void)
{
	if (!mv_thread_create("selftest", selftest_thread, NULL, MV_PRIO_HIGH,
			      0)) {
		mv_log(MV_LOG_ERR, "selftest: cannot start its thread\n");
		return -MV_ENOMEM;
	}
	return 0;
}

MV_MODULE(selftest, selftest_init, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Nucleus self-tests: scheduler, W^X");
