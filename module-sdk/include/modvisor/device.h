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

/* A host device node, as the nucleus found it in the boot device tree. */
struct mv_device {
	const char *path;	/* "/pl031@9010000" */
	const char *compatible;	/* the one the driver matched */
	uint64_t reg_addr, reg_size;	/* first reg entry, 0 if none */
	int irq;		/* first interrupt, -1 if none */
	void *regs;		/* reg mapped as device memory, or NULL */
	void *priv;		/* the driver's */
};

struct mv_driver_ops {
	int (*probe)(struct mv_device *dev);	/* 0: bound */
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

/* Map a device range (uncached, never executable). */
void *mv_ioremap(uint64_t pa, uint64_t size);

#endif
