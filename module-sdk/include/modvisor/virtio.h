/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VirtIO device backends (DESIGN §4, §5; docs/virtio.md). The transport
 * module virtio-mmio (emu:virtio,mmio) owns the backend registry and the
 * split-virtqueue library, and exports the functions below; a backend is
 * a module that links against it:
 *
 *   static const struct mv_virtio_backend_ops console_ops = {
 *	.module = "virtio-console", .device_id = MV_VIRTIO_ID_CONSOLE,
 *	.num_queues = 2, .queue_max = 256, .probe = ..., .queue_notify = ...,
 *   };
 *   MV_MODULE(virtio-console, MV_VIRTIO_BACKEND_INIT, MV_VIRTIO_BACKEND_EXIT);
 *   MV_VIRTIO_BACKEND("console", console_ops);	(alias virtio:console)
 *
 * A guest device node { compatible = "virtio,mmio"; virtio-device =
 * "console"; } binds the backend registered as "console", loading the
 * module aliased virtio:console first if none is.
 *
 * Every backend callback runs with the device's transport lock held, on
 * a vCPU's exit path (a register access of that device): it must not
 * block. The functions below that take a device or a queue may only be
 * called from those callbacks, except mv_virtio_kick (any thread) and
 * mv_virtio_poll_now (any thread, not an interrupt handler).
 */
#ifndef MODVISOR_VIRTIO_H
#define MODVISOR_VIRTIO_H

#include <modvisor/emulator.h>
#include <modvisor/module.h>
#include <stdbool.h>
#include <stdint.h>

/* Device IDs. */
#define MV_VIRTIO_ID_NET	1
#define MV_VIRTIO_ID_BLOCK	2
#define MV_VIRTIO_ID_CONSOLE	3

/* Device status bits. */
#define MV_VIRTIO_S_ACKNOWLEDGE	0x01
#define MV_VIRTIO_S_DRIVER	0x02
#define MV_VIRTIO_S_DRIVER_OK	0x04
#define MV_VIRTIO_S_FEATURES_OK	0x08
#define MV_VIRTIO_S_NEEDS_RESET	0x40
#define MV_VIRTIO_S_FAILED	0x80

/* Transport feature bits (the transport offers these itself). */
#define MV_VIRTIO_F_INDIRECT_DESC 28
#define MV_VIRTIO_F_EVENT_IDX	29
#define MV_VIRTIO_F_VERSION_1	32

/* Split ring flags. */
#define MV_VRING_DESC_F_NEXT	1
#define MV_VRING_DESC_F_WRITE	2
#define MV_VRING_DESC_F_INDIRECT 4
#define MV_VRING_AVAIL_F_NO_INTERRUPT 1
#define MV_VRING_USED_F_NO_NOTIFY 1

struct mv_virtq;
struct mv_virtio_transport;

/* One virtio device of one guest, as its backend sees it. */
struct mv_virtio_dev {
	struct mv_emu *emu;		/* the guest device (node, irq) */
	const char *guest_name;		/* "linux0" */
	const char *name;		/* node name: "console@a000000" */
	uint64_t features;		/* negotiated (valid from FEATURES_OK) */
	/*
	 * Device-specific bits this device offers: the backend's
	 * ops.features when probe runs; probe may change them for this
	 * device (VIRTIO_BLK_F_RO for a read-only disk). Fixed afterwards.
	 */
	uint64_t offered;
	void *priv;			/* the backend's */
	struct mv_virtio_transport *transport;
};

/* A piece of a buffer, mapped: host pointer and length. */
struct mv_virtq_seg {
	void *ptr;
	uint32_t len;
};

/*
 * A descriptor chain taken from the available ring: its device-readable
 * segments (seg[0 .. nr_out)) then its device-writable ones
 * (seg[nr_out .. nr_out + nr_in)). The caller provides seg[max_segs].
 */
struct mv_virtq_chain {
	uint16_t head;
	unsigned int nr_out, nr_in, max_segs;
	uint32_t out_len, in_len;	/* bytes */
	struct mv_virtq_seg *seg;
};

struct mv_virtio_backend_ops {
	/* The module to hold in use while a device is bound to it. */
	const char *module;
	uint32_t device_id;
	/* Device-specific bits offered (a probe may change dev->offered). */
	uint64_t features;
	unsigned int num_queues;	/* 1..MV_VIRTIO_MAX_QUEUES */
	uint16_t queue_max;		/* QueueNumMax, 1..32768 */
	uint32_t config_size;		/* bytes of config space at 0x100 */
	/* 0: bound; an error refuses the guest device (logged). */
	int (*probe)(struct mv_virtio_dev *dev, const struct mv_dt_node *node);
	/*
	 * Device-specific config space; offset + width <= config_size,
	 * width 1, 2 or 4. NULL: reads as zero, writes ignored.
	 */
	uint32_t (*config_read)(struct mv_virtio_dev *dev, uint32_t offset,
				unsigned int width);
	void (*config_write)(struct mv_virtio_dev *dev, uint32_t offset,
			     unsigned int width, uint32_t val);
	/* The driver notified queue qidx (ready), or DRIVER_OK was set. */
	void (*queue_notify)(struct mv_virtio_dev *dev, unsigned int qidx);
	/* Work asked for with mv_virtio_kick / _poll_now (optional). */
	void (*poll)(struct mv_virtio_dev *dev);
	void (*reset)(struct mv_virtio_dev *dev);	/* device reset */
	void (*remove)(struct mv_virtio_dev *dev);	/* guest destroyed */
};

#define MV_VIRTIO_MAX_QUEUES 8

/* Registry (exported by virtio-mmio). name: "console" (virtio-device). */
int mv_virtio_backend_register(const char *name,
			       const struct mv_virtio_backend_ops *ops);
void mv_virtio_backend_unregister(const struct mv_virtio_backend_ops *ops);

/*
 * MV_VIRTIO_BACKEND(name, ops) adds the alias virtio:<name> and defines
 * the module's init and exit, which register and unregister ops: name
 * them in MV_MODULE with MV_VIRTIO_BACKEND_INIT / MV_VIRTIO_BACKEND_EXIT.
 */
#define MV_VIRTIO_BACKEND_INIT __mv_virtio_backend_init
#define MV_VIRTIO_BACKEND_EXIT __mv_virtio_backend_exit
#define MV_VIRTIO_BACKEND(vname, vops) \
	__MV_MODINFO("alias", "virtio:" vname); \
	static int __mv_virtio_backend_init(void) \
	{ return mv_virtio_backend_register(vname, &(vops)); } \
	static void __mv_virtio_backend_exit(void) \
	{ mv_virtio_backend_unregister(&(vops)); }

/*
 * Queue qidx if the driver has made it ready and the device runs
 * (DRIVER_OK, not needing reset); NULL otherwise.
 */
struct mv_virtq *mv_virtio_queue(struct mv_virtio_dev *dev, unsigned int qidx);
/*
 * Take the next available chain: 1 (c filled), 0 (ring empty), or a
 * negative error: the guest broke the ring rules, the device now needs
 * reset (logged once) and its queues return nothing until reset.
 */
int mv_virtq_pop(struct mv_virtq *q, struct mv_virtq_chain *c);
/* Return chain head to the guest, written bytes into its writable part. */
void mv_virtq_push(struct mv_virtq *q, uint16_t head, uint32_t written);
/* After pushes: raise the used-buffer interrupt unless suppressed. */
void mv_virtq_done(struct mv_virtq *q);
/* Ask the driver for notifications of new buffers, or not (a hint). */
void mv_virtq_notify_enable(struct mv_virtq *q, bool on);
/* Copy up to n bytes into the writable part of c; returns bytes copied. */
uint32_t mv_virtq_chain_write(const struct mv_virtq_chain *c, const void *src,
			      uint32_t n);

/* Config space changed: config generation bump and interrupt. */
void mv_virtio_config_changed(struct mv_virtio_dev *dev);
/* The driver broke a device-specific rule: device needs reset, logged. */
__attribute__((format(printf, 2, 3)))
void mv_virtio_fail(struct mv_virtio_dev *dev, const char *fmt, ...);
/*
 * From any thread, never blocks: have the backend's poll run soon on a
 * vCPU's exit path (raises the interrupt line so the guest comes to look).
 */
void mv_virtio_kick(struct mv_virtio_dev *dev);
/*
 * From a thread (not an interrupt handler): run the backend's poll now,
 * under the device's lock with interrupts off (a vCPU in the device is
 * waited for), and raise the interrupt only if what it used asks for one
 * (EVENT_IDX, NO_INTERRUPT): a driver busy polling its queues is left
 * alone. Keep poll short: vCPU exits of the device wait for it.
 */
void mv_virtio_poll_now(struct mv_virtio_dev *dev);

#endif
