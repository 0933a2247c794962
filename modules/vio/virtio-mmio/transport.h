/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VirtIO MMIO transport, version 2 (VirtIO 1.x, 4.2.2): the register
 * model and device state machine of one device, and the queue API
 * backends call (virtio.h). It calls only mv_log and, through
 * callbacks, guest RAM, the interrupt line and the clock (for the
 * warning rate limit), so the host unit test
 * (test/unit/test_virtio_mmio.c) drives it directly; virtio_mmio.c wraps
 * it with the lock, the nucleus and the backend registry.
 *
 * Locking (virtio_mmio.c): vmmio_read/write/reset/settle and every
 * backend callback run under the device's lock, taken on vCPU exit paths
 * and, with interrupts off, by threads (mv_virtio_poll_now, reset);
 * mv_virtio_kick takes no lock (atomics).
 */
#ifndef VIRTIO_MMIO_TRANSPORT_H
#define VIRTIO_MMIO_TRANSPORT_H

#include "virtqueue.h"
#include <modvisor/virtio.h>
#include <stdbool.h>
#include <stdint.h>

/* Register offsets. */
#define VMMIO_MAGIC		0x000
#define VMMIO_VERSION		0x004
#define VMMIO_DEVICE_ID		0x008
#define VMMIO_VENDOR_ID		0x00c
#define VMMIO_DEV_FEATURES	0x010
#define VMMIO_DEV_FEATURES_SEL	0x014
#define VMMIO_DRV_FEATURES	0x020
#define VMMIO_DRV_FEATURES_SEL	0x024
#define VMMIO_QUEUE_SEL		0x030
#define VMMIO_QUEUE_NUM_MAX	0x034
#define VMMIO_QUEUE_NUM		0x038
#define VMMIO_QUEUE_READY	0x044
#define VMMIO_QUEUE_NOTIFY	0x050
#define VMMIO_INT_STATUS	0x060
#define VMMIO_INT_ACK		0x064
#define VMMIO_STATUS		0x070
#define VMMIO_QUEUE_DESC_LO	0x080
#define VMMIO_QUEUE_DESC_HI	0x084
#define VMMIO_QUEUE_DRIVER_LO	0x090
#define VMMIO_QUEUE_DRIVER_HI	0x094
#define VMMIO_QUEUE_DEVICE_LO	0x0a0
#define VMMIO_QUEUE_DEVICE_HI	0x0a4
#define VMMIO_CONFIG_GEN	0x0fc
#define VMMIO_CONFIG		0x100

#define VMMIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define VMMIO_VENDOR		0x4d564953	/* "SIVM" */
#define VMMIO_INT_USED		1
#define VMMIO_INT_CONFIG	2

struct vmmio_queue {
	struct mv_virtq vq;
	uint16_t num;
	bool ready;
	bool notified;		/* before DRIVER_OK: run at DRIVER_OK */
	uint64_t desc, driver, device;
};

struct mv_virtio_transport {
	const struct mv_virtio_backend_ops *ops;	/* NULL: empty slot */
	struct mv_virtio_dev dev;
	void *(*map)(void *ctx, uint64_t ipa, uint64_t len);
	void (*irq)(void *ctx, bool level);
	void *ctx;
	uint64_t (*now_ns)(void);	/* NULL: warnings not rate-limited */
	uint64_t granule;

	uint32_t status;	/* atomically read by mv_virtio_kick */
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t driver_features;
	uint32_t isr, config_gen;
	bool broken;		/* needs reset: logged, processing stopped */
	bool refused;		/* FEATURES_OK refused (logged) since reset */
	uint64_t warn_window;	/* rate limit, kept across resets */
	unsigned int warn_count;
	bool line;
	int pending, kicked;	/* mv_virtio_kick (any thread) */
	struct vmmio_queue q[MV_VIRTIO_MAX_QUEUES];
};

/*
 * ops may be NULL (DeviceID 0). The dev fields are the caller's, and so
 * is now_ns (set it after init to rate-limit the device's warnings).
 */
void vmmio_init(struct mv_virtio_transport *t,
		const struct mv_virtio_backend_ops *ops,
		void *(*map)(void *ctx, uint64_t ipa, uint64_t len),
		void (*irq)(void *ctx, bool level), void *ctx);
/* 0, or a negative error: the access is invalid (abort injected). */
int vmmio_read(struct mv_virtio_transport *t, uint64_t offset,
	       unsigned int width, uint64_t *val);
int vmmio_write(struct mv_virtio_transport *t, uint64_t offset,
		unsigned int width, uint64_t val);
/* Device reset (Status 0 or guest reset); calls the backend's reset. */
void vmmio_reset(struct mv_virtio_transport *t);
/* After every access: run kicked work, drive the line. */
void vmmio_settle(struct mv_virtio_transport *t);
/* The offered feature bits. */
uint64_t vmmio_device_features(const struct mv_virtio_transport *t);

#endif
