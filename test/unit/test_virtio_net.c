// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (modules/vio/virtio-net/virtio_net.c, included) on the real
 * transport and virtqueue library over a fake guest RAM with 4 KiB
 * granules, with the netswitch port API stubbed: offload features
 * offered (and withdrawn by offloads = "off"), port offloads following
 * the driver's features and cleared by a reset, transmit headers and
 * frames cut oddly into descriptors reaching the switch with their
 * metadata, 64 KiB GSO frames received into long chains with their
 * header, the byte ring wrapping with frames of every size, a full ring
 * dropping, frames the driver did not negotiate dropped, and receive
 * refills notified only while a frame waits for buffers (used flags,
 * avail_event); and the ring under a real producer thread, the driver
 * on this one.
 */
/*
 * net_deliver's mv_virtio_poll_now goes through poll_now_locked (below):
 * the host stand-in polls without the transport lock, and test_rx_race
 * delivers from a second thread, which must take a lock as the real
 * poll_now does.
 */
#define mv_virtio_poll_now poll_now_locked
#include "../../modules/vio/virtio-net/virtio_net.c"
#undef mv_virtio_poll_now
#include "../../modules/vio/virtio-mmio/transport.h"

#include <libfdt.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mv_test.h"
#include "vmmio_access.h"

#define CHECK_GT(a, b) CHECK_OP(a, >, b)

/* The transport lock: net_deliver's poll, the driver's notifies. */
static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;

void mv_virtio_poll_now(struct mv_virtio_dev *dev);	/* host stand-in */

void poll_now_locked(struct mv_virtio_dev *dev)
{
	pthread_mutex_lock(&tlock);
	mv_virtio_poll_now(dev);
	pthread_mutex_unlock(&tlock);
}

void *mv_malloc(size_t size)
{
	return malloc(size);
}

void *mv_page_alloc(unsigned int order)
{
	return aligned_alloc(4096, 4096ul << order);
}

void mv_page_free(void *page, unsigned int order)
{
	(void)order;
	free(page);
}

/* The netswitch, stubbed: one port. */
static int fake_sw;
static mv_netport_deliver_fn port_deliver;
static void *port_ctx;
static unsigned int port_off = ~0u;
static uint8_t sent[MV_NETFRAME_MAX];
static size_t sent_len;
static struct mv_netmeta sent_meta;
static unsigned int sends;

struct mv_netswitch *mv_netswitch_find(const char *name)
{
	return !strcmp(name, "br0") ? (struct mv_netswitch *)&fake_sw : NULL;
}

struct mv_netport *mv_netport_add(struct mv_netswitch *sw, const char *name,
				  unsigned int offloads,
				  mv_netport_deliver_fn deliver, void *ctx)
{
	CHECK(sw == (struct mv_netswitch *)&fake_sw);
	CHECK(!strcmp(name, "linux0/net@a000000"));
	port_off = offloads;
	port_deliver = deliver;
	port_ctx = ctx;
	return (struct mv_netport *)&port_deliver;
}

void mv_netport_set_offloads(struct mv_netport *port, unsigned int offloads)
{
	CHECK(port == (struct mv_netport *)&port_deliver);
	port_off = offloads;
}

void mv_netport_remove(struct mv_netport *port)
{
	CHECK(port == (struct mv_netport *)&port_deliver);
	port_deliver = NULL;
}

static unsigned int port_drops;	/* atomic: mv_netport_drop calls */

void mv_netport_drop(struct mv_netport *port)
{
	CHECK(port == (struct mv_netport *)&port_deliver);
	__atomic_add_fetch(&port_drops, 1, __ATOMIC_RELAXED);
}

void mv_netport_send(struct mv_netport *port, const void *frame, size_t len,
		     const struct mv_netmeta *meta)
{
	CHECK(port == (struct mv_netport *)&port_deliver);
	CHECK_LE(len, sizeof(sent));
	memcpy(sent, frame, len);
	sent_len = len;
	sent_meta = *meta;
	sends++;
}

/* The device tree: switch and offloads, and a real node for dt_bytes. */
static const char *dt_offloads;
static uint8_t fdt[512];

const char *mv_dt_string(const struct mv_dt_node *n, const char *prop)
{
	(void)n;
	if (!strcmp(prop, "switch"))
		return "br0";
	if (!strcmp(prop, "offloads"))
		return dt_offloads;
	return NULL;
}

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (4u << 20)
#define QNUM 16
#define RXQB (RAM_BASE + 0x1000)
#define TXQB (RAM_BASE + 0x4000)
#define BUFS (RAM_BASE + 0x10000)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct mv_virtio_transport t;
static uint16_t used_seen[2];

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx;
	if (ipa < RAM_BASE || len > RAM_SIZE || ipa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	return ram + (ipa - RAM_BASE);
}

static bool line;

static void irq(void *ctx, bool level)
{
	(void)ctx;
	line = level;
}

static void *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

#define rd(off) vmmio_rd32(&t, off)
#define wr(off, v) vmmio_wr32(&t, off, v)

static struct net *n_of(void)
{
	return t.dev.priv;
}

static int probe(const char *offloads)
{
	struct mv_dt_node node;

	CHECK_EQ(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	node.fdt = fdt;
	node.offset = fdt_add_subnode(fdt, 0, "net@a000000");
	CHECK(node.offset > 0);
	dt_offloads = offloads;
	memset(&t, 0, sizeof(t));
	line = false;
	vmmio_init(&t, &net_ops, map, irq, &t);
	t.granule = 4096;
	t.dev.guest_name = "linux0";
	t.dev.name = "net@a000000";
	return net_probe(&t.dev, &node);
}

static uint64_t offered(void)
{
	uint64_t f;

	wr(VMMIO_DEV_FEATURES_SEL, 0);
	f = rd(VMMIO_DEV_FEATURES);
	wr(VMMIO_DEV_FEATURES_SEL, 1);
	return f | (uint64_t)rd(VMMIO_DEV_FEATURES) << 32;
}

static void queue(unsigned int i, uint64_t base)
{
	wr(VMMIO_QUEUE_SEL, i);
	wr(VMMIO_QUEUE_NUM, QNUM);
	wr(VMMIO_QUEUE_DESC_LO, (uint32_t)base);
	wr(VMMIO_QUEUE_DRIVER_LO, (uint32_t)(base + 0x1000));
	wr(VMMIO_QUEUE_DEVICE_LO, (uint32_t)(base + 0x2000));
	wr(VMMIO_QUEUE_READY, 1);
}

static void start(uint64_t features)
{
	wr(VMMIO_STATUS, 1);
	wr(VMMIO_STATUS, 3);
	wr(VMMIO_DRV_FEATURES_SEL, 0);
	wr(VMMIO_DRV_FEATURES, (uint32_t)features);
	wr(VMMIO_DRV_FEATURES_SEL, 1);
	wr(VMMIO_DRV_FEATURES, 1);	/* VERSION_1 */
	wr(VMMIO_STATUS, 0xb);
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK);
	queue(RXQ, RXQB);
	queue(TXQ, TXQB);
	wr(VMMIO_STATUS, 0xf);
	used_seen[0] = used_seen[1] = 0;
}

#define ALL_OFFLOADS OFFLOAD_FEATURES

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	sends = 0;
	CHECK_EQ(probe(NULL), 0);
	start(ALL_OFFLOADS);
}

static void teardown(void)
{
	net_remove(&t.dev);
	CHECK(!port_deliver);
}

struct buf {
	uint64_t addr;
	uint32_t len;
};

/*
 * Offer one chain on queue q (readable for TXQ, writable for RXQ) at
 * descriptor slot, notify. Returns the used length, -1 if not used.
 */
static int64_t offer(unsigned int q, const struct buf *b, unsigned int nb)
{
	uint64_t base = q == RXQ ? RXQB : TXQB;
	struct vq_desc *d = at(base);
	uint16_t *avail_idx = at(base + 0x1000 + 2);
	uint16_t *ring = at(base + 0x1000 + 4);
	uint16_t *used_idx = at(base + 0x2000 + 2);
	uint32_t *used = at(base + 0x2000 + 4);
	uint16_t head = (uint16_t)(*avail_idx % 2 * 8);

	CHECK_LE(nb, 8);
	for (unsigned int i = 0; i < nb; i++) {
		d[head + i].addr = b[i].addr;
		d[head + i].len = b[i].len;
		d[head + i].flags = (q == RXQ ? MV_VRING_DESC_F_WRITE : 0) |
				    (i + 1 < nb ? MV_VRING_DESC_F_NEXT : 0);
		d[head + i].next = (uint16_t)(head + i + 1);
	}
	ring[*avail_idx % QNUM] = head;
	(*avail_idx)++;
	wr(VMMIO_QUEUE_NOTIFY, q);
	if (*used_idx == used_seen[q])
		return -1;
	CHECK_EQ(used[2 * (used_seen[q] % QNUM)], head);
	return used[2 * (used_seen[q]++ % QNUM) + 1];
}

/* One more used entry on q since last time (after a later poll)? */
static int64_t used_now(unsigned int q)
{
	uint64_t base = q == RXQ ? RXQB : TXQB;
	uint16_t *used_idx = at(base + 0x2000 + 2);
	uint32_t *used = at(base + 0x2000 + 4);

	rd(VMMIO_INT_STATUS);		/* runs the kicked poll */
	if (*used_idx == used_seen[q])
		return -1;
	return used[2 * (used_seen[q]++ % QNUM) + 1];
}

static void test_features(void)
{
	uint64_t f = offered();

	CHECK_EQ(f & ALL_OFFLOADS, ALL_OFFLOADS);
	CHECK(f & BIT(VIRTIO_NET_F_MAC));
	CHECK(f & BIT(VIRTIO_NET_F_MRG_RXBUF));
	/* The port follows what the driver took, from its first notify. */
	offer(RXQ, (struct buf[]){ { BUFS, 4096 } }, 1);
	CHECK_EQ(port_off, MV_NETPORT_CSUM | MV_NETPORT_TSO4 |
		 MV_NETPORT_TSO6);
	wr(VMMIO_STATUS, 0);
	CHECK_EQ(port_off, 0);
	start(BIT(VIRTIO_NET_F_GUEST_CSUM) | BIT(VIRTIO_NET_F_CSUM));
	offer(RXQ, (struct buf[]){ { BUFS, 4096 } }, 1);
	CHECK_EQ(port_off, MV_NETPORT_CSUM);
	teardown();
	/* offloads = "off": none offered. */
	CHECK_EQ(probe("off"), 0);
	CHECK_EQ(offered() & ALL_OFFLOADS, 0);
	CHECK(offered() & BIT(VIRTIO_NET_F_MRG_RXBUF));
	CHECK(offered() & BIT(VIRTIO_NET_F_STATUS));
	teardown();
	CHECK_EQ(probe("on"), 0);
	CHECK_EQ(offered() & ALL_OFFLOADS, ALL_OFFLOADS);
	teardown();
	mv_host_log_quiet(true);
	CHECK_EQ(probe("maybe"), -MV_EINVAL);
	mv_host_log_quiet(false);
	setup();
	teardown();
}

static void test_transmit_meta(void)
{
	uint8_t *h = at(BUFS), *f = at(BUFS + 0x3000);
	size_t len = 30000;

	/* Header cut 5 + 7, frame in three pieces across pages. */
	h[0] = MV_NETMETA_NEEDS_CSUM;
	h[1] = MV_NETMETA_GSO_TCPV4;
	put_le16(h + 2, 0x1234);
	put_le16(h + 4, 1448);
	put_le16(h + 6, 34);
	put_le16(h + 8, 16);
	memcpy(h + 0x100, h + 5, 7);
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(i * 13);
	struct buf tx[] = {
		{ BUFS, 5 }, { BUFS + 0x100, 7 }, { BUFS + 0x3000, 100 },
		{ BUFS + 0x3000 + 100, 9000 },
		{ BUFS + 0x3000 + 9100, (uint32_t)len - 9100 },
	};

	CHECK_EQ(offer(TXQ, tx, 5), 0);
	CHECK_EQ(sends, 1);
	CHECK_EQ(sent_len, len);
	CHECK(!memcmp(sent, f, len));
	CHECK_EQ(sent_meta.flags, MV_NETMETA_NEEDS_CSUM);
	CHECK_EQ(sent_meta.gso_type, MV_NETMETA_GSO_TCPV4);
	CHECK_EQ(sent_meta.hdr_len, 0x1234);
	CHECK_EQ(sent_meta.gso_size, 1448);
	CHECK_EQ(sent_meta.csum_start, 34);
	CHECK_EQ(sent_meta.csum_offset, 16);
	/* Header and frame in one buffer: plain. */
	memset(h, 0, 12);
	memcpy(h + 12, "abcdefghijklmnop", 16);
	CHECK_EQ(offer(TXQ, (struct buf[]){ { BUFS, 28 } }, 1), 0);
	CHECK_EQ(sends, 2);
	CHECK_EQ(sent_len, 16);
	CHECK(!memcmp(sent, "abcdefghijklmnop", 16));
	CHECK_EQ(sent_meta.flags | sent_meta.gso_type, 0);
	CHECK_EQ(rd(VMMIO_STATUS), 0xf);
	teardown();
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

static void test_receive_gso(void)
{
	static uint8_t frame[65536];
	struct mv_netmeta m = {
		.flags = MV_NETMETA_NEEDS_CSUM,
		.gso_type = MV_NETMETA_GSO_TCPV4,
		.hdr_len = 66, .gso_size = 1448,
		.csum_start = 34, .csum_offset = 16,
	};
	/* Linux's big packets: header alone, then pages. */
	struct buf b[8] = { { BUFS, 12 }, { BUFS + 0x1020, 4096 - 32 } };
	uint8_t *h = at(BUFS);
	size_t len = 65000, got = 0;

	for (int i = 2; i < 8; i++)
		b[i] = (struct buf){ BUFS + 0x1000 * (uint64_t)i, 4096 * 3 };
	fill(frame, len, 1);
	port_deliver(port_ctx, frame, len, &m);
	/* No buffer yet: the frame waits; the chain takes it. */
	CHECK_EQ(used_now(RXQ), -1);
	CHECK_EQ(offer(RXQ, b, 8), 12 + len);
	CHECK_EQ(h[0], MV_NETMETA_NEEDS_CSUM);
	CHECK_EQ(h[1], MV_NETMETA_GSO_TCPV4);
	CHECK_EQ(le16(h + 2), 66);
	CHECK_EQ(le16(h + 4), 1448);
	CHECK_EQ(le16(h + 6), 34);
	CHECK_EQ(le16(h + 8), 16);
	CHECK_EQ(le16(h + 10), 1);
	for (int i = 1; i < 8 && got < len; i++) {
		size_t k = len - got < b[i].len ? len - got : b[i].len;

		CHECK(!memcmp(at(b[i].addr), frame + got, k));
		got += k;
	}
	CHECK_EQ(got, len);
	/* Too big for a 1526-byte chain: dropped, the chain kept. */
	mv_host_log_quiet(true);
	port_deliver(port_ctx, frame, 3000, &m);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS, 1526 } }, 1), -1);
	mv_host_log_quiet(false);
	CHECK_EQ(n_of()->rx_too_big, 1);
	m = (struct mv_netmeta){ 0 };
	port_deliver(port_ctx, frame, 1514, &m);
	CHECK_EQ(used_now(RXQ), 12 + 1514);
	CHECK_EQ(h[0] | h[1], 0);
	CHECK(!memcmp(h + 12, frame, 1514));
	teardown();
}

/*
 * A delivered frame goes into a posted chain at once (no register access
 * in between); the line rises only while the driver wants interrupts.
 */
static void test_receive_now(void)
{
	static uint8_t frame[1514];
	struct mv_netmeta m = { 0 };
	uint16_t *avail_flags = at(RXQB + 0x1000);
	uint16_t *used_idx = at(RXQB + 0x2000 + 2);

	fill(frame, sizeof(frame), 3);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS, 2048 } }, 1), -1);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS + 0x1000, 2048 } }, 1), -1);
	wr(VMMIO_INT_ACK, rd(VMMIO_INT_STATUS));
	CHECK(!line);
	/* Polling (VRING_AVAIL_F_NO_INTERRUPT): used, no interrupt. */
	*avail_flags = 1;
	port_deliver(port_ctx, frame, sizeof(frame), &m);
	CHECK_EQ(*used_idx, used_seen[RXQ] + 1);
	CHECK(!line);
	CHECK(!memcmp((uint8_t *)at(BUFS) + 12, frame, sizeof(frame)));
	used_seen[RXQ]++;
	/* Waiting for interrupts: the next frame raises the line. */
	*avail_flags = 0;
	port_deliver(port_ctx, frame, 60, &m);
	CHECK_EQ(*used_idx, used_seen[RXQ] + 1);
	CHECK(line);
	CHECK_EQ(rd(VMMIO_INT_STATUS), 1);
	teardown();
}

/* Frames of every size through the byte ring, wrapping many times. */
static void test_ring_wrap(void)
{
	static uint8_t frame[MV_NETFRAME_MAX];
	struct mv_netmeta m = { .flags = MV_NETMETA_DATA_VALID };
	struct buf b[2] = { { BUFS, 12 }, { BUFS + 0x1000, 70000 } };
	unsigned int queued = 0, next = 0, sizes[64];

	for (unsigned int i = 0; i < 3000; i++) {
		size_t len = 14 + mv_test_rand_below(i % 3 ? 2000 :
						     MV_NETFRAME_MAX - 13);
		int64_t u;

		if (queued - next < 64 && mv_test_rand_below(3)) {
			fill(frame, len, queued);
			m.csum_start = (uint16_t)queued;
			sizes[queued % 64] = (unsigned int)len;
			port_deliver(port_ctx, frame, len, &m);
			if (n_of()->rx_ring_full) {	/* ring full: gone */
				n_of()->rx_ring_full = 0;
				uint32_t used = n_of()->rx_head -
						n_of()->rx_tail;

				CHECK_GT(used + rec_bytes((uint32_t)len),
					 RING_BYTES / 2);
				continue;
			}
			queued++;
			continue;
		}
		u = offer(RXQ, b, 2);
		if (next == queued) {
			CHECK_EQ(u, -1);
			/* The chain is held for the next frame. */
			fill(frame, 100, queued);
			m.csum_start = (uint16_t)queued;
			sizes[queued % 64] = 100;
			port_deliver(port_ctx, frame, 100, &m);
			queued++;
			u = used_now(RXQ);
		}
		CHECK_EQ(u, 12 + sizes[next % 64]);
		CHECK_EQ(le16((uint8_t *)at(BUFS) + 6), (uint16_t)next);
		CHECK_EQ(*(uint8_t *)at(BUFS), MV_NETMETA_DATA_VALID);
		fill(frame, sizes[next % 64], next);
		CHECK(!memcmp(at(BUFS + 0x1000), frame, sizes[next % 64]));
		next++;
	}
	CHECK_GE(next, 500);
	teardown();
}

/* Metadata the driver did not (or no longer) accept: dropped. */
static void test_stale_meta(void)
{
	static uint8_t frame[2000];
	struct mv_netmeta gso = {
		.flags = MV_NETMETA_NEEDS_CSUM,
		.gso_type = MV_NETMETA_GSO_TCPV6,
		.hdr_len = 74, .gso_size = 1428,
		.csum_start = 54, .csum_offset = 16,
	}, valid = { .flags = MV_NETMETA_DATA_VALID }, plain = { 0 };
	uint8_t *h = at(BUFS);

	wr(VMMIO_STATUS, 0);
	start(0);
	fill(frame, sizeof(frame), 3);
	port_deliver(port_ctx, frame, 1000, &gso);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS, 4096 } }, 1), -1);
	CHECK_EQ(n_of()->rx_stale, 1);
	port_deliver(port_ctx, frame, 900, &valid);	/* flag cleared */
	CHECK_EQ(used_now(RXQ), 12 + 900);
	CHECK_EQ(h[0], 0);
	port_deliver(port_ctx, frame, 800, &plain);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS, 4096 } }, 1), 12 + 800);
	CHECK_EQ(rd(VMMIO_STATUS), 0xf);
	teardown();
}

/* count one-descriptor receive chains of len bytes from addr, apart. */
static void post(unsigned int first, unsigned int count, uint64_t addr,
		 uint32_t len)
{
	struct vq_desc *d = at(RXQB);
	uint16_t *avail_idx = at(RXQB + 0x1000 + 2);
	uint16_t *ring = at(RXQB + 0x1000 + 4);

	for (unsigned int i = first; i < first + count; i++) {
		d[i].addr = addr + (uint64_t)i * len;
		d[i].len = len;
		d[i].flags = MV_VRING_DESC_F_WRITE;
		ring[*avail_idx % QNUM] = (uint16_t)i;
		(*avail_idx)++;
	}
	wr(VMMIO_QUEUE_NOTIFY, RXQ);
}

/* A frame across mergeable buffers, num_buffers in the first. */
static void test_mergeable(void)
{
	static uint8_t frame[65536];
	struct mv_netmeta m = {
		.flags = MV_NETMETA_NEEDS_CSUM,
		.gso_type = MV_NETMETA_GSO_TCPV6,
		.hdr_len = 86, .gso_size = 1428,
		.csum_start = 54, .csum_offset = 16,
	};
	uint16_t *used_idx = at(RXQB + 0x2000 + 2);
	uint32_t *used = at(RXQB + 0x2000 + 4);
	uint32_t len = 65000, chain = 8192, got = 0;
	uint8_t *h = at(BUFS);

	wr(VMMIO_STATUS, 0);
	start(ALL_OFFLOADS | BIT(VIRTIO_NET_F_MRG_RXBUF));
	fill(frame, len, 9);
	port_deliver(port_ctx, frame, len, &m);
	/* Five buffers are not enough: held, nothing used. */
	post(0, 5, BUFS, chain);
	CHECK_EQ(*used_idx, 0);
	/* Three more are: all eight used, in order. */
	post(5, 3, BUFS, chain);
	CHECK_EQ(*used_idx, 8);
	CHECK_EQ(le16(h + 10), 8);		/* num_buffers */
	CHECK_EQ(h[1], MV_NETMETA_GSO_TCPV6);
	CHECK_EQ(le16(h + 4), 1428);
	for (unsigned int i = 0; i < 8; i++) {
		uint32_t skip = i ? 0 : 12, k = used[2 * i + 1] - skip;

		CHECK_EQ(used[2 * i], i);
		CHECK_EQ(used[2 * i + 1], i < 7 ? chain : len - got);
		CHECK(!memcmp(at(BUFS + (uint64_t)i * chain + skip),
			      frame + got, k));
		got += k;
	}
	CHECK_EQ(got, len);
	/* A small frame takes one buffer, num_buffers 1. */
	post(0, 1, BUFS, chain);
	port_deliver(port_ctx, frame, 60, &(struct mv_netmeta){ 0 });
	rd(VMMIO_INT_STATUS);
	CHECK_EQ(*used_idx, 9);
	CHECK_EQ(used[2 * 8 + 1], 72);
	CHECK_EQ(le16(h + 10), 1);
	CHECK_EQ(h[0] | h[1], 0);
	/* Tiny buffers, not enough yet: the frame and they wait. */
	mv_host_log_quiet(true);
	port_deliver(port_ctx, frame, len, &m);
	post(1, 15, BUFS, 16);
	mv_host_log_quiet(false);
	CHECK_EQ(*used_idx, 9);
	CHECK_EQ(rd(VMMIO_STATUS), 0xf);
	teardown();
}

/*
 * The driver's receive refills are not notified (no exit each) unless a
 * frame waits for buffers; then they are, and stop again once it is in.
 */
static void test_rx_notify(void)
{
	static uint8_t frame[200];
	struct mv_netmeta m = { 0 };
	uint16_t *used_flags = at(RXQB + 0x2000);
	uint16_t *avail_event = at(RXQB + 0x2000 + 4 + 8 * QNUM);

	fill(frame, sizeof(frame), 5);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS, 2048 } }, 1), -1);
	CHECK_EQ(*used_flags, MV_VRING_USED_F_NO_NOTIFY);
	/* Two frames, one buffer: the second waits and asks for more. */
	port_deliver(port_ctx, frame, sizeof(frame), &m);
	CHECK_EQ(used_now(RXQ), 12 + sizeof(frame));
	port_deliver(port_ctx, frame, 60, &m);
	CHECK_EQ(used_now(RXQ), -1);
	CHECK_EQ(*used_flags, 0);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS + 0x1000, 2048 } }, 1),
		 12 + 60);
	CHECK_EQ(*used_flags, MV_VRING_USED_F_NO_NOTIFY);
	teardown();

	/* With EVENT_IDX: avail_event names the next buffer only then. */
	memset(ram, 0, sizeof(ram));
	CHECK_EQ(probe(NULL), 0);
	start(ALL_OFFLOADS | 1ull << MV_VIRTIO_F_EVENT_IDX);
	for (unsigned int i = 0; i < 3; i++) {
		struct buf b = { BUFS + 0x1000 * i, 2048 };

		CHECK_EQ(offer(RXQ, &b, 1), -1);
	}
	for (unsigned int i = 0; i < 3; i++) {
		port_deliver(port_ctx, frame, 60, &m);
		CHECK_EQ(used_now(RXQ), 12 + 60);
	}
	CHECK_EQ(*avail_event, 0);
	port_deliver(port_ctx, frame, 60, &m);
	CHECK_EQ(used_now(RXQ), -1);
	CHECK_EQ(*avail_event, 3);
	CHECK_EQ(offer(RXQ, (struct buf[]){ { BUFS, 2048 } }, 1), 12 + 60);
	teardown();
}

/*
 * The receive ring with a real producer: a thread (the switch) delivers
 * RACE_FRAMES frames, 60 bytes to 9000 and every thousandth of 64 KiB,
 * each carrying its sequence number (in its first bytes and in its
 * metadata) and a pattern from it, while this thread is the driver:
 * mergeable buffers of 16 sizes, refilled lock-free as used and notified
 * only when the device asks, and now and then not refilled for a while,
 * so that frames wait in the ring and it fills. Receive runs from both
 * threads (poll_now, the notify), never at once. Every frame must arrive
 * intact, in order, or have been counted as dropped by the ring: none
 * lost unseen, none twice, and the device never stuck (RACE_STALL_S).
 */
#define RACE_FRAMES	200000u
#define RACE_STALL_S	5.0
#define RACE_BUF(i)	(BUFS + 0x3000 * (uint64_t)(i))
/* 1.5 to 11 KiB; the 16 hold 99 KiB, more than the largest frame. */
#define RACE_BUF_LEN(i)	(1536u + 640u * (unsigned int)(i))

static struct {
	unsigned int drops;	/* atomic: frames the ring refused */
	unsigned int delivered;	/* atomic: the producer's progress */
	unsigned int received;	/* atomic: the driver's */
	bool stop;		/* atomic: the driver gave up */
	bool late;		/* atomic: the driver is not refilling */
	uint8_t dropped[RACE_FRAMES];	/* by sequence number */
} race;
static char race_err[200];

static uint32_t race_hash(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	return x ^ x >> 16;
}

/* Mostly up to 1514 bytes, every eighth jumbo, now and then 64 KiB. */
static uint32_t race_len(uint32_t seq)
{
	uint32_t h = race_hash(seq);

	if (seq % 1000 == 999)
		return MV_NETFRAME_MAX - h % 64;
	if (seq % 8 == 0)
		return 60 + h % (9000 - 60 + 1);
	return 60 + h % (1514 - 60 + 1);
}

static uint8_t race_byte(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131u + i * 7u + (i >> 8));
}

/* What the header must say: the sequence number again, and the length. */
static struct mv_netmeta race_meta(uint32_t seq, uint32_t len)
{
	return (struct mv_netmeta){
		.flags = seq & 1 ? MV_NETMETA_DATA_VALID : 0,
		.gso_size = (uint16_t)len,
		.csum_start = (uint16_t)seq,
		.csum_offset = (uint16_t)(seq >> 16),
	};
}

/* The switch: one net_deliver at a time, noting what the ring refused. */
static void *race_producer(void *arg)
{
	static uint8_t frame[MV_NETFRAME_MAX];
	struct net *n = arg;

	for (uint32_t seq = 0; seq < RACE_FRAMES; seq++) {
		uint32_t len = race_len(seq);
		struct mv_netmeta m = race_meta(seq, len);
		/* Only net_deliver, in this thread, counts ring-full. */
		unsigned long full = n->rx_ring_full;

		if (__atomic_load_n(&race.stop, __ATOMIC_ACQUIRE))
			break;
		for (uint32_t i = 0; i < 4; i++)
			frame[i] = (uint8_t)(seq >> 8 * i);
		for (uint32_t i = 4; i < len; i++)
			frame[i] = race_byte(seq, i);
		port_deliver(port_ctx, frame, len, &m);
		if (n->rx_ring_full != full) {
			/*
			 * Written before the next frame is published: the
			 * consumer sees it once it sees that frame.
			 */
			race.dropped[seq] = 1;
			__atomic_add_fetch(&race.drops, 1, __ATOMIC_RELEASE);
		}
		__atomic_store_n(&race.delivered, seq + 1, __ATOMIC_RELEASE);
		/*
		 * Now and then the switch goes quiet until the driver has
		 * everything: a frame left waiting for a refill is not then
		 * rescued by the next delivery's poll (a lost notify hangs).
		 */
		if (race_hash(seq) % 64)
			continue;
		while (!__atomic_load_n(&race.late, __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&race.received, __ATOMIC_ACQUIRE) +
		       __atomic_load_n(&race.drops, __ATOMIC_RELAXED) <= seq &&
		       !__atomic_load_n(&race.stop, __ATOMIC_ACQUIRE))
			sched_yield();
	}
	return NULL;
}

#define RACE_FAIL(...)							\
	do {								\
		snprintf(race_err, sizeof(race_err), __VA_ARGS__);	\
		return false;						\
	} while (0)

/* A whole received frame; *next is the lowest sequence number due. */
static bool race_check(const uint8_t *hdr, const uint8_t *f, uint32_t len,
		       uint32_t *next)
{
	struct mv_netmeta m;
	uint32_t seq;

	if (len < 60)
		RACE_FAIL("a %u-byte frame after %u", len, *next);
	seq = (uint32_t)f[0] | (uint32_t)f[1] << 8 | (uint32_t)f[2] << 16 |
	      (uint32_t)f[3] << 24;
	if (seq < *next || seq >= RACE_FRAMES)
		RACE_FAIL("frame %u when %u or later was due", seq, *next);
	if (race.dropped[seq])
		RACE_FAIL("frame %u received, yet counted as dropped", seq);
	for (uint32_t s = *next; s < seq; s++)
		if (!race.dropped[s])
			RACE_FAIL("frame %u lost (neither received nor "
				  "counted), %u came", s, seq);
	if (len != race_len(seq))
		RACE_FAIL("frame %u: %u bytes, not %u", seq, len,
			  race_len(seq));
	m = race_meta(seq, len);
	if (hdr[0] != m.flags || hdr[1] != MV_NETMETA_GSO_NONE ||
	    le16(hdr + 4) != m.gso_size || le16(hdr + 6) != m.csum_start ||
	    le16(hdr + 8) != m.csum_offset)
		RACE_FAIL("frame %u: header %02x %02x %04x %04x %04x", seq,
			  hdr[0], hdr[1], le16(hdr + 4), le16(hdr + 6),
			  le16(hdr + 8));
	for (uint32_t i = 4; i < len; i++)
		if (f[i] != race_byte(seq, i))
			RACE_FAIL("frame %u (%u bytes): byte %u is 0x%02x, "
				  "not 0x%02x", seq, len, i, f[i],
				  race_byte(seq, i));
	*next = seq + 1;
	return true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_rx_race(void)
{
	static uint8_t f[MV_NETFRAME_MAX];
	struct vq_desc *d = at(RXQB);
	uint16_t *avail_idx = at(RXQB + 0x1000 + 2);
	uint16_t *ring = at(RXQB + 0x1000 + 4);
	uint16_t *used_flags = at(RXQB + 0x2000);
	uint16_t *used_idx = at(RXQB + 0x2000 + 2);
	uint32_t *used = at(RXQB + 0x2000 + 4);
	uint32_t next = 0, received = 0, have = 0, left = 0, stall_at = 1000;
	unsigned int drops = 0, stalls = 0, notifies = 0;
	double t0 = now_s(), progress = t0;
	uint8_t hdr[HDR_BYTES] = { 0 };
	bool ok = true;
	pthread_t th;

	wr(VMMIO_STATUS, 0);
	start(ALL_OFFLOADS | BIT(VIRTIO_NET_F_MRG_RXBUF));
	for (unsigned int i = 0; i < QNUM; i++) {
		d[i] = (struct vq_desc){ RACE_BUF(i), RACE_BUF_LEN(i),
					 MV_VRING_DESC_F_WRITE, 0 };
		ring[*avail_idx % QNUM] = (uint16_t)i;
		(*avail_idx)++;
	}
	/* A driver polling its queue (NAPI): no interrupts to take. */
	*(uint16_t *)at(RXQB + 0x1000) = MV_VRING_AVAIL_F_NO_INTERRUPT;
	wr(VMMIO_QUEUE_NOTIFY, RXQ);
	memset(&race, 0, sizeof(race));
	port_drops = 0;
	CHECK_EQ(pthread_create(&th, NULL, race_producer, n_of()), 0);
	while (ok) {
		uint16_t ids[QNUM];
		uint32_t lens[QNUM];
		unsigned int k = 0, delivered;
		uint16_t uidx, aidx;
		double now = now_s();

		/* delivered first: the drops it covers are counted then. */
		delivered = __atomic_load_n(&race.delivered, __ATOMIC_ACQUIRE);
		drops = __atomic_load_n(&race.drops, __ATOMIC_ACQUIRE);
		if (delivered == RACE_FRAMES && received + drops == RACE_FRAMES)
			break;
		if (now - progress > RACE_STALL_S) {
			snprintf(race_err, sizeof(race_err), "stuck: %u "
				 "delivered, %u received, %u dropped",
				 delivered, received, drops);
			ok = false;
			break;
		}
		/* A late driver: frames wait in the ring, then it fills. */
		if (received >= stall_at) {
			double until = now + 0.2;

			stall_at += 10000;
			stalls++;
			__atomic_store_n(&race.late, true, __ATOMIC_RELEASE);
			while (__atomic_load_n(&race.drops, __ATOMIC_ACQUIRE) ==
			       drops && __atomic_load_n(&race.delivered,
							 __ATOMIC_ACQUIRE) <
			       RACE_FRAMES && now_s() < until)
				sched_yield();
			__atomic_store_n(&race.late, false, __ATOMIC_RELEASE);
		}
		/*
		 * The driver takes no lock, as a guest does not: the rings
		 * are shared with the device (poll_now in the producer) as
		 * the virtqueue library expects, with its barriers.
		 */
		uidx = __atomic_load_n(used_idx, __ATOMIC_ACQUIRE);
		while (k < QNUM && uidx != used_seen[RXQ]) {
			uint32_t *e = used + 2 * (used_seen[RXQ]++ % QNUM);

			ids[k] = (uint16_t)__atomic_load_n(e, __ATOMIC_RELAXED);
			lens[k++] = __atomic_load_n(e + 1, __ATOMIC_RELAXED);
		}
		if (!k) {
			sched_yield();
			continue;
		}
		progress = now;
		/* The device is done with used buffers: no lock to read. */
		for (unsigned int i = 0; i < k && ok; i++) {
			const uint8_t *b = at(RACE_BUF(ids[i] % QNUM));
			uint32_t len = lens[i], skip = 0;

			if (ids[i] >= QNUM || len > RACE_BUF_LEN(ids[i])) {
				snprintf(race_err, sizeof(race_err), "used "
					 "entry %u, %u bytes", ids[i], len);
				ok = false;
				break;
			}
			if (!left) {
				memcpy(hdr, b, HDR_BYTES);
				left = le16(hdr + 10);
				skip = HDR_BYTES;
				have = 0;
				if (len < HDR_BYTES || !left || left > QNUM) {
					snprintf(race_err, sizeof(race_err),
						 "after %u: %u bytes, %u "
						 "buffers", next, len, left);
					ok = false;
					break;
				}
			}
			if (have + len - skip > sizeof(f)) {
				snprintf(race_err, sizeof(race_err), "after "
					 "%u: a frame over 64 KiB", next);
				ok = false;
				break;
			}
			memcpy(f + have, b + skip, len - skip);
			have += len - skip;
			if (--left)
				continue;
			ok = race_check(hdr, f, have, &next);
			__atomic_store_n(&race.received, ++received,
					 __ATOMIC_RELEASE);
		}
		if (!ok)
			break;
		/* Refilled; notified only if the device asked for it. */
		aidx = *avail_idx;	/* only this thread writes it */
		for (unsigned int i = 0; i < k; i++)
			__atomic_store_n(&ring[aidx++ % QNUM], ids[i],
					 __ATOMIC_RELAXED);
		__atomic_store_n(avail_idx, aidx, __ATOMIC_RELEASE);
		/* Refills before the flag (Linux: virtqueue_kick_prepare). */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!(__atomic_load_n(used_flags, __ATOMIC_RELAXED) &
		      MV_VRING_USED_F_NO_NOTIFY)) {
			/* The notify is a trap: the transport lock. */
			pthread_mutex_lock(&tlock);
			wr(VMMIO_QUEUE_NOTIFY, RXQ);
			pthread_mutex_unlock(&tlock);
			notifies++;
		}
	}
	__atomic_store_n(&race.stop, true, __ATOMIC_RELEASE);
	CHECK_EQ(pthread_join(th, NULL), 0);
	drops = race.drops;
	fprintf(stderr, "     %u frames: %u received, %u dropped, %u stalls, "
		"%u notifies, %.1f s\n", RACE_FRAMES, received, drops, stalls,
		notifies, now_s() - t0);
	if (!ok)
		fprintf(stderr, "     %s\n", race_err);
	CHECK(ok);
	CHECK_EQ(received + drops, RACE_FRAMES);
	CHECK_EQ(n_of()->rx_ring_full, drops);
	/* Each counted in the port's drops too. */
	CHECK_EQ(__atomic_load_n(&port_drops, __ATOMIC_RELAXED), drops);
	CHECK_EQ(n_of()->rx_too_big + n_of()->rx_stale, 0);
	/*
	 * Both paths taken: straight through, and a full ring. How many of
	 * each depends on the scheduler (a loaded host drops most).
	 */
	CHECK_GT(drops, 0);
	CHECK_GT(stalls, 0);
	CHECK_EQ(n_of()->rx_head, n_of()->rx_tail);
	CHECK_EQ(rd(VMMIO_STATUS), 0xf);
	teardown();
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_features, setup);
	RUN_TEST(test_transmit_meta, setup);
	RUN_TEST(test_receive_gso, setup);
	RUN_TEST(test_receive_now, setup);
	RUN_TEST(test_ring_wrap, setup);
	RUN_TEST(test_stale_meta, setup);
	RUN_TEST(test_mergeable, setup);
	RUN_TEST(test_rx_notify, setup);
	RUN_TEST(test_rx_race, setup);
	return mv_test_summary();
}
