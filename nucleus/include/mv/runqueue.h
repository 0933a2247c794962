/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run queue: one FIFO per priority and a bitmap of the non-empty ones, so
 * picking the next thread is a count-leading-zeros. Pure logic; each CPU
 * owns one, protected by its scheduler lock.
 */
#ifndef MV_RUNQUEUE_H
#define MV_RUNQUEUE_H

#include <mv/list.h>

#define MV_PRIO_LEVELS 32	/* 0 lowest .. 31 highest */

struct mv_runqueue {
	u32 bitmap;
	unsigned int nr;
	struct mv_list queue[MV_PRIO_LEVELS];
};

void mv_rq_init(struct mv_runqueue *rq);
void mv_rq_enqueue(struct mv_runqueue *rq, struct mv_list *node,
		   unsigned int prio);
void mv_rq_remove(struct mv_runqueue *rq, struct mv_list *node,
		  unsigned int prio);
/* Highest non-empty priority, or -1 when empty. */
int mv_rq_top_prio(const struct mv_runqueue *rq);
/* Dequeue the first entry of the highest priority, or NULL. */
struct mv_list *mv_rq_pick(struct mv_runqueue *rq, unsigned int *prio);

#endif
