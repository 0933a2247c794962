/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host drivers and guest device emulators (DESIGN §3-§5). A module
 * declares what it serves; the nucleus matches the boot device tree:
 *
 *   static int rtc_probe(struct mv_device *dev) { ... }
 *   static const struct mv_driver_ops rtc_ops = { .probe = rtc_probe };
 *   MV_DRIVER("arm,pl031", rtc_ops);     (alias drv:arm,pl031)
 *
 * An enabled host node whose compatible no loaded driver serves makes the
 * nucleus load the module aliased drv:<compatible>; a device node under
 * /guests/<guest>/devices loads emu:<compatible>. Drivers are bound to
 * their nodes when their module loads and unbound when it unloads.
 */
#ifndef MODVISOR_DEVICE_H
#define MODVISOR_DEVICE_H

#include <modvisor/module.h>
#include <stdint.h>

/*
 * A device tree node: of the boot device tree for a driver, of the guest
 * definition for an emulator. Read it with mv_dt_string() and friends
 * (below).
 */
struct mv_dt_node {
	const void *fdt;
	int offset;
};

/* A property as a string, or NULL if absent or not a string. */
const char *mv_dt_string(const struct mv_dt_node *n, const char *prop);
/* A property's first cell (or its only 64-bit value): 0 or -MV_ENOENT. */
int mv_dt_u32(const struct mv_dt_node *n, const char *prop, uint32_t *val);
int mv_dt_u64(const struct mv_dt_node *n, const char *prop, uint64_t *val);
_Bool mv_dt_has(const struct mv_dt_node *n, const char *prop);
/* A property's raw bytes and *len (may be NULL), or NULL if absent. */
const void *mv_dt_prop(const struct mv_dt_node *n, const char *prop,
		       int *len);
/* A node of the boot device tree by path ("/chosen"): 0 or -MV_ENOENT. */
int mv_dt_boot_node(const char *path, struct mv_dt_node *out);

/* A host device node, as the nucleus found it in the boot device tree. */
struct mv_device {
	const char *path;	/* "/pl031@9010000" */
	const char *compatible;	/* the one the driver matched */
	uint64_t reg_addr, reg_size;	/* first reg entry, 0 if none */
	int irq;		/* first interrupt, -1 if none */
	void *regs;		/* reg mapped as device memory, or NULL */
	struct mv_dt_node node;	/* its properties */
	void *priv;		/* the driver's */
};

struct mv_driver_ops {
	/* 0: bound; -MV_ENODEV: not a device it serves (quietly passed) */
	int (*probe)(struct mv_device *dev);
	void (*remove)(struct mv_device *dev);
};

struct mv_driver_decl {
	const char *compatible;
	const struct mv_driver_ops *ops;
};

/* Guest device emulators: the ops are defined with the guest support. */
struct mv_emu_ops;
struct mv_emulator_decl {
	const char *compatible;
	const struct mv_emu_ops *ops;
};

#define MV_DRIVER(compat, drv_ops) \
	__MV_MODINFO("alias", "drv:" compat); \
	static const struct mv_driver_decl __MV_UNIQUE(__mv_driver_) \
		__attribute__((section(".mv_drivers"), used, aligned(8))) = { \
			compat, &(drv_ops) }

#define MV_EMULATOR(compat, emu_ops) \
	__MV_MODINFO("alias", "emu:" compat); \
	static const struct mv_emulator_decl __MV_UNIQUE(__mv_emulator_) \
		__attribute__((section(".mv_emulators"), used, aligned(8))) = { \
			compat, &(emu_ops) }

/*
 * Handle the device's first interrupt (dev->irq) with fn(arg), called in
 * interrupt context on one CPU: acknowledge the device, wake a thread
 * (mv_waitq_wake_*), never sleep. 0, -MV_ENOENT (no interrupt),
 * -MV_EBUSY. The nucleus releases it when the driver unbinds, before
 * remove() runs, and when probe fails.
 */
int mv_device_request_irq(struct mv_device *dev, void (*fn)(void *arg),
			  void *arg);

/* Map a device range (uncached, never executable). */
void *mv_ioremap(uint64_t pa, uint64_t size);

#endif
