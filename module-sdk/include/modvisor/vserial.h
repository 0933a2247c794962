/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest consoles (exported by the vserial module). A console emulator
 * (pl011-emu, virtio-console) creates one port per device; what the guest
 * writes is kept in the port's ring buffer and logged a line at a time as
 * "[<guest>/<device>] ..." unless a terminal is bound to the port
 * (`vserial bind <guest>/<device>`), which then sees it raw and types
 * into the guest.
 */
#ifndef MODVISOR_VSERIAL_H
#define MODVISOR_VSERIAL_H

#include <stddef.h>

struct mv_vserial;

/*
 * input is called with bytes typed into the port (from the terminal's
 * thread; it must not block): the emulator queues them for the guest.
 */
struct mv_vserial *mv_vserial_create(const char *guest, const char *device,
				     void (*input)(void *ctx, char c),
				     void *ctx);
void mv_vserial_destroy(struct mv_vserial *port);
/* Bytes the guest wrote; safe in a vCPU's exit path (never blocks). */
void mv_vserial_output(struct mv_vserial *port, const char *buf, size_t n);

#endif
