// SPDX-License-Identifier: GPL-2.0
/*
 * VirtIO MMIO transport: modules/vio/virtio-mmio/transport.c with a fake
 * backend on a fake guest RAM. Identification registers, an empty slot,
 * Linux's initialisation sequence, feature negotiation (VERSION_1
 * required), queue setup, notifications reaching the backend, the
 * used-buffer interrupt and its acknowledgement, kicks from another
 * thread, and every wrong-state write ending in DEVICE_NEEDS_RESET with
 * exactly one warning naming the fault, cleared by a reset.
 */
#include "../../modules/vio/virtio-mmio/transport.h"

#include <stdarg.h>

#include "mv_test.h"
#include "vmmio_access.h"

int mv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (1u << 20)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct mv_virtio_transport t;
static bool line;
static unsigned int line_calls, notified[2], polls, resets;
static uint32_t echo_reg;

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	CHECK(ctx == &t);
	if (ipa < RAM_BASE || len > RAM_SIZE || ipa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	return ram + (ipa - RAM_BASE);
}

static void irq(void *ctx, bool level)
{
	CHECK(ctx == &t);
	line = level;
	line_calls++;
}

/* Backend: queue 1 echoes every chain back as used with its out length. */
static void be_notify(struct mv_virtio_dev *dev, unsigned int qidx)
{
	struct mv_virtq *q = mv_virtio_queue(dev, qidx);
	struct mv_virtq_seg seg[4];
	struct mv_virtq_chain ch = { .max_segs = 4, .seg = seg };

	notified[qidx]++;
	if (!q)
		return;
	while (mv_virtq_pop(q, &ch) > 0)
		mv_virtq_push(q, ch.head, ch.out_len);
	mv_virtq_done(q);
}

static void be_poll(struct mv_virtio_dev *dev)
{
	polls++;
	be_notify(dev, 0);
}

static void be_reset(struct mv_virtio_dev *dev)
{
	(void)dev;
	resets++;
}

static uint32_t be_config_read(struct mv_virtio_dev *dev, uint32_t off,
			       unsigned int width)
{
	(void)dev;
	return (echo_reg >> (8 * off)) & (width == 4 ? 0xffffffffu :
					  (1u << (8 * width)) - 1);
}

static void be_config_write(struct mv_virtio_dev *dev, uint32_t off,
			    unsigned int width, uint32_t val)
{
	(void)dev;
	(void)width;
	if (off == 0)
		echo_reg = val;
}

static const struct mv_virtio_backend_ops ops = {
	.module = "test-backend",
	.device_id = 3,
	.features = 1ull << 1,
	.num_queues = 2,
	.queue_max = 16,
	.config_size = 4,
	.config_read = be_config_read,
	.config_write = be_config_write,
	.queue_notify = be_notify,
	.poll = be_poll,
	.reset = be_reset,
};

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	memset(&t, 0xa5, sizeof(t));
	line = false;
	line_calls = polls = resets = 0;
	notified[0] = notified[1] = 0;
	echo_reg = 0x44332211;
	vmmio_init(&t, &ops, map, irq, &t);
	t.granule = 4096;
	t.dev.guest_name = "g0";
	t.dev.name = "console@a000000";
}

#define rd(off) vmmio_rd32(&t, off)
#define wr(off, v) vmmio_wr32(&t, off, v)

static void add_status(uint32_t bits)
{
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | bits);
}

static void negotiate(uint64_t features)
{
	wr(VMMIO_STATUS, 0);
	add_status(MV_VIRTIO_S_ACKNOWLEDGE);
	add_status(MV_VIRTIO_S_DRIVER);
	wr(VMMIO_DRV_FEATURES_SEL, 0);
	wr(VMMIO_DRV_FEATURES, (uint32_t)features);
	wr(VMMIO_DRV_FEATURES_SEL, 1);
	wr(VMMIO_DRV_FEATURES, (uint32_t)(features >> 32));
	add_status(MV_VIRTIO_S_FEATURES_OK);
}

#define QBASE(i) (RAM_BASE + 0x10000 * ((i) + 1))

static void setup_queue(unsigned int i, uint32_t num)
{
	wr(VMMIO_QUEUE_SEL, i);
	CHECK_EQ(rd(VMMIO_QUEUE_READY), 0);
	CHECK_EQ(rd(VMMIO_QUEUE_NUM_MAX), 16);
	wr(VMMIO_QUEUE_NUM, num);
	wr(VMMIO_QUEUE_DESC_LO, (uint32_t)QBASE(i));
	wr(VMMIO_QUEUE_DESC_HI, (uint32_t)(QBASE(i) >> 32));
	wr(VMMIO_QUEUE_DRIVER_LO, (uint32_t)(QBASE(i) + 0x1000));
	wr(VMMIO_QUEUE_DRIVER_HI, 0);
	wr(VMMIO_QUEUE_DEVICE_LO, (uint32_t)(QBASE(i) + 0x2000));
	wr(VMMIO_QUEUE_DEVICE_HI, 0);
	wr(VMMIO_QUEUE_READY, 1);
	CHECK_EQ(rd(VMMIO_QUEUE_READY), 1);
}

static void linux_init(void)
{
	negotiate((1ull << MV_VIRTIO_F_VERSION_1) |
		  (1ull << MV_VIRTIO_F_EVENT_IDX));
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK);
	setup_queue(0, 8);
	setup_queue(1, 8);
	add_status(MV_VIRTIO_S_DRIVER_OK);
}

static void *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

/* Offer a one-descriptor chain (head i) on queue q. */
static void offer(unsigned int q, uint16_t i, uint64_t addr, uint32_t len)
{
	struct vq_desc d = { addr, len, 0, 0 };
	uint16_t *idx = at(QBASE(q) + 0x1000 + 2);

	memcpy(at(QBASE(q) + 16 * i), &d, sizeof(d));
	((uint16_t *)at(QBASE(q) + 0x1000 + 4))[*idx % 8] = i;
	(*idx)++;
}

static void expect_broken(unsigned int warnings_before)
{
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_NEEDS_RESET);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), warnings_before + 1);
	CHECK(rd(VMMIO_INT_STATUS) & VMMIO_INT_CONFIG);
	CHECK(line);
	/* Everything but Status 0 and acks is ignored, with no new log. */
	wr(VMMIO_QUEUE_NOTIFY, 7);
	wr(VMMIO_QUEUE_NUM, 99);
	wr(VMMIO_STATUS, 0xff);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), warnings_before + 1);
	wr(VMMIO_STATUS, 0);
	CHECK_EQ(rd(VMMIO_STATUS), 0);
	CHECK_EQ(rd(VMMIO_INT_STATUS), 0);
	CHECK(!line);
	/* And the device works again, on fresh rings. */
	memset(ram, 0, sizeof(ram));
	linux_init();
	CHECK_EQ(rd(VMMIO_STATUS) & MV_VIRTIO_S_NEEDS_RESET, 0);
}

static void test_identity(void)
{
	uint64_t v;

	CHECK_EQ(rd(VMMIO_MAGIC), 0x74726976);
	CHECK_EQ(rd(VMMIO_VERSION), 2);
	CHECK_EQ(rd(VMMIO_DEVICE_ID), 3);
	CHECK_EQ(rd(VMMIO_VENDOR_ID), VMMIO_VENDOR);
	wr(VMMIO_DEV_FEATURES_SEL, 0);
	CHECK_EQ(rd(VMMIO_DEV_FEATURES), (1u << 1) | (1u << 28) | (1u << 29));
	wr(VMMIO_DEV_FEATURES_SEL, 1);
	CHECK_EQ(rd(VMMIO_DEV_FEATURES), 1);		/* VERSION_1 */
	wr(VMMIO_DEV_FEATURES_SEL, 2);
	CHECK_EQ(rd(VMMIO_DEV_FEATURES), 0);
	/* Registers are 32-bit only; config space any width. */
	CHECK(vmmio_read(&t, VMMIO_MAGIC, 2, &v) < 0);
	CHECK(vmmio_read(&t, VMMIO_MAGIC + 1, 4, &v) < 0);
	CHECK(vmmio_write(&t, VMMIO_STATUS, 8, 1) < 0);
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG + 1, 1, &v), 0);
	CHECK_EQ(v, 0x22);
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG + 2, 2, &v), 0);
	CHECK_EQ(v, 0x4433);
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG + 4, 4, &v), 0);	/* beyond */
	CHECK_EQ(v, 0);
	CHECK(vmmio_read(&t, VMMIO_CONFIG + 1, 2, &v) < 0);
	CHECK_EQ(vmmio_write(&t, VMMIO_CONFIG, 4, 0x1234), 0);
	CHECK_EQ(echo_reg, 0x1234);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
}

static void test_empty_slot(void)
{
	vmmio_init(&t, NULL, map, irq, &t);
	CHECK_EQ(rd(VMMIO_MAGIC), 0x74726976);
	CHECK_EQ(rd(VMMIO_VERSION), 2);
	CHECK_EQ(rd(VMMIO_DEVICE_ID), 0);
	CHECK_EQ(rd(VMMIO_DEV_FEATURES), 0);
	wr(VMMIO_STATUS, 1);
	wr(VMMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(rd(VMMIO_STATUS), 0);
	CHECK_EQ(rd(VMMIO_QUEUE_NUM_MAX), 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
}

static void test_linux_sequence(void)
{
	linux_init();
	CHECK_EQ(rd(VMMIO_STATUS), 0x0f);
	CHECK_EQ(t.dev.features, (1ull << MV_VIRTIO_F_VERSION_1) |
				 (1ull << MV_VIRTIO_F_EVENT_IDX));
	/* DRIVER_OK ran every ready queue once. */
	CHECK_EQ(notified[0], 1);
	CHECK_EQ(notified[1], 1);
	offer(1, 2, RAM_BASE + 0x100, 5);
	wr(VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(notified[1], 2);
	CHECK_EQ(*(uint16_t *)at(QBASE(1) + 0x2000 + 2), 1);	/* used idx */
	CHECK_EQ(*(uint32_t *)at(QBASE(1) + 0x2000 + 4), 2);	/* id */
	CHECK_EQ(*(uint32_t *)at(QBASE(1) + 0x2000 + 8), 5);	/* len */
	CHECK_EQ(rd(VMMIO_INT_STATUS), VMMIO_INT_USED);
	CHECK(line);
	wr(VMMIO_INT_ACK, VMMIO_INT_USED);
	CHECK_EQ(rd(VMMIO_INT_STATUS), 0);
	CHECK(!line);
	/* used_event 0 was passed; now ask for none until idx 10. */
	*(uint16_t *)at(QBASE(1) + 0x1000 + 4 + 2 * 8) = 10;
	offer(1, 3, RAM_BASE + 0x100, 6);
	wr(VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(*(uint16_t *)at(QBASE(1) + 0x2000 + 2), 2);
	CHECK_EQ(rd(VMMIO_INT_STATUS), 0);
	CHECK(!line);
	/* avail_event asks for the next notification. */
	CHECK_EQ(*(uint16_t *)at(QBASE(1) + 0x2000 + 4 + 8 * 8), 2);
	/* Linux's removal: reset, then each queue deselected. */
	wr(VMMIO_STATUS, 0);
	CHECK(resets >= 2);
	wr(VMMIO_QUEUE_SEL, 1);
	wr(VMMIO_QUEUE_READY, 0);
	CHECK_EQ(rd(VMMIO_QUEUE_READY), 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
}

static void test_notify_before_driver_ok(void)
{
	negotiate((1ull << MV_VIRTIO_F_VERSION_1));
	setup_queue(0, 8);
	setup_queue(1, 8);
	offer(1, 0, RAM_BASE + 0x100, 3);
	wr(VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(notified[1], 0);
	CHECK_EQ(*(uint16_t *)at(QBASE(1) + 0x2000 + 2), 0);
	add_status(MV_VIRTIO_S_DRIVER_OK);
	CHECK_EQ(notified[1], 1);
	CHECK_EQ(*(uint16_t *)at(QBASE(1) + 0x2000 + 2), 1);
	CHECK(line);
}

static void test_features_ok_refused(void)
{
	negotiate(1ull << 1);		/* no VERSION_1 */
	CHECK_EQ(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK, 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 1);
	CHECK(strstr(mv_host_log_last(), "FEATURES_OK refused: driver "
		     "features 0x2 lack VERSION_1") != NULL);
	/* Retried without a reset: refused again, not logged again. */
	for (int i = 0; i < 10; i++)
		add_status(MV_VIRTIO_S_FEATURES_OK);
	CHECK_EQ(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK, 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 1);
	negotiate((1ull << MV_VIRTIO_F_VERSION_1) | (1ull << 5)); /* unoffered */
	CHECK_EQ(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK, 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 2);
	CHECK(strstr(mv_host_log_last(), "include 0x20, not offered") != NULL);
	CHECK_EQ(rd(VMMIO_STATUS) & MV_VIRTIO_S_NEEDS_RESET, 0);
}

/* Reset to DRIVER_OK in one write, no features: one line, not two. */
static void test_status_jump(void)
{
	wr(VMMIO_STATUS, 0);
	wr(VMMIO_STATUS, MV_VIRTIO_S_ACKNOWLEDGE | MV_VIRTIO_S_DRIVER |
	   MV_VIRTIO_S_FEATURES_OK | MV_VIRTIO_S_DRIVER_OK);
	CHECK(strstr(mv_host_log_last(), "DRIVER_OK without FEATURES_OK "
		     "(status 0xf; FEATURES_OK refused: driver features 0x0 "
		     "lack VERSION_1)") != NULL);
	expect_broken(0);
}

/* A device's own feature bits (set by probe), kept across resets. */
static void test_per_device_features(void)
{
	struct mv_virtio_transport other;

	CHECK_EQ(t.dev.offered, 1ull << 1);
	t.dev.offered |= 1ull << 5;
	vmmio_init(&other, &ops, map, irq, &other);
	CHECK_EQ(other.dev.offered, 1ull << 1);	/* not shared */
	wr(VMMIO_DEV_FEATURES_SEL, 0);
	CHECK_EQ(rd(VMMIO_DEV_FEATURES),
		 (1u << 1) | (1u << 5) | (1u << 28) | (1u << 29));
	vmmio_reset(&t);
	CHECK_EQ(rd(VMMIO_DEV_FEATURES),
		 (1u << 1) | (1u << 5) | (1u << 28) | (1u << 29));
	negotiate((1ull << MV_VIRTIO_F_VERSION_1) | (1ull << 5));
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK);
	CHECK_EQ(t.dev.features, (1ull << MV_VIRTIO_F_VERSION_1) | (1ull << 5));
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
}

static void test_queue_setup_before_features_ok(void)
{
	wr(VMMIO_STATUS, 0);
	add_status(MV_VIRTIO_S_ACKNOWLEDGE | MV_VIRTIO_S_DRIVER);
	wr(VMMIO_QUEUE_SEL, 0);
	wr(VMMIO_QUEUE_NUM, 8);
	expect_broken(0);
}

static void test_queue_setup_after_driver_ok(void)
{
	linux_init();
	wr(VMMIO_QUEUE_SEL, 0);
	wr(VMMIO_QUEUE_DESC_LO, 0x1000);
	expect_broken(0);
}

static void test_queue_rewrite_while_ready(void)
{
	negotiate(1ull << MV_VIRTIO_F_VERSION_1);
	setup_queue(0, 8);
	wr(VMMIO_QUEUE_NUM, 4);
	expect_broken(0);
}

static void test_driver_features_late(void)
{
	linux_init();
	wr(VMMIO_DRV_FEATURES, 0);
	expect_broken(0);
}

static void test_driver_ok_without_features_ok(void)
{
	wr(VMMIO_STATUS, 0);
	add_status(MV_VIRTIO_S_ACKNOWLEDGE | MV_VIRTIO_S_DRIVER);
	add_status(MV_VIRTIO_S_DRIVER_OK);
	expect_broken(0);
}

static void test_status_bits_cleared(void)
{
	linux_init();
	wr(VMMIO_STATUS, MV_VIRTIO_S_ACKNOWLEDGE);
	expect_broken(0);
}

static void test_bad_queue_size(void)
{
	negotiate(1ull << MV_VIRTIO_F_VERSION_1);
	wr(VMMIO_QUEUE_SEL, 0);
	wr(VMMIO_QUEUE_NUM, 17);
	expect_broken(0);
}

static void test_ready_with_bad_rings(void)
{
	negotiate(1ull << MV_VIRTIO_F_VERSION_1);
	wr(VMMIO_QUEUE_SEL, 1);
	wr(VMMIO_QUEUE_NUM, 8);
	wr(VMMIO_QUEUE_DESC_LO, 0x1000);	/* not RAM */
	wr(VMMIO_QUEUE_READY, 1);
	CHECK_EQ(rd(VMMIO_QUEUE_READY), 0);
	expect_broken(0);
}

static void test_notify_unconfigured_queue(void)
{
	linux_init();
	wr(VMMIO_QUEUE_NOTIFY, 5);
	expect_broken(0);
	wr(VMMIO_QUEUE_SEL, 1);
	wr(VMMIO_QUEUE_READY, 0);		/* allowed */
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 1);
	wr(VMMIO_QUEUE_NOTIFY, 1);
	expect_broken(1);
}

static void test_queue_for_missing_queue(void)
{
	negotiate(1ull << MV_VIRTIO_F_VERSION_1);
	wr(VMMIO_QUEUE_SEL, 2);
	CHECK_EQ(rd(VMMIO_QUEUE_NUM_MAX), 0);
	wr(VMMIO_QUEUE_NUM, 8);
	expect_broken(0);
}

static void test_bad_chain_breaks_device(void)
{
	linux_init();
	offer(1, 0, RAM_BASE + RAM_SIZE, 4);	/* outside RAM */
	offer(1, 1, RAM_BASE, 4);
	wr(VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(*(uint16_t *)at(QBASE(1) + 0x2000 + 2), 0);
	CHECK(strstr(mv_host_log_last(), "guest g0: device console@a000000: "
		     "queue 1: descriptor 0: buffer outside guest RAM "
		     "(0x40100000, length 0x4); device needs reset") != NULL);
	expect_broken(0);
}

/* Add head to queue q's available ring, its descriptors as they are. */
static void publish(unsigned int q, uint16_t head)
{
	uint16_t *idx = at(QBASE(q) + 0x1000 + 2);

	((uint16_t *)at(QBASE(q) + 0x1000 + 4))[*idx % 8] = head;
	(*idx)++;
}

static void set_desc(unsigned int q, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct vq_desc d = { addr, len, flags, next };

	memcpy(at(QBASE(q) + 16 * i), &d, sizeof(d));
}

/* Each walker error: one line with the values that explain it. */
static void test_queue_errors_named(void)
{
	static const char *const want[] = {
		"queue 1: descriptor 0: descriptor chain longer than its table "
		"(a loop) (more than 8 descriptors)",
		"queue 1: chain head index is not below the queue size (head 9, "
		"size 8)",
		"queue 1: available index moved more than the queue size (from 0 "
		"to 9, size 8)",
		"queue 1: descriptor 0: next index is outside the descriptor "
		"table (next 12, table of 8)",
		"queue 1: descriptor 0: buffer starts in guest RAM but runs out "
		"of it (0x40000100, length 0xffffffff)",
		"queue 1: descriptor 0: descriptor of length 0 (0x40000100, "
		"length 0x0)",
	};

	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		setup();
		mv_host_log_reset();
		linux_init();
		switch (i) {
		case 0:
			set_desc(1, 0, RAM_BASE + 0x100, 4,
				 MV_VRING_DESC_F_NEXT, 0);
			publish(1, 0);
			break;
		case 1:
			publish(1, 9);
			break;
		case 2:
			*(uint16_t *)at(QBASE(1) + 0x1000 + 2) = 9;
			break;
		case 3:
			set_desc(1, 0, RAM_BASE + 0x100, 4,
				 MV_VRING_DESC_F_NEXT, 12);
			publish(1, 0);
			break;
		case 4:
			set_desc(1, 0, RAM_BASE + 0x100, 0xffffffff, 0, 0);
			publish(1, 0);
			break;
		case 5:
			set_desc(1, 0, RAM_BASE + 0x100, 0, 0, 0);
			publish(1, 0);
			break;
		}
		wr(VMMIO_QUEUE_NOTIFY, 1);
		CHECK(strstr(mv_host_log_last(), want[i]) != NULL);
		CHECK_EQ(*(uint16_t *)at(QBASE(1) + 0x2000 + 2), 0);
		expect_broken(0);
	}
}

static uint64_t fake_ns;

static uint64_t fake_now(void)
{
	return fake_ns;
}

/* Reset-and-break in a loop: 8 lines a second, a notice, then a count. */
static void test_warn_rate_limit(void)
{
	t.now_ns = fake_now;
	fake_ns = 5000000000ull;
	for (int i = 0; i < 20; i++) {
		wr(VMMIO_STATUS, 0);
		wr(VMMIO_QUEUE_NOTIFY, 7);
		/* Every one breaks the device, logged or not. */
		CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_NEEDS_RESET);
		CHECK(rd(VMMIO_INT_STATUS) & VMMIO_INT_CONFIG);
		fake_ns += 1000000;
	}
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 9);
	CHECK(strstr(mv_host_log_last(), "device console@a000000: more faults "
		     "this second are not logged") != NULL);
	/* The refusal shares the budget. */
	negotiate(1ull << 1);
	CHECK_EQ(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK, 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 9);
	/* A second later: what went unlogged, then the fault itself. */
	fake_ns += 1000000000ull;
	wr(VMMIO_STATUS, 0);
	wr(VMMIO_QUEUE_NOTIFY, 7);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 11);
	CHECK(strstr(mv_host_log_last(), "notification for queue 7") != NULL);
	/* And a quiet second resets the count without a message. */
	fake_ns += 2000000000ull;
	wr(VMMIO_STATUS, 0);
	wr(VMMIO_QUEUE_NOTIFY, 7);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 12);
}

static void test_kick(void)
{
	/* Before DRIVER_OK: remembered, the line untouched. */
	mv_virtio_kick(&t.dev);
	CHECK(!line);
	linux_init();
	polls = 0;
	mv_virtio_kick(&t.dev);
	CHECK(line);			/* raised by the kick itself */
	CHECK_EQ(rd(VMMIO_INT_STATUS), 0);	/* the access polled */
	CHECK_EQ(polls, 1);
	CHECK(!line);			/* and drove the line back */
	/* A kick whose poll fills a receive buffer. */
	offer(0, 4, RAM_BASE + 0x300, 8);
	mv_virtio_kick(&t.dev);
	CHECK_EQ(rd(VMMIO_INT_STATUS), VMMIO_INT_USED);
	CHECK(line);
	CHECK_EQ(polls, 2);
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_identity, setup);
	RUN_TEST(test_empty_slot, setup);
	RUN_TEST(test_linux_sequence, setup);
	RUN_TEST(test_notify_before_driver_ok, setup);
	RUN_TEST(test_features_ok_refused, setup);
	RUN_TEST(test_status_jump, setup);
	RUN_TEST(test_per_device_features, setup);
	RUN_TEST(test_queue_setup_before_features_ok, setup);
	RUN_TEST(test_queue_setup_after_driver_ok, setup);
	RUN_TEST(test_queue_rewrite_while_ready, setup);
	RUN_TEST(test_driver_features_late, setup);
	RUN_TEST(test_driver_ok_without_features_ok, setup);
	RUN_TEST(test_status_bits_cleared, setup);
	RUN_TEST(test_bad_queue_size, setup);
	RUN_TEST(test_ready_with_bad_rings, setup);
	RUN_TEST(test_notify_unconfigured_queue, setup);
	RUN_TEST(test_queue_for_missing_queue, setup);
	RUN_TEST(test_bad_chain_breaks_device, setup);
	RUN_TEST(test_queue_errors_named, setup);
	RUN_TEST(test_warn_rate_limit, setup);
	RUN_TEST(test_kick, setup);
	return mv_test_summary();
}
