// SPDX-License-Identifier: GPL-2.0
/*
 * netswitch core: modules/net/netswitch/netswitch_core.c. Learning,
 * ageing with an injected clock, flooding, unicast forwarding, never
 * back to the source, port removal forgetting its MACs, a full table,
 * malformed frames.
 */
#include "../../modules/net/netswitch/netswitch_core.h"

#include "mv_test.h"

#define PORTS 8
#define SEC 1000000000ull

static struct ns_core c;
static struct ns_fdb_entry fdb[64 * NS_FDB_WAYS];
static struct ns_port ports[PORTS];

/* What out() was given. */
static unsigned int got[PORTS];
static size_t got_len;
static unsigned int outs;

static void out(void *ctx, unsigned int dst, const void *frame, size_t len)
{
	(void)frame;
	CHECK(ctx == &c);
	CHECK_LT(dst, PORTS);
	got[dst]++;
	got_len = len;
	outs++;
}

static void reset_out(void)
{
	memset(got, 0, sizeof(got));
	outs = 0;
	got_len = 0;
}

static void setup_n(unsigned int buckets, unsigned int nports)
{
	ns_core_init(&c, fdb, buckets, ports, PORTS, 300 * SEC);
	for (unsigned int i = 0; i < nports; i++)
		CHECK_EQ(ns_core_port_add(&c), i);
	reset_out();
}

static void setup(void)
{
	setup_n(64, 4);
}

/* MAC 02:00:00:00:hi:lo (locally administered unicast). */
static void mac(uint8_t *m, unsigned int id)
{
	m[0] = 0x02;
	m[1] = m[2] = m[3] = 0;
	m[4] = (uint8_t)(id >> 8);
	m[5] = (uint8_t)id;
}

static unsigned int send(unsigned int src, const uint8_t *dst,
			 unsigned int from, uint64_t now)
{
	uint8_t f[60] = { 0 };

	memcpy(f, dst, 6);
	mac(f + 6, from);
	f[12] = 0x08;
	reset_out();
	return ns_core_input(&c, src, f, sizeof(f), now, out, &c);
}

static void test_flood_then_learn(void)
{
	uint8_t a[6], b[6];

	mac(a, 1);
	mac(b, 2);
	/* A (port 0) to unknown B: flooded to 1, 2, 3, not 0. */
	CHECK_EQ(send(0, b, 1, 0), 3);
	CHECK_EQ(got[0], 0);
	CHECK_EQ(got[1] + got[2] + got[3], 3);
	CHECK_EQ(got_len, 60);
	CHECK_EQ(ns_core_lookup(&c, a, 0), 0);
	/* B (port 2) answers A: unicast to port 0 only, and B learned. */
	CHECK_EQ(send(2, a, 2, 1), 1);
	CHECK_EQ(got[0], 1);
	CHECK_EQ(outs, 1);
	CHECK_EQ(ns_core_lookup(&c, b, 1), 2);
	/* Now A to B goes to port 2 only. */
	CHECK_EQ(send(0, b, 1, 2), 1);
	CHECK_EQ(got[2], 1);
	CHECK_EQ(c.flooded, 1);
	CHECK_EQ(c.forwarded, 2);
	/* Counters. */
	CHECK_EQ(ports[0].st.rx_frames, 2);
	CHECK_EQ(ports[0].st.rx_bytes, 120);
	CHECK_EQ(ports[0].st.tx_frames, 1);
	CHECK_EQ(ports[2].st.tx_frames, 2);
	CHECK_EQ(ports[2].st.tx_bytes, 120);
	CHECK_EQ(ports[1].st.tx_frames, 1);
	CHECK_EQ(ports[1].st.rx_frames, 0);
	CHECK_EQ(ns_core_port_macs(&c, 0, 2), 1);
	CHECK_EQ(ns_core_port_macs(&c, 2, 2), 1);
	CHECK_EQ(ns_core_port_macs(&c, 1, 2), 0);
}

static void test_broadcast_multicast(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	uint8_t f[60] = { 0 };

	CHECK_EQ(send(1, bcast, 5, 0), 3);
	CHECK_EQ(got[1], 0);
	CHECK_EQ(send(3, mcast, 6, 0), 3);
	CHECK_EQ(got[3], 0);
	/* A multicast source is never learned. */
	memcpy(f, bcast, 6);
	memcpy(f + 6, mcast, 6);
	reset_out();
	CHECK_EQ(ns_core_input(&c, 2, f, sizeof(f), 0, out, &c), 3);
	CHECK_EQ(ns_core_lookup(&c, mcast, 0), NS_NO_PORT);
}

static void test_never_back_to_source(void)
{
	uint8_t a[6], b[6];

	mac(a, 1);
	mac(b, 2);
	send(0, b, 1, 0);		/* A on port 0 */
	send(0, a, 2, 0);		/* B also on port 0: to A, filtered */
	CHECK_EQ(outs, 0);
	CHECK_EQ(c.filtered, 1);
	/* With only one port, a flood goes nowhere. */
	setup_n(64, 1);
	CHECK_EQ(send(0, b, 1, 0), 0);
	CHECK_EQ(outs, 0);
}

static void test_station_moves(void)
{
	uint8_t a[6], b[6];

	mac(a, 1);
	mac(b, 2);
	send(0, b, 1, 0);
	CHECK_EQ(ns_core_lookup(&c, a, 0), 0);
	send(3, b, 1, 1);		/* A moved to port 3 */
	CHECK_EQ(ns_core_lookup(&c, a, 1), 3);
	CHECK_EQ(send(1, a, 2, 2), 1);
	CHECK_EQ(got[3], 1);
}

static void test_ageing(void)
{
	uint8_t a[6], b[6];

	mac(a, 1);
	mac(b, 2);
	send(0, b, 1, 10 * SEC);
	CHECK_EQ(ns_core_lookup(&c, a, 10 * SEC + 299 * SEC), 0);
	/* Refreshed by traffic from A. */
	send(0, b, 1, 200 * SEC);
	CHECK_EQ(ns_core_lookup(&c, a, 499 * SEC), 0);
	CHECK_EQ(ns_core_port_macs(&c, 0, 499 * SEC), 1);
	/* Aged out 300 s after last seen: flooded again. */
	CHECK_EQ(ns_core_port_macs(&c, 0, 500 * SEC), 0);
	CHECK_EQ(send(2, a, 2, 500 * SEC), 3);
	CHECK_EQ(ns_core_lookup(&c, a, 500 * SEC), NS_NO_PORT);
	/* Sweep: B (learned at 500 s) stays until 800 s. */
	CHECK_EQ(ns_core_age(&c, 799 * SEC), 0);
	CHECK_EQ(ns_core_age(&c, 800 * SEC), 1);
	CHECK_EQ(ns_core_lookup(&c, b, 500 * SEC), NS_NO_PORT);
	/* A shorter ageing time applies at once. */
	send(0, b, 1, 1000 * SEC);
	c.ageing_ns = 5 * SEC;
	CHECK_EQ(ns_core_lookup(&c, a, 1004 * SEC), 0);
	CHECK_EQ(ns_core_lookup(&c, a, 1005 * SEC), NS_NO_PORT);
}

static void test_port_remove(void)
{
	uint8_t x[6], a[6];
	int slot;

	mac(x, 99);
	mac(a, 1);
	for (unsigned int i = 1; i <= 10; i++)
		send(1, x, i, 0);	/* 10 MACs on port 1 */
	send(2, x, 50, 0);
	CHECK_EQ(ns_core_port_macs(&c, 1, 0), 10);
	ns_core_port_remove(&c, 1);
	CHECK_EQ(ns_core_port_macs(&c, 1, 0), 0);
	CHECK_EQ(ns_core_lookup(&c, a, 0), NS_NO_PORT);
	CHECK_EQ(ns_core_port_macs(&c, 2, 0), 1);
	/* Floods skip it; frames from it are ignored. */
	CHECK_EQ(send(0, x, 60, 0), 2);
	CHECK_EQ(got[1], 0);
	CHECK_EQ(send(1, x, 61, 0), 0);
	/* The slot is reused with a new generation and fresh counters. */
	CHECK_EQ(ports[1].gen, 1);
	slot = ns_core_port_add(&c);
	CHECK_EQ(slot, 1);
	CHECK_EQ(ports[1].st.rx_frames, 0);
	CHECK_EQ(ports[1].st.tx_frames, 0);
	/* Removing twice or out of range is harmless. */
	ns_core_port_remove(&c, 1);
	ns_core_port_remove(&c, 1);
	ns_core_port_remove(&c, 200);
	CHECK_EQ(ports[1].gen, 2);
}

static void test_ports_full(void)
{
	setup_n(64, PORTS);
	CHECK_EQ(ns_core_port_add(&c), NS_NO_PORT);
	ns_core_port_remove(&c, 5);
	CHECK_EQ(ns_core_port_add(&c), 5);
}

static void test_table_full(void)
{
	uint8_t x[6], m[6];
	unsigned int learned = 0;

	/* One set of NS_FDB_WAYS entries. */
	setup_n(1, 3);
	mac(x, 999);
	for (unsigned int i = 0; i < 10; i++)
		send(0, x, i, i);
	for (unsigned int i = 0; i < 10; i++) {
		mac(m, i);
		if (ns_core_lookup(&c, m, 10) == 0)
			learned++;
	}
	CHECK_EQ(learned, NS_FDB_WAYS);
	CHECK_EQ(c.learn_full, 10 - NS_FDB_WAYS);
	/* An unlearned MAC is still reachable: flooded. */
	mac(m, 9);
	CHECK_EQ(send(1, m, 500, 11), 2);
	/* A known one is still forwarded. */
	mac(m, 0);
	CHECK_EQ(ns_core_lookup(&c, m, 11), 0);
	/* Once entries age out, new MACs take their place. */
	CHECK_EQ(send(0, x, 7, 400 * SEC), 2);
	mac(m, 7);
	CHECK_EQ(ns_core_lookup(&c, m, 400 * SEC), 0);
	/* Removing the port frees its entries too. */
	ns_core_port_remove(&c, 0);
	CHECK_EQ(send(2, x, 8, 400 * SEC), 1);
	mac(m, 8);
	CHECK_EQ(ns_core_lookup(&c, m, 400 * SEC), 2);
}

static void test_malformed(void)
{
	uint8_t f[NS_ETH_HLEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				   0x02, 0, 0, 0, 0, 1, 0x08, 0 };

	for (size_t len = 0; len < NS_ETH_HLEN; len++)
		CHECK_EQ(ns_core_input(&c, 0, f, len, 0, out, &c), 0);
	CHECK_EQ(outs, 0);
	CHECK_EQ(ports[0].st.drops, NS_ETH_HLEN);
	CHECK_EQ(ports[0].st.rx_frames, 0);
	CHECK_EQ(ns_core_port_macs(&c, 0, 0), 0);
	/* Exactly a header is a frame. */
	CHECK_EQ(ns_core_input(&c, 0, f, NS_ETH_HLEN, 0, out, &c), 3);
	CHECK_EQ(ports[0].st.rx_frames, 1);
	/* A source slot out of range or free: ignored. */
	CHECK_EQ(ns_core_input(&c, PORTS, f, sizeof(f), 0, out, &c), 0);
	CHECK_EQ(ns_core_input(&c, 6, f, sizeof(f), 0, out, &c), 0);
}

/* Random traffic: never out of the source, unicast at most once. */
static void test_random(void)
{
	uint8_t f[64], d[6];

	setup_n(4, PORTS);
	for (int i = 0; i < 20000; i++) {
		unsigned int src = (unsigned int)mv_test_rand_below(PORTS);
		unsigned int n;

		if (mv_test_rand_below(50) == 0) {
			ns_core_port_remove(&c, src);
			CHECK_EQ(ns_core_port_add(&c), src);
		}
		mac(d, (unsigned int)mv_test_rand_below(40));
		if (mv_test_rand_below(10) == 0)
			d[0] = 0xff;
		memcpy(f, d, 6);
		mac(f + 6, (unsigned int)mv_test_rand_below(40));
		reset_out();
		n = ns_core_input(&c, src, f,
				  (size_t)mv_test_rand_below(sizeof(f) + 1),
				  (uint64_t)i * SEC / 10, out, &c);
		CHECK_EQ(n, outs);
		CHECK_EQ(got[src], 0);
		CHECK(n == 0 || n == 1 || n == PORTS - 1);
	}
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_flood_then_learn, setup);
	RUN_TEST(test_broadcast_multicast, setup);
	RUN_TEST(test_never_back_to_source, setup);
	RUN_TEST(test_station_moves, setup);
	RUN_TEST(test_ageing, setup);
	RUN_TEST(test_port_remove, setup);
	RUN_TEST(test_ports_full, setup);
	RUN_TEST(test_table_full, setup);
	RUN_TEST(test_malformed, setup);
	RUN_TEST(test_random, setup);
	return mv_test_summary();
}
