// SPDX-License-Identifier: GPL-2.0
/*
 * host-virtio-net: the host's own NIC, QEMU's virtio-net-device on the
 * machine's virtio-mmio bank, as a port of a netswitch (docs/net.md), so
 * guests on that switch reach the outside network QEMU provides (with
 * `-netdev user,restrict=on,hostfwd=...` that is only the machine's
 * loopback forwarding into a guest).
 *
 * The switch is /chosen's `modvisor,host-nic-switch` of the boot device
 * tree (default "br0"); the port is named "host/<node>". The NIC is
 * promiscuous (QEMU's device without VIRTIO_NET_F_CTRL_RX always is), so
 * every frame for a guest's MAC reaches the switch.
 *
 * VirtIO 1.x MMIO (version 2) only: QEMU's transports are legacy unless
 * started with `-global virtio-mmio.force-legacy=false` (scripts/qemu-arm64
 * does). One queue pair, no offloads: frames of at most BUF_SIZE - header
 * bytes each way.
 *
 * Transmit runs in the switch's deliver callback (under its lock): it
 * reclaims finished buffers, copies the frame into a free one and
 * notifies; transmit completions raise no interrupt. Receive: the
 * interrupt handler acknowledges and wakes this NIC's thread, which passes
 * each received frame to the switch and gives the buffer back.
 */
#include <modvisor/device.h>
#include <modvisor/errno.h>
#include <modvisor/module.h>
#include <modvisor/netswitch.h>
#include <modvisor/nucleus.h>
#include <modvisor/sched.h>
#include <stdbool.h>

/* Registers (VirtIO 1.2, 4.2.2), in 32-bit words. */
#define REG_MAGIC		(0x000 / 4)
#define REG_VERSION		(0x004 / 4)
#define REG_DEVICE_ID		(0x008 / 4)
#define REG_DEVICE_FEATURES	(0x010 / 4)
#define REG_DEVICE_FEATURES_SEL	(0x014 / 4)
#define REG_DRIVER_FEATURES	(0x020 / 4)
#define REG_DRIVER_FEATURES_SEL	(0x024 / 4)
#define REG_QUEUE_SEL		(0x030 / 4)
#define REG_QUEUE_NUM_MAX	(0x034 / 4)
#define REG_QUEUE_NUM		(0x038 / 4)
#define REG_QUEUE_READY		(0x044 / 4)
#define REG_QUEUE_NOTIFY	(0x050 / 4)
#define REG_INTERRUPT_STATUS	(0x060 / 4)
#define REG_INTERRUPT_ACK	(0x064 / 4)
#define REG_STATUS		(0x070 / 4)
#define REG_QUEUE_DESC_LOW	(0x080 / 4)
#define REG_QUEUE_DESC_HIGH	(0x084 / 4)
#define REG_QUEUE_DRIVER_LOW	(0x090 / 4)
#define REG_QUEUE_DRIVER_HIGH	(0x094 / 4)
#define REG_QUEUE_DEVICE_LOW	(0x0a0 / 4)
#define REG_QUEUE_DEVICE_HIGH	(0x0a4 / 4)
#define REG_CONFIG		(0x100 / 4)

#define MMIO_MAGIC		0x74726976	/* "virt" */
#define DEVICE_ID_NET		1

#define STATUS_ACKNOWLEDGE	1
#define STATUS_DRIVER		2
#define STATUS_DRIVER_OK	4
#define STATUS_FEATURES_OK	8
#define STATUS_NEEDS_RESET	64
#define STATUS_FAILED		128

#define F_NET_MAC		5
#define F_VERSION_1		32

#define INT_USED_BUFFER		1

#define DESC_F_WRITE		2
#define AVAIL_F_NO_INTERRUPT	1
#define USED_F_NO_NOTIFY	1

#define RXQ			0
#define TXQ			1
#define QUEUE_SIZE		128	/* at most; the device may offer less */
#define HDR_BYTES		12	/* struct virtio_net_hdr, VERSION_1 */
#define BUF_SIZE		2048	/* a frame of up to 2036 bytes */
#define BUF_ORDER		6	/* QUEUE_SIZE * BUF_SIZE = 64 pages */
#define FRAME_MIN		14	/* an Ethernet header */

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[QUEUE_SIZE];
};

struct used {
	uint16_t flags;
	uint16_t idx;
	struct {
		uint32_t id;
		uint32_t len;
	} ring[QUEUE_SIZE];
};

/* One virtqueue as its driver sees it; buffer i belongs to descriptor i. */
struct queue {
	unsigned int size;
	struct desc *desc;
	struct avail *avail;
	struct used *used;
	uint8_t *bufs;
	uint16_t next_avail;	/* our copy of avail->idx */
	uint16_t last_used;	/* used entries consumed so far */
	/* transmitq: descriptors not in flight */
	uint16_t free[QUEUE_SIZE];
	unsigned int nr_free;
};

struct hostnic {
	struct mv_device *dev;
	volatile uint32_t *regs;
	struct queue rx, tx;
	struct mv_netport *port;
	struct mv_waitq *wq;
	bool stop, stopped;
	bool has_mac;
	char port_name[MV_NETPORT_NAME_MAX];
	/* frames dropped: too short from the device, too big or ring full */
	unsigned long rx_bad, tx_too_big, tx_full;
};

static uint32_t reg_read(struct hostnic *nic, unsigned int reg)
{
	return nic->regs[reg];
}

static void reg_write(struct hostnic *nic, unsigned int reg, uint32_t val)
{
	nic->regs[reg] = val;
}

static void queue_free(struct queue *q)
{
	if (q->desc)
		mv_page_free(q->desc, 0);
	if (q->avail)
		mv_page_free(q->avail, 0);
	if (q->used)
		mv_page_free(q->used, 0);
	if (q->bufs)
		mv_page_free(q->bufs, BUF_ORDER);
}

/* Each ring part on a page of its own: all of them fit one easily. */
static int queue_setup(struct hostnic *nic, struct queue *q, unsigned int idx)
{
	uint32_t max;

	reg_write(nic, REG_QUEUE_SEL, idx);
	max = reg_read(nic, REG_QUEUE_NUM_MAX);
	if (!max || reg_read(nic, REG_QUEUE_READY)) {
		mv_log(MV_LOG_ERR, "host-virtio-net: %s: queue %u is not "
		       "available\n", nic->dev->path, idx);
		return -MV_EIO;
	}
	/* Split queue sizes are powers of two: max is one. */
	q->size = max < QUEUE_SIZE ? max : QUEUE_SIZE;
	q->desc = mv_page_alloc_zeroed(0);
	q->avail = mv_page_alloc_zeroed(0);
	q->used = mv_page_alloc_zeroed(0);
	q->bufs = mv_page_alloc(BUF_ORDER);
	if (!q->desc || !q->avail || !q->used || !q->bufs)
		return -MV_ENOMEM;
	for (unsigned int i = 0; i < q->size; i++) {
		q->desc[i].addr = (uint64_t)(uintptr_t)(q->bufs + i * BUF_SIZE);
		q->desc[i].len = BUF_SIZE;
	}
	reg_write(nic, REG_QUEUE_NUM, q->size);
	reg_write(nic, REG_QUEUE_DESC_LOW, (uint32_t)(uintptr_t)q->desc);
	reg_write(nic, REG_QUEUE_DESC_HIGH, (uint32_t)((uintptr_t)q->desc >> 32));
	reg_write(nic, REG_QUEUE_DRIVER_LOW, (uint32_t)(uintptr_t)q->avail);
	reg_write(nic, REG_QUEUE_DRIVER_HIGH,
		  (uint32_t)((uintptr_t)q->avail >> 32));
	reg_write(nic, REG_QUEUE_DEVICE_LOW, (uint32_t)(uintptr_t)q->used);
	reg_write(nic, REG_QUEUE_DEVICE_HIGH,
		  (uint32_t)((uintptr_t)q->used >> 32));
	reg_write(nic, REG_QUEUE_READY, 1);
	return 0;
}

/* Publish avail entries up to next_avail and notify if the device asks. */
static void queue_kick(struct hostnic *nic, struct queue *q, unsigned int idx)
{
	/* Descriptors and ring entries before the index that exposes them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&q->avail->idx, q->next_avail, __ATOMIC_RELAXED);
	/* The index before reading the device's flags (and the doorbell). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) &
	      USED_F_NO_NOTIFY))
		reg_write(nic, REG_QUEUE_NOTIFY, idx);
}

static void rx_post(struct queue *q, uint16_t id)
{
	q->desc[id].len = BUF_SIZE;
	q->desc[id].flags = DESC_F_WRITE;
	q->avail->ring[q->next_avail % q->size] = id;
	q->next_avail++;
}

/* A frame dropped: counted here and in the port's drops, warned once. */
static void drop_frame(struct hostnic *nic, unsigned long *count,
		       const char *what)
{
	mv_netport_drop(nic->port);
	if (!(*count)++ && what)
		mv_log(MV_LOG_WARN, "host-virtio-net: %s: %s; such frames are "
		       "dropped (counted)\n", nic->dev->path, what);
}

static bool rx_pending(struct hostnic *nic)
{
	return nic->stop || __atomic_load_n(&nic->rx.used->idx,
					    __ATOMIC_ACQUIRE) !=
			    nic->rx.last_used;
}

static void rx_thread(void *arg)
{
	struct hostnic *nic = arg;
	struct queue *q = &nic->rx;

	for (;;) {
		bool posted = false;

		mv_wait_event(nic->wq, rx_pending(nic));
		if (nic->stop)
			break;
		while (q->last_used != __atomic_load_n(&q->used->idx,
							__ATOMIC_ACQUIRE)) {
			unsigned int slot = q->last_used % q->size;
			uint32_t id = q->used->ring[slot].id;
			uint32_t len = q->used->ring[slot].len;

			q->last_used++;
			if (id >= q->size) {
				/* Not a buffer we gave: nothing to give back. */
				drop_frame(nic, &nic->rx_bad, "the device used "
					   "an unknown receive buffer");
				continue;
			}
			if (len < HDR_BYTES + FRAME_MIN || len > BUF_SIZE)
				drop_frame(nic, &nic->rx_bad, "bad receive "
					   "length from the device");
			else
				mv_netport_send(nic->port, q->bufs +
						id * BUF_SIZE + HDR_BYTES,
						len - HDR_BYTES, NULL);
			rx_post(q, (uint16_t)id);
			posted = true;
		}
		if (posted)
			queue_kick(nic, q, RXQ);
	}
	__atomic_store_n(&nic->stopped, true, __ATOMIC_RELEASE);
	mv_thread_exit();
}

static void nic_interrupt(void *arg)
{
	struct hostnic *nic = arg;
	uint32_t status = reg_read(nic, REG_INTERRUPT_STATUS);

	/* Acknowledge first: a completion after the read raises it again. */
	reg_write(nic, REG_INTERRUPT_ACK, status);
	if (status & INT_USED_BUFFER)
		mv_waitq_wake_all(nic->wq);
}

/* The switch's frames to the outside: never blocks. */
static void nic_deliver(void *ctx, const void *frame, size_t len,
			const struct mv_netmeta *meta)
{
	struct hostnic *nic = ctx;
	struct queue *q = &nic->tx;
	uint16_t id;
	uint8_t *buf;

	(void)meta;	/* the port takes no offloads: always plain frames */
	if (len > BUF_SIZE - HDR_BYTES) {
		drop_frame(nic, &nic->tx_too_big, "a frame is bigger than the "
			   "host NIC's buffers");
		return;
	}
	while (q->last_used != __atomic_load_n(&q->used->idx,
						__ATOMIC_ACQUIRE)) {
		uint32_t done = q->used->ring[q->last_used % q->size].id;

		q->last_used++;
		if (done < q->size && q->nr_free < q->size)
			q->free[q->nr_free++] = (uint16_t)done;
	}
	if (!q->nr_free) {
		drop_frame(nic, &nic->tx_full, NULL);	/* QEMU is behind */
		return;
	}
	id = q->free[--q->nr_free];
	buf = q->bufs + id * BUF_SIZE;
	memset(buf, 0, HDR_BYTES);
	memcpy(buf + HDR_BYTES, frame, len);
	q->desc[id].len = (uint32_t)(HDR_BYTES + len);
	q->desc[id].flags = 0;
	q->avail->ring[q->next_avail % q->size] = id;
	q->next_avail++;
	queue_kick(nic, q, TXQ);
}

static const char *switch_name(void)
{
	struct mv_dt_node chosen;
	const char *name = NULL;

	if (mv_dt_boot_node("/chosen", &chosen) == 0)
		name = mv_dt_string(&chosen, "modvisor,host-nic-switch");
	return name ? name : "br0";
}

static int negotiate(struct hostnic *nic)
{
	uint32_t low, high;

	reg_write(nic, REG_STATUS, 0);
	reg_write(nic, REG_STATUS, STATUS_ACKNOWLEDGE);
	reg_write(nic, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	reg_write(nic, REG_DEVICE_FEATURES_SEL, 0);
	low = reg_read(nic, REG_DEVICE_FEATURES);
	reg_write(nic, REG_DEVICE_FEATURES_SEL, 1);
	high = reg_read(nic, REG_DEVICE_FEATURES);
	if (!(high & 1U << (F_VERSION_1 - 32))) {
		mv_log(MV_LOG_ERR, "host-virtio-net: %s: the device does not "
		       "offer VIRTIO_F_VERSION_1\n", nic->dev->path);
		return -MV_EIO;
	}
	/* The MAC only to name the NIC in the log. */
	nic->has_mac = low & 1U << F_NET_MAC;
	reg_write(nic, REG_DRIVER_FEATURES_SEL, 0);
	reg_write(nic, REG_DRIVER_FEATURES, low & 1U << F_NET_MAC);
	reg_write(nic, REG_DRIVER_FEATURES_SEL, 1);
	reg_write(nic, REG_DRIVER_FEATURES, 1U << (F_VERSION_1 - 32));
	reg_write(nic, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER |
		  STATUS_FEATURES_OK);
	if (!(reg_read(nic, REG_STATUS) & STATUS_FEATURES_OK)) {
		mv_log(MV_LOG_ERR, "host-virtio-net: %s: the device refused "
		       "our features\n", nic->dev->path);
		return -MV_EIO;
	}
	return 0;
}

static void nic_destroy(struct hostnic *nic)
{
	if (nic->regs)
		reg_write(nic, REG_STATUS, 0);	/* the device stops DMA */
	queue_free(&nic->rx);
	queue_free(&nic->tx);
	if (nic->wq)
		mv_waitq_delete(nic->wq);
	mv_free(nic);
}

static void nic_remove(struct mv_device *dev);

static int nic_probe(struct mv_device *dev)
{
	volatile uint32_t *regs = dev->regs;
	struct mv_netswitch *sw;
	struct hostnic *nic;
	const char *sw_name, *node;
	char mac[20];
	int err;

	if (!regs || dev->reg_size < 0x200 || regs[REG_MAGIC] != MMIO_MAGIC ||
	    regs[REG_DEVICE_ID] != DEVICE_ID_NET)
		return -MV_ENODEV;
	if (regs[REG_VERSION] != 2) {
		mv_log(MV_LOG_ERR, "host-virtio-net: %s: legacy virtio-mmio "
		       "(version %u) is not supported: start QEMU with "
		       "-global virtio-mmio.force-legacy=false\n", dev->path,
		       regs[REG_VERSION]);
		return -MV_EINVAL;
	}
	sw_name = switch_name();
	sw = mv_netswitch_find(sw_name);
	if (!sw) {
		mv_log(MV_LOG_ERR, "host-virtio-net: %s: no netswitch \"%s\" "
		       "(/chosen/modvisor,host-nic-switch)\n", dev->path,
		       sw_name);
		return -MV_ENOENT;
	}
	nic = mv_zalloc(sizeof(*nic));
	if (!nic)
		return -MV_ENOMEM;
	nic->dev = dev;
	nic->regs = regs;
	nic->wq = mv_waitq_new();
	err = nic->wq ? negotiate(nic) : -MV_ENOMEM;
	if (!err)
		err = queue_setup(nic, &nic->rx, RXQ);
	if (!err)
		err = queue_setup(nic, &nic->tx, TXQ);
	if (err) {
		nic_destroy(nic);
		return err;
	}
	for (unsigned int i = 0; i < nic->rx.size; i++)
		rx_post(&nic->rx, (uint16_t)i);
	for (unsigned int i = 0; i < nic->tx.size; i++)
		nic->tx.free[nic->tx.nr_free++] = (uint16_t)(nic->tx.size - 1 - i);
	nic->tx.avail->flags = AVAIL_F_NO_INTERRUPT;
	/* Before the port exists: the switch may transmit at once. */
	reg_write(nic, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER |
		  STATUS_FEATURES_OK | STATUS_DRIVER_OK);
	node = dev->path[0] == '/' ? dev->path + 1 : dev->path;
	mv_snprintf(nic->port_name, sizeof(nic->port_name), "host/%s", node);
	/* No offloads: the switch completes checksums and segments. */
	nic->port = mv_netport_add(sw, nic->port_name, 0, nic_deliver, nic);
	if (!nic->port) {
		nic_destroy(nic);
		return -MV_ENOMEM;
	}
	dev->priv = nic;
	if (!mv_thread_create("host-nic", rx_thread, nic, MV_PRIO_NORMAL,
			      MV_CPU_ANY)) {
		mv_netport_remove(nic->port);
		nic_destroy(nic);
		dev->priv = NULL;
		return -MV_ENOMEM;
	}
	/* Last: once the handler can run, everything it touches exists. */
	err = mv_device_request_irq(dev, nic_interrupt, nic);
	if (err) {
		nic_remove(dev);
		return err;
	}
	/* The receive buffers go to the device only now. */
	queue_kick(nic, &nic->rx, RXQ);
	mac[0] = 0;
	if (nic->has_mac) {
		volatile uint8_t *config = (volatile uint8_t *)(regs + REG_CONFIG);

		mv_snprintf(mac, sizeof(mac), " %02x:%02x:%02x:%02x:%02x:%02x",
			    config[0], config[1], config[2], config[3],
			    config[4], config[5]);
	}
	mv_log(MV_LOG_INFO, "host-virtio-net: %s:%s on %s as port %s\n",
	       dev->path, mac, sw_name, nic->port_name);
	return 0;
}

static void nic_remove(struct mv_device *dev)
{
	struct hostnic *nic = dev->priv;

	/* The interrupt is released already; the thread is told directly. */
	__atomic_store_n(&nic->stop, true, __ATOMIC_RELEASE);
	mv_waitq_wake_all(nic->wq);
	while (!__atomic_load_n(&nic->stopped, __ATOMIC_ACQUIRE))
		mv_sleep_ns(1000000);
	mv_netport_remove(nic->port);
	nic_destroy(nic);
	dev->priv = NULL;
}

static const struct mv_driver_ops nic_ops = {
	.probe = nic_probe,
	.remove = nic_remove,
};

MV_MODULE(host-virtio-net, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("host NIC: QEMU virtio-net-device as a netswitch port");
MV_DRIVER("virtio,mmio", nic_ops);
