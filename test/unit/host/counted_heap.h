/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mv_malloc/mv_calloc/mv_free on the C library (so ASan sees every byte),
 * counted, capped at the nucleus heap's largest block, with a switch to
 * make the n-th allocation fail. For tests of code that uses the heap
 * without testing it; they link host/counted_heap.c instead of heap.c.
 */
#ifndef MV_COUNTED_HEAP_H
#define MV_COUNTED_HEAP_H

#include <mv/types.h>

/* The nucleus heap's largest block: larger requests fail. */
#define MV_TEST_HEAP_MAX (MV_MIB(4) - 16)

extern long mv_test_live_allocs;	/* allocated minus freed */
extern long mv_test_fail_countdown;	/* -1: never fail; n: fail after n */
extern unsigned long mv_test_nr_allocs;	/* calls, failed ones included */

void mv_test_heap_reset(void);

#endif
