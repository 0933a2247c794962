// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueue walker: modules/vio/virtio-mmio/virtqueue.c on a fake
 * guest RAM. Good chains (direct, indirect, split at granules), every
 * rule a driver can break (each to its own error, nothing read outside
 * RAM), used ring updates and notification suppression both ways, with
 * and without VIRTIO_F_EVENT_IDX.
 */
#include "../../modules/vio/virtio-mmio/virtqueue.h"

#include "mv_test.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (1u << 20)
#define NUM 8
#define DESC (RAM_BASE + 0x1000)
#define AVAIL (RAM_BASE + 0x2000)
#define USED (RAM_BASE + 0x3000)
#define BUF (RAM_BASE + 0x10000)
#define TABLE (RAM_BASE + 0x8000)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct mv_virtq q;
static struct mv_virtq_seg seg[16];
static struct mv_virtq_chain ch;
static bool blocky;		/* map refuses ranges crossing 4 KiB */
static bool hole;		/* the page at HOLE is not RAM */

#define HOLE (RAM_BASE + 0x20000)

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	CHECK(ctx == &q);
	if (ipa < RAM_BASE || len > RAM_SIZE ||
	    ipa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	if (blocky && (ipa >> 12) != ((ipa + len - 1) >> 12))
		return NULL;
	if (hole && ipa < HOLE + 4096 && HOLE < ipa + len)
		return NULL;
	return ram + (ipa - RAM_BASE);
}

static void *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

static void set_desc(uint64_t table, unsigned int i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	struct vq_desc d = { addr, len, flags, next };

	memcpy(at(table + 16 * i), &d, sizeof(d));
}

static uint16_t *avail_idx(void)
{
	return at(AVAIL + 2);
}

static void offer(uint16_t head)
{
	uint16_t idx = *avail_idx();

	((uint16_t *)at(AVAIL + 4))[idx % NUM] = head;
	*avail_idx() = idx + 1;
}

static uint16_t used_idx(void)
{
	return *(uint16_t *)at(USED + 2);
}

static void start(bool event_idx, bool indirect)
{
	memset(&q, 0, sizeof(q));
	q.map = map;
	q.map_ctx = &q;
	q.granule = 4096;
	q.num = NUM;
	q.event_idx = event_idx;
	q.indirect = indirect;
	CHECK_EQ(vq_start(&q, DESC, AVAIL, USED), 0);
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	blocky = hole = false;
	memset(&ch, 0, sizeof(ch));
	ch.seg = seg;
	ch.max_segs = 16;
	start(false, false);
}

static void expect_error(int err)
{
	CHECK_EQ(vq_pop(&q, &ch), -err);
	CHECK_EQ(q.err, err);
	/* Sticky: nothing more comes out of a broken queue. */
	CHECK_EQ(vq_pop(&q, &ch), -err);
	CHECK(strlen(vq_strerror(err)) > 0);
}

static void test_empty(void)
{
	CHECK_EQ(vq_pop(&q, &ch), 0);
	CHECK_EQ(q.err, 0);
}

static void test_good_chain(void)
{
	set_desc(DESC, 3, BUF, 16, MV_VRING_DESC_F_NEXT, 5);
	set_desc(DESC, 5, BUF + 0x100, 32, MV_VRING_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF + 0x200, 64, MV_VRING_DESC_F_WRITE, 0);
	memcpy(at(BUF), "hello", 5);
	offer(3);
	CHECK_EQ(vq_pop(&q, &ch), 1);
	CHECK_EQ(ch.head, 3);
	CHECK_EQ(ch.nr_out, 2);
	CHECK_EQ(ch.nr_in, 1);
	CHECK_EQ(ch.out_len, 48);
	CHECK_EQ(ch.in_len, 64);
	CHECK(seg[0].ptr == at(BUF) && seg[0].len == 16);
	CHECK(seg[1].ptr == at(BUF + 0x100) && seg[1].len == 32);
	CHECK(seg[2].ptr == at(BUF + 0x200) && seg[2].len == 64);
	CHECK_EQ(vq_pop(&q, &ch), 0);
	CHECK_EQ(vq_push(&q, 3, 7), 0);
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(*(uint32_t *)at(USED + 4), 3);
	CHECK_EQ(*(uint32_t *)at(USED + 8), 7);
	/* Not in flight any more. */
	CHECK_EQ(vq_push(&q, 3, 0), -VQ_E_USED);
}

static void test_wraparound(void)
{
	/* Indices run past 65535; the ring wraps at NUM. */
	for (unsigned int n = 0; n < 70000; n++) {
		set_desc(DESC, n % NUM, BUF, 8, 0, 0);
		offer(n % NUM);
		CHECK_EQ(vq_pop(&q, &ch), 1);
		CHECK_EQ(ch.head, n % NUM);
		CHECK_EQ(vq_push(&q, ch.head, 0), 0);
	}
	CHECK_EQ(used_idx(), (uint16_t)70000);
	CHECK_EQ(q.err, 0);
}

static void test_split_at_granule(void)
{
	blocky = true;
	set_desc(DESC, 0, BUF + 0xf00, 0x2200, MV_VRING_DESC_F_WRITE, 0);
	offer(0);
	CHECK_EQ(vq_pop(&q, &ch), 1);
	CHECK_EQ(ch.nr_in, 4);
	CHECK(seg[0].ptr == at(BUF + 0xf00) && seg[0].len == 0x100);
	CHECK(seg[1].ptr == at(BUF + 0x1000) && seg[1].len == 0x1000);
	CHECK(seg[2].ptr == at(BUF + 0x2000) && seg[2].len == 0x1000);
	CHECK(seg[3].ptr == at(BUF + 0x3000) && seg[3].len == 0x100);
	CHECK_EQ(ch.in_len, 0x2200);
}

static void test_loop(void)
{
	set_desc(DESC, 0, BUF, 8, MV_VRING_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF, 8, MV_VRING_DESC_F_NEXT, 0);
	offer(0);
	expect_error(VQ_E_LOOP);
}

static void test_self_loop(void)
{
	set_desc(DESC, 4, BUF, 8, MV_VRING_DESC_F_NEXT, 4);
	offer(4);
	expect_error(VQ_E_LOOP);
}

static void test_chain_of_queue_size(void)
{
	/* NUM descriptors is the longest legal chain. */
	for (unsigned int i = 0; i < NUM; i++)
		set_desc(DESC, i, BUF + 16 * i, 16,
			 i + 1 < NUM ? MV_VRING_DESC_F_NEXT : 0, i + 1);
	offer(0);
	CHECK_EQ(vq_pop(&q, &ch), 1);
	CHECK_EQ(ch.nr_out, NUM);
}

static void test_head_out_of_range(void)
{
	offer(NUM);
	expect_error(VQ_E_HEAD);
}

static void test_next_out_of_range(void)
{
	set_desc(DESC, 0, BUF, 8, MV_VRING_DESC_F_NEXT, NUM);
	offer(0);
	expect_error(VQ_E_NEXT);
}

static void test_avail_idx_jump(void)
{
	*avail_idx() = NUM + 1;
	expect_error(VQ_E_AVAIL_IDX);
}

static void test_addr_outside_ram(void)
{
	set_desc(DESC, 0, RAM_BASE - 0x1000, 8, 0, 0);
	offer(0);
	expect_error(VQ_E_ADDR);
	CHECK_EQ(q.err_addr, RAM_BASE - 0x1000);
}

static void test_addr_across_ram_end(void)
{
	set_desc(DESC, 0, RAM_BASE + RAM_SIZE - 4, 8, MV_VRING_DESC_F_WRITE,
		 0);
	offer(0);
	expect_error(VQ_E_RAM_END);
}

static void test_huge_len_outside(void)
{
	set_desc(DESC, 0, BUF, 0xffffffffu, 0, 0);
	offer(0);
	expect_error(VQ_E_RAM_END);
	CHECK_EQ(q.err_addr, BUF);
	CHECK_EQ(q.err_len, 0xffffffffu);
}

/* Both ends in RAM, a hole between: split at granules, then refused. */
static void test_buffer_across_hole(void)
{
	hole = true;
	set_desc(DESC, 0, HOLE - 0x1000, 0x3000, MV_VRING_DESC_F_WRITE, 0);
	offer(0);
	expect_error(VQ_E_RAM_END);
	CHECK_EQ(q.err_addr, HOLE - 0x1000);
}

static void test_addr_wraps(void)
{
	set_desc(DESC, 0, 0xfffffffffffff000ull, 0x2000, 0, 0);
	offer(0);
	expect_error(VQ_E_HUGE_LEN);
}

static void test_zero_len(void)
{
	set_desc(DESC, 0, BUF, 8, MV_VRING_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF, 0, 0, 0);
	offer(0);
	expect_error(VQ_E_ZERO_LEN);
	CHECK_EQ(q.err_desc, 1);
}

static void test_order(void)
{
	set_desc(DESC, 0, BUF, 8, MV_VRING_DESC_F_WRITE | MV_VRING_DESC_F_NEXT,
		 1);
	set_desc(DESC, 1, BUF, 8, 0, 0);
	offer(0);
	expect_error(VQ_E_ORDER);
}

static void test_too_many_segments(void)
{
	ch.max_segs = 1;
	set_desc(DESC, 0, BUF, 8, MV_VRING_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF, 8, 0, 0);
	offer(0);
	expect_error(VQ_E_SEGS);
}

/* A loop is a loop even when the segments run out first. */
static void test_loop_past_segments(void)
{
	ch.max_segs = 2;
	set_desc(DESC, 0, BUF, 8, MV_VRING_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF, 8, MV_VRING_DESC_F_NEXT, 2);
	set_desc(DESC, 2, BUF, 8, MV_VRING_DESC_F_NEXT, 1);
	offer(0);
	expect_error(VQ_E_LOOP);
	CHECK_EQ(q.err_len, NUM + 1);
}

static void test_indirect_not_negotiated(void)
{
	set_desc(DESC, 0, TABLE, 32, MV_VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_error(VQ_E_INDIRECT);
}

static void test_indirect_good(void)
{
	start(false, true);
	set_desc(TABLE, 0, BUF, 10, MV_VRING_DESC_F_NEXT, 2);
	set_desc(TABLE, 2, BUF + 0x40, 20, MV_VRING_DESC_F_NEXT, 1);
	set_desc(TABLE, 1, BUF + 0x80, 30, MV_VRING_DESC_F_WRITE, 0);
	set_desc(DESC, 6, TABLE, 48, MV_VRING_DESC_F_INDIRECT, 0);
	offer(6);
	CHECK_EQ(vq_pop(&q, &ch), 1);
	CHECK_EQ(ch.head, 6);
	CHECK_EQ(ch.nr_out, 2);
	CHECK_EQ(ch.nr_in, 1);
	CHECK_EQ(ch.out_len, 30);
	CHECK_EQ(ch.in_len, 30);
	CHECK(seg[2].ptr == at(BUF + 0x80));
}

static void test_indirect_bad(void)
{
	static const struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags;
		int err;
	} cases[] = {
		{ TABLE, 0, MV_VRING_DESC_F_INDIRECT, VQ_E_INDIRECT },
		{ TABLE, 24, MV_VRING_DESC_F_INDIRECT, VQ_E_INDIRECT },
		{ TABLE, 16 * (VQ_INDIRECT_MAX + 1), MV_VRING_DESC_F_INDIRECT,
		  VQ_E_INDIRECT },
		{ TABLE, 32, MV_VRING_DESC_F_INDIRECT | MV_VRING_DESC_F_NEXT,
		  VQ_E_INDIRECT },
		{ RAM_BASE + RAM_SIZE, 32, MV_VRING_DESC_F_INDIRECT,
		  VQ_E_ADDR },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup();
		start(false, true);
		set_desc(DESC, 0, cases[i].addr, cases[i].len, cases[i].flags,
			 1);
		set_desc(DESC, 1, BUF, 8, 0, 0);
		offer(0);
		expect_error(cases[i].err);
	}
	/* Nested indirect. */
	setup();
	start(false, true);
	set_desc(TABLE, 0, TABLE, 16, MV_VRING_DESC_F_INDIRECT, 0);
	set_desc(DESC, 0, TABLE, 16, MV_VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_error(VQ_E_INDIRECT);
	/* A loop inside the table. */
	setup();
	start(false, true);
	set_desc(TABLE, 0, BUF, 8, MV_VRING_DESC_F_NEXT, 1);
	set_desc(TABLE, 1, BUF, 8, MV_VRING_DESC_F_NEXT, 0);
	set_desc(DESC, 0, TABLE, 32, MV_VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_error(VQ_E_LOOP);
	/* next beyond the table (but inside the queue size). */
	setup();
	start(false, true);
	set_desc(TABLE, 0, BUF, 8, MV_VRING_DESC_F_NEXT, 2);
	set_desc(DESC, 0, TABLE, 32, MV_VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_error(VQ_E_NEXT);
}

static void test_bad_rings(void)
{
	struct mv_virtq b = { .map = map, .map_ctx = &q, .granule = 4096 };

	b.num = NUM;
	CHECK_EQ(vq_start(&b, DESC + 8, AVAIL, USED), -VQ_E_RING);
	CHECK_EQ(vq_start(&b, DESC, AVAIL + 1, USED), -VQ_E_RING);
	CHECK_EQ(vq_start(&b, DESC, AVAIL, USED + 2), -VQ_E_RING);
	CHECK_EQ(vq_start(&b, DESC, AVAIL, RAM_BASE + RAM_SIZE - 16),
		 -VQ_E_RING);
	CHECK_EQ(vq_start(&b, 0, AVAIL, USED), -VQ_E_RING);
	b.num = 0;
	CHECK_EQ(vq_start(&b, DESC, AVAIL, USED), -VQ_E_RING);
	CHECK(b.desc == NULL);
}

static void test_need_event_math(void)
{
	/* Interrupt when new passes event since old. */
	CHECK(vq_need_event(0, 1, 0));
	CHECK(!vq_need_event(1, 1, 0));
	CHECK(vq_need_event(1, 2, 0));
	CHECK(!vq_need_event(5, 3, 0));
	CHECK(vq_need_event(4, 5, 3));
	CHECK(!vq_need_event(2, 5, 3));
	CHECK(vq_need_event(65535, 1, 65534));	/* wraps */
	CHECK(!vq_need_event(0, 0, 65535));
	CHECK(vq_need_event(65535, 0, 65535));
}

static void one_round(uint16_t head)
{
	set_desc(DESC, head, BUF, 8, 0, 0);
	offer(head);
	CHECK_EQ(vq_pop(&q, &ch), 1);
	CHECK_EQ(vq_push(&q, head, 0), 0);
}

static void test_interrupt_flags(void)
{
	CHECK(!vq_need_interrupt(&q));		/* nothing pushed */
	one_round(0);
	CHECK(vq_need_interrupt(&q));
	CHECK(!vq_need_interrupt(&q));		/* already told */
	*(uint16_t *)at(AVAIL) = MV_VRING_AVAIL_F_NO_INTERRUPT;
	one_round(1);
	CHECK(!vq_need_interrupt(&q));
	/* Without event idx, avail_event is never written. */
	CHECK_EQ(*(uint16_t *)at(USED + 4 + 8 * NUM), 0);
}

static void test_interrupt_event_idx(void)
{
	uint16_t *used_event = at(AVAIL + 4 + 2 * NUM);

	start(true, false);
	*(uint16_t *)at(AVAIL) = MV_VRING_AVAIL_F_NO_INTERRUPT; /* ignored */
	*used_event = 0;
	one_round(0);			/* used idx 0 -> 1 passes 0 */
	CHECK(vq_need_interrupt(&q));
	*used_event = 3;		/* tell me after the 4th */
	one_round(1);
	CHECK(!vq_need_interrupt(&q));	/* 2 */
	one_round(2);
	CHECK(!vq_need_interrupt(&q));	/* 3 */
	one_round(3);
	CHECK(vq_need_interrupt(&q));	/* 4: passed 3 */
	one_round(4);
	CHECK(!vq_need_interrupt(&q));
	/* Two pushes at once passing the event. */
	*used_event = 5;
	one_round(5);
	one_round(6);
	CHECK(vq_need_interrupt(&q));
}

static void test_notify_suppression(void)
{
	uint16_t *avail_event = at(USED + 4 + 8 * NUM);

	/* Without event idx: the NO_NOTIFY flag. */
	vq_notify_enable(&q, false);
	CHECK_EQ(*(uint16_t *)at(USED), MV_VRING_USED_F_NO_NOTIFY);
	vq_notify_enable(&q, true);
	CHECK_EQ(*(uint16_t *)at(USED), 0);
	/* With it: avail_event follows what the device took. */
	start(true, false);
	one_round(0);
	one_round(1);
	CHECK_EQ(vq_pop(&q, &ch), 0);
	CHECK_EQ(*avail_event, 2);
	CHECK_EQ(*(uint16_t *)at(USED), 0);
	vq_notify_enable(&q, false);
	one_round(2);
	CHECK_EQ(vq_pop(&q, &ch), 0);
	CHECK_EQ(*avail_event, 2);	/* not advanced while disabled */
	vq_notify_enable(&q, true);
	CHECK_EQ(*avail_event, 3);
}

static void test_random_rings(void)
{
	/* Random descriptors and rings: errors or chains, never a crash. */
	for (unsigned int round = 0; round < 20000; round++) {
		setup();
		start(mv_test_rand() & 1, mv_test_rand() & 1);
		for (unsigned int i = 0; i < NUM; i++) {
			uint64_t r = mv_test_rand();

			set_desc(r & 1 ? DESC : TABLE, i,
				 r & 2 ? BUF + (r >> 32) % 0x1000 :
					 RAM_BASE + (r >> 20),
				 (uint32_t)(mv_test_rand() % 0x3000),
				 (uint16_t)(r >> 8) & 7, (uint16_t)(r >> 12) % 10);
		}
		for (unsigned int i = 0; i < NUM; i++)
			set_desc(TABLE, i, BUF, 16, (uint16_t)(mv_test_rand() & 7),
				 (uint16_t)(mv_test_rand() % 9));
		*avail_idx() = (uint16_t)(mv_test_rand() % (NUM + 2));
		for (unsigned int i = 0; i < NUM; i++)
			((uint16_t *)at(AVAIL + 4))[i] =
				(uint16_t)(mv_test_rand() % (NUM + 1));
		for (int n = 0; n < NUM + 2; n++) {
			int r = vq_pop(&q, &ch);

			if (r <= 0)
				break;
			for (unsigned int s = 0; s < ch.nr_out + ch.nr_in;
			     s++) {
				CHECK((uint8_t *)seg[s].ptr >= ram);
				CHECK((uint8_t *)seg[s].ptr + seg[s].len <=
				      ram + RAM_SIZE);
			}
		}
	}
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_empty, setup);
	RUN_TEST(test_good_chain, setup);
	RUN_TEST(test_wraparound, setup);
	RUN_TEST(test_split_at_granule, setup);
	RUN_TEST(test_loop, setup);
	RUN_TEST(test_self_loop, setup);
	RUN_TEST(test_chain_of_queue_size, setup);
	RUN_TEST(test_head_out_of_range, setup);
	RUN_TEST(test_next_out_of_range, setup);
	RUN_TEST(test_avail_idx_jump, setup);
	RUN_TEST(test_addr_outside_ram, setup);
	RUN_TEST(test_addr_across_ram_end, setup);
	RUN_TEST(test_huge_len_outside, setup);
	RUN_TEST(test_buffer_across_hole, setup);
	RUN_TEST(test_addr_wraps, setup);
	RUN_TEST(test_zero_len, setup);
	RUN_TEST(test_order, setup);
	RUN_TEST(test_too_many_segments, setup);
	RUN_TEST(test_loop_past_segments, setup);
	RUN_TEST(test_indirect_not_negotiated, setup);
	RUN_TEST(test_indirect_good, setup);
	RUN_TEST(test_indirect_bad, setup);
	RUN_TEST(test_bad_rings, setup);
	RUN_TEST(test_need_event_math, setup);
	RUN_TEST(test_interrupt_flags, setup);
	RUN_TEST(test_interrupt_event_idx, setup);
	RUN_TEST(test_notify_suppression, setup);
	RUN_TEST(test_random_rings, setup);
	return mv_test_summary();
}
