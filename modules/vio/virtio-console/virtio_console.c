// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console: the VirtIO console device (ID 3) behind virtio-mmio,
 * one port without MULTIPORT: receiveq 0, transmitq 1. Its output and
 * input go through a vserial port named "<guest>/<device>" (the node's
 * vserial-name, else its name before the '@'), like pl011-emu.
 *
 * Queue work runs on vCPU exit paths under the transport's lock. Typed
 * bytes come from the terminal's thread, which must not take that lock:
 * they go into a lock-free single-producer backlog, and mv_virtio_kick
 * has the transport run console_poll on the next register access (the
 * interrupt line it raises makes the guest come and read), which moves
 * them into receive buffers. With no receive buffer they wait in the
 * backlog until the driver adds one (its notification drains it).
 */
#include <modvisor/errno.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/virtio.h>
#include <modvisor/vserial.h>


#define RXQ 0
#define TXQ 1
#define BACKLOG 1024
#define SEGS 16
#define DEVICE_NAME_MAX 32

struct console {
	struct mv_virtio_dev *dev;
	struct mv_vserial *port;
	/* Single producer (input), single consumer (under transport lock). */
	unsigned int in_head, in_tail;
	char backlog[BACKLOG];
	unsigned long dropped;
};

static void transmit(struct mv_virtio_dev *dev)
{
	struct console *c = dev->priv;
	struct mv_virtq *q = mv_virtio_queue(dev, TXQ);
	struct mv_virtq_seg seg[SEGS];
	struct mv_virtq_chain ch = { .max_segs = SEGS, .seg = seg };

	if (!q)
		return;
	while (mv_virtq_pop(q, &ch) > 0) {
		for (unsigned int i = 0; i < ch.nr_out; i++)
			mv_vserial_output(c->port, seg[i].ptr, seg[i].len);
		mv_virtq_push(q, ch.head, 0);
	}
	mv_virtq_done(q);
}

/* Move typed bytes into receive buffers while there are both. */
static void receive(struct mv_virtio_dev *dev)
{
	struct console *c = dev->priv;
	struct mv_virtq *q = mv_virtio_queue(dev, RXQ);
	struct mv_virtq_seg seg[SEGS];
	struct mv_virtq_chain ch = { .max_segs = SEGS, .seg = seg };
	unsigned int tail = c->in_tail;

	if (!q)
		return;
	while (tail != __atomic_load_n(&c->in_head, __ATOMIC_ACQUIRE)) {
		unsigned int head = __atomic_load_n(&c->in_head,
						    __ATOMIC_ACQUIRE);
		uint32_t put = 0;

		if (mv_virtq_pop(q, &ch) <= 0)
			break;
		if (!ch.in_len) {
			mv_virtio_fail(dev, "receive buffer %u has no "
				       "device-writable part", ch.head);
			return;
		}
		for (unsigned int i = ch.nr_out;
		     i < ch.nr_out + ch.nr_in && tail != head; i++) {
			char *dst = seg[i].ptr;

			for (uint32_t k = 0; k < seg[i].len && tail != head;
			     k++, put++)
				dst[k] = c->backlog[tail++ % BACKLOG];
		}
		mv_virtq_push(q, ch.head, put);
	}
	__atomic_store_n(&c->in_tail, tail, __ATOMIC_RELEASE);
	mv_virtq_done(q);
}

static void console_notify(struct mv_virtio_dev *dev, unsigned int qidx)
{
	if (qidx == TXQ)
		transmit(dev);
	else
		receive(dev);
}

static void console_poll(struct mv_virtio_dev *dev)
{
	receive(dev);
}

/* A byte typed into the port (terminal thread; never blocks). */
static void console_input(void *ctx, char ch)
{
	struct console *c = ctx;
	unsigned int head = c->in_head;

	if (head - __atomic_load_n(&c->in_tail, __ATOMIC_ACQUIRE) >= BACKLOG) {
		if (!c->dropped++)
			mv_log(MV_LOG_WARN, "virtio-console: %s/%s: input "
			       "backlog full; typed bytes are dropped\n",
			       c->dev->guest_name, c->dev->name);
		return;
	}
	c->backlog[head % BACKLOG] = ch;
	__atomic_store_n(&c->in_head, head + 1, __ATOMIC_RELEASE);
	mv_virtio_kick(c->dev);
}

/* struct virtio_console_config: cols, rows, max_nr_ports, emerg_wr. */
static uint32_t console_config_read(struct mv_virtio_dev *dev, uint32_t off,
				    unsigned int width)
{
	static const uint8_t config[12] = { 80, 0, 25, 0, 1, 0, 0, 0 };
	uint32_t v = 0;

	(void)dev;
	for (unsigned int i = 0; i < width; i++)
		v |= (uint32_t)config[off + i] << (8 * i);
	return v;
}

static void console_config_write(struct mv_virtio_dev *dev, uint32_t off,
				 unsigned int width, uint32_t val)
{
	struct console *c = dev->priv;
	char ch = (char)val;

	/* emerg_wr: one character out (F_EMERG_WRITE is not offered). */
	if (off == 8 && width == 4)
		mv_vserial_output(c->port, &ch, 1);
}

static void console_reset(struct mv_virtio_dev *dev)
{
	struct console *c = dev->priv;

	/* What was typed for the driver's previous life goes too. */
	__atomic_store_n(&c->in_tail, __atomic_load_n(&c->in_head,
						      __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

static int console_probe(struct mv_virtio_dev *dev,
			 const struct mv_dt_node *node)
{
	const char *name = mv_dt_string(node, "vserial-name");
	char buf[DEVICE_NAME_MAX];
	struct console *c;
	size_t len = 0;

	if (!name || !name[0]) {
		while (dev->name[len] && dev->name[len] != '@' &&
		       len < DEVICE_NAME_MAX - 1) {
			buf[len] = dev->name[len];
			len++;
		}
		buf[len] = '\0';
		name = buf;
	}
	c = mv_zalloc(sizeof(*c));
	if (!c)
		return -MV_ENOMEM;
	c->dev = dev;
	dev->priv = c;
	c->port = mv_vserial_create(dev->guest_name, name, console_input, c);
	if (!c->port) {
		dev->priv = NULL;
		mv_free(c);
		return -MV_ENOMEM;
	}
	return 0;
}

static void console_remove(struct mv_virtio_dev *dev)
{
	struct console *c = dev->priv;

	/* Returns once no input call can reach c any more. */
	mv_vserial_destroy(c->port);
	dev->priv = NULL;
	mv_free(c);
}

static const struct mv_virtio_backend_ops console_ops = {
	.module = "virtio-console",
	.device_id = MV_VIRTIO_ID_CONSOLE,
	.features = 0,
	.num_queues = 2,
	.queue_max = 256,
	.config_size = 12,
	.probe = console_probe,
	.config_read = console_config_read,
	.config_write = console_config_write,
	.queue_notify = console_notify,
	.poll = console_poll,
	.reset = console_reset,
	.remove = console_remove,
};

MV_VIRTIO_BACKEND("console", console_ops);
MV_MODULE(virtio-console, MV_VIRTIO_BACKEND_INIT, MV_VIRTIO_BACKEND_EXIT);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("VirtIO console backend on a vserial port");
