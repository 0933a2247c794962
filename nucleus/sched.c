// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler (see sched.h). Each CPU's run queue, timer queue and current
 * thread are guarded by that CPU's lock. mv_schedule() holds the lock
 * across the context switch; whoever runs next releases it, so a thread's
 * registers are always saved before another CPU can make it runnable
 * again.
 */
#include <mv/cpu.h>
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/mutex.h>
#include <mv/sched.h>
#include <mv/time.h>
#include <string.h>

static inline struct mv_sched_cpu *this_sched(void)
{
	return &mv_this_cpu()->sched;
}

static inline struct mv_sched_cpu *cpu_sched(unsigned int cpu)
{
	return &mv_cpus[cpu].sched;
}

struct mv_thread *mv_current(void)
{
	return this_sched()->current;
}

bool mv_sched_need_resched(void)
{
	return MV_READ_ONCE(this_sched()->need_resched);
}

/* Program the hardware timer for the first event; none means no tick. */
static void timer_reprogram(struct mv_sched_cpu *s)
{
	u64 next = mv_timerq_next(&s->timers);

	if (next == s->programmed)
		return;
	s->programmed = next;
	if (next == MV_TIMERQ_NONE)
		mv_arch_timer_stop();
	else
		mv_arch_timer_program(next);
}

void mv_timer_arm(struct mv_timer_event *ev, u64 deadline)
{
	struct mv_sched_cpu *s;
	unsigned long flags = mv_arch_irq_save();

	mv_timer_cancel(ev);
	s = this_sched();
	mv_spin_lock(&s->lock);
	ev->cpu = mv_this_cpu()->id;
	mv_timerq_add(&s->timers, ev, deadline);
	timer_reprogram(s);
	mv_spin_unlock(&s->lock);
	mv_arch_irq_restore(flags);
}

bool mv_timer_cancel(struct mv_timer_event *ev)
{
	struct mv_sched_cpu *s;
	unsigned long flags;
	bool was;
	int cpu = MV_READ_ONCE(ev->cpu);

	if (cpu < 0)
		return false;
	s = cpu_sched(cpu);
	flags = mv_spin_lock_irqsave(&s->lock);
	was = mv_timerq_remove(&s->timers, ev);
	if (was && cpu == (int)mv_this_cpu()->id)
		timer_reprogram(s);
	ev->cpu = -1;
	mv_spin_unlock_irqrestore(&s->lock, flags);
	return was;
}

static void slice_expired(struct mv_timer_event *ev)
{
	(void)ev;
	this_sched()->need_resched = true;
}

/* Give the running thread a slice only if an equal is waiting for the CPU. */
static void slice_update(struct mv_sched_cpu *s, struct mv_thread *next)
{
	if (next->prio >= 0 && mv_rq_top_prio(&s->rq) == next->prio) {
		if (!mv_timer_event_queued(&s->slice_event)) {
			s->slice_event.cpu = mv_this_cpu()->id;
			mv_timerq_add(&s->timers, &s->slice_event,
				      mv_arch_counter() +
					      mv_ns_to_ticks(MV_TIME_SLICE_NS));
		}
	} else {
		mv_timerq_remove(&s->timers, &s->slice_event);
	}
}

/* Runs on the new thread right after a switch, with the CPU lock held. */
static void finish_switch(struct mv_sched_cpu *s)
{
	struct mv_thread *dead = s->zombie;

	s->zombie = NULL;
	mv_spin_unlock(&s->lock);
	if (dead) {
		mv_free(dead->stack);
		mv_free(dead);
	}
}

/* Whether CPU c is idle with nothing queued: free for anyone. */
static bool cpu_idle(unsigned int c)
{
	struct mv_sched_cpu *o = cpu_sched(c);

	return mv_cpus[c].online && MV_READ_ONCE(o->current) == &o->idle &&
	       mv_rq_top_prio(&o->rq) < 0;
}

/*
 * Whether t, queued or woken on CPU s, had better wait there: behind a
 * better thread that has only just started (the switch thread handing
 * over a frame, say), which will soon be done. Moving a vCPU is not
 * free: on QEMU's TCG every EL1 and VTTBR reload empties the TLB, and a
 * vCPU that left its CPU for a moment makes the next one move too.
 * "Just" is generous: on TCG, handing over one frame takes milliseconds
 * now and then, when the IPI that wakes the receiver waits for QEMU's
 * global lock.
 */
#define BRIEF_NS 5000000

static bool better_is_brief(struct mv_sched_cpu *s, struct mv_thread *t)
{
	return MV_READ_ONCE(s->current_prio) > t->prio &&
	       mv_arch_counter() - MV_READ_ONCE(s->current_since) <
		       mv_ns_to_ticks(BRIEF_NS);
}

/*
 * A CPU about to idle takes a migratable thread (an unpinned vCPU) that
 * waits in another CPU's queue: without it, two vCPUs that met on one
 * CPU would share it in time slices next to an idle one until one of
 * them blocked. Not from a CPU that is idle: it has been kicked to run
 * its queue and is on its way (waking a halted CPU takes QEMU a while),
 * and taking the thread would only move it off its warm CPU. A thread
 * whose home this is comes first. Queued threads have their registers
 * saved (the lock is held across a switch); trylock, as we hold our own
 * lock already.
 */
static struct mv_thread *pull_thread(void)
{
	unsigned int self = mv_this_cpu()->id;

	for (unsigned int c = 0; c < mv_nr_cpus; c++) {
		struct mv_sched_cpu *o = cpu_sched(c);
		struct mv_thread *found = NULL;

		if (c == self || mv_rq_top_prio(&o->rq) < 0 ||
		    MV_READ_ONCE(o->current) == &o->idle ||
		    !mv_spin_trylock(&o->lock))
			continue;
		for (int prio = mv_rq_top_prio(&o->rq); prio >= 0 && !found;
		     prio--) {
			struct mv_list *pos;

			mv_list_for_each(pos, &o->rq.queue[prio]) {
				struct mv_thread *t = mv_list_entry(
					pos, struct mv_thread, rq_node);

				if (!t->migratable || better_is_brief(o, t))
					continue;
				if (!found || t->home == self)
					found = t;
				if (t->home == self)
					break;
			}
		}
		if (found) {
			mv_rq_remove(&o->rq, &found->rq_node, found->prio);
			found->cpu = self;
		}
		mv_spin_unlock(&o->lock);
		if (found)
			return found;
	}
	return NULL;
}

/*
 * A migratable thread of the running one's priority waits here (they
 * would share the CPU in time slices): an idle CPU, if there is one,
 * gets a reschedule IPI so that it pulls it. One preempted by a better
 * thread stays: that one is usually brief, and a move is not free.
 */
static void poke_idle_cpu(struct mv_sched_cpu *s, int prio)
{
	unsigned int self = mv_this_cpu()->id;
	struct mv_list *pos;
	bool waiting = false;

	if (prio < 0 || mv_rq_top_prio(&s->rq) != prio)
		return;
	mv_list_for_each(pos, &s->rq.queue[prio]) {
		if (mv_list_entry(pos, struct mv_thread, rq_node)->migratable) {
			waiting = true;
			break;
		}
	}
	if (!waiting)
		return;
	for (unsigned int c = 0; c < mv_nr_cpus; c++) {
		if (c != self && cpu_idle(c)) {
			mv_this_cpu()->ipis_sent++;
			mv_arch_send_ipi(c, MV_IPI_RESCHEDULE);
			return;
		}
	}
}

/*
 * Switch to the best runnable thread. A blocking call (preempt false)
 * leaves a BLOCKED current thread off the run queue; a preemption keeps
 * it runnable whatever its state: a thread caught between
 * mv_waitq_prepare() and its condition check must get to check it, or a
 * wake-up that came before prepare would be lost.
 */
static void schedule(bool preempt)
{
	unsigned long flags = mv_arch_irq_save();
	struct mv_sched_cpu *s = this_sched();
	struct mv_thread *prev, *next;
	struct mv_list *node;
	unsigned int prio;

	mv_spin_lock(&s->lock);
	prev = s->current;
	s->need_resched = false;
	if (prev != &s->idle && (prev->state == MV_THREAD_RUNNING ||
				 (preempt && prev->state == MV_THREAD_BLOCKED))) {
		/* Preempted or yielding: behind its equals. */
		prev->state = MV_THREAD_RUNNABLE;
		mv_rq_enqueue(&s->rq, &prev->rq_node, prev->prio);
	}
	node = mv_rq_pick(&s->rq, &prio);
	next = node ? mv_list_entry(node, struct mv_thread, rq_node) : NULL;
	if (!next && !(next = pull_thread()))
		next = &s->idle;
	next->state = MV_THREAD_RUNNING;
	slice_update(s, next);
	timer_reprogram(s);
	poke_idle_cpu(s, next->prio);
	if (next == prev) {
		mv_spin_unlock(&s->lock);
		mv_arch_irq_restore(flags);
		return;
	}
	if (prev->state == MV_THREAD_DEAD)
		s->zombie = prev;
	s->current = next;
	s->current_prio = next->prio;
	s->current_since = mv_arch_counter();
	s->switches++;
	mv_arch_context_switch(&prev->ctx, &next->ctx);
	/* Back on prev, possibly much later: the lock is held for us. */
	finish_switch(this_sched());
	mv_arch_irq_restore(flags);
}

void mv_schedule(void)
{
	schedule(false);
}

/* Give the CPU to a better thread, if there is one; never blocks. */
static void preempt(void)
{
	schedule(true);
}

unsigned long mv_irq_save(void)
{
	return mv_arch_irq_save();
}

void mv_irq_restore(unsigned long flags)
{
	mv_arch_irq_restore(flags);
}

void mv_yield(void)
{
	preempt();
}

static void thread_entry(void)
{
	struct mv_sched_cpu *s = this_sched();
	struct mv_thread *self = s->current;

	finish_switch(s);
	mv_arch_irq_enable();
	self->fn(self->arg);
	mv_thread_exit();
}

struct mv_thread *mv_thread_create(const char *name, void (*fn)(void *),
				   void *arg, int prio, int cpu)
{
	struct mv_thread *t;
	struct mv_sched_cpu *s;
	unsigned long flags;

	if (prio < 0 || prio >= MV_PRIO_LEVELS || cpu >= (int)mv_nr_cpus ||
	    (cpu >= 0 && !mv_cpus[cpu].online))
		return NULL;
	if (cpu < 0)
		cpu = mv_this_cpu()->id;
	t = mv_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->stack = mv_malloc(MV_THREAD_STACK_SIZE);
	if (!t->stack) {
		mv_free(t);
		return NULL;
	}
	mv_snprintf(t->name, sizeof(t->name), "%s", name);
	t->fn = fn;
	t->arg = arg;
	t->prio = prio;
	t->cpu = cpu;
	t->home = cpu;
	mv_list_init(&t->rq_node);
	mv_list_init(&t->wait_node);
	mv_timer_event_init(&t->sleep_event, NULL, t);
	mv_arch_context_init(&t->ctx, (char *)t->stack + MV_THREAD_STACK_SIZE,
			     thread_entry);

	/* Start it as a wake-up so preemption and IPIs follow one path. */
	s = cpu_sched(cpu);
	flags = mv_spin_lock_irqsave(&s->lock);
	t->state = MV_THREAD_BLOCKED;
	mv_spin_unlock_irqrestore(&s->lock, flags);
	mv_thread_wake(t);
	return t;
}

void mv_thread_exit(void)
{
	struct mv_sched_cpu *s;

	mv_arch_irq_disable();
	s = this_sched();
	mv_spin_lock(&s->lock);
	s->current->state = MV_THREAD_DEAD;
	mv_spin_unlock(&s->lock);
	mv_schedule();
	mv_panic("sched: dead thread was scheduled again\n");
}

/*
 * Where a woken migratable thread should run: its home CPU if that is
 * idle or busy only briefly, so that vCPUs stay spread one to a CPU and
 * find their EL1 state and TLB entries still there; else its own CPU on
 * the same terms; else an idle CPU; else home. Racy reads: only a hint.
 */
static unsigned int wake_target(struct mv_thread *t)
{
	struct mv_sched_cpu *s = cpu_sched(t->cpu);

	if (cpu_idle(t->home) || better_is_brief(cpu_sched(t->home), t))
		return t->home;
	if (MV_READ_ONCE(s->current) == &s->idle || better_is_brief(s, t))
		return t->cpu;
	for (unsigned int c = 0; c < mv_nr_cpus; c++) {
		if (cpu_idle(c))
			return c;
	}
	return t->home;
}

bool mv_thread_wake(struct mv_thread *t)
{
	struct mv_sched_cpu *s = cpu_sched(t->cpu);
	struct mv_cpu *self = mv_this_cpu();
	unsigned long flags;
	unsigned int target_cpu;
	bool local, kick = false;

	flags = mv_spin_lock_irqsave(&s->lock);
	if (t->state != MV_THREAD_BLOCKED) {
		mv_spin_unlock_irqrestore(&s->lock, flags);
		return false;
	}
	if (mv_timerq_remove(&s->timers, &t->sleep_event))
		t->sleep_event.cpu = -1;
	if (s->current == t) {
		/* Woken before it got to switch away: just keep running. */
		t->state = MV_THREAD_RUNNING;
		mv_spin_unlock_irqrestore(&s->lock, flags);
		return true;
	}
	if (t->migratable) {
		/*
		 * Its registers are saved (the lock is held across a switch),
		 * so it may move; RUNNABLE off every queue keeps other wakers
		 * away meanwhile.
		 */
		unsigned int target = wake_target(t);

		if (target != t->cpu) {
			t->state = MV_THREAD_RUNNABLE;
			mv_spin_unlock(&s->lock);
			s = cpu_sched(target);
			mv_spin_lock(&s->lock);
			t->cpu = target;
		}
	}
	target_cpu = t->cpu;
	local = target_cpu == self->id;
	t->state = MV_THREAD_RUNNABLE;
	mv_rq_enqueue(&s->rq, &t->rq_node, t->prio);
	if (t->prio > s->current->prio) {
		if (local)
			s->need_resched = true;
		else
			kick = true;
	} else if (t->prio == s->current->prio) {
		/* An equal now waits: the current one gets a slice. */
		if (local)
			slice_update(s, s->current), timer_reprogram(s);
		else
			kick = true;
	}
	mv_spin_unlock_irqrestore(&s->lock, flags);
	if (kick) {
		self->ipis_sent++;
		mv_arch_send_ipi(target_cpu, MV_IPI_RESCHEDULE);
	}
	if (local && s->need_resched && !s->irq_depth &&
	    !mv_arch_irqs_disabled())
		preempt();
	return true;
}

static void sleep_expired(struct mv_timer_event *ev)
{
	mv_thread_wake(ev->arg);
}

void mv_sleep_until(u64 deadline)
{
	unsigned long flags = mv_arch_irq_save();
	struct mv_sched_cpu *s = this_sched();
	struct mv_thread *self = s->current;

	mv_spin_lock(&s->lock);
	self->sleep_event.fn = sleep_expired;
	self->sleep_event.cpu = self->cpu;
	mv_timerq_add(&s->timers, &self->sleep_event, deadline);
	self->state = MV_THREAD_BLOCKED;
	mv_spin_unlock(&s->lock);
	mv_schedule();
	mv_arch_irq_restore(flags);
}

void mv_sleep_ns(u64 ns)
{
	mv_sleep_until(mv_arch_counter() + mv_ns_to_ticks(ns));
}

void mv_waitq_init(struct mv_waitq *wq)
{
	mv_spin_init(&wq->lock);
	mv_list_init(&wq->waiters);
}

struct mv_waitq *mv_waitq_new(void)
{
	struct mv_waitq *wq = mv_malloc(sizeof(*wq));

	if (wq)
		mv_waitq_init(wq);
	return wq;
}

void mv_waitq_delete(struct mv_waitq *wq)
{
	if (wq && !mv_list_empty(&wq->waiters))
		mv_panic("sched: wait queue deleted with waiters\n");
	mv_free(wq);
}

void mv_waitq_prepare(struct mv_waitq *wq)
{
	struct mv_sched_cpu *s;
	struct mv_thread *self;
	unsigned long flags = mv_spin_lock_irqsave(&wq->lock);

	s = this_sched();
	self = s->current;
	if (mv_list_empty(&self->wait_node))
		mv_list_add_tail(&self->wait_node, &wq->waiters);
	mv_spin_lock(&s->lock);
	self->state = MV_THREAD_BLOCKED;
	mv_spin_unlock(&s->lock);
	mv_spin_unlock_irqrestore(&wq->lock, flags);
}

void mv_waitq_finish(struct mv_waitq *wq)
{
	struct mv_sched_cpu *s;
	struct mv_thread *self;
	unsigned long flags = mv_spin_lock_irqsave(&wq->lock);

	s = this_sched();
	self = s->current;
	if (!mv_list_empty(&self->wait_node))
		mv_list_del(&self->wait_node);
	mv_spin_lock(&s->lock);
	self->state = MV_THREAD_RUNNING;
	mv_spin_unlock(&s->lock);
	mv_spin_unlock_irqrestore(&wq->lock, flags);
}

unsigned int mv_waitq_wake(struct mv_waitq *wq, unsigned int max)
{
	unsigned int woken = 0;
	unsigned long flags = mv_spin_lock_irqsave(&wq->lock);

	while (woken < max && !mv_list_empty(&wq->waiters)) {
		struct mv_thread *t = mv_list_first_entry(
			&wq->waiters, struct mv_thread, wait_node);

		mv_list_del(&t->wait_node);
		if (mv_thread_wake(t))
			woken++;
	}
	mv_spin_unlock_irqrestore(&wq->lock, flags);
	/* A local wake-up under the lock could not switch; do it now. */
	if (this_sched()->need_resched && !this_sched()->irq_depth &&
	    !mv_arch_irqs_disabled())
		preempt();
	return woken;
}

void mv_sched_init_cpu(void)
{
	struct mv_cpu *cpu = mv_this_cpu();
	struct mv_sched_cpu *s = &cpu->sched;

	mv_spin_init(&s->lock);
	mv_rq_init(&s->rq);
	mv_timerq_init(&s->timers);
	mv_timer_event_init(&s->slice_event, slice_expired, NULL);
	s->programmed = MV_TIMERQ_NONE;
	memset(&s->idle, 0, sizeof(s->idle));
	mv_snprintf(s->idle.name, sizeof(s->idle.name), "idle/%u", cpu->id);
	s->idle.prio = MV_PRIO_IDLE;
	s->idle.cpu = cpu->id;
	s->idle.state = MV_THREAD_RUNNING;
	s->current_prio = MV_PRIO_IDLE;
	mv_list_init(&s->idle.rq_node);
	mv_list_init(&s->idle.wait_node);
	s->current = &s->idle;
}

void mv_sched_idle_loop(void)
{
	struct mv_sched_cpu *s = this_sched();

	for (;;) {
		mv_arch_irq_disable();
		if (!s->need_resched && mv_rq_top_prio(&s->rq) < 0) {
			struct mv_cpu *c = mv_this_cpu();
			u64 since = mv_arch_counter();

			MV_WRITE_ONCE(c->idle_since, since);
			mv_arch_wait_for_interrupt();
			MV_WRITE_ONCE(c->idle_ticks, c->idle_ticks +
				      mv_arch_counter() - since);
			MV_WRITE_ONCE(c->idle_since, 0);
		}
		mv_arch_irq_enable();
		if (s->need_resched || mv_rq_top_prio(&s->rq) >= 0)
			preempt();
	}
}

void mv_sched_irq_enter(void)
{
	this_sched()->irq_depth++;
	mv_this_cpu()->irqs++;
}

void mv_sched_irq_exit(void)
{
	struct mv_sched_cpu *s = this_sched();

	if (--s->irq_depth == 0 && s->need_resched &&
	    !s->current->defer_preempt)
		preempt();
}

void mv_sched_timer_interrupt(void)
{
	struct mv_sched_cpu *s = this_sched();
	struct mv_timer_event *ev;

	mv_this_cpu()->timer_irqs++;
	/* One event at a time: a callback may re-arm or cancel others. */
	for (;;) {
		mv_spin_lock(&s->lock);
		ev = mv_timerq_pop_expired(&s->timers, mv_arch_counter());
		if (!ev) {
			/* The timer fired: it must be re-armed or silenced. */
			s->programmed = MV_TIMERQ_NONE;
			if (mv_timerq_next(&s->timers) == MV_TIMERQ_NONE)
				mv_arch_timer_stop();
			else
				timer_reprogram(s);
			mv_spin_unlock(&s->lock);
			return;
		}
		ev->cpu = -1;
		mv_spin_unlock(&s->lock);
		ev->fn(ev);
	}
}

void mv_sched_ipi_reschedule(void)
{
	mv_this_cpu()->ipis_received++;
	this_sched()->need_resched = true;
}

static bool mutex_try(struct mv_mutex *m, struct mv_thread *self)
{
	struct mv_thread *none = NULL;

	return __atomic_compare_exchange_n(&m->owner, &none, self, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void mv_mutex_lock(struct mv_mutex *m)
{
	struct mv_thread *self = mv_current();

	mv_wait_event(&m->wq, mutex_try(m, self));
}

void mv_mutex_unlock(struct mv_mutex *m)
{
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	mv_waitq_wake_one(&m->wq);
}
