/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threads and the scheduler (DESIGN §6): per-CPU run queues with 32
 * priorities, time slices among equals, preemption from one-shot timer
 * events (no tick), sleep, wait queues, cross-CPU wake-ups by IPI.
 * A thread stays on the CPU it was created on.
 */
#ifndef MV_SCHED_H
#define MV_SCHED_H

#include <mv/arch.h>
#include <mv/list.h>
#include <mv/spinlock.h>
#include <mv/runqueue.h>
#include <mv/timerq.h>

/* The module-facing half: priorities, prototypes, mv_wait_event(). */
#include <modvisor/sched.h>

#define MV_PRIO_IDLE (-1)
#define MV_THREAD_STACK_SIZE (16 * 1024)
#define MV_TIME_SLICE_NS (10 * 1000 * 1000ULL)

enum mv_thread_state {
	MV_THREAD_RUNNABLE,	/* on a run queue */
	MV_THREAD_RUNNING,	/* current on its CPU */
	MV_THREAD_BLOCKED,	/* waiting; not on a run queue */
	MV_THREAD_DEAD,
};

struct mv_thread {
	struct mv_arch_context ctx;
	struct mv_list rq_node;
	struct mv_list wait_node;
	struct mv_timer_event sleep_event;
	enum mv_thread_state state;
	int prio;
	unsigned int cpu;
	void (*fn)(void *arg);
	void *arg;
	void *stack;
	/* vCPUs: may move to an idle CPU when woken (unless pinned) ... */
	bool migratable;
	/* ... but go back to the CPU they were created on when it is free. */
	unsigned int home;
	/* ... and are preempted only where their run loop allows it. */
	bool defer_preempt;
	char name[24];
};

/* Per-CPU scheduler state, embedded in struct mv_cpu. */
struct mv_sched_cpu {
	struct mv_spinlock lock;
	struct mv_runqueue rq;
	struct mv_timerq timers;
	struct mv_thread *current;
	struct mv_thread idle;
	struct mv_thread *zombie;
	struct mv_timer_event slice_event;
	u64 programmed;		/* deadline in the hardware timer */
	bool need_resched;
	unsigned int irq_depth;
	u64 switches;
	int current_prio;	/* racy hints for other CPUs' placement */
	u64 current_since;
};

struct mv_thread *mv_current(void);
/* Whether this CPU should call mv_schedule() at the next chance. */
bool mv_sched_need_resched(void);
/* Wake a blocked thread; false if it was not blocked. */
bool mv_thread_wake(struct mv_thread *t);

/* Timer events on this CPU; fn runs in interrupt context, unlocked. */
void mv_timer_arm(struct mv_timer_event *ev, u64 deadline_ticks);
bool mv_timer_cancel(struct mv_timer_event *ev);

struct mv_waitq {
	struct mv_spinlock lock;
	struct mv_list waiters;
};

void mv_waitq_init(struct mv_waitq *wq);

/* Boot: make the running boot flow this CPU's idle thread. */
void mv_sched_init_cpu(void);
__mv_noreturn void mv_sched_idle_loop(void);
/* Interrupt plumbing, called by the arch interrupt path. */
void mv_sched_irq_enter(void);
void mv_sched_irq_exit(void);
void mv_sched_timer_interrupt(void);
void mv_sched_ipi_reschedule(void);

#endif
