// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueue walker (see virtqueue.h). Little-endian hosts only
 * (arm64 and the x86 unit tests), where the rings' le16/le32/le64 fields
 * are native.
 */
#include "virtqueue.h"

#include <string.h>

static const char *const errors[VQ_E_COUNT] = {
	[VQ_OK] = "no error",
	[VQ_E_RING] = "ring areas are not aligned guest RAM",
	[VQ_E_AVAIL_IDX] = "available index moved more than the queue size",
	[VQ_E_HEAD] = "chain head index is not below the queue size",
	[VQ_E_NEXT] = "next index is outside the descriptor table",
	[VQ_E_LOOP] = "descriptor chain longer than its table (a loop)",
	[VQ_E_ADDR] = "buffer outside guest RAM",
	[VQ_E_RAM_END] = "buffer starts in guest RAM but runs out of it",
	[VQ_E_ZERO_LEN] = "descriptor of length 0",
	[VQ_E_HUGE_LEN] = "buffer length wraps or chain exceeds 4 GiB",
	[VQ_E_ORDER] = "device-readable descriptor after a writable one",
	[VQ_E_INDIRECT] = "bad indirect descriptor",
	[VQ_E_SEGS] = "chain has more segments than the device takes",
	[VQ_E_USED] = "device returned a chain not in flight",
};

const char *vq_strerror(int err)
{
	if (err < 0)
		err = -err;
	return err < VQ_E_COUNT ? errors[err] : "unknown error";
}

static uint16_t load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static void store16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

static int fail(struct mv_virtq *q, int err, uint16_t desc, uint64_t addr,
		uint64_t len)
{
	if (!q->err) {
		q->err = err;
		q->err_desc = desc;
		q->err_addr = addr;
		q->err_len = len;
	}
	return -err;
}

static void *map(struct mv_virtq *q, uint64_t ipa, uint64_t len)
{
	if (!len || ipa + len < ipa)
		return NULL;
	return q->map(q->map_ctx, ipa, len);
}

int vq_start(struct mv_virtq *q, uint64_t desc, uint64_t avail, uint64_t used)
{
	q->desc = q->avail = q->used = NULL;
	q->last_avail = q->used_idx = q->signalled = 0;
	q->signalled_valid = q->pushed = q->no_notify = false;
	q->inflight = 0;
	q->err = 0;
	if (!q->num || q->num > 32768)
		return fail(q, VQ_E_RING, 0, 0, q->num);
	if ((desc & 15) || (avail & 1) || (used & 3))
		return fail(q, VQ_E_RING, 0, desc, 0);
	q->desc = map(q, desc, vq_desc_size(q->num));
	q->avail = map(q, avail, vq_avail_size(q->num));
	q->used = map(q, used, vq_used_size(q->num));
	if (!q->desc || !q->avail || !q->used) {
		q->desc = q->avail = q->used = NULL;
		return fail(q, VQ_E_RING, 0, desc, vq_desc_size(q->num));
	}
	/* The device's own fields start clear; used idx at 0. */
	store16(q->used, 0);
	store16(q->used + 2, 0);
	return 0;
}

/* used_event (driver's) and avail_event (ours), after the rings. */
static void *used_event(struct mv_virtq *q)
{
	return q->avail + 4 + 2u * q->num;
}

static void *avail_event(struct mv_virtq *q)
{
	return q->used + 4 + 8u * q->num;
}

/*
 * Map [addr, addr + len) into c's segments, split at granule boundaries
 * when it does not map as one piece.
 */
static int map_buffer(struct mv_virtq *q, struct mv_virtq_chain *c,
		      uint16_t idx, uint64_t addr, uint32_t len, bool writable)
{
	void *p = map(q, addr, len);
	uint64_t start = addr;
	uint32_t total = len;

	if (!p) {
		/* Both ends must be RAM before splitting into granules. */
		if (!map(q, addr, 1))
			return fail(q, VQ_E_ADDR, idx, addr, len);
		/* A start in RAM: the length is what is wrong. */
		if (!map(q, addr + len - 1, 1))
			return fail(q, VQ_E_RAM_END, idx, addr, len);
	}
	while (len) {
		uint64_t piece = len;

		if (!p) {
			piece = q->granule - (addr & (q->granule - 1));
			if (piece > len)
				piece = len;
			p = map(q, addr, piece);
			if (!p)		/* a hole between RAM regions */
				return fail(q, VQ_E_RAM_END, idx, start,
					    total);
		}
		if (c->nr_out + c->nr_in >= c->max_segs)
			return -VQ_E_SEGS;	/* walk() tells it from a loop */
		c->seg[c->nr_out + c->nr_in].ptr = p;
		c->seg[c->nr_out + c->nr_in].len = (uint32_t)piece;
		if (writable)
			c->nr_in++;
		else
			c->nr_out++;
		addr += piece;
		len -= (uint32_t)piece;
		p = NULL;
	}
	return 0;
}

/*
 * Out of segments at descriptor i (d, the count-th of the chain): a chain
 * that goes on past its table is a loop, whatever else it is, so follow
 * the next indices (nothing mapped) to name the right fault.
 */
static int out_of_segs(struct mv_virtq *q, const uint8_t *table,
		       uint32_t size, uint32_t i, uint32_t count,
		       const struct vq_desc *d)
{
	struct vq_desc n = *d;
	uint32_t at = i;

	while ((n.flags & MV_VRING_DESC_F_NEXT) && n.next < size) {
		at = n.next;
		if (++count > size)
			return fail(q, VQ_E_LOOP, (uint16_t)at, 0, count);
		memcpy(&n, table + 16u * at, sizeof(n));
	}
	return fail(q, VQ_E_SEGS, (uint16_t)i, d->addr, d->len);
}

static int walk(struct mv_virtq *q, uint16_t head, struct mv_virtq_chain *c)
{
	const uint8_t *table = q->desc;
	uint32_t size = q->num, count = 0, i = head;
	bool indirect = false;
	uint64_t out = 0, in = 0;

	c->head = head;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	for (;;) {
		struct vq_desc d;
		int err;

		if (++count > size)
			return fail(q, VQ_E_LOOP, (uint16_t)i, 0, count);
		memcpy(&d, table + 16u * i, sizeof(d));
		if (d.flags & MV_VRING_DESC_F_INDIRECT) {
			if (!q->indirect || indirect ||
			    (d.flags & MV_VRING_DESC_F_NEXT) || !d.len ||
			    (d.len & 15) || d.len / 16 > VQ_INDIRECT_MAX)
				return fail(q, VQ_E_INDIRECT, (uint16_t)i,
					    d.addr, d.len);
			table = map(q, d.addr, d.len);
			if (!table)
				return fail(q, VQ_E_ADDR, (uint16_t)i, d.addr,
					    d.len);
			indirect = true;
			size = d.len / 16;
			count = 0;
			i = 0;
			continue;
		}
		if (!d.len)
			return fail(q, VQ_E_ZERO_LEN, (uint16_t)i, d.addr, 0);
		if (d.addr + d.len < d.addr)
			return fail(q, VQ_E_HUGE_LEN, (uint16_t)i, d.addr,
				    d.len);
		if (d.flags & MV_VRING_DESC_F_WRITE) {
			in += d.len;
		} else {
			if (c->nr_in)
				return fail(q, VQ_E_ORDER, (uint16_t)i, d.addr,
					    d.len);
			out += d.len;
		}
		if (in > UINT32_MAX || out > UINT32_MAX)
			return fail(q, VQ_E_HUGE_LEN, (uint16_t)i, d.addr,
				    d.len);
		err = map_buffer(q, c, (uint16_t)i, d.addr, d.len,
				 d.flags & MV_VRING_DESC_F_WRITE);
		if (err == -VQ_E_SEGS)
			return out_of_segs(q, table, size, i, count, &d);
		if (err)
			return err;
		if (!(d.flags & MV_VRING_DESC_F_NEXT))
			break;
		if (d.next >= size)
			return fail(q, VQ_E_NEXT, (uint16_t)i, d.next, size);
		i = d.next;
	}
	c->out_len = (uint32_t)out;
	c->in_len = (uint32_t)in;
	return 0;
}

int vq_pop(struct mv_virtq *q, struct mv_virtq_chain *c)
{
	uint16_t avail_idx, head;
	int err;

	if (q->err)
		return -q->err;
	if (!q->desc)
		return 0;
	if (q->event_idx && !q->no_notify) {
		/* Notify me when you add past what I am about to take. */
		store16(avail_event(q), q->last_avail);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	avail_idx = load16(q->avail + 2);
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return fail(q, VQ_E_AVAIL_IDX, 0, avail_idx, q->last_avail);
	if (avail_idx == q->last_avail)
		return 0;
	/* Ring entries and descriptors are read after the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = load16(q->avail + 4 + 2u * (q->last_avail % q->num));
	if (head >= q->num)
		return fail(q, VQ_E_HEAD, head, 0, q->num);
	err = walk(q, head, c);
	if (err)
		return err;
	q->last_avail++;
	q->inflight++;
	return 1;
}

int vq_push(struct mv_virtq *q, uint16_t head, uint32_t written)
{
	uint8_t *e;

	if (!q->used || head >= q->num || !q->inflight)
		return fail(q, VQ_E_USED, head, 0, written);
	e = q->used + 4 + 8u * (q->used_idx % q->num);
	__atomic_store_n((uint32_t *)e, (uint32_t)head, __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(e + 4), written, __ATOMIC_RELAXED);
	q->used_idx++;
	q->inflight--;
	q->pushed = true;
	/* The entry is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	store16(q->used + 2, q->used_idx);
	return 0;
}

bool vq_need_interrupt(struct mv_virtq *q)
{
	uint16_t old;
	bool valid;

	if (!q->used || !q->pushed)
		return false;
	q->pushed = false;
	/* Our used idx store before the driver's flags or used_event load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(load16(q->avail) & MV_VRING_AVAIL_F_NO_INTERRUPT);
	old = q->signalled;
	valid = q->signalled_valid;
	q->signalled = q->used_idx;
	q->signalled_valid = true;
	return !valid || vq_need_event(load16(used_event(q)), q->used_idx, old);
}

void vq_notify_enable(struct mv_virtq *q, bool on)
{
	q->no_notify = !on;
	if (!q->used)
		return;
	if (q->event_idx) {
		if (on)
			store16(avail_event(q), q->last_avail);
	} else {
		store16(q->used, on ? 0 : MV_VRING_USED_F_NO_NOTIFY);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
