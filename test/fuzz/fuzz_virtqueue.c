// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the split virtqueue walker
 * (modules/vio/virtio-mmio/virtqueue.c). The input is a 16-byte header
 * (queue size, features, map granule, ring offsets, segment limit)
 * followed by the guest RAM image, which holds the rings and descriptors.
 * The walker takes chains and pushes them back as a device would. Besides
 * what ASan and UBSan catch (the RAM image is a heap block of its exact
 * size, so any access outside guest RAM is a report), it aborts when the
 * walker breaks its contract: a segment outside RAM, lengths that do not
 * add up, a readable segment after a writable one, an error that is not
 * sticky, or more chains than the driver offered.
 */
#include "../../modules/vio/virtio-mmio/virtqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_BASE 0x40000000ull
#define MAX_SEGS 64

#define ENSURE(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzzer: line %d: %s\n", __LINE__, \
				#cond);					\
			abort();					\
		}							\
	} while (0)

struct hdr {
	uint16_t num;		/* queue size (mod 1024) */
	uint8_t flags;		/* 1 event idx, 2 indirect, 4 notify off */
	uint8_t granule_shift;	/* map granule 2^(4 + x % 20) */
	uint16_t desc, avail, used;	/* ring offsets into RAM, x 2 */
	uint16_t rounds;	/* pops to try (mod 512) */
	uint8_t max_segs;	/* segments the device takes (mod 64) + 1 */
	uint8_t pad[3];
};

struct ram {
	uint8_t *p;
	size_t size;
	uint64_t granule;
};

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	struct ram *r = ctx;

	if (ipa < RAM_BASE || len > r->size || ipa - RAM_BASE > r->size - len)
		return NULL;
	/* Host blocks of one granule each: no mapping across them. */
	if (((ipa - RAM_BASE) & ~(r->granule - 1)) !=
	    ((ipa - RAM_BASE + len - 1) & ~(r->granule - 1)))
		return NULL;
	return r->p + (ipa - RAM_BASE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_virtq_seg seg[MAX_SEGS];
	struct mv_virtq_chain ch = { .seg = seg };
	struct mv_virtq q;
	struct ram ram;
	struct hdr h;
	unsigned int taken = 0, rounds;
	int r;

	if (size < sizeof(h) + 1)
		return 0;
	memcpy(&h, data, sizeof(h));
	ram.size = size - sizeof(h);
	ram.p = malloc(ram.size);
	if (!ram.p)
		return 0;
	memcpy(ram.p, data + sizeof(h), ram.size);
	ram.granule = 1ull << (4 + h.granule_shift % 20);

	memset(&q, 0, sizeof(q));
	q.map = map;
	q.map_ctx = &ram;
	q.granule = ram.granule;
	q.num = h.num % 1024;
	q.event_idx = h.flags & 1;
	q.indirect = h.flags & 2;
	ch.max_segs = h.max_segs % MAX_SEGS + 1;
	rounds = h.rounds % 512;

	if (vq_start(&q, RAM_BASE + 2ull * h.desc, RAM_BASE + 2ull * h.avail,
		     RAM_BASE + 2ull * h.used) < 0) {
		ENSURE(q.err == VQ_E_RING && !q.desc);
		ENSURE(vq_pop(&q, &ch) < 0);
		goto out;
	}
	if (h.flags & 4)
		vq_notify_enable(&q, false);
	for (unsigned int n = 0; n < rounds; n++) {
		uint64_t out = 0, in = 0;

		r = vq_pop(&q, &ch);
		if (r < 0) {
			ENSURE(q.err == -r);
			ENSURE(vq_pop(&q, &ch) == r);	/* sticky */
			ENSURE(strlen(vq_strerror(r)) > 0);
			break;
		}
		if (r == 0)
			break;
		taken++;
		ENSURE(taken <= 65536);
		ENSURE(ch.head < q.num);
		ENSURE(ch.nr_out + ch.nr_in <= ch.max_segs);
		for (unsigned int s = 0; s < ch.nr_out + ch.nr_in; s++) {
			uint8_t *p = seg[s].ptr;

			ENSURE(seg[s].len > 0);
			ENSURE(p >= ram.p && p + seg[s].len <= ram.p + ram.size);
			if (s < ch.nr_out) {
				out += seg[s].len;
				/* Read it as a device would. */
				volatile uint8_t x = p[0] ^ p[seg[s].len - 1];
				(void)x;
			} else {
				in += seg[s].len;
				p[0] = 0xa5;
				p[seg[s].len - 1] = 0x5a;
			}
		}
		ENSURE(out == ch.out_len && in == ch.in_len);
		ENSURE(vq_push(&q, ch.head, ch.in_len) == 0);
		if (n & 1)
			(void)vq_need_interrupt(&q);
		if (n % 7 == 3)
			vq_notify_enable(&q, n & 8);
	}
	(void)vq_need_interrupt(&q);
out:
	free(ram.p);
	return 0;
}
