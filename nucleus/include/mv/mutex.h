/* SPDX-License-Identifier: GPL-2.0 */
/* Sleeping mutex for threads (never in interrupt context). */
#ifndef MV_MUTEX_H
#define MV_MUTEX_H

#include <mv/sched.h>

struct mv_mutex {
	struct mv_waitq wq;
	struct mv_thread *owner;
};

#define MV_MUTEX_INIT(name) \
	{ { MV_SPINLOCK_INIT, MV_LIST_INIT((name).wq.waiters) }, NULL }

void mv_mutex_lock(struct mv_mutex *m);
void mv_mutex_unlock(struct mv_mutex *m);

#endif
