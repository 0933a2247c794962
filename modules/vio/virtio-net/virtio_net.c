// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net: the VirtIO network device (ID 1) behind virtio-mmio, one
 * queue pair (receiveq 0, transmitq 1), attached to a netswitch port
 * named "<guest>/<node>":
 *
 *   net@a000000 {
 *	compatible = "virtio,mmio";
 *	reg = <0x0 0xa000000 0x0 0x200>;
 *	interrupts = <0 16 1>;
 *	virtio-device = "net";
 *	switch = "br0";
 *	mac = [02 00 00 00 00 01];	(optional; else from the names)
 *	offloads = "off";		(optional; default "on")
 *   };
 *
 * Offered: MAC, STATUS (link always up) and, unless offloads = "off",
 * CSUM, GUEST_CSUM, HOST_TSO4/6, GUEST_TSO4/6: the header's metadata
 * travels with the frame through the switch (modvisor/netswitch.h),
 * which completes checksums and segments for ports that cannot take it.
 * MRG_RXBUF too (not an offload: offered either way): a frame spreads
 * over as many receive chains as it needs (num_buffers); without it a
 * frame takes one chain, and a driver taking GUEST_TSO posts chains big
 * enough for 64 KiB (Linux's "big packets"). The header is the 12-byte
 * struct virtio_net_hdr of VERSION_1.
 *
 * Transmit runs in queue_notify on the vCPU's exit path: each chain's
 * frame (after the header) goes to mv_netport_send with the header's
 * metadata; the switch copies it and never blocks. Receive: the switch
 * (its thread, or a sender's exit path) calls net_deliver under its
 * lock, one call at a time; it copies the frame and its metadata into
 * a lock-free single-producer byte ring of variable-size records (512 KiB
 * a device) and calls mv_virtio_poll_now: net_poll moves frames into
 * receive chains at once, and the guest is interrupted only if its
 * driver asks for it (a driver polling its receive queue is not), so
 * frames that arrive while it polls are taken in one batch. Frames wait
 * in the ring while the driver has no receive buffer (its notification
 * of new ones drains it); a full ring drops the frame and counts it in
 * the port's drops (mv_netport_drop).
 */
#include <modvisor/device.h>
#include <modvisor/errno.h>
#include <modvisor/module.h>
#include <modvisor/netswitch.h>
#include <modvisor/nucleus.h>
#include <modvisor/virtio.h>


#define RXQ		0
#define TXQ		1
#define QUEUE_MAX	256
/* A 64 KiB chain is ~19 descriptors (Linux), each at most two pieces. */
#define SEGS		128

/* Feature bits (VirtIO 1.2, 5.1.3). */
#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM	1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4	7
#define VIRTIO_NET_F_GUEST_TSO6	8
#define VIRTIO_NET_F_HOST_TSO4	11
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1
#define BIT(n)			(1ull << (n))
#define OFFLOAD_FEATURES	(BIT(VIRTIO_NET_F_CSUM) | \
				 BIT(VIRTIO_NET_F_GUEST_CSUM) | \
				 BIT(VIRTIO_NET_F_GUEST_TSO4) | \
				 BIT(VIRTIO_NET_F_GUEST_TSO6) | \
				 BIT(VIRTIO_NET_F_HOST_TSO4) | \
				 BIT(VIRTIO_NET_F_HOST_TSO6))

#define HDR_BYTES	12		/* struct virtio_net_hdr, VERSION_1 */
/*
 * Mergeable receive buffers: a frame takes up to HELD_MAX chains (Linux
 * posts >= 1.5 KiB each: a 64 KiB frame needs ~43), whose segments
 * share POOL_SEGS. A frame needing more is dropped.
 */
#define HELD_MAX	64
#define POOL_SEGS	512
#define TX_BUF		MV_NETFRAME_MAX
#define CONFIG_SIZE	8		/* mac[6], status */

/*
 * The receive ring: records of a header and the frame, 8-byte aligned,
 * never split at the end of the ring (a WRAP record sends the consumer
 * back to the start). head and tail count bytes, free-running.
 */
#define RING_ORDER	7		/* 2^7 pages: 512 KiB */
#define RING_BYTES	(4096u << RING_ORDER)
#define REC_WRAP	0xffffffffu

struct rec {
	uint32_t len;			/* frame bytes, or REC_WRAP */
	struct mv_netmeta meta;
	uint16_t pad;
	/* 8-byte aligned: memcpy copies words, not bytes, from here. */
	uint8_t data[] __attribute__((aligned(8)));
};

struct net {
	struct mv_virtio_dev *dev;
	struct mv_netport *port;
	uint8_t mac[6];
	uint64_t port_features;		/* features port offloads follow */
	/* One producer (switch lock), one consumer (transport lock). */
	uint32_t rx_head, rx_tail;
	uint8_t *ring;			/* RING_BYTES */
	/*
	 * Receive chains popped but not used yet: waiting for more to hold
	 * a frame (MRG_RXBUF), or kept when their frame was dropped. Their
	 * segments are carved from one pool.
	 */
	unsigned int nheld, pool_used;
	struct mv_virtq_chain held[HELD_MAX];
	struct mv_virtq_seg pool[POOL_SEGS];
	struct mv_virtq_seg tx_seg[SEGS];
	uint8_t *tx_buf;		/* TX_BUF */
	/* Dropped frames (drop_frame). */
	unsigned long rx_ring_full, rx_too_big, rx_stale, tx_too_big;
};

/*
 * A frame dropped: counted here and in the port's drops, warned once.
 * Atomic: the switch (delivering) and the guest's exits (receiving) count
 * rx_too_big at once.
 */
static void drop_frame(struct net *n, unsigned long *count, const char *what)
{
	mv_netport_drop(n->port);
	if (!__atomic_fetch_add(count, 1, __ATOMIC_RELAXED) && what)
		mv_log(MV_LOG_WARN, "virtio-net: %s/%s: %s; such frames are "
		       "dropped (counted)\n", n->dev->guest_name, n->dev->name,
		       what);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/*
 * What the port may be given follows what the driver accepted; frames
 * already in the ring are checked again in receive().
 */
static void sync_offloads(struct net *n)
{
	uint64_t f = n->dev->features;
	unsigned int off = 0;

	if (f == n->port_features)
		return;
	n->port_features = f;
	if (f & BIT(VIRTIO_NET_F_GUEST_CSUM))
		off |= MV_NETPORT_CSUM;
	if (f & BIT(VIRTIO_NET_F_GUEST_TSO4))
		off |= MV_NETPORT_TSO4;
	if (f & BIT(VIRTIO_NET_F_GUEST_TSO6))
		off |= MV_NETPORT_TSO6;
	mv_netport_set_offloads(n->port, off);
}

/* Gather the frame after the header of a transmit chain and send it. */
static void transmit_one(struct net *n, const struct mv_virtq_chain *ch)
{
	uint32_t skip = HDR_BYTES, len = ch->out_len - HDR_BYTES, put = 0;
	struct mv_netmeta meta = { 0 };
	uint8_t hdr[HDR_BYTES];
	unsigned int i = 0;

	/* The header, however the driver cut it. */
	for (unsigned int k = 0; put < HDR_BYTES; k++) {
		uint32_t c = ch->seg[k].len < HDR_BYTES - put ?
			     ch->seg[k].len : HDR_BYTES - put;

		memcpy(hdr + put, ch->seg[k].ptr, c);
		put += c;
	}
	put = 0;
	/* Metadata is only checked by the switch: it trusts no sender. */
	meta.flags = hdr[0];
	meta.gso_type = hdr[1];
	meta.hdr_len = le16(hdr + 2);
	meta.gso_size = le16(hdr + 4);
	meta.csum_start = le16(hdr + 6);
	meta.csum_offset = le16(hdr + 8);
	while (i < ch->nr_out && skip >= ch->seg[i].len)
		skip -= ch->seg[i++].len;
	if (!len)
		return;
	/* Header and frame in one buffer (Linux's usual layout): no copy. */
	if (ch->seg[i].len - skip >= len) {
		mv_netport_send(n->port, (uint8_t *)ch->seg[i].ptr + skip, len,
				&meta);
		return;
	}
	if (len > TX_BUF) {
		drop_frame(n, &n->tx_too_big, "a transmitted frame is larger "
			   "than 64 KiB + 64 bytes");
		return;
	}
	for (; i < ch->nr_out; i++, skip = 0) {
		uint32_t k = ch->seg[i].len - skip;

		memcpy(n->tx_buf + put, (uint8_t *)ch->seg[i].ptr + skip, k);
		put += k;
	}
	mv_netport_send(n->port, n->tx_buf, put, &meta);
}

static void transmit(struct mv_virtio_dev *dev)
{
	struct net *n = dev->priv;
	struct mv_virtq *q = mv_virtio_queue(dev, TXQ);
	struct mv_virtq_chain ch = { .max_segs = SEGS, .seg = n->tx_seg };
	int r;

	if (!q)
		return;
	while ((r = mv_virtq_pop(q, &ch)) > 0) {
		if (ch.out_len < HDR_BYTES) {
			mv_virtio_fail(dev, "transmit chain %u: %u readable "
				       "bytes, less than the 12-byte header",
				       ch.head, ch.out_len);
			return;
		}
		transmit_one(n, &ch);
		mv_virtq_push(q, ch.head, 0);
	}
	if (r == 0)
		mv_virtq_done(q);
}

_Static_assert(sizeof(struct rec) == 16, "record header");

static uint32_t rec_bytes(uint32_t len)
{
	return ((uint32_t)sizeof(struct rec) + len + 7) & ~7u;
}

/* Would the driver take this metadata? (It may have changed its mind.) */
static bool meta_negotiated(struct net *n, struct mv_netmeta *m)
{
	uint64_t f = n->dev->features;

	if (!(f & BIT(VIRTIO_NET_F_GUEST_CSUM)))
		m->flags &= (uint8_t)~MV_NETMETA_DATA_VALID;
	if ((m->flags & MV_NETMETA_NEEDS_CSUM) &&
	    !(f & BIT(VIRTIO_NET_F_GUEST_CSUM)))
		return false;
	if (m->gso_type == MV_NETMETA_GSO_TCPV4)
		return f & BIT(VIRTIO_NET_F_GUEST_TSO4);
	if (m->gso_type == MV_NETMETA_GSO_TCPV6)
		return f & BIT(VIRTIO_NET_F_GUEST_TSO6);
	return m->gso_type == MV_NETMETA_GSO_NONE;
}

/* Copy n bytes to byte off of a receive chain's writable part. */
static void chain_put(const struct mv_virtq_chain *c, uint32_t off,
		      const uint8_t *src, uint32_t n)
{
	for (unsigned int i = 0; i < c->nr_in && n; i++) {
		const struct mv_virtq_seg *sg = &c->seg[i];
		uint32_t k;

		if (off >= sg->len) {
			off -= sg->len;
			continue;
		}
		k = sg->len - off < n ? sg->len - off : n;
		memcpy((uint8_t *)sg->ptr + off, src, k);
		src += k;
		n -= k;
		off = 0;
	}
}

/*
 * Header and frame into the held chains (all of them: receive() held
 * just enough), pushed. Every chain holds at least the header.
 */
static void fill_chains(struct net *n, struct mv_virtq *q,
			const struct mv_netmeta *m, const uint8_t *frame,
			uint32_t len)
{
	uint8_t hdr[HDR_BYTES];
	uint32_t done = 0;

	hdr[0] = m->flags;
	hdr[1] = m->gso_type;
	put_le16(hdr + 2, m->hdr_len);
	put_le16(hdr + 4, m->gso_size);
	put_le16(hdr + 6, m->csum_start);
	put_le16(hdr + 8, m->csum_offset);
	put_le16(hdr + 10, (uint16_t)n->nheld);	/* num_buffers */
	for (unsigned int i = 0; i < n->nheld; i++) {
		const struct mv_virtq_chain *c = &n->held[i];
		uint32_t skip = i ? 0 : HDR_BYTES;
		uint32_t k = c->in_len - skip < len - done ?
			     c->in_len - skip : len - done;

		if (!i)
			chain_put(c, 0, hdr, HDR_BYTES);
		chain_put(c, skip, frame + done, k);
		done += k;
		mv_virtq_push(q, c->head, skip + k);
	}
	n->nheld = 0;
	n->pool_used = 0;
}

/*
 * Hold receive chains until they take need bytes: 1 (enough), 0 (the
 * driver has no more buffers now), -1 (the frame cannot fit: one chain
 * without MRG_RXBUF, or HELD_MAX; the chains stay held), or a violation.
 */
static int hold_chains(struct net *n, struct mv_virtq *q, uint32_t need)
{
	bool mrg = n->dev->features & BIT(VIRTIO_NET_F_MRG_RXBUF);
	uint32_t have = 0;

	for (unsigned int i = 0; i < n->nheld; i++)
		have += n->held[i].in_len;
	while (have < need) {
		struct mv_virtq_chain *c = &n->held[n->nheld];
		unsigned int room = POOL_SEGS - n->pool_used;
		int r;

		if ((n->nheld && !mrg) || n->nheld == HELD_MAX || !room)
			return -1;
		c->seg = n->pool + n->pool_used;
		c->max_segs = room < SEGS ? room : SEGS;
		r = mv_virtq_pop(q, c);
		if (r <= 0)
			return r == 0 ? 0 : -2;
		if (c->nr_out || c->in_len < HDR_BYTES) {
			mv_virtio_fail(n->dev, "receive chain %u: %s", c->head,
				       c->nr_out ? "device-readable buffers" :
				       "shorter than the 12-byte header");
			return -2;
		}
		n->pool_used += c->nr_in;
		n->nheld++;
		have += c->in_len;
	}
	return 1;
}

/* Move pending frames into receive chains while there are both. */
static void receive(struct mv_virtio_dev *dev)
{
	struct net *n = dev->priv;
	struct mv_virtq *q = mv_virtio_queue(dev, RXQ);
	uint32_t tail = n->rx_tail;
	bool pushed = false, asked = false;

	if (!q)
		return;
	sync_offloads(n);
	/*
	 * Buffers are taken as frames come: the driver need not tell us of
	 * new ones (an exit per refill) unless a frame waits for them.
	 */
	mv_virtq_notify_enable(q, false);
	while (tail != __atomic_load_n(&n->rx_head, __ATOMIC_ACQUIRE)) {
		uint32_t pos = tail % RING_BYTES;
		const struct rec *r = (const struct rec *)(n->ring + pos);
		struct mv_netmeta m;
		int got;

		if (r->len == REC_WRAP) {
			tail += RING_BYTES - pos;
			continue;
		}
		m = r->meta;
		if (!meta_negotiated(n, &m)) {
			/* Sent before a renegotiation: no warning. */
			drop_frame(n, &n->rx_stale, NULL);
		} else {
			got = hold_chains(n, q, HDR_BYTES + r->len);
			if (got == 0 && !asked) {
				/* Look once more: some may have come before. */
				mv_virtq_notify_enable(q, true);
				asked = true;
				continue;
			}
			if (got == 0)
				break;	/* wait for buffers */
			if (got < -1)
				return;	/* violation: reset ahead */
			if (got < 0) {
				/* The chains wait for the next frame. */
				drop_frame(n, &n->rx_too_big, "a received "
					   "frame is larger than the guest's "
					   "receive buffers");
			} else {
				fill_chains(n, q, &m, r->data, r->len);
				pushed = true;
			}
		}
		tail += rec_bytes(r->len);
		/* Room for the producer as soon as possible. */
		__atomic_store_n(&n->rx_tail, tail, __ATOMIC_RELEASE);
	}
	if (pushed)
		mv_virtq_done(q);
}

static void net_notify(struct mv_virtio_dev *dev, unsigned int qidx)
{
	sync_offloads(dev->priv);
	if (qidx == TXQ)
		transmit(dev);
	else
		receive(dev);
}

static void net_poll(struct mv_virtio_dev *dev)
{
	receive(dev);
}

/* A frame from the switch (under its lock; never blocks). */
static void net_deliver(void *ctx, const void *frame, size_t len,
			const struct mv_netmeta *meta)
{
	struct net *n = ctx;
	uint32_t head = n->rx_head, pos = head % RING_BYTES, need, pad = 0;
	struct rec *r;

	if (len > MV_NETFRAME_MAX) {
		drop_frame(n, &n->rx_too_big, "a received frame is larger "
			   "than 64 KiB + 64 bytes");
		return;
	}
	need = rec_bytes((uint32_t)len);
	if (pos + need > RING_BYTES)
		pad = RING_BYTES - pos;
	if (head + pad + need - __atomic_load_n(&n->rx_tail,
						__ATOMIC_ACQUIRE) >
	    RING_BYTES) {
		/* The guest is not keeping up: no warning. */
		drop_frame(n, &n->rx_ring_full, NULL);
		return;
	}
	if (pad) {
		((struct rec *)(n->ring + pos))->len = REC_WRAP;
		head += pad;
		pos = 0;
	}
	r = (struct rec *)(n->ring + pos);
	r->len = (uint32_t)len;
	r->meta = *meta;
	memcpy(r->data, frame, len);
	__atomic_store_n(&n->rx_head, head + need, __ATOMIC_RELEASE);
	mv_virtio_poll_now(n->dev);
}

/* struct virtio_net_config: mac[6], status (le16). */
static uint32_t net_config_read(struct mv_virtio_dev *dev, uint32_t off,
				unsigned int width)
{
	struct net *n = dev->priv;
	uint8_t cfg[CONFIG_SIZE] = { 0 };
	uint32_t v = 0;

	memcpy(cfg, n->mac, 6);
	cfg[6] = VIRTIO_NET_S_LINK_UP;
	for (unsigned int i = 0; i < width; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static void net_reset(struct mv_virtio_dev *dev)
{
	struct net *n = dev->priv;

	/* Frames for the driver's previous life go, and its buffers. */
	n->nheld = 0;
	n->pool_used = 0;
	n->port_features = 0;
	mv_netport_set_offloads(n->port, 0);
	__atomic_store_n(&n->rx_tail, __atomic_load_n(&n->rx_head,
						      __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * A property's bytes (the SDK reads strings and numbers only): walks the
 * node's properties in the flattened tree. NULL if absent.
 */
static const uint8_t *dt_bytes(const struct mv_dt_node *node,
			       const char *prop, uint32_t *len)
{
	const uint8_t *fdt = node->fdt;
	const uint8_t *st = fdt + be32(fdt + 8);
	const char *strings = (const char *)fdt + be32(fdt + 12);
	uint32_t size = be32(fdt + 36), off = (uint32_t)node->offset;

	if (be32(fdt) != 0xd00dfeed || off + 4 > size || be32(st + off) != 1)
		return NULL;
	off += 4;
	while (off < size && st[off])	/* the node's name */
		off++;
	off = (off + 4) & ~3u;
	while (off + 4 <= size) {
		uint32_t tag = be32(st + off), plen;

		if (tag == 4) {			/* FDT_NOP */
			off += 4;
			continue;
		}
		if (tag != 3 || off + 12 > size)	/* not FDT_PROP */
			return NULL;
		plen = be32(st + off + 4);
		if (plen > size - off - 12)
			return NULL;
		if (!strcmp(strings + be32(st + off + 8), prop)) {
			*len = plen;
			return st + off + 12;
		}
		off += 12 + ((plen + 3) & ~3u);
	}
	return NULL;
}

/* FNV-1a of "<guest>/<node>": the same MAC every time for the same names. */
static void generate_mac(struct net *n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	char id[96];

	mv_snprintf(id, sizeof(id), "%s/%s", n->dev->guest_name, n->dev->name);
	for (const char *p = id; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	for (int i = 0; i < 6; i++)
		n->mac[i] = (uint8_t)(h >> (8 * i));
	n->mac[0] = (uint8_t)((n->mac[0] | 0x02) & ~0x01);
}

static int net_probe(struct mv_virtio_dev *dev, const struct mv_dt_node *node)
{
	const char *sw_name = mv_dt_string(node, "switch");
	struct mv_netswitch *sw;
	char port[MV_NETPORT_NAME_MAX];
	const uint8_t *mac;
	uint32_t mac_len = 0;
	const char *offloads = mv_dt_string(node, "offloads");
	struct net *n;

	if (offloads && strcmp(offloads, "on") && strcmp(offloads, "off")) {
		mv_log(MV_LOG_ERR, "virtio-net: guest %s: device %s: offloads "
		       "must be \"on\" or \"off\"\n", dev->guest_name,
		       dev->name);
		return -MV_EINVAL;
	}
	if (!sw_name || !sw_name[0]) {
		mv_log(MV_LOG_ERR, "virtio-net: guest %s: device %s: needs "
		       "switch = \"<netswitch>\"\n", dev->guest_name,
		       dev->name);
		return -MV_EINVAL;
	}
	sw = mv_netswitch_find(sw_name);
	if (!sw) {
		mv_log(MV_LOG_ERR, "virtio-net: guest %s: device %s: no "
		       "netswitch \"%s\"\n", dev->guest_name, dev->name,
		       sw_name);
		return -MV_ENOENT;
	}
	mac = dt_bytes(node, "mac", &mac_len);
	if (mac && (mac_len != 6 || (mac[0] & 1))) {
		mv_log(MV_LOG_ERR, "virtio-net: guest %s: device %s: mac must "
		       "be 6 bytes of a unicast address (mac = [02 00 00 00 "
		       "00 01])\n", dev->guest_name, dev->name);
		return -MV_EINVAL;
	}
	n = mv_zalloc(sizeof(*n));
	if (!n)
		return -MV_ENOMEM;
	n->ring = mv_page_alloc(RING_ORDER);
	n->tx_buf = mv_malloc(TX_BUF);
	if (!n->ring || !n->tx_buf) {
		if (n->ring)
			mv_page_free(n->ring, RING_ORDER);
		mv_free(n->tx_buf);
		mv_free(n);
		return -MV_ENOMEM;
	}
	if (offloads && !strcmp(offloads, "off"))
		dev->offered &= ~OFFLOAD_FEATURES;
	n->dev = dev;
	if (mac)
		memcpy(n->mac, mac, 6);
	else
		generate_mac(n);
	dev->priv = n;
	mv_snprintf(port, sizeof(port), "%s/%s", dev->guest_name, dev->name);
	/* Offloads follow the driver's features once it has some. */
	n->port = mv_netport_add(sw, port, 0, net_deliver, n);
	if (!n->port) {
		dev->priv = NULL;
		mv_page_free(n->ring, RING_ORDER);
		mv_free(n->tx_buf);
		mv_free(n);
		return -MV_ENOMEM;
	}
	return 0;
}

static void net_remove(struct mv_virtio_dev *dev)
{
	struct net *n = dev->priv;

	/* Returns once net_deliver cannot reach n any more. */
	mv_netport_remove(n->port);
	dev->priv = NULL;
	mv_page_free(n->ring, RING_ORDER);
	mv_free(n->tx_buf);
	mv_free(n);
}

static const struct mv_virtio_backend_ops net_ops = {
	.module = "virtio-net",
	.device_id = MV_VIRTIO_ID_NET,
	.features = BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS) |
		    BIT(VIRTIO_NET_F_MRG_RXBUF) | OFFLOAD_FEATURES,
	.num_queues = 2,
	.queue_max = QUEUE_MAX,
	.config_size = CONFIG_SIZE,
	.probe = net_probe,
	.config_read = net_config_read,
	.queue_notify = net_notify,
	.poll = net_poll,
	.reset = net_reset,
	.remove = net_remove,
};

MV_VIRTIO_BACKEND("net", net_ops);
MV_MODULE(virtio-net, MV_VIRTIO_BACKEND_INIT, MV_VIRTIO_BACKEND_EXIT);
MV_MODULE_VERSION("1.1");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("VirtIO network backend on a netswitch port");
