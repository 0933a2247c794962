/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host (unit test) versions of the inline arch primitives listed in
 * <mv/arch.h>: interrupts do not exist, a CPU is a thread.
 */
#ifndef MV_HOST_ARCH_IMPL_H
#define MV_HOST_ARCH_IMPL_H

#include <sched.h>
#include <time.h>

#include <string.h>

struct mv_cpu;

static inline void mv_arch_clear_pages(void *p, unsigned long size)
{
	memset(p, 0, size);
}

/* Placeholder: host tests never switch nucleus threads. */
struct mv_arch_context {
	void *sp;
};

/* Defined in mv_host.c so every translation unit sees the same one. */
extern _Thread_local struct mv_cpu *mv_host_this_cpu;

static inline unsigned long mv_arch_irq_save(void)
{
	return 0;
}

static inline void mv_arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

static inline void mv_arch_irq_enable(void)
{
}

static inline void mv_arch_irq_disable(void)
{
}

/*
 * Test threads outnumber cores and get preempted (a real CPU spinning with
 * interrupts off never is): a ticket lock whose next owner is descheduled
 * would make every waiter spin out its time slice, so give the CPU away.
 */
static inline void mv_arch_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
	sched_yield();
}

static inline void mv_arch_cpu_wake_waiters(void)
{
}

static inline void mv_arch_wait_for_interrupt(void)
{
}

/* Nanoseconds: mv_arch_counter_freq() says 1 GHz. */
static inline u64 mv_arch_counter(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static inline struct mv_cpu *mv_this_cpu(void)
{
	return mv_host_this_cpu;
}

static inline void mv_arch_set_this_cpu(struct mv_cpu *cpu)
{
	mv_host_this_cpu = cpu;
}

#endif
