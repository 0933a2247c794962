/* SPDX-License-Identifier: GPL-2.0 */
/* Console logging: mv_log(MV_LOG_ERR, "subsystem: what went wrong\n"). */
#ifndef MV_LOG_H
#define MV_LOG_H

#include <mv/types.h>
#include <stdarg.h>

/* mv_log(), mv_panic(), mv_snprintf() and the levels are module ABI. */
#include <modvisor/nucleus.h>

int mv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* Error lines logged so far: did a callee already say why it failed? */
unsigned long mv_log_errors(void);

#endif
