/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Split virtqueue walker (VirtIO 1.x, 2.7). No module or nucleus
 * dependency: guest RAM is reached only through the map callback, so the
 * host unit test (test/unit/test_virtqueue.c) and the libFuzzer target
 * (test/fuzz/fuzz_virtqueue.c) drive it directly.
 *
 * Everything read from guest memory is read once into a local copy and
 * checked there, so a guest changing its rings meanwhile cannot make the
 * walker use an unchecked value. Every walk is bounded by the queue size
 * (or the indirect table size).
 */
#ifndef VIRTQUEUE_H
#define VIRTQUEUE_H

#include <modvisor/virtio.h>
#include <stdbool.h>
#include <stdint.h>

/* Errors (negative in return values): what the driver got wrong. */
enum vq_error {
	VQ_OK,
	VQ_E_RING,		/* rings not in RAM, misaligned, bad size */
	VQ_E_AVAIL_IDX,		/* avail idx more than the size ahead */
	VQ_E_HEAD,		/* head index >= queue size */
	VQ_E_NEXT,		/* next index >= table size */
	VQ_E_LOOP,		/* chain longer than the table: a loop */
	VQ_E_ADDR,		/* buffer outside guest RAM */
	VQ_E_RAM_END,		/* buffer starts in RAM, runs out of it */
	VQ_E_ZERO_LEN,		/* descriptor of length 0 */
	VQ_E_HUGE_LEN,		/* address wraps, or chain over 4 GiB */
	VQ_E_ORDER,		/* readable descriptor after a writable one */
	VQ_E_INDIRECT,		/* indirect not negotiated or malformed */
	VQ_E_SEGS,		/* more segments than the caller takes */
	VQ_E_USED,		/* (device) pushed a head not in flight */
	VQ_E_COUNT
};

#define VQ_INDIRECT_MAX 1024	/* descriptors in one indirect table */

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct mv_virtq {
	/* Set by the transport before vq_start. */
	void *(*map)(void *ctx, uint64_t ipa, uint64_t len);
	void *map_ctx;
	uint64_t granule;	/* power of 2: an aligned granule always maps */
	uint16_t num;
	bool event_idx, indirect;
	unsigned int index;	/* queue index, for messages */
	void *owner;		/* the transport's */

	/* Host pointers to the rings (vq_start). */
	uint8_t *desc, *avail, *used;
	uint16_t last_avail;	/* next avail ring entry to take */
	uint16_t used_idx;	/* our copy of used->idx */
	uint16_t signalled;	/* used_idx when the driver was last told */
	bool signalled_valid;
	bool pushed;		/* used entries since the last vq_need_interrupt */
	bool no_notify;
	uint32_t inflight;	/* chains popped, not pushed back */

	/* The first error, for the message. */
	int err;
	uint16_t err_desc;
	uint64_t err_addr, err_len;
};

/* Map the rings (desc/driver/device areas) and start at index 0. */
int vq_start(struct mv_virtq *q, uint64_t desc, uint64_t avail, uint64_t used);
/* 1: a chain in c; 0: none available; -VQ_E_*: the driver broke a rule. */
int vq_pop(struct mv_virtq *q, struct mv_virtq_chain *c);
/* 0, or -VQ_E_USED if head is not a chain in flight. */
int vq_push(struct mv_virtq *q, uint16_t head, uint32_t written);
/* After pushes: does the driver want an interrupt (event idx or flag)? */
bool vq_need_interrupt(struct mv_virtq *q);
void vq_notify_enable(struct mv_virtq *q, bool on);
const char *vq_strerror(int err);

/* VirtIO's vring_need_event: has new_idx passed event since old? */
static inline bool vq_need_event(uint16_t event, uint16_t new_idx,
				 uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/* Ring layout (split queues). */
static inline uint64_t vq_desc_size(uint16_t num)
{
	return 16ull * num;
}

static inline uint64_t vq_avail_size(uint16_t num)
{
	return 6ull + 2ull * num;	/* flags, idx, ring, used_event */
}

static inline uint64_t vq_used_size(uint16_t num)
{
	return 6ull + 8ull * num;	/* flags, idx, ring, avail_event */
}

#endif
