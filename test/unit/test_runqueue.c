// SPDX-License-Identifier: GPL-2.0
/* Priority run queue: nucleus/runqueue.c. */
#include <mv/runqueue.h>

#include "mv_test.h"

#define NR_ITEMS 64

struct item {
	struct mv_list node;
	unsigned int id;
};

static struct mv_runqueue rq;
static struct item items[NR_ITEMS];
static uint64_t seed;
static unsigned int rand_op;

static void setup(void)
{
	memset(&rq, 0xa5, sizeof(rq));	/* init must set it all */
	mv_rq_init(&rq);
	memset(items, 0, sizeof(items));
	for (unsigned int i = 0; i < NR_ITEMS; i++) {
		items[i].id = i;
		mv_list_init(&items[i].node);
	}
}

static unsigned int id_of(struct mv_list *n)
{
	return mv_list_entry(n, struct item, node)->id;
}

static void enq(unsigned int id, unsigned int prio)
{
	mv_rq_enqueue(&rq, &items[id].node, prio);
}

/* Pick one and check it is item 'id' at priority 'prio'. */
#define CHECK_PICK(id, prio)						\
	do {								\
		unsigned int p_ = 0xdead;				\
		struct mv_list *n_ = mv_rq_pick(&rq, &p_);		\
		CHECK(n_ != NULL);					\
		CHECK_EQ(id_of(n_), (id));				\
		CHECK_EQ(p_, (prio));					\
	} while (0)

#define CHECK_EMPTY()							\
	do {								\
		unsigned int p_ = 0xdead;				\
		CHECK_EQ(mv_rq_top_prio(&rq), -1);			\
		CHECK(mv_rq_pick(&rq, &p_) == NULL);			\
		CHECK(mv_rq_pick(&rq, NULL) == NULL);			\
		CHECK_EQ(p_, 0xdead);	/* untouched */			\
		CHECK_EQ(rq.nr, 0);					\
		CHECK_EQ(rq.bitmap, 0);					\
	} while (0)

/*
 * Structural invariants: every list is well linked, a level's bit is set
 * exactly when its list is non-empty, nr is the total, and top_prio is the
 * highest non-empty level.
 */
static void check_consistent(void)
{
	unsigned int total = 0;
	u32 bits = 0;
	int top = -1;

	for (unsigned int p = 0; p < MV_PRIO_LEVELS; p++) {
		struct mv_list *head = &rq.queue[p], *n;
		unsigned int cnt = 0;

		for (n = head->next; n != head; n = n->next) {
			CHECK(n->next->prev == n);
			CHECK(n->prev->next == n);
			CHECK_LE(++cnt, NR_ITEMS);
		}
		CHECK(head->next->prev == head);
		CHECK(head->prev->next == head);
		if (cnt) {
			bits |= 1U << p;
			top = p;
		}
		total += cnt;
	}
	CHECK_EQ(rq.bitmap, bits);
	CHECK_EQ(rq.nr, total);
	CHECK_EQ(mv_rq_top_prio(&rq), top);
}

static void test_empty(void)
{
	CHECK_EMPTY();
	check_consistent();
	for (unsigned int p = 0; p < MV_PRIO_LEVELS; p++)
		CHECK(mv_list_empty(&rq.queue[p]));
}

static void test_single(void)
{
	enq(7, 5);
	CHECK_EQ(rq.nr, 1);
	CHECK_EQ(rq.bitmap, 1U << 5);
	CHECK_EQ(mv_rq_top_prio(&rq), 5);
	CHECK_PICK(7, 5);
	CHECK(mv_list_empty(&items[7].node));	/* unlinked node is reset */
	CHECK_EMPTY();
}

static void test_fifo_one_prio(void)
{
	for (unsigned int i = 0; i < 10; i++) {
		enq(i, 12);
		CHECK_EQ(rq.nr, i + 1);
		CHECK_EQ(rq.bitmap, 1U << 12);
	}
	check_consistent();
	for (unsigned int i = 0; i < 10; i++) {
		CHECK_EQ(mv_rq_top_prio(&rq), 12);
		CHECK_PICK(i, 12);
		CHECK_EQ(rq.nr, 9 - i);
	}
	CHECK_EMPTY();

	/* Re-enqueue after pick goes to the back. */
	enq(0, 12);
	enq(1, 12);
	enq(2, 12);
	CHECK_PICK(0, 12);
	enq(0, 12);
	CHECK_PICK(1, 12);
	CHECK_PICK(2, 12);
	CHECK_PICK(0, 12);
	CHECK_EMPTY();
}

static void test_prio_order(void)
{
	/* Enqueue levels in a scrambled order, two items per level. */
	for (unsigned int k = 0; k < MV_PRIO_LEVELS; k++) {
		unsigned int p = (k * 13) % MV_PRIO_LEVELS;

		enq(p, p);
		enq(p + 32, p);
	}
	CHECK_EQ(rq.nr, 64);
	CHECK_EQ(rq.bitmap, 0xffffffffu);
	check_consistent();
	for (int p = MV_PRIO_LEVELS - 1; p >= 0; p--) {
		CHECK_EQ(mv_rq_top_prio(&rq), p);
		CHECK_PICK(p, p);
		CHECK_EQ(mv_rq_top_prio(&rq), p);	/* one left there */
		CHECK_PICK(p + 32, p);
		CHECK_EQ(rq.bitmap, p ? (1U << p) - 1 : 0);
		check_consistent();
	}
	CHECK_EMPTY();
}

static void test_higher_preempts(void)
{
	enq(0, 3);
	enq(1, 3);
	CHECK_PICK(0, 3);
	enq(2, 4);		/* arrives later, runs first */
	CHECK_EQ(mv_rq_top_prio(&rq), 4);
	enq(3, 2);
	CHECK_PICK(2, 4);
	CHECK_PICK(1, 3);
	CHECK_PICK(3, 2);
	CHECK_EMPTY();
}

static void test_edges(void)
{
	enq(0, 0);
	CHECK_EQ(rq.bitmap, 1u);
	CHECK_EQ(mv_rq_top_prio(&rq), 0);
	enq(1, 31);
	CHECK_EQ(rq.bitmap, 0x80000001u);
	CHECK_EQ(mv_rq_top_prio(&rq), 31);
	enq(2, 31);
	enq(3, 0);
	check_consistent();
	CHECK_PICK(1, 31);
	CHECK_EQ(rq.bitmap, 0x80000001u);
	CHECK_PICK(2, 31);
	CHECK_EQ(rq.bitmap, 1u);
	CHECK_EQ(mv_rq_top_prio(&rq), 0);
	CHECK_PICK(0, 0);
	CHECK_EQ(rq.bitmap, 1u);
	CHECK_PICK(3, 0);
	CHECK_EMPTY();

	/* Remove at the edges too. */
	enq(4, 31);
	enq(5, 0);
	mv_rq_remove(&rq, &items[4].node, 31);
	CHECK_EQ(rq.bitmap, 1u);
	CHECK_EQ(rq.nr, 1);
	CHECK_EQ(mv_rq_top_prio(&rq), 0);
	mv_rq_remove(&rq, &items[5].node, 0);
	CHECK_EMPTY();
}

static void test_pick_null_prio(void)
{
	enq(9, 17);
	enq(8, 17);
	struct mv_list *n = mv_rq_pick(&rq, NULL);

	CHECK(n == &items[9].node);
	CHECK_EQ(rq.nr, 1);
	CHECK_EQ(rq.bitmap, 1U << 17);
	CHECK_PICK(8, 17);
	CHECK_EMPTY();
}

static void test_remove(void)
{
	for (unsigned int i = 0; i < 5; i++)
		enq(i, 10);
	enq(5, 20);
	enq(6, 1);
	CHECK_EQ(rq.nr, 7);
	CHECK_EQ(rq.bitmap, (1U << 1) | (1U << 10) | (1U << 20));

	/* From the middle of a level: bit stays, order of the rest kept. */
	mv_rq_remove(&rq, &items[2].node, 10);
	CHECK(mv_list_empty(&items[2].node));
	CHECK_EQ(rq.nr, 6);
	CHECK_EQ(rq.bitmap, (1U << 1) | (1U << 10) | (1U << 20));
	check_consistent();

	/* Head and tail of a level. */
	mv_rq_remove(&rq, &items[0].node, 10);
	mv_rq_remove(&rq, &items[4].node, 10);
	CHECK_EQ(rq.nr, 4);
	CHECK_EQ(rq.bitmap, (1U << 1) | (1U << 10) | (1U << 20));
	check_consistent();

	/* Last of the top level clears its bit, top moves down. */
	mv_rq_remove(&rq, &items[5].node, 20);
	CHECK_EQ(rq.nr, 3);
	CHECK_EQ(rq.bitmap, (1U << 1) | (1U << 10));
	CHECK_EQ(mv_rq_top_prio(&rq), 10);
	check_consistent();

	CHECK_PICK(1, 10);
	CHECK_EQ(rq.bitmap, (1U << 1) | (1U << 10));
	CHECK_PICK(3, 10);		/* last of level 10 via pick */
	CHECK_EQ(rq.bitmap, 1U << 1);
	CHECK_EQ(mv_rq_top_prio(&rq), 1);

	/* Last of the only level. */
	mv_rq_remove(&rq, &items[6].node, 1);
	CHECK_EMPTY();
	check_consistent();

	/* A removed item can be enqueued again, elsewhere. */
	enq(2, 30);
	enq(6, 30);
	CHECK_PICK(2, 30);
	CHECK_PICK(6, 30);
	CHECK_EMPTY();
}

/* Reference model: one FIFO array per priority. */
struct model {
	unsigned int q[MV_PRIO_LEVELS][NR_ITEMS];
	unsigned int len[MV_PRIO_LEVELS];
	int prio_of[NR_ITEMS];	/* -1 when not queued */
	unsigned int nr;
};

static void model_del(struct model *m, unsigned int p, unsigned int idx)
{
	m->prio_of[m->q[p][idx]] = -1;
	memmove(&m->q[p][idx], &m->q[p][idx + 1],
		(m->len[p] - idx - 1) * sizeof(m->q[p][0]));
	m->len[p]--;
	m->nr--;
}

static int model_top(const struct model *m)
{
	for (int p = MV_PRIO_LEVELS - 1; p >= 0; p--)
		if (m->len[p])
			return p;
	return -1;
}

static void check_model(const struct model *m)
{
	u32 bits = 0;

	check_consistent();
	for (unsigned int p = 0; p < MV_PRIO_LEVELS; p++) {
		struct mv_list *head = &rq.queue[p], *n = head->next;

		for (unsigned int i = 0; i < m->len[p]; i++, n = n->next) {
			CHECK(n != head);
			CHECK_EQ(id_of(n), m->q[p][i]);
		}
		CHECK(n == head);
		if (m->len[p])
			bits |= 1U << p;
	}
	CHECK_EQ(rq.bitmap, bits);
	CHECK_EQ(rq.nr, m->nr);
	CHECK_EQ(mv_rq_top_prio(&rq), model_top(m));
	for (unsigned int i = 0; i < NR_ITEMS; i++)
		CHECK_EQ(mv_list_empty(&items[i].node), m->prio_of[i] < 0);
}

static void test_random_model(void)
{
	static struct model m;
	unsigned int ops = 0;

	memset(&m, 0, sizeof(m));
	for (unsigned int i = 0; i < NR_ITEMS; i++)
		m.prio_of[i] = -1;

	for (rand_op = 0; rand_op < 50000; rand_op++) {
		unsigned int r = mv_test_rand_below(100);
		/* Few levels in some phases so levels fill and drain. */
		unsigned int span = (rand_op / 5000) % 2 ? 3 : MV_PRIO_LEVELS;

		if (r < 45) {		/* enqueue a random idle item */
			unsigned int id = mv_test_rand_below(NR_ITEMS);
			unsigned int p = mv_test_rand_below(span);

			if (rand_op % 2)
				p = MV_PRIO_LEVELS - 1 - p;
			if (m.prio_of[id] >= 0)
				continue;
			enq(id, p);
			m.q[p][m.len[p]++] = id;
			m.prio_of[id] = p;
			m.nr++;
		} else if (r < 70) {	/* remove a random queued item */
			unsigned int id = mv_test_rand_below(NR_ITEMS);
			int p = m.prio_of[id];
			unsigned int idx;

			if (p < 0)
				continue;
			for (idx = 0; m.q[p][idx] != id; idx++)
				;
			mv_rq_remove(&rq, &items[id].node, p);
			model_del(&m, p, idx);
		} else {		/* pick */
			int top = model_top(&m);
			unsigned int got = 0xdead;
			struct mv_list *n = mv_rq_pick(&rq, &got);

			if (top < 0) {
				CHECK(n == NULL);
				CHECK_EQ(got, 0xdead);
			} else {
				CHECK(n != NULL);
				CHECK_EQ(id_of(n), m.q[top][0]);
				CHECK_EQ(got, top);
				model_del(&m, top, 0);
			}
		}
		ops++;
		check_model(&m);
	}
	CHECK_GE(ops, 30000);

	/* Drain: everything comes out in model order. */
	while (m.nr) {
		int top = model_top(&m);

		CHECK_PICK(m.q[top][0], top);
		model_del(&m, top, 0);
		check_model(&m);
	}
	CHECK_EMPTY();
}

int main(void)
{
	unsigned int failed;

	mv_test_init();
	seed = mv_test_rng;
	RUN_TEST(test_empty, setup);
	RUN_TEST(test_single, setup);
	RUN_TEST(test_fifo_one_prio, setup);
	RUN_TEST(test_prio_order, setup);
	RUN_TEST(test_higher_preempts, setup);
	RUN_TEST(test_edges, setup);
	RUN_TEST(test_pick_null_prio, setup);
	RUN_TEST(test_remove, setup);
	failed = mv_test_failed;
	RUN_TEST(test_random_model, setup);
	if (mv_test_failed != failed)
		fprintf(stderr, "test_random_model failed at op %u, seed %"
			PRIu64 " (replay: MV_TEST_SEED=%" PRIu64 ")\n",
			rand_op, seed, seed);
	return mv_test_summary();
}
