/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nucleus functions and data the test modules use. The host's fake
 * nucleus (test/unit/host/module_host.c) resolves the exported names; the
 * mv_test_* data objects are added by test/unit/test_module_loader.c.
 */
#ifndef TEST_MODULES_NUCLEUS_API_H
#define TEST_MODULES_NUCLEUS_API_H

#include <modvisor/module.h>

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned long size_t;

void mv_log(int level, const char *fmt, ...);
void mv_panic(const char *fmt, ...) __attribute__((noreturn));
int mv_snprintf(char *buf, size_t size, const char *fmt, ...);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *mv_malloc(size_t size);
void mv_free(void *p);
u64 mv_time_ns(void);

extern u64 mv_test_u64;
extern u32 mv_test_u32;
extern u16 mv_test_u16;
extern u8 mv_test_u8;
extern char mv_test_array[256];

#endif
