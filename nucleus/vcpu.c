// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs (DESIGN §6): each is a scheduler thread running the trap loop.
 * The loop runs with IRQs masked and the guest's state in the CPU; it
 * takes the state off the CPU (mv_arch_vcpu_put) before it sleeps or
 * gives the CPU away, and only at those points, so the nucleus never
 * preempts a vCPU with half its state in the hardware. A trapped WFI
 * blocks until an interrupt is pending; WFE only yields. Unpinned vCPUs
 * move to an idle host CPU when they wake up.
 *
 * A vCPU thread is "parked" (outside the loop, its state saved) when its
 * guest is not running or it is powered off; guest control waits for all
 * of a guest's threads to park before it touches the guest.
 */
#include <mv/arch_guest.h>
#include <mv/cpu.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/sched.h>
#include <string.h>

/* vCPUs yield to nucleus threads (the terminal answers a busy host). */
#define VCPU_PRIO MV_PRIO_LOW

/* Guest control waits here for vCPU threads to park or exit. */
static struct mv_waitq park_wq = {
	MV_SPINLOCK_INIT, MV_LIST_INIT(park_wq.waiters)
};

struct mv_vcpu *mv_vcpu_current(void)
{
	return mv_this_cpu()->vcpu;
}

static bool may_run(struct mv_vcpu *v)
{
	return MV_READ_ONCE(v->guest->state) == MV_GUEST_RUNNING &&
	       MV_READ_ONCE(v->powered) && !MV_READ_ONCE(v->exit_thread);
}

void mv_vcpu_kick(struct mv_vcpu *v)
{
	mv_waitq_wake_all(&v->wq);
	/* Pairs with the fence after mv_arch_vcpu_load in the loop. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (MV_READ_ONCE(v->arch.loaded) &&
	    MV_READ_ONCE(v->host_cpu) != (int)mv_this_cpu()->id) {
		mv_this_cpu()->ipis_sent++;
		mv_arch_send_ipi(v->host_cpu, MV_IPI_KICK);
	}
}

static void request(struct mv_vcpu *v, unsigned int req)
{
	__atomic_fetch_or(&v->requests, 1UL << req, __ATOMIC_SEQ_CST);
	mv_vcpu_kick(v);
}

static void load(struct mv_vcpu *v)
{
	int last = v->host_cpu;

	mv_arch_vcpu_load(v);
	if (last >= 0 && last != v->host_cpu)
		v->moves++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Give the CPU away with the guest's state saved. */
static void put_and_schedule(struct mv_vcpu *v)
{
	mv_arch_vcpu_put(v);
	mv_yield();
	load(v);
}

static void wait_for_interrupt(struct mv_vcpu *v)
{
	mv_arch_vcpu_put(v);
	v->state = MV_VCPU_BLOCKED;
	mv_wait_event(&v->wq, mv_arch_vcpu_has_pending(v) ||
			      MV_READ_ONCE(v->requests));
	v->state = MV_VCPU_RUNNABLE;
	load(v);
}

/* Run the guest until the vCPU must park. IRQs masked throughout. */
static void run(struct mv_vcpu *v)
{
	if (v->on_pending) {
		mv_arch_vcpu_reset(v, v->boot_pc, v->boot_arg);
		MV_WRITE_ONCE(v->on_pending, false);
	}
	v->state = MV_VCPU_RUNNABLE;
	load(v);
	for (;;) {
		if (MV_READ_ONCE(v->requests)) {
			__atomic_and_fetch(&v->requests, 0, __ATOMIC_SEQ_CST);
			if (!may_run(v))
				break;
		}
		if (mv_sched_need_resched()) {
			put_and_schedule(v);
			continue;
		}
		switch (mv_arch_vcpu_run(v)) {
		case MV_RUN_CHECK:
			break;
		case MV_RUN_IRQ:
			/* The host interrupt is taken right here. */
			mv_arch_irq_enable();
			mv_arch_irq_disable();
			break;
		case MV_RUN_WFI:
			wait_for_interrupt(v);
			break;
		case MV_RUN_WFE:
			mv_arch_vcpu_put(v);
			mv_yield();
			load(v);
			break;
		case MV_RUN_OFF:
			MV_WRITE_ONCE(v->powered, false);
			break;
		}
		if (!may_run(v))
			break;
	}
	mv_arch_vcpu_put(v);
}

static void vcpu_thread(void *arg)
{
	struct mv_vcpu *v = arg;
	struct mv_guest *g = v->guest;

	mv_current()->defer_preempt = true;
	mv_current()->migratable = v->pinned < 0;
	mv_arch_irq_disable();
	for (;;) {
		v->state = MV_READ_ONCE(v->powered) ? MV_VCPU_PAUSED :
						      MV_VCPU_OFF;
		__atomic_fetch_sub(&g->running_vcpus, 1, __ATOMIC_SEQ_CST);
		mv_waitq_wake_all(&park_wq);
		mv_wait_event(&v->wq, may_run(v) ||
				      MV_READ_ONCE(v->exit_thread));
		if (MV_READ_ONCE(v->exit_thread))
			break;
		__atomic_fetch_add(&g->running_vcpus, 1, __ATOMIC_SEQ_CST);
		/* Guest control may have parked us again meanwhile. */
		if (may_run(v))
			run(v);
	}
	/* The last touch of v and g: destroy frees them once it sees 0. */
	__atomic_fetch_sub(&v->thread_alive, 1, __ATOMIC_SEQ_CST);
	mv_waitq_wake_all(&park_wq);
	mv_thread_exit();
}

struct mv_vcpu *mv_vcpu_create(struct mv_guest *g, unsigned int index,
			       int pin)
{
	static unsigned int next_home;
	struct mv_vcpu *v = mv_zalloc(sizeof(*v));
	unsigned int home = 0;
	char name[24];

	if (!v)
		return NULL;
	v->guest = g;
	v->index = index;
	v->pinned = pin;
	v->host_cpu = -1;
	v->state = MV_VCPU_OFF;
	v->thread_alive = 1;
	mv_waitq_init(&v->wq);
	mv_arch_vcpu_init(v);
	/* Counted as running until the thread parks for the first time. */
	__atomic_fetch_add(&g->running_vcpus, 1, __ATOMIC_SEQ_CST);
	mv_snprintf(name, sizeof(name), "%s/vcpu%u", g->name, index);
	/* Unpinned: spread over the CPUs across guests, not per guest. */
	if (pin < 0)
		home = __atomic_fetch_add(&next_home, 1, __ATOMIC_RELAXED) %
		       mv_cpus_online();
	v->thread = mv_thread_create(name, vcpu_thread, v, VCPU_PRIO,
				     pin >= 0 ? pin : (int)home);
	if (!v->thread) {
		__atomic_fetch_sub(&g->running_vcpus, 1, __ATOMIC_SEQ_CST);
		mv_free(v);
		return NULL;
	}
	return v;
}

/* With the guest parked: end the thread and free the vCPU. */
void mv_vcpu_destroy(struct mv_vcpu *v)
{
	MV_WRITE_ONCE(v->exit_thread, true);
	mv_waitq_wake_all(&v->wq);
	mv_wait_event(&park_wq, !MV_READ_ONCE(v->thread_alive));
	mv_arch_vcpu_free(v);
	mv_free(v);
}

void mv_vcpus_park(struct mv_guest *g)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		request(g->vcpus[i], MV_VCPU_REQ_STOP);
	mv_wait_event(&park_wq, !MV_READ_ONCE(g->running_vcpus));
}

void mv_vcpus_unpark(struct mv_guest *g)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		mv_waitq_wake_all(&g->vcpus[i]->wq);
}

/* vCPU 0 at the kernel's entry with the DTB; the others off (PSCI). */
void mv_vcpus_power_on_boot(struct mv_guest *g)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct mv_vcpu *v = g->vcpus[i];

		v->powered = i == 0;
		v->on_pending = i == 0;
		v->boot_pc = g->entry;
		v->boot_arg = g->dtb_ipa;
		v->requests = 0;
	}
}

struct mv_vcpu *mv_vcpu_by_mpidr(struct mv_guest *g, u64 mpidr)
{
	/* Aff0 = index, everything else zero (see the guest DTB). */
	if ((mpidr & 0xff00ffffffUL) >= g->nr_vcpus)
		return NULL;
	return g->vcpus[mpidr & 0xff];
}

static struct mv_spinlock power_lock = MV_SPINLOCK_INIT;

int mv_vcpu_psci_cpu_on(struct mv_vcpu *caller, u64 mpidr, u64 pc, u64 arg)
{
	struct mv_guest *g = caller->guest;
	struct mv_vcpu *t = mv_vcpu_by_mpidr(g, mpidr);
	unsigned long flags;
	int ret = MV_PSCI_SUCCESS;

	if (!t) {
		mv_guest_warn(g, "vcpu%u: CPU_ON of MPIDR 0x%lx: no such "
			      "vCPU\n", caller->index, (unsigned long)mpidr);
		return MV_PSCI_INVALID_PARAMETERS;
	}
	if ((pc & 3) || !mv_guest_ram_contains(g, pc, 4)) {
		mv_guest_warn(g, "vcpu%u: CPU_ON of vcpu%u at 0x%lx: not in "
			      "its RAM\n", caller->index, t->index,
			      (unsigned long)pc);
		return MV_PSCI_INVALID_ADDRESS;
	}
	flags = mv_spin_lock_irqsave(&power_lock);
	if (t->powered) {
		ret = t->on_pending ? MV_PSCI_ON_PENDING : MV_PSCI_ALREADY_ON;
	} else {
		t->boot_pc = pc;
		t->boot_arg = arg;
		t->on_pending = true;
		MV_WRITE_ONCE(t->powered, true);
	}
	mv_spin_unlock_irqrestore(&power_lock, flags);
	if (ret == MV_PSCI_SUCCESS)
		mv_waitq_wake_all(&t->wq);
	return ret;
}

int mv_vcpu_psci_affinity(struct mv_vcpu *caller, u64 mpidr)
{
	struct mv_vcpu *t = mv_vcpu_by_mpidr(caller->guest, mpidr);

	if (!t)
		return MV_PSCI_INVALID_PARAMETERS;
	if (!MV_READ_ONCE(t->powered))
		return 1;
	return MV_READ_ONCE(t->on_pending) ? 2 : 0;
}
