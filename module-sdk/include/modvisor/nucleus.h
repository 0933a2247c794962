/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nucleus API a module may call: declarations of what the nucleus
 * exports (nucleus/exports.c is the list; MV_ABI_MAGIC versions it).
 */
#ifndef MODVISOR_NUCLEUS_H
#define MODVISOR_NUCLEUS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum mv_log_level {
	MV_LOG_ERR,
	MV_LOG_WARN,
	MV_LOG_INFO,
	MV_LOG_DEBUG,
};

__attribute__((format(printf, 2, 3)))
void mv_log(enum mv_log_level level, const char *fmt, ...);
__attribute__((format(printf, 1, 2), noreturn))
void mv_panic(const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
int mv_snprintf(char *buf, size_t size, const char *fmt, ...);

void *mv_malloc(size_t size);
void *mv_zalloc(size_t size);
void mv_free(void *ptr);
uint64_t mv_time_ns(void);
void mv_sleep_ns(uint64_t ns);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
