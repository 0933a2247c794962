/* SPDX-License-Identifier: GPL-2.0 */
/* Console logging: mv_log(MV_LOG_ERR, "subsystem: what went wrong\n"). */
#ifndef MV_LOG_H
#define MV_LOG_H

#include <mv/types.h>
#include <stdarg.h>

enum mv_log_level {
	MV_LOG_ERR,
	MV_LOG_WARN,
	MV_LOG_INFO,
	MV_LOG_DEBUG,
};

__mv_printf(2, 3) void mv_log(enum mv_log_level level, const char *fmt, ...);
/* Print a message and stop every CPU. */
__mv_printf(1, 2) __mv_noreturn void mv_panic(const char *fmt, ...);

int mv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__mv_printf(3, 4) int mv_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif
