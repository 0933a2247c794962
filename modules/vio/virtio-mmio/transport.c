// SPDX-License-Identifier: GPL-2.0
/*
 * VirtIO MMIO transport, version 2 (see transport.h). State rules,
 * following VirtIO 1.1 sections 3.1 and 4.2.2:
 *
 * - Status: 0 resets; otherwise the driver only adds bits. Setting
 *   FEATURES_OK is refused (the bit stays clear, one warning until the
 *   next reset) unless the driver accepted VERSION_1 and nothing the
 *   device did not offer; DRIVER_OK needs FEATURES_OK (a write asking for
 *   both with refused features is one violation). Clearing a bit without
 *   a reset is a violation.
 * - DriverFeatures: only after DRIVER and before FEATURES_OK.
 * - Queue setup (QueueNum, QueueDesc/Driver/Device, QueueReady = 1): only
 *   after FEATURES_OK, before DRIVER_OK, on a queue that is not ready.
 *   QueueSel and QueueReady = 0 are allowed in any state (Linux disables
 *   queues after resetting the device).
 * - QueueNotify of a queue that does not exist or is not ready is a
 *   violation; before DRIVER_OK it is remembered and served then.
 *
 * A violation, here or in a virtqueue, sets DEVICE_NEEDS_RESET, raises
 * the configuration-change interrupt, logs one line naming the guest, the
 * device and the fault (at most WARN_BURST a second), and stops all
 * processing until Status 0.
 */
#include "transport.h"

#include <modvisor/nucleus.h>
#include <stdarg.h>
#include <string.h>

int mv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#define GRANULE (2ull << 20)

__attribute__((format(printf, 3, 4)))
static void format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static bool running(const struct mv_virtio_transport *t)
{
	return (t->status & MV_VIRTIO_S_DRIVER_OK) && !t->broken;
}

/*
 * May this device log a warning now? A guest that resets and breaks its
 * device in a loop gets WARN_BURST lines a second, a notice when it
 * passes that, and the count of what went unlogged when the next second
 * has something to log; like the nucleus's per-guest limit. The state
 * survives device resets: they are what such a guest repeats.
 */
#define WARN_BURST	8
#define NSEC_PER_SEC	1000000000ull

static bool warn_allowed(struct mv_virtio_transport *t)
{
	uint64_t now;

	if (!t->now_ns)
		return true;
	now = t->now_ns();
	if (now - t->warn_window >= NSEC_PER_SEC) {
		if (t->warn_count > WARN_BURST)
			mv_log(MV_LOG_WARN, "virtio-mmio: guest %s: device %s: "
			       "%u more faults not logged\n", t->dev.guest_name,
			       t->dev.name, t->warn_count - WARN_BURST);
		t->warn_window = now;
		t->warn_count = 0;
	}
	if (t->warn_count == WARN_BURST)
		mv_log(MV_LOG_WARN, "virtio-mmio: guest %s: device %s: more "
		       "faults this second are not logged\n",
		       t->dev.guest_name, t->dev.name);
	return t->warn_count++ < WARN_BURST;
}

static void vfail(struct mv_virtio_transport *t, const char *fmt, va_list ap)
{
	char what[192];

	if (t->broken)
		return;
	t->broken = true;
	__atomic_store_n(&t->status, t->status | MV_VIRTIO_S_NEEDS_RESET,
			 __ATOMIC_SEQ_CST);
	t->isr |= VMMIO_INT_CONFIG;
	if (!warn_allowed(t))
		return;
	mv_vsnprintf(what, sizeof(what), fmt, ap);
	mv_log(MV_LOG_WARN, "virtio-mmio: guest %s: device %s: %s; device "
	       "needs reset\n", t->dev.guest_name, t->dev.name, what);
}

__attribute__((format(printf, 2, 3)))
static void fail(struct mv_virtio_transport *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(t, fmt, ap);
	va_end(ap);
}

void mv_virtio_fail(struct mv_virtio_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(dev->transport, fmt, ap);
	va_end(ap);
}

/* One line naming what the driver got wrong and the values involved. */
static void queue_fail(struct mv_virtio_transport *t, struct mv_virtq *q)
{
	const char *what = vq_strerror(q->err);
	unsigned long long addr = q->err_addr, len = q->err_len;

	switch (q->err) {
	case VQ_E_AVAIL_IDX:
		fail(t, "queue %u: %s (from %llu to %llu, size %u)", q->index,
		     what, len, addr, q->num);
		break;
	case VQ_E_HEAD:
		fail(t, "queue %u: %s (head %u, size %u)", q->index, what,
		     q->err_desc, q->num);
		break;
	case VQ_E_NEXT:
		fail(t, "queue %u: descriptor %u: %s (next %llu, table of %llu)",
		     q->index, q->err_desc, what, addr, len);
		break;
	case VQ_E_LOOP:
		fail(t, "queue %u: descriptor %u: %s (more than %llu "
		     "descriptors)", q->index, q->err_desc, what, len - 1);
		break;
	default:		/* a buffer or an indirect table */
		fail(t, "queue %u: descriptor %u: %s (0x%llx, length 0x%llx)",
		     q->index, q->err_desc, what, addr, len);
		break;
	}
}

uint64_t vmmio_device_features(const struct mv_virtio_transport *t)
{
	if (!t->ops)
		return 0;
	return t->dev.offered | (1ull << MV_VIRTIO_F_VERSION_1) |
	       (1ull << MV_VIRTIO_F_EVENT_IDX) |
	       (1ull << MV_VIRTIO_F_INDIRECT_DESC);
}

void vmmio_init(struct mv_virtio_transport *t,
		const struct mv_virtio_backend_ops *ops,
		void *(*map)(void *ctx, uint64_t ipa, uint64_t len),
		void (*irq)(void *ctx, bool level), void *ctx)
{
	t->ops = ops;
	t->map = map;
	t->irq = irq;
	t->ctx = ctx;
	t->now_ns = NULL;
	t->warn_window = 0;
	t->warn_count = 0;
	t->granule = GRANULE;
	t->dev.transport = t;
	/* Per device from here: the backend's probe may change them. */
	t->dev.offered = ops ? ops->features : 0;
	t->line = false;
	t->pending = t->kicked = 0;
	for (unsigned int i = 0; i < MV_VIRTIO_MAX_QUEUES; i++)
		memset(&t->q[i], 0, sizeof(t->q[i]));
	t->status = 0;
	t->dev_features_sel = t->drv_features_sel = t->queue_sel = 0;
	t->driver_features = 0;
	t->isr = 0;
	t->config_gen = 0;
	t->broken = t->refused = false;
}

void vmmio_reset(struct mv_virtio_transport *t)
{
	__atomic_store_n(&t->status, 0, __ATOMIC_SEQ_CST);
	t->dev_features_sel = t->drv_features_sel = t->queue_sel = 0;
	t->driver_features = 0;
	t->dev.features = 0;
	t->isr = 0;
	t->broken = t->refused = false;
	for (unsigned int i = 0; i < MV_VIRTIO_MAX_QUEUES; i++)
		memset(&t->q[i], 0, sizeof(t->q[i]));
	if (t->ops && t->ops->reset)
		t->ops->reset(&t->dev);
}

static unsigned int nr_queues(const struct mv_virtio_transport *t)
{
	return t->ops ? t->ops->num_queues : 0;
}

static struct vmmio_queue *selected(struct mv_virtio_transport *t)
{
	return t->queue_sel < nr_queues(t) ? &t->q[t->queue_sel] : NULL;
}

struct mv_virtq *mv_virtio_queue(struct mv_virtio_dev *dev, unsigned int qidx)
{
	struct mv_virtio_transport *t = dev->transport;

	if (!running(t) || qidx >= nr_queues(t) || !t->q[qidx].ready)
		return NULL;
	return &t->q[qidx].vq;
}

int mv_virtq_pop(struct mv_virtq *q, struct mv_virtq_chain *c)
{
	struct mv_virtio_transport *t = q->owner;
	int r;

	if (!running(t))
		return -VQ_E_RING;
	r = vq_pop(q, c);
	if (r < 0)
		queue_fail(t, q);
	return r;
}

void mv_virtq_push(struct mv_virtq *q, uint16_t head, uint32_t written)
{
	struct mv_virtio_transport *t = q->owner;

	if (!running(t))
		return;
	if (vq_push(q, head, written) < 0)
		fail(t, "queue %u: backend %s returned head %u not in flight",
		     q->index, t->ops->module ? t->ops->module : "?", head);
}

void mv_virtq_done(struct mv_virtq *q)
{
	struct mv_virtio_transport *t = q->owner;

	if (running(t) && vq_need_interrupt(q))
		t->isr |= VMMIO_INT_USED;
}

void mv_virtq_notify_enable(struct mv_virtq *q, bool on)
{
	vq_notify_enable(q, on);
}

uint32_t mv_virtq_chain_write(const struct mv_virtq_chain *c, const void *src,
			      uint32_t n)
{
	const uint8_t *s = src;
	uint32_t done = 0;

	for (unsigned int i = c->nr_out; i < c->nr_out + c->nr_in && done < n;
	     i++) {
		uint32_t k = c->seg[i].len;

		if (k > n - done)
			k = n - done;
		memcpy(c->seg[i].ptr, s + done, k);
		done += k;
	}
	return done;
}

void mv_virtio_config_changed(struct mv_virtio_dev *dev)
{
	struct mv_virtio_transport *t = dev->transport;

	t->config_gen++;
	if (t->status & MV_VIRTIO_S_DRIVER_OK)
		t->isr |= VMMIO_INT_CONFIG;
}

void mv_virtio_kick(struct mv_virtio_dev *dev)
{
	struct mv_virtio_transport *t = dev->transport;
	uint32_t status;

	__atomic_store_n(&t->pending, 1, __ATOMIC_SEQ_CST);
	status = __atomic_load_n(&t->status, __ATOMIC_SEQ_CST);
	if (!(status & MV_VIRTIO_S_DRIVER_OK) ||
	    (status & MV_VIRTIO_S_NEEDS_RESET))
		return;
	/* The guest comes to read InterruptStatus: settle runs poll. */
	t->irq(t->ctx, true);
	__atomic_store_n(&t->kicked, 1, __ATOMIC_SEQ_CST);
}

/*
 * Under lock. The order (pending set, then line raised, then kicked set
 * by mv_virtio_kick; pending taken, poll, line driven, kicked taken,
 * pending checked again here) means that every kick is either polled
 * here or seen by the next access, and a line the kick raised behind our
 * back is driven back to its true level by the access it provokes.
 */
void vmmio_settle(struct mv_virtio_transport *t)
{
	do {
		bool level;

		if (__atomic_exchange_n(&t->pending, 0, __ATOMIC_SEQ_CST) &&
		    running(t) && t->ops->poll)
			t->ops->poll(&t->dev);
		level = t->isr != 0;
		if (level != t->line ||
		    __atomic_exchange_n(&t->kicked, 0, __ATOMIC_SEQ_CST)) {
			t->irq(t->ctx, level);
			t->line = level;
		}
	} while (__atomic_load_n(&t->pending, __ATOMIC_SEQ_CST) && running(t));
}

static uint32_t config_read(struct mv_virtio_transport *t, uint32_t off,
			    unsigned int width)
{
	if (!t->ops || !t->ops->config_read || off + width > t->ops->config_size)
		return 0;
	return t->ops->config_read(&t->dev, off, width);
}

int vmmio_read(struct mv_virtio_transport *t, uint64_t offset,
	       unsigned int width, uint64_t *val)
{
	struct vmmio_queue *q = selected(t);
	uint64_t features;

	if (offset >= VMMIO_CONFIG) {
		if ((width != 1 && width != 2 && width != 4) ||
		    (offset & (width - 1)))
			return -1;
		*val = config_read(t, (uint32_t)(offset - VMMIO_CONFIG), width);
		return 0;
	}
	if (width != 4 || (offset & 3))
		return -1;
	switch (offset) {
	case VMMIO_MAGIC:
		*val = VMMIO_MAGIC_VALUE;
		break;
	case VMMIO_VERSION:
		*val = 2;
		break;
	case VMMIO_DEVICE_ID:
		*val = t->ops ? t->ops->device_id : 0;
		break;
	case VMMIO_VENDOR_ID:
		*val = VMMIO_VENDOR;
		break;
	case VMMIO_DEV_FEATURES:
		features = vmmio_device_features(t);
		*val = t->dev_features_sel == 0 ? (uint32_t)features :
		       t->dev_features_sel == 1 ? (uint32_t)(features >> 32) : 0;
		break;
	case VMMIO_QUEUE_NUM_MAX:
		*val = q ? t->ops->queue_max : 0;
		break;
	case VMMIO_QUEUE_READY:
		*val = q ? q->ready : 0;
		break;
	case VMMIO_INT_STATUS:
		*val = t->isr;
		break;
	case VMMIO_STATUS:
		*val = t->status;
		break;
	case VMMIO_CONFIG_GEN:
		*val = t->config_gen;
		break;
	default:		/* write-only and reserved registers */
		*val = 0;
		break;
	}
	return 0;
}

static void set_status(struct mv_virtio_transport *t, uint32_t val)
{
	uint32_t old = t->status & ~MV_VIRTIO_S_NEEDS_RESET;
	uint32_t added = val & ~old;
	uint64_t offered = vmmio_device_features(t);

	val &= 0xff & ~MV_VIRTIO_S_NEEDS_RESET;
	if (old & ~val) {
		fail(t, "status 0x%x written over 0x%x clears bits", val, old);
		return;
	}
	if (added & MV_VIRTIO_S_FEATURES_OK) {
		uint64_t unoffered = t->driver_features & ~offered;
		char why[112];

		if (!(t->driver_features & (1ull << MV_VIRTIO_F_VERSION_1)))
			format(why, sizeof(why), "driver features 0x%llx "
			       "lack VERSION_1",
			       (unsigned long long)t->driver_features);
		else if (unoffered)
			format(why, sizeof(why), "driver features 0x%llx "
			       "include 0x%llx, not offered (0x%llx)",
			       (unsigned long long)t->driver_features,
			       (unsigned long long)unoffered,
			       (unsigned long long)offered);
		else
			why[0] = '\0';
		if (why[0] && (added & MV_VIRTIO_S_DRIVER_OK)) {
			/* One line, not a refusal and then the violation. */
			fail(t, "DRIVER_OK without FEATURES_OK (status 0x%x; "
			     "FEATURES_OK refused: %s)", val, why);
			return;
		}
		if (why[0]) {
			/*
			 * The spec's answer is the bit left clear, not a
			 * broken device; logged once until reset, so a
			 * driver retrying cannot flood the log.
			 */
			if (!t->refused && warn_allowed(t))
				mv_log(MV_LOG_WARN, "virtio-mmio: guest %s: device "
				       "%s: FEATURES_OK refused: %s\n",
				       t->dev.guest_name, t->dev.name, why);
			t->refused = true;
			val &= ~MV_VIRTIO_S_FEATURES_OK;
		} else {
			t->dev.features = t->driver_features;
		}
	}
	if ((added & MV_VIRTIO_S_DRIVER_OK) &&
	    !(val & MV_VIRTIO_S_FEATURES_OK)) {
		fail(t, "DRIVER_OK without FEATURES_OK (status 0x%x)", val);
		return;
	}
	__atomic_store_n(&t->status, val | (t->status & MV_VIRTIO_S_NEEDS_RESET),
			 __ATOMIC_SEQ_CST);
	if ((added & MV_VIRTIO_S_DRIVER_OK) && t->ops->queue_notify) {
		/* Serve what was queued before (and input kept meanwhile). */
		for (unsigned int i = 0; i < nr_queues(t) && running(t); i++)
			if (t->q[i].ready) {
				t->q[i].notified = false;
				t->ops->queue_notify(&t->dev, i);
			}
	}
}

static bool setup_allowed(struct mv_virtio_transport *t,
			  struct vmmio_queue *q, const char *reg)
{
	if (!q) {
		fail(t, "%s written for queue %u, which does not exist", reg,
		     t->queue_sel);
		return false;
	}
	if (!(t->status & MV_VIRTIO_S_FEATURES_OK) ||
	    (t->status & MV_VIRTIO_S_DRIVER_OK)) {
		fail(t, "queue %u: %s written in status 0x%x (queue setup is "
		     "between FEATURES_OK and DRIVER_OK)", t->queue_sel, reg,
		     t->status);
		return false;
	}
	if (q->ready) {
		fail(t, "queue %u: %s written while the queue is ready",
		     t->queue_sel, reg);
		return false;
	}
	return true;
}

static void set_half(uint64_t *reg, bool high, uint32_t val)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | ((uint64_t)val << 32);
	else
		*reg = (*reg & ~0xffffffffull) | val;
}

static void queue_ready(struct mv_virtio_transport *t, struct vmmio_queue *q,
			uint32_t val)
{
	if (!val) {
		if (q)
			q->ready = false;
		return;
	}
	if (!setup_allowed(t, q, "QueueReady"))
		return;
	if (!q->num) {
		fail(t, "queue %u: made ready with size 0", t->queue_sel);
		return;
	}
	memset(&q->vq, 0, sizeof(q->vq));
	q->vq.map = t->map;
	q->vq.map_ctx = t->ctx;
	q->vq.granule = t->granule;
	q->vq.num = q->num;
	q->vq.index = t->queue_sel;
	q->vq.owner = t;
	q->vq.event_idx = t->dev.features & (1ull << MV_VIRTIO_F_EVENT_IDX);
	q->vq.indirect = t->dev.features &
			 (1ull << MV_VIRTIO_F_INDIRECT_DESC);
	if (vq_start(&q->vq, q->desc, q->driver, q->device) < 0) {
		fail(t, "queue %u: rings at 0x%llx/0x%llx/0x%llx (size %u) "
		     "are not aligned guest RAM", t->queue_sel,
		     (unsigned long long)q->desc,
		     (unsigned long long)q->driver,
		     (unsigned long long)q->device, q->num);
		return;
	}
	q->ready = true;
}

static void queue_notify(struct mv_virtio_transport *t, uint32_t val)
{
	struct vmmio_queue *q = val < nr_queues(t) ? &t->q[val] : NULL;

	if (!q || !q->ready) {
		fail(t, "notification for queue %u, which is not %s", val,
		     q ? "ready" : "a queue of this device");
		return;
	}
	if (!(t->status & MV_VIRTIO_S_DRIVER_OK)) {
		q->notified = true;
		return;
	}
	if (t->ops->queue_notify)
		t->ops->queue_notify(&t->dev, val);
}

int vmmio_write(struct mv_virtio_transport *t, uint64_t offset,
		unsigned int width, uint64_t val64)
{
	struct vmmio_queue *q = selected(t);
	uint32_t val = (uint32_t)val64;

	if (offset >= VMMIO_CONFIG) {
		uint32_t off = (uint32_t)(offset - VMMIO_CONFIG);

		if ((width != 1 && width != 2 && width != 4) ||
		    (offset & (width - 1)))
			return -1;
		if (t->ops && t->ops->config_write && !t->broken &&
		    off + width <= t->ops->config_size)
			t->ops->config_write(&t->dev, off, width, val);
		return 0;
	}
	if (width != 4 || (offset & 3))
		return -1;
	if (!t->ops)		/* an empty slot ignores writes */
		return 0;
	/* Needing reset, the device only takes Status 0 and acks. */
	if (t->broken && offset != VMMIO_STATUS && offset != VMMIO_INT_ACK)
		return 0;
	switch (offset) {
	case VMMIO_DEV_FEATURES_SEL:
		t->dev_features_sel = val;
		break;
	case VMMIO_DRV_FEATURES_SEL:
		t->drv_features_sel = val;
		break;
	case VMMIO_DRV_FEATURES:
		if (!(t->status & MV_VIRTIO_S_DRIVER) ||
		    (t->status & MV_VIRTIO_S_FEATURES_OK)) {
			fail(t, "DriverFeatures written in status 0x%x",
			     t->status);
			break;
		}
		if (t->drv_features_sel < 2) {
			unsigned int shift = 32 * t->drv_features_sel;

			t->driver_features &= ~(0xffffffffull << shift);
			t->driver_features |= (uint64_t)val << shift;
		}
		break;
	case VMMIO_QUEUE_SEL:
		t->queue_sel = val;
		break;
	case VMMIO_QUEUE_NUM:
		if (!setup_allowed(t, q, "QueueNum"))
			break;
		if (!val || val > t->ops->queue_max) {
			fail(t, "queue %u: size %u (maximum %u)", t->queue_sel,
			     val, t->ops->queue_max);
			break;
		}
		q->num = (uint16_t)val;
		break;
	case VMMIO_QUEUE_READY:
		queue_ready(t, q, val);
		break;
	case VMMIO_QUEUE_DESC_LO:
	case VMMIO_QUEUE_DESC_HI:
		if (setup_allowed(t, q, "QueueDesc"))
			set_half(&q->desc, offset == VMMIO_QUEUE_DESC_HI, val);
		break;
	case VMMIO_QUEUE_DRIVER_LO:
	case VMMIO_QUEUE_DRIVER_HI:
		if (setup_allowed(t, q, "QueueDriver"))
			set_half(&q->driver, offset == VMMIO_QUEUE_DRIVER_HI,
				 val);
		break;
	case VMMIO_QUEUE_DEVICE_LO:
	case VMMIO_QUEUE_DEVICE_HI:
		if (setup_allowed(t, q, "QueueDevice"))
			set_half(&q->device, offset == VMMIO_QUEUE_DEVICE_HI,
				 val);
		break;
	case VMMIO_QUEUE_NOTIFY:
		queue_notify(t, val);
		break;
	case VMMIO_INT_ACK:
		t->isr &= ~val;
		/*
		 * Drop the line now: if more work sets the status again in
		 * this access, an edge-triggered line needs a new edge.
		 */
		if (t->line) {
			t->irq(t->ctx, false);
			t->line = false;
		}
		break;
	case VMMIO_STATUS:
		if (!val)
			vmmio_reset(t);
		else if (!t->broken)
			set_status(t, val);
		break;
	default:		/* read-only and reserved registers */
		break;
	}
	return 0;
}
