/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timer-event queue: one-shot events sorted by deadline (system counter
 * ticks). Pure logic; each CPU owns one, protected by its scheduler lock.
 */
#ifndef MV_TIMERQ_H
#define MV_TIMERQ_H

#include <mv/list.h>

#define MV_TIMERQ_NONE UINT64_MAX

struct mv_timer_event;
typedef void (*mv_timer_fn)(struct mv_timer_event *ev);

struct mv_timer_event {
	struct mv_list node;
	u64 deadline;
	mv_timer_fn fn;
	void *arg;
	int cpu;		/* queue it sits on, -1 when idle */
};

struct mv_timerq {
	struct mv_list events;
	unsigned int nr;
};

void mv_timerq_init(struct mv_timerq *q);
void mv_timer_event_init(struct mv_timer_event *ev, mv_timer_fn fn, void *arg);
static inline bool mv_timer_event_queued(const struct mv_timer_event *ev)
{
	return !mv_list_empty(&ev->node);
}
/* Queue (or move) ev to fire at deadline; returns true if it became first. */
bool mv_timerq_add(struct mv_timerq *q, struct mv_timer_event *ev, u64 deadline);
/* Take ev out if queued; returns whether it was. */
bool mv_timerq_remove(struct mv_timerq *q, struct mv_timer_event *ev);
/* Deadline of the first event, or MV_TIMERQ_NONE. */
u64 mv_timerq_next(const struct mv_timerq *q);
/* Unlink and return the first event due at 'now', or NULL. */
struct mv_timer_event *mv_timerq_pop_expired(struct mv_timerq *q, u64 now);

#endif
