// SPDX-License-Identifier: GPL-2.0
/*
 * malloc() and free() for Debian's libz.a. Its zutil.o (zcalloc, zcfree:
 * zlib's default allocator) refers to them, and inflate.o pulls zutil.o in
 * whatever the caller passes; the initrd reader gives zlib its own
 * callbacks, so these only satisfy the link, but they work if called.
 * Nucleus-only: host builds take the C library's.
 */
#include <mv/heap.h>
#include <stddef.h>

void *malloc(size_t size);
void free(void *ptr);

void *malloc(size_t size)
{
	return mv_malloc(size);
}

void free(void *ptr)
{
	mv_free(ptr);
}
