// SPDX-License-Identifier: GPL-2.0
/* Priority run queue (see runqueue.h). */
#include <mv/runqueue.h>

void mv_rq_init(struct mv_runqueue *rq)
{
	rq->bitmap = 0;
	rq->nr = 0;
	for (unsigned int i = 0; i < MV_PRIO_LEVELS; i++)
		mv_list_init(&rq->queue[i]);
}

void mv_rq_enqueue(struct mv_runqueue *rq, struct mv_list *node,
		   unsigned int prio)
{
	mv_list_add_tail(node, &rq->queue[prio]);
	rq->bitmap |= 1U << prio;
	rq->nr++;
}

void mv_rq_remove(struct mv_runqueue *rq, struct mv_list *node,
		  unsigned int prio)
{
	mv_list_del(node);
	rq->nr--;
	if (mv_list_empty(&rq->queue[prio]))
		rq->bitmap &= ~(1U << prio);
}

int mv_rq_top_prio(const struct mv_runqueue *rq)
{
	return rq->bitmap ? 31 - __builtin_clz(rq->bitmap) : -1;
}

struct mv_list *mv_rq_pick(struct mv_runqueue *rq, unsigned int *prio)
{
	int top = mv_rq_top_prio(rq);
	struct mv_list *node;

	if (top < 0)
		return NULL;
	node = rq->queue[top].next;
	mv_rq_remove(rq, node, top);
	if (prio)
		*prio = top;
	return node;
}
