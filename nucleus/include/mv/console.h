/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nucleus console: a polled PL011 found through /chosen/stdout-path,
 * brought up before anything that can fail. Until it is, output goes to
 * the build-time fallback UART (MV_FALLBACK_UART), if the build names one.
 */
#ifndef MV_CONSOLE_H
#define MV_CONSOLE_H

#include <mv/types.h>

/* Bring up the console from the DTB; on failure the fallback console says why. */
int mv_console_init(const void *fdt);
void mv_console_use_fallback(void);
void mv_console_write(const char *s, size_t n);
/* Take input interrupts (needs the irqchip and the scheduler). */
int mv_console_enable_input(void);
/* Next input byte, blocking. */
int mv_console_getc(void);
/* Write bytes as they are (no \n -> \r\n), e.g. terminal echo. */
void mv_console_write_raw(const char *s, size_t n);
/* Going down: print even if a stopped CPU holds the console lock. */
void mv_console_emergency(void);
/* Name and physical address of the console in use (for the banner). */
const char *mv_console_name(void);

#endif
