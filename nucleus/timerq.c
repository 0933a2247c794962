// SPDX-License-Identifier: GPL-2.0
/*
 * Timer-event queue (see timerq.h). A sorted list: a CPU has a handful of
 * events (sleepers, its time slice), and the first is what matters.
 */
#include <mv/timerq.h>

void mv_timerq_init(struct mv_timerq *q)
{
	mv_list_init(&q->events);
	q->nr = 0;
}

void mv_timer_event_init(struct mv_timer_event *ev, mv_timer_fn fn, void *arg)
{
	mv_list_init(&ev->node);
	ev->deadline = MV_TIMERQ_NONE;
	ev->fn = fn;
	ev->arg = arg;
	ev->cpu = -1;
}

bool mv_timerq_remove(struct mv_timerq *q, struct mv_timer_event *ev)
{
	if (!mv_timer_event_queued(ev))
		return false;
	mv_list_del(&ev->node);
	q->nr--;
	return true;
}

bool mv_timerq_add(struct mv_timerq *q, struct mv_timer_event *ev, u64 deadline)
{
	struct mv_list *pos;

	mv_timerq_remove(q, ev);
	ev->deadline = deadline;
	/* Walk from the back: new deadlines are usually the latest. */
	for (pos = q->events.prev; pos != &q->events; pos = pos->prev) {
		struct mv_timer_event *other =
			mv_list_entry(pos, struct mv_timer_event, node);

		if (other->deadline <= deadline)
			break;
	}
	mv_list_add(&ev->node, pos);
	q->nr++;
	return q->events.next == &ev->node;
}

u64 mv_timerq_next(const struct mv_timerq *q)
{
	if (mv_list_empty(&q->events))
		return MV_TIMERQ_NONE;
	return mv_list_first_entry(&q->events, struct mv_timer_event, node)
		->deadline;
}

struct mv_timer_event *mv_timerq_pop_expired(struct mv_timerq *q, u64 now)
{
	struct mv_timer_event *ev;

	if (mv_list_empty(&q->events))
		return NULL;
	ev = mv_list_first_entry(&q->events, struct mv_timer_event, node);
	if (ev->deadline > now)
		return NULL;
	mv_timerq_remove(q, ev);
	return ev;
}
