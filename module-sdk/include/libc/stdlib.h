/* SPDX-License-Identifier: GPL-2.0 */
/* The freestanding nucleus's own <stdlib.h>: only what libfdt needs. */
#ifndef MV_LIBC_STDLIB_H
#define MV_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
