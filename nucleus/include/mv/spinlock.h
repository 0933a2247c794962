/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ticket spinlocks on compiler atomics (LDAXR/STLXR on arm64 with
 * -mno-outline-atomics), so the same code runs in host unit tests.
 */
#ifndef MV_SPINLOCK_H
#define MV_SPINLOCK_H

#include <mv/types.h>
#include <mv/arch.h>

struct mv_spinlock {
	u16 owner;
	u16 next;
};

#define MV_SPINLOCK_INIT { 0, 0 }

static inline void mv_spin_init(struct mv_spinlock *l)
{
	l->owner = 0;
	l->next = 0;
}

static inline void mv_spin_lock(struct mv_spinlock *l)
{
	u16 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		mv_arch_cpu_relax();
}

static inline bool mv_spin_trylock(struct mv_spinlock *l)
{
	u16 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u16 expected = owner;

	if (__atomic_load_n(&l->next, __ATOMIC_RELAXED) != owner)
		return false;
	return __atomic_compare_exchange_n(&l->next, &expected, owner + 1,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void mv_spin_unlock(struct mv_spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
	mv_arch_cpu_wake_waiters();
}

static inline unsigned long mv_spin_lock_irqsave(struct mv_spinlock *l)
{
	unsigned long flags = mv_arch_irq_save();

	mv_spin_lock(l);
	return flags;
}

static inline void mv_spin_unlock_irqrestore(struct mv_spinlock *l,
					     unsigned long flags)
{
	mv_spin_unlock(l);
	mv_arch_irq_restore(flags);
}

#endif
