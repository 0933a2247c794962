// SPDX-License-Identifier: GPL-2.0
/*
 * VirtIO MMIO (register layout version 2) words: a small polling driver
 * for the first virtio-blk device of the DT (compatible "virtio,mmio",
 * DeviceID 2), or the first virtio-net device (DeviceID 1), one queue of
 * QSIZE entries in the image's .bss (Normal memory: the rest of guest RAM
 * is mapped Device, see mmu.c).
 *
 * virtio:      a correct driver: initialise as VirtIO 1.x 3.1.1 says,
 *              then `virtio-rounds=` (50) rounds of writing a sector and
 *              reading it back.
 * virtio-evil: for each attack, reset the device, set it up correctly,
 *              commit one violation and check that Status has
 *              DEVICE_NEEDS_RESET and InterruptStatus the configuration
 *              change, with no buffer used ("tg: virtio-evil: <attack>:
 *              needs-reset ok"); unoffered features must only get
 *              FEATURES_OK refused. The attacks are 150 ms apart, so
 *              the transport's limit (8 warnings a second a device)
 *              logs each. Then `virtio-flood=` (0) rounds of set-up and
 *              descriptor loop as fast as the guest can, each checked
 *              for DEVICE_NEEDS_RESET ("tg: virtio-evil: flood: <n>
 *              rounds needs-reset ok"). Last, a reset and a correct
 *              setup and request show the device works again.
 * net-evil:    the virtio-net device with CSUM and HOST_TSO4, transmit
 *              queue only: each of NET_BAD headers the switch must refuse
 *              goes with a TCP/IPv4 frame to `net-dst=` (a MAC as a
 *              number: a port the switch has learned, so the sender
 *              forwards it itself) and to broadcast (the switch thread's
 *              work), then one plain frame each way; every chain must
 *              come back used ("tg: net-evil: PASS ...").
 *
 * The device serves requests synchronously in the trapped QueueNotify
 * write, so the used ring is read right after it; no interrupt is used.
 */
#include <libfdt.h>
#include <string.h>

#include "tg.h"

/* Registers. */
#define VM_MAGIC		0x000
#define VM_VERSION		0x004
#define VM_DEVICE_ID		0x008
#define VM_DEV_FEATURES		0x010
#define VM_DEV_FEATURES_SEL	0x014
#define VM_DRV_FEATURES		0x020
#define VM_DRV_FEATURES_SEL	0x024
#define VM_QUEUE_SEL		0x030
#define VM_QUEUE_NUM_MAX	0x034
#define VM_QUEUE_NUM		0x038
#define VM_QUEUE_READY		0x044
#define VM_QUEUE_NOTIFY		0x050
#define VM_INT_STATUS		0x060
#define VM_INT_ACK		0x064
#define VM_STATUS		0x070
#define VM_QUEUE_DESC_LO	0x080
#define VM_QUEUE_DESC_HI	0x084
#define VM_QUEUE_DRIVER_LO	0x090
#define VM_QUEUE_DRIVER_HI	0x094
#define VM_QUEUE_DEVICE_LO	0x0a0
#define VM_QUEUE_DEVICE_HI	0x0a4
#define VM_CONFIG		0x100

#define S_ACKNOWLEDGE		0x01
#define S_DRIVER		0x02
#define S_DRIVER_OK		0x04
#define S_FEATURES_OK		0x08
#define S_NEEDS_RESET		0x40
#define INT_CONFIG		0x02

#define F_VERSION_1_HI		(1U << 0)	/* feature bit 32 */
#define BLK_F_RO		(1U << 5)	/* never offered by Modvisor */
#define NET_F_CSUM		(1U << 0)
#define NET_F_HOST_TSO4		(1U << 11)

#define DEV_NET			1
#define DEV_BLK			2
#define NET_TXQ			1

#define D_NEXT			1
#define D_WRITE			2

#define BLK_T_IN		0
#define BLK_T_OUT		1
#define SECTOR			512

#define QSIZE			8

struct vdesc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vavail {
	u16 flags, idx, ring[QSIZE], used_event;
};

struct vused {
	u16 flags, idx;
	struct {
		u32 id, len;
	} ring[QSIZE];
	u16 avail_event;
};

struct blk_hdr {
	u32 type, reserved;
	u64 sector;
};

static struct vdesc desc[QSIZE] __attribute__((aligned(64)));
static struct vavail avail __attribute__((aligned(64)));
static struct vused used __attribute__((aligned(64)));
static struct blk_hdr hdr __attribute__((aligned(64)));
static u8 buf[SECTOR] __attribute__((aligned(64)));
static volatile u8 blk_status __attribute__((aligned(64)));

static u64 vbase;
static u64 sectors;
static u16 next_avail;

static u32 rd(u32 off)
{
	return mmio_read32(vbase + off);
}

static void wr(u32 off, u32 v)
{
	dsb(sy);	/* rings and buffers before the trapped write */
	mmio_write32(vbase + off, v);
}

/* The first virtio-mmio node with device id behind it. */
static int find_device(u32 id)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(dt.fdt, node,
						     "virtio,mmio")) >= 0) {
		if (dt_reg(node, 0, &vbase, NULL))
			continue;
		if (rd(VM_MAGIC) == 0x74726976 && rd(VM_VERSION) == 2 &&
		    rd(VM_DEVICE_ID) == id)
			return 0;
	}
	vbase = 0;
	return -1;
}

static void vdev_reset(void)
{
	wr(VM_STATUS, 0);
	memset(desc, 0, sizeof(desc));
	memset(&avail, 0, sizeof(avail));
	memset(&used, 0, sizeof(used));
	next_avail = 0;
}

/* ACKNOWLEDGE, DRIVER, features (VERSION_1 and hi), FEATURES_OK. */
static int vdev_negotiate(u32 lo, u32 hi)
{
	wr(VM_STATUS, S_ACKNOWLEDGE);
	wr(VM_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	wr(VM_DEV_FEATURES_SEL, 1);
	if (!(rd(VM_DEV_FEATURES) & F_VERSION_1_HI))
		return -1;
	wr(VM_DRV_FEATURES_SEL, 0);
	wr(VM_DRV_FEATURES, lo);
	wr(VM_DRV_FEATURES_SEL, 1);
	wr(VM_DRV_FEATURES, hi);
	wr(VM_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	return rd(VM_STATUS) & S_FEATURES_OK ? 0 : -1;
}

static void wr64(u32 lo_off, u64 v)
{
	wr(lo_off, (u32)v);
	wr(lo_off + 4, (u32)(v >> 32));
}

static int vdev_queue(u32 index, u64 desc_addr)
{
	wr(VM_QUEUE_SEL, index);
	if (rd(VM_QUEUE_READY) || rd(VM_QUEUE_NUM_MAX) < QSIZE)
		return -1;
	wr(VM_QUEUE_NUM, QSIZE);
	wr64(VM_QUEUE_DESC_LO, desc_addr);
	wr64(VM_QUEUE_DRIVER_LO, (u64)&avail);
	wr64(VM_QUEUE_DEVICE_LO, (u64)&used);
	wr(VM_QUEUE_READY, 1);
	return rd(VM_QUEUE_READY) == 1 ? 0 : -1;
}

/*
 * A correct reset and initialisation with VERSION_1 and the feature bits
 * features (0-31), queue index; 0, or -1 (and a message).
 */
static int vdev_setup(const char *who, u32 features, u32 queue)
{
	u32 st;

	vdev_reset();
	if (rd(VM_STATUS) != 0) {
		tg_printf("tg: %s: status 0x%x after reset\n", who,
			  rd(VM_STATUS));
		return -1;
	}
	if (vdev_negotiate(features, F_VERSION_1_HI) ||
	    vdev_queue(queue, (u64)desc)) {
		tg_printf("tg: %s: setup refused, status 0x%x\n", who,
			  rd(VM_STATUS));
		return -1;
	}
	wr(VM_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	st = rd(VM_STATUS);
	if (st != (S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)) {
		tg_printf("tg: %s: status 0x%x after DRIVER_OK\n", who, st);
		return -1;
	}
	if (rd(VM_DEVICE_ID) == DEV_BLK)
		sectors = rd(VM_CONFIG) | (u64)rd(VM_CONFIG + 4) << 32;
	return 0;
}

static void set_desc(unsigned int i, u64 addr, u32 len, u16 flags, u16 next)
{
	desc[i].addr = addr;
	desc[i].len = len;
	desc[i].flags = flags;
	desc[i].next = next;
}

/* Publish head (avail idx after the entry) and notify queue. */
static void submit_to(u32 queue, u16 head)
{
	avail.ring[next_avail % QSIZE] = head;
	dsb(sy);
	next_avail++;
	WRITE_ONCE(avail.idx, next_avail);
	wr(VM_QUEUE_NOTIFY, queue);
}

static void submit(u16 head)
{
	submit_to(0, head);
}

/* The usual three-descriptor request on head 0: header, data, status. */
static void blk_chain(u32 type, u64 sector)
{
	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = sector;
	blk_status = 0xff;
	set_desc(0, (u64)&hdr, sizeof(hdr), D_NEXT, 1);
	set_desc(1, (u64)buf, SECTOR, D_NEXT | (type == BLK_T_IN ? D_WRITE : 0),
		 2);
	set_desc(2, (u64)&blk_status, 1, D_WRITE, 0);
}

/* One request, served before the notify returns; 0 if it succeeded. */
static int blk_rw(u32 type, u64 sector)
{
	u16 before = READ_ONCE(used.idx);

	blk_chain(type, sector);
	submit(0);
	if (READ_ONCE(used.idx) != (u16)(before + 1) ||
	    used.ring[before % QSIZE].id != 0 || blk_status != 0)
		return -1;
	return 0;
}

static void fill(u32 seed)
{
	for (unsigned int i = 0; i < SECTOR; i++)
		buf[i] = (u8)(seed * 31 + i * 7);
}

static int check_fill(u32 seed)
{
	for (unsigned int i = 0; i < SECTOR; i++)
		if (buf[i] != (u8)(seed * 31 + i * 7))
			return -1;
	return 0;
}

/* Write a sector, read it back; 0 if both worked and the bytes match. */
static int blk_roundtrip(u32 seed, u64 sector)
{
	fill(seed);
	if (blk_rw(BLK_T_OUT, sector))
		return -1;
	memset(buf, 0, sizeof(buf));
	if (blk_rw(BLK_T_IN, sector))
		return -2;
	return check_fill(seed) ? -3 : 0;
}

void test_virtio(void)
{
	u64 rounds = bootarg_u64("virtio-rounds", 50), i;
	int err;

	if (find_device(DEV_BLK)) {
		test_fail("virtio", "no virtio-mmio block device in the DT");
		return;
	}
	if (vdev_setup("virtio", 0, 0))
		goto fail;
	if (!sectors) {
		test_fail("virtio", "capacity 0");
		return;
	}
	for (i = 0; i < rounds; i++) {
		err = blk_roundtrip((u32)i, i % sectors);
		if (err) {
			test_fail("virtio", "round %lu: %s", i,
				  err == -1 ? "write failed" :
				  err == -2 ? "read failed" : "data differs");
			return;
		}
	}
	test_pass("virtio", "0x%lx: %lu sectors, %lu write+read rounds", vbase,
		  sectors, rounds);
	return;
fail:
	test_fail("virtio", "device at 0x%lx did not initialise", vbase);
}

/* ------------------------------------------------------------------ */
/* Attacks: each commits one violation on a freshly set-up device. */

enum { EXPECT_NEEDS_RESET, EXPECT_REFUSED };

static int setup_for_attack(void)
{
	return vdev_setup("virtio-evil", 0, 0);
}

/* Descriptor 1 points back at descriptor 0. */
static int attack_loop(void)
{
	if (setup_for_attack())
		return -1;
	set_desc(0, (u64)&hdr, sizeof(hdr), D_NEXT, 1);
	set_desc(1, (u64)buf, SECTOR, D_NEXT, 0);
	submit(0);
	return 0;
}

/* Every descriptor of the table in one chain that then goes on. */
static int attack_long_chain(void)
{
	if (setup_for_attack())
		return -1;
	for (unsigned int i = 0; i < QSIZE; i++)
		set_desc(i, (u64)buf + 16 * i, 16, D_NEXT, (i + 1) % QSIZE);
	submit(0);
	return 0;
}

static int attack_next_range(void)
{
	if (setup_for_attack())
		return -1;
	blk_chain(BLK_T_IN, 0);
	desc[1].next = QSIZE + 3;
	submit(0);
	return 0;
}

static int attack_head_range(void)
{
	if (setup_for_attack())
		return -1;
	blk_chain(BLK_T_IN, 0);
	submit(200);
	return 0;
}

/* The available index runs more than the queue size ahead. */
static int attack_avail_idx(void)
{
	if (setup_for_attack())
		return -1;
	blk_chain(BLK_T_IN, 0);
	avail.ring[0] = 0;
	dsb(sy);
	WRITE_ONCE(avail.idx, QSIZE + 5);
	wr(VM_QUEUE_NOTIFY, 0);
	return 0;
}

/* The data buffer just past the end of this guest's RAM. */
static int attack_outside_ram(void)
{
	if (setup_for_attack())
		return -1;
	blk_chain(BLK_T_IN, 0);
	desc[1].addr = dt.ram_base + dt.ram_size + 0x1000;
	submit(0);
	return 0;
}

static int attack_zero_len(void)
{
	if (setup_for_attack())
		return -1;
	blk_chain(BLK_T_OUT, 0);
	desc[1].len = 0;
	submit(0);
	return 0;
}

/* A buffer in RAM whose length runs far past its end. */
static int attack_huge_len(void)
{
	if (setup_for_attack())
		return -1;
	blk_chain(BLK_T_IN, 0);
	desc[1].len = 0xffffffff;
	submit(0);
	return 0;
}

static int attack_notify_queue(void)
{
	if (setup_for_attack())
		return -1;
	wr(VM_QUEUE_NOTIFY, 5);		/* the device has queue 0 only */
	return 0;
}

static int attack_queue_size(void)
{
	vdev_reset();
	if (vdev_negotiate(0, F_VERSION_1_HI))
		return -1;
	wr(VM_QUEUE_SEL, 0);
	wr(VM_QUEUE_NUM, 0x10000);
	return 0;
}

/* Rings outside RAM, then QueueReady. */
static int attack_ring_addr(void)
{
	vdev_reset();
	if (vdev_negotiate(0, F_VERSION_1_HI))
		return -1;
	vdev_queue(0, dt.ram_base + dt.ram_size);
	return 0;
}

/* Queue setup after DRIVER_OK. */
static int attack_late_queue(void)
{
	if (setup_for_attack())
		return -1;
	wr(VM_QUEUE_SEL, 0);
	wr(VM_QUEUE_DESC_LO, (u32)(u64)desc);
	return 0;
}

static int attack_late_features(void)
{
	if (setup_for_attack())
		return -1;
	wr(VM_DRV_FEATURES_SEL, 0);
	wr(VM_DRV_FEATURES, 0);
	return 0;
}

/* Status bits taken back without a reset. */
static int attack_status_clear(void)
{
	if (setup_for_attack())
		return -1;
	wr(VM_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	return 0;
}

/* Straight from reset to DRIVER_OK in one write, no features. */
static int attack_status_jump(void)
{
	vdev_reset();
	wr(VM_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return 0;
}

/* A feature the device did not offer: FEATURES_OK must stay clear. */
static int attack_features(void)
{
	vdev_reset();
	return vdev_negotiate(BLK_F_RO, F_VERSION_1_HI) ? 0 : -1;
}

static const struct {
	const char *name;
	int (*fn)(void);
	int expect;
} attacks[] = {
	{ "loop", attack_loop, EXPECT_NEEDS_RESET },
	{ "long-chain", attack_long_chain, EXPECT_NEEDS_RESET },
	{ "next-range", attack_next_range, EXPECT_NEEDS_RESET },
	{ "head-range", attack_head_range, EXPECT_NEEDS_RESET },
	{ "avail-idx", attack_avail_idx, EXPECT_NEEDS_RESET },
	{ "outside-ram", attack_outside_ram, EXPECT_NEEDS_RESET },
	{ "zero-len", attack_zero_len, EXPECT_NEEDS_RESET },
	{ "huge-len", attack_huge_len, EXPECT_NEEDS_RESET },
	{ "notify-queue", attack_notify_queue, EXPECT_NEEDS_RESET },
	{ "queue-size", attack_queue_size, EXPECT_NEEDS_RESET },
	{ "ring-addr", attack_ring_addr, EXPECT_NEEDS_RESET },
	{ "late-queue", attack_late_queue, EXPECT_NEEDS_RESET },
	{ "late-features", attack_late_features, EXPECT_NEEDS_RESET },
	{ "status-clear", attack_status_clear, EXPECT_NEEDS_RESET },
	{ "status-jump", attack_status_jump, EXPECT_NEEDS_RESET },
	{ "features", attack_features, EXPECT_REFUSED },
};

static void sleep_ms(u64 ms)
{
	struct percpu *pc = this_cpu();
	u64 n = READ_ONCE(pc->timer_fired) + 1;

	timer_arm(now() + ms_to_ticks(ms), TIMER_ONESHOT);
	wait_timer(n, ms_to_ticks(ms) + cntfrq);
}

/* Loops as fast as the guest can go; 0 if every one needed a reset. */
static int flood(u64 rounds)
{
	for (u64 r = 0; r < rounds; r++) {
		if (attack_loop() || !(rd(VM_STATUS) & S_NEEDS_RESET)) {
			tg_printf("tg: virtio-evil: flood: FAIL round %lu status "
				  "0x%x\n", r, rd(VM_STATUS));
			return -1;
		}
	}
	tg_printf("tg: virtio-evil: flood: %lu rounds needs-reset ok\n",
		  rounds);
	return 0;
}

void test_virtio_evil(void)
{
	unsigned int n = sizeof(attacks) / sizeof(attacks[0]), bad = 0, i;
	u64 rounds = bootarg_u64("virtio-flood", 0);
	int err;

	if (find_device(DEV_BLK)) {
		test_fail("virtio-evil", "no virtio-mmio block device in the DT");
		return;
	}
	for (i = 0; i < n; i++) {
		u32 st, isr;

		if (i)
			sleep_ms(150);
		if (attacks[i].fn()) {
			tg_printf("tg: virtio-evil: %s: FAIL setup\n",
				  attacks[i].name);
			bad++;
			continue;
		}
		st = rd(VM_STATUS);
		isr = rd(VM_INT_STATUS);
		if (attacks[i].expect == EXPECT_REFUSED) {
			if (st & (S_FEATURES_OK | S_NEEDS_RESET)) {
				tg_printf("tg: virtio-evil: %s: FAIL status "
					  "0x%x\n", attacks[i].name, st);
				bad++;
			} else {
				tg_printf("tg: virtio-evil: %s: refused ok\n",
					  attacks[i].name);
			}
			continue;
		}
		/* Nothing of a bad chain may have been used. */
		if (!(st & S_NEEDS_RESET) || !(isr & INT_CONFIG) ||
		    READ_ONCE(used.idx) != 0) {
			tg_printf("tg: virtio-evil: %s: FAIL status 0x%x isr "
				  "0x%x used %u\n", attacks[i].name, st, isr,
				  READ_ONCE(used.idx));
			bad++;
			continue;
		}
		/* Broken, it takes nothing but acks and Status 0. */
		wr(VM_INT_ACK, isr);
		tg_printf("tg: virtio-evil: %s: needs-reset ok\n",
			  attacks[i].name);
	}
	if (rounds && flood(rounds))
		bad++;
	if (vdev_setup("virtio-evil", 0, 0)) {
		test_fail("virtio-evil", "no correct setup after the attacks");
		return;
	}
	err = blk_roundtrip(0x5eed, sectors - 1);
	if (err) {
		test_fail("virtio-evil", "request after reset: %s",
			  err == -1 ? "write failed" :
			  err == -2 ? "read failed" : "data differs");
		return;
	}
	if (bad)
		test_fail("virtio-evil", "%u of %u attacks not refused", bad, n);
	else
		test_pass("virtio-evil", "%u attacks refused; the device works "
			  "after a reset", n);
}

/* struct virtio_net_hdr (VERSION_1: 12 bytes) before the frame. */
struct net_hdr {
	u8 flags, gso_type;
	u16 hdr_len, gso_size, csum_start, csum_offset, num_buffers;
} __attribute__((packed));

#define NET_NEEDS_CSUM		1
#define NET_GSO_TCPV4		1
#define NET_GSO_UDP		3	/* never offered by Modvisor */
#define ETH_HLEN		14
#define IP_HLEN			20
#define TCP_HLEN		20
#define NET_PAYLOAD		64
#define NET_FRAME		(ETH_HLEN + IP_HLEN + TCP_HLEN + NET_PAYLOAD)
#define TCP_START		(ETH_HLEN + IP_HLEN)
#define TCP_CSUM_OFF		16

/* One header for each check of the switch (docs/net.md), in its order. */
static const struct net_hdr net_bad[] = {
	{ .flags = 0x80 },					/* flags */
	{ .hdr_len = 2000 },					/* hdr_len */
	{ .flags = NET_NEEDS_CSUM, .csum_start = 200,		/* csum */
	  .csum_offset = TCP_CSUM_OFF },
	{ .gso_type = NET_GSO_UDP },				/* gso_type */
	{ .flags = NET_NEEDS_CSUM, .gso_type = NET_GSO_TCPV4,	/* gso_size */
	  .csum_start = TCP_START, .csum_offset = TCP_CSUM_OFF },
	{ .flags = NET_NEEDS_CSUM, .gso_type = NET_GSO_TCPV4,	/* not TCP's */
	  .gso_size = 1448, .csum_start = ETH_HLEN, .csum_offset = 10 },
};
#define NET_BAD (sizeof(net_bad) / sizeof(net_bad[0]))

static u8 net_buf[sizeof(struct net_hdr) + NET_FRAME]
	__attribute__((aligned(64)));

/* A TCP/IPv4 frame to dst from a made-up local MAC, after header h. */
static void net_frame(const struct net_hdr *h, u64 dst)
{
	static const u8 src[6] = { 0x02, 0x00, 0x00, 0x00, 0xee, 0x01 };
	u8 *f = net_buf + sizeof(*h);

	memcpy(net_buf, h, sizeof(*h));
	memset(f, 0, NET_FRAME);
	for (int i = 0; i < 6; i++)
		f[i] = (u8)(dst >> (8 * (5 - i)));
	memcpy(f + 6, src, 6);
	f[12] = 0x08;					/* IPv4 */
	f[ETH_HLEN] = 0x45;
	f[ETH_HLEN + 3] = IP_HLEN + TCP_HLEN + NET_PAYLOAD;
	f[ETH_HLEN + 6] = 0x40;				/* DF */
	f[ETH_HLEN + 8] = 64;				/* TTL */
	f[ETH_HLEN + 9] = 6;				/* TCP */
	f[TCP_START + 12] = 5 << 4;			/* data offset */
	f[TCP_START + 13] = 0x18;			/* PSH, ACK */
}

/* Transmit net_buf (header and frame) on head 0; 0 if it came back used. */
static int net_send(void)
{
	u16 before = READ_ONCE(used.idx);

	set_desc(0, (u64)net_buf, sizeof(net_buf), 0, 0);
	submit_to(NET_TXQ, 0);
	return READ_ONCE(used.idx) == (u16)(before + 1) &&
	       used.ring[before % QSIZE].id == 0 ? 0 : -1;
}

void test_net_evil(void)
{
	static const struct net_hdr plain;
	const u64 dsts[2] = { bootarg_u64("net-dst", 0xffffffffffffull),
			      0xffffffffffffull };
	unsigned int sent = 0;

	if (find_device(DEV_NET)) {
		test_fail("net-evil", "no virtio-mmio network device in the DT");
		return;
	}
	if (vdev_setup("net-evil", NET_F_CSUM | NET_F_HOST_TSO4, NET_TXQ))
		return;
	for (unsigned int d = 0; d < 2; d++) {
		for (unsigned int i = 0; i <= NET_BAD; i++) {
			net_frame(i < NET_BAD ? &net_bad[i] : &plain, dsts[d]);
			if (net_send()) {
				test_fail("net-evil", "frame %u to %012lx not "
					  "used (status 0x%x)", i, dsts[d],
					  rd(VM_STATUS));
				return;
			}
			sent++;
		}
	}
	if (rd(VM_STATUS) & S_NEEDS_RESET)
		test_fail("net-evil", "the device needs a reset");
	else
		test_pass("net-evil", "%u bad headers and 2 plain frames sent, "
			  "every chain used", sent - 2);
}
