/* SPDX-License-Identifier: GPL-2.0 */
/* Intrusive doubly linked circular lists. */
#ifndef MV_LIST_H
#define MV_LIST_H

#include <mv/types.h>

struct mv_list {
	struct mv_list *next, *prev;
};

#define MV_LIST_INIT(name) { &(name), &(name) }

static inline void mv_list_init(struct mv_list *l)
{
	l->next = l;
	l->prev = l;
}

static inline bool mv_list_empty(const struct mv_list *l)
{
	return l->next == l;
}

static inline void mv_list_insert_between(struct mv_list *n,
					  struct mv_list *prev,
					  struct mv_list *next)
{
	n->next = next;
	n->prev = prev;
	prev->next = n;
	next->prev = n;
}

/* Insert n right after head (stack order). */
static inline void mv_list_add(struct mv_list *n, struct mv_list *head)
{
	mv_list_insert_between(n, head, head->next);
}

/* Insert n right before head (queue order). */
static inline void mv_list_add_tail(struct mv_list *n, struct mv_list *head)
{
	mv_list_insert_between(n, head->prev, head);
}

static inline void mv_list_del(struct mv_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

#define mv_list_entry(ptr, type, member) MV_CONTAINER_OF(ptr, type, member)
#define mv_list_first_entry(head, type, member) \
	mv_list_entry((head)->next, type, member)

#define mv_list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

#define mv_list_for_each_safe(pos, tmp, head) \
	for (pos = (head)->next, tmp = pos->next; pos != (head); \
	     pos = tmp, tmp = pos->next)

#endif
