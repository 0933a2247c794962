// SPDX-License-Identifier: GPL-2.0
/* Timer-event queue: nucleus/timerq.c. */
#include <mv/timerq.h>

#include "mv_test.h"

#define NR_EV 48

static struct mv_timerq q;
static struct mv_timer_event ev[NR_EV];
static unsigned int ids[NR_EV];
static uint64_t seed;
static unsigned int rand_op;

static void dummy_fn(struct mv_timer_event *e)
{
	(void)e;
}

static void setup(void)
{
	memset(&q, 0xa5, sizeof(q));	/* init must set it all */
	mv_timerq_init(&q);
	memset(ev, 0xa5, sizeof(ev));
	for (unsigned int i = 0; i < NR_EV; i++) {
		ids[i] = i;
		mv_timer_event_init(&ev[i], dummy_fn, &ids[i]);
	}
}

static unsigned int id_of(const struct mv_timer_event *e)
{
	return (unsigned int)(e - ev);
}

static bool add(unsigned int id, u64 deadline)
{
	return mv_timerq_add(&q, &ev[id], deadline);
}

/* Check the queue holds exactly the listed event ids, in order. */
#define CHECK_ORDER(...)						\
	do {								\
		const unsigned int e_[] = { __VA_ARGS__ };		\
		check_order(e_, MV_ARRAY_SIZE(e_));			\
	} while (0)

static void check_order(const unsigned int *want, unsigned int n)
{
	struct mv_list *pos = q.events.next;
	u64 prev = 0;

	CHECK_EQ(q.nr, n);
	for (unsigned int i = 0; i < n; i++, pos = pos->next) {
		const struct mv_timer_event *e;

		CHECK(pos != &q.events);
		CHECK(pos->next->prev == pos);
		CHECK(pos->prev->next == pos);
		e = mv_list_entry(pos, struct mv_timer_event, node);
		CHECK_EQ(id_of(e), want[i]);
		CHECK(mv_timer_event_queued(e));
		CHECK_LE(prev, e->deadline);
		prev = e->deadline;
	}
	CHECK(pos == &q.events);
	CHECK_EQ(mv_timerq_next(&q),
		 n ? ev[want[0]].deadline : MV_TIMERQ_NONE);
}

#define CHECK_POP(now, id)						\
	do {								\
		struct mv_timer_event *p_ = mv_timerq_pop_expired(&q, (now)); \
		CHECK(p_ != NULL);					\
		CHECK_EQ(id_of(p_), (id));				\
		CHECK(!mv_timer_event_queued(p_));			\
	} while (0)

#define CHECK_NO_POP(now) CHECK(mv_timerq_pop_expired(&q, (now)) == NULL)

static void test_empty(void)
{
	CHECK_EQ(q.nr, 0);
	CHECK(mv_list_empty(&q.events));
	CHECK_EQ(mv_timerq_next(&q), MV_TIMERQ_NONE);
	CHECK_NO_POP(0);
	CHECK_NO_POP(UINT64_MAX);
	CHECK_EQ(q.nr, 0);
}

static void test_event_init(void)
{
	CHECK(!mv_timer_event_queued(&ev[3]));
	CHECK_EQ(ev[3].deadline, MV_TIMERQ_NONE);
	CHECK(ev[3].fn == dummy_fn);
	CHECK(ev[3].arg == &ids[3]);
	CHECK_EQ(ev[3].cpu, -1);
}

static void test_single(void)
{
	CHECK(add(0, 100));
	CHECK(mv_timer_event_queued(&ev[0]));
	CHECK_EQ(ev[0].deadline, 100);
	CHECK_ORDER(0);
	CHECK_EQ(mv_timerq_next(&q), 100);
	CHECK_NO_POP(0);
	CHECK_NO_POP(99);
	CHECK_ORDER(0);
	CHECK_POP(100, 0);		/* deadline == now is due */
	CHECK_EQ(ev[0].deadline, 100);
	CHECK_ORDER();
	CHECK_NO_POP(UINT64_MAX);
}

static void test_sorted(void)
{
	static const u64 dl[] = { 50, 10, 40, 30, 70, 20, 60, 5 };

	for (unsigned int i = 0; i < MV_ARRAY_SIZE(dl); i++)
		add(i, dl[i]);
	CHECK_ORDER(7, 1, 5, 3, 2, 0, 6, 4);
	CHECK_EQ(mv_timerq_next(&q), 5);
}

static void test_add_returns_first(void)
{
	CHECK_EQ(add(0, 100), true);		/* into empty */
	CHECK_EQ(add(1, 200), false);		/* behind */
	CHECK_EQ(add(2, 50), true);		/* new earliest */
	CHECK_EQ(add(3, 50), false);		/* ties go behind */
	CHECK_EQ(add(4, 150), false);		/* middle */
	CHECK_EQ(add(5, 49), true);
	CHECK_ORDER(5, 2, 3, 0, 4, 1);
	/* Moving the first later: no longer first. */
	CHECK_EQ(add(5, 1000), false);
	CHECK_ORDER(2, 3, 0, 4, 1, 5);
	/* Moving a later one to the front. */
	CHECK_EQ(add(1, 1), true);
	CHECK_ORDER(1, 2, 3, 0, 4, 5);
	/* Moving the first to an earlier deadline: still first. */
	CHECK_EQ(add(1, 0), true);
	CHECK_ORDER(1, 2, 3, 0, 4, 5);
	CHECK_EQ(mv_timerq_next(&q), 0);
}

static void test_fifo_ties(void)
{
	add(0, 20);
	add(1, 10);
	add(2, 20);
	add(3, 10);
	add(4, 20);
	add(5, 30);
	add(6, 10);
	CHECK_ORDER(1, 3, 6, 0, 2, 4, 5);
	CHECK_POP(25, 1);
	CHECK_POP(25, 3);
	CHECK_POP(25, 6);
	CHECK_POP(25, 0);
	CHECK_POP(25, 2);
	CHECK_POP(25, 4);
	CHECK_NO_POP(25);
	CHECK_ORDER(5);
}

static void test_readd_moves(void)
{
	add(0, 10);
	add(1, 20);
	add(2, 30);
	add(3, 40);
	CHECK_EQ(q.nr, 4);

	/* Same deadline again: no duplicate, nr unchanged. */
	CHECK_EQ(add(2, 30), false);
	CHECK_ORDER(0, 1, 2, 3);
	/* Later. */
	CHECK_EQ(add(0, 35), false);
	CHECK_EQ(ev[0].deadline, 35);
	CHECK_ORDER(1, 2, 0, 3);
	/* Earlier. */
	CHECK_EQ(add(3, 25), false);
	CHECK_ORDER(1, 3, 2, 0);
	/* To the end. */
	CHECK_EQ(add(1, 100), false);
	CHECK_ORDER(3, 2, 0, 1);
	/* Re-adding at an equal deadline counts as a new arrival. */
	add(4, 30);
	CHECK_ORDER(3, 2, 4, 0, 1);
	CHECK_EQ(add(2, 30), false);
	CHECK_ORDER(3, 4, 2, 0, 1);
	/* Sole event re-added to itself. */
	setup();
	CHECK_EQ(add(9, 5), true);
	CHECK_EQ(add(9, 5), true);
	CHECK_EQ(add(9, 7), true);
	CHECK_ORDER(9);
	CHECK_EQ(mv_timerq_next(&q), 7);
}

static void test_remove(void)
{
	CHECK_EQ(mv_timerq_remove(&q, &ev[0]), false);	/* never queued */
	CHECK_EQ(q.nr, 0);
	add(0, 10);
	add(1, 20);
	add(2, 30);
	add(3, 40);

	CHECK_EQ(mv_timerq_remove(&q, &ev[2]), true);	/* middle */
	CHECK(!mv_timer_event_queued(&ev[2]));
	CHECK_ORDER(0, 1, 3);
	CHECK_EQ(mv_timerq_remove(&q, &ev[2]), false);	/* twice */
	CHECK_ORDER(0, 1, 3);
	CHECK_EQ(mv_timerq_remove(&q, &ev[4]), false);	/* unrelated idle */
	CHECK_ORDER(0, 1, 3);

	CHECK_EQ(mv_timerq_remove(&q, &ev[0]), true);	/* first */
	CHECK_ORDER(1, 3);
	CHECK_EQ(mv_timerq_next(&q), 20);
	CHECK_EQ(mv_timerq_remove(&q, &ev[3]), true);	/* last */
	CHECK_ORDER(1);
	CHECK_EQ(mv_timerq_remove(&q, &ev[1]), true);	/* only */
	CHECK_ORDER();
	CHECK_EQ(mv_timerq_next(&q), MV_TIMERQ_NONE);

	/* Removed events can be queued again. */
	CHECK_EQ(add(2, 5), true);
	CHECK_EQ(add(0, 6), false);
	CHECK_ORDER(2, 0);
}

static void test_pop_expired(void)
{
	add(0, 100);
	add(1, 200);
	add(2, 300);
	add(3, 200);

	CHECK_NO_POP(0);
	CHECK_NO_POP(99);
	CHECK_ORDER(0, 1, 3, 2);
	CHECK_POP(250, 0);
	CHECK_POP(250, 1);
	CHECK_POP(250, 3);
	CHECK_NO_POP(250);		/* 300 is not due */
	CHECK_NO_POP(299);
	CHECK_ORDER(2);
	CHECK(!mv_timer_event_queued(&ev[0]));
	CHECK(!mv_timer_event_queued(&ev[1]));
	CHECK(!mv_timer_event_queued(&ev[3]));
	/* A popped event can be removed (no-op) and re-added. */
	CHECK_EQ(mv_timerq_remove(&q, &ev[1]), false);
	CHECK_ORDER(2);
	CHECK_EQ(add(1, 400), false);
	CHECK_EQ(add(0, 250), true);
	CHECK_ORDER(0, 2, 1);
	CHECK_POP(300, 0);
	CHECK_POP(300, 2);
	CHECK_NO_POP(300);
	CHECK_POP(400, 1);
	CHECK_NO_POP(UINT64_MAX);
	CHECK_ORDER();
}

static void test_extreme_deadlines(void)
{
	CHECK(add(0, UINT64_MAX - 1));
	CHECK(add(1, 0));
	CHECK(!add(2, UINT64_MAX - 1));
	CHECK_ORDER(1, 0, 2);
	CHECK_EQ(mv_timerq_next(&q), 0);
	CHECK_POP(0, 1);
	CHECK_NO_POP(UINT64_MAX - 2);
	CHECK_EQ(mv_timerq_next(&q), UINT64_MAX - 1);
	CHECK_POP(UINT64_MAX - 1, 0);
	CHECK_POP(UINT64_MAX, 2);
	CHECK_ORDER();
}

/* Reference model: an array of ids sorted by deadline, ties by arrival. */
struct model {
	unsigned int id[NR_EV];
	u64 dl[NR_EV];
	unsigned int nr;
};

static int model_find(const struct model *m, unsigned int id)
{
	for (unsigned int i = 0; i < m->nr; i++)
		if (m->id[i] == id)
			return i;
	return -1;
}

static void model_del(struct model *m, unsigned int i)
{
	memmove(&m->id[i], &m->id[i + 1], (m->nr - i - 1) * sizeof(m->id[0]));
	memmove(&m->dl[i], &m->dl[i + 1], (m->nr - i - 1) * sizeof(m->dl[0]));
	m->nr--;
}

/* Returns the position the event lands at. */
static unsigned int model_add(struct model *m, unsigned int id, u64 dl)
{
	int old = model_find(m, id);
	unsigned int i;

	if (old >= 0)
		model_del(m, old);
	for (i = m->nr; i > 0 && m->dl[i - 1] > dl; i--)
		;
	memmove(&m->id[i + 1], &m->id[i], (m->nr - i) * sizeof(m->id[0]));
	memmove(&m->dl[i + 1], &m->dl[i], (m->nr - i) * sizeof(m->dl[0]));
	m->id[i] = id;
	m->dl[i] = dl;
	m->nr++;
	return i;
}

static void check_model(const struct model *m)
{
	check_order(m->id, m->nr);
	for (unsigned int i = 0; i < m->nr; i++)
		CHECK_EQ(ev[m->id[i]].deadline, m->dl[i]);
	for (unsigned int i = 0; i < NR_EV; i++)
		CHECK_EQ(mv_timer_event_queued(&ev[i]), model_find(m, i) >= 0);
}

static void test_random_model(void)
{
	static struct model m;
	u64 now = 1000;
	unsigned int pops = 0, firsts = 0;

	memset(&m, 0, sizeof(m));
	for (rand_op = 0; rand_op < 40000; rand_op++) {
		unsigned int r = mv_test_rand_below(100);
		unsigned int id = mv_test_rand_below(NR_EV);

		if (r < 50) {
			/* Small window so equal deadlines are common. */
			u64 dl = now + mv_test_rand_below(40);
			bool first;

			if (mv_test_rand_below(8) == 0)
				dl = now - mv_test_rand_below(10); /* overdue */
			first = add(id, dl);
			CHECK_EQ(first, model_add(&m, id, dl) == 0);
			firsts += first;
		} else if (r < 65) {
			int i = model_find(&m, id);

			CHECK_EQ(mv_timerq_remove(&q, &ev[id]), i >= 0);
			if (i >= 0)
				model_del(&m, i);
		} else if (r < 80) {
			/* Single pop at a random time, maybe before any. */
			u64 t = now + mv_test_rand_below(20);
			struct mv_timer_event *e = mv_timerq_pop_expired(&q, t);

			if (m.nr && m.dl[0] <= t) {
				CHECK(e != NULL);
				CHECK_EQ(id_of(e), m.id[0]);
				CHECK(!mv_timer_event_queued(e));
				CHECK_LE(e->deadline, t);
				model_del(&m, 0);
				pops++;
			} else {
				CHECK(e == NULL);
			}
		} else if (r < 90) {
			/* Advance time and drain what is due, in order. */
			struct mv_timer_event *e;

			now += mv_test_rand_below(15);
			while ((e = mv_timerq_pop_expired(&q, now))) {
				CHECK(m.nr > 0);
				CHECK_EQ(id_of(e), m.id[0]);
				CHECK_LE(m.dl[0], now);
				CHECK(!mv_timer_event_queued(e));
				model_del(&m, 0);
				pops++;
			}
			CHECK(m.nr == 0 || m.dl[0] > now);
		} else {
			CHECK_EQ(mv_timerq_next(&q),
				 m.nr ? m.dl[0] : MV_TIMERQ_NONE);
		}
		check_model(&m);
	}
	/* The mix really exercised things. */
	CHECK_GE(pops, 5000);
	CHECK_GE(firsts, 1000);
}

int main(void)
{
	unsigned int failed;

	mv_test_init();
	seed = mv_test_rng;
	RUN_TEST(test_empty, setup);
	RUN_TEST(test_event_init, setup);
	RUN_TEST(test_single, setup);
	RUN_TEST(test_sorted, setup);
	RUN_TEST(test_add_returns_first, setup);
	RUN_TEST(test_fifo_ties, setup);
	RUN_TEST(test_readd_moves, setup);
	RUN_TEST(test_remove, setup);
	RUN_TEST(test_pop_expired, setup);
	RUN_TEST(test_extreme_deadlines, setup);
	failed = mv_test_failed;
	RUN_TEST(test_random_model, setup);
	if (mv_test_failed != failed)
		fprintf(stderr, "test_random_model failed at op %u, seed %"
			PRIu64 " (replay: MV_TEST_SEED=%" PRIu64 ")\n",
			rand_op, seed, seed);
	return mv_test_summary();
}
