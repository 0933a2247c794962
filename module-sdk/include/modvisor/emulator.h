/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest device emulators (DESIGN §4, §5). A module declares the
 * compatible it emulates; the nucleus creates one struct mv_emu for each
 * matching node under /guests/<guest>/devices, calls probe, and sends it
 * every trapped access to the node's first reg range:
 *
 *   static const struct mv_emu_ops pl011_ops = {
 *	.probe = pl011_probe, .read = pl011_read,
 *	.write = pl011_write, .reset = pl011_reset,
 *   };
 *   MV_MODULE(pl011_emu, NULL, NULL);
 *   MV_EMULATOR("arm,pl011", pl011_ops);	(alias emu:arm,pl011)
 *
 * read and write run on the trapping vCPU in its exit path: they must not
 * block. A module with a live instance cannot be unloaded.
 */
#ifndef MODVISOR_EMULATOR_H
#define MODVISOR_EMULATOR_H

#include <modvisor/device.h>
#include <stdbool.h>
#include <stdint.h>

struct mv_guest;

/* One emulated device of one guest. */
struct mv_emu {
	struct mv_guest *guest;
	const char *guest_name;	/* "linux0" */
	const char *name;	/* node name: "uart@9000000" */
	uint64_t base, size;	/* its first reg range, in guest IPA */
	int irq;		/* guest INTID of its first interrupt, or -1 */
	void *priv;		/* the emulator's */
};

struct mv_emu_ops {
	/* 0: the instance is live; an error refuses the device (logged). */
	int (*probe)(struct mv_emu *emu, const struct mv_dt_node *node);
	/*
	 * offset within the range, width 1, 2, 4 or 8 bytes. Return 0, or an
	 * error to have a data abort injected into the guest.
	 */
	int (*read)(struct mv_emu *emu, uint64_t offset, unsigned int width,
		    uint64_t *val);
	int (*write)(struct mv_emu *emu, uint64_t offset, unsigned int width,
		     uint64_t val);
	void (*reset)(struct mv_emu *emu);	/* guest reset */
	void (*remove)(struct mv_emu *emu);	/* guest destroyed */
};

/*
 * A host pointer to guest RAM [ipa, ipa + size) if that range is guest RAM
 * inside one host block (backing it if needed), else NULL. Any 2 MiB-aligned
 * granule of guest RAM lies in one host block.
 */
void *mv_emu_guest_ram(struct mv_emu *emu, uint64_t ipa, uint64_t size);

/* Drive the device's interrupt line (level) into the guest's vGIC. */
void mv_emu_irq_set(struct mv_emu *emu, bool level);

#endif
