/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threads, sleeping and wait queues for modules (DESIGN §6). Threads have
 * a priority (0 lowest .. 31 highest) and stay on the CPU they were
 * created on (MV_CPU_ANY: the creating CPU).
 */
#ifndef MODVISOR_SCHED_H
#define MODVISOR_SCHED_H

#include <stdint.h>

#define MV_PRIO_LOW 4
#define MV_PRIO_NORMAL 8
#define MV_PRIO_HIGH 16
#define MV_CPU_ANY (-1)

struct mv_thread;
struct mv_waitq;

struct mv_thread *mv_thread_create(const char *name, void (*fn)(void *),
				   void *arg, int prio, int cpu);
__attribute__((noreturn)) void mv_thread_exit(void);
void mv_yield(void);
void mv_sleep_ns(uint64_t ns);
/* Until the system counter reaches deadline (see mv_counter()). */
void mv_sleep_until(uint64_t deadline_ticks);
void mv_schedule(void);
/*
 * Interrupts, and so preemption, off on this CPU: for a thread's short
 * critical section shared with vCPU exit paths (which run with them off),
 * so that an exit path never spins on a preempted thread.
 */
unsigned long mv_irq_save(void);
void mv_irq_restore(unsigned long flags);

struct mv_waitq *mv_waitq_new(void);
void mv_waitq_delete(struct mv_waitq *wq);
void mv_waitq_prepare(struct mv_waitq *wq);
void mv_waitq_finish(struct mv_waitq *wq);
unsigned int mv_waitq_wake(struct mv_waitq *wq, unsigned int max);
#define mv_waitq_wake_one(wq) mv_waitq_wake(wq, 1)
#define mv_waitq_wake_all(wq) mv_waitq_wake(wq, ~0U)

/* Block until cond holds; cond is evaluated after every wake-up. */
#define mv_wait_event(wq, cond) \
	do { \
		for (;;) { \
			mv_waitq_prepare(wq); \
			if (cond) \
				break; \
			mv_schedule(); \
		} \
		mv_waitq_finish(wq); \
	} while (0)

#endif
