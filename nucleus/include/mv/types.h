/* SPDX-License-Identifier: GPL-2.0 */
/* Fixed-width types shared by the nucleus, modules and host-built tests. */
#ifndef MV_TYPES_H
#define MV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint64_t paddr_t;

#define MV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MV_ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define MV_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MV_IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MV_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MV_MAX(a, b) ((a) > (b) ? (a) : (b))
#define MV_CONTAINER_OF(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define MV_KIB(x) ((u64)(x) << 10)
#define MV_MIB(x) ((u64)(x) << 20)
#define MV_GIB(x) ((u64)(x) << 30)

#define MV_PAGE_SHIFT 12
#define MV_PAGE_SIZE (1UL << MV_PAGE_SHIFT)

#define __mv_noreturn __attribute__((noreturn))
#define __mv_unused __attribute__((unused))
#define __mv_aligned(x) __attribute__((aligned(x)))
#define __mv_section(s) __attribute__((section(s)))
#define __mv_printf(f, a) __attribute__((format(printf, f, a)))

#define mv_likely(x) __builtin_expect(!!(x), 1)
#define mv_unlikely(x) __builtin_expect(!!(x), 0)

#define MV_READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define MV_WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
