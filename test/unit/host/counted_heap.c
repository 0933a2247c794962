// SPDX-License-Identifier: GPL-2.0
/* See counted_heap.h. */
#include <mv/heap.h>
#include <stdlib.h>
#include <string.h>

#include "counted_heap.h"

long mv_test_live_allocs;
long mv_test_fail_countdown = -1;
unsigned long mv_test_nr_allocs;

void mv_test_heap_reset(void)
{
	mv_test_live_allocs = 0;
	mv_test_fail_countdown = -1;
	mv_test_nr_allocs = 0;
}

void *mv_malloc(size_t size)
{
	void *p;

	mv_test_nr_allocs++;
	if (size > MV_TEST_HEAP_MAX || mv_test_fail_countdown == 0)
		return NULL;
	if (mv_test_fail_countdown > 0)
		mv_test_fail_countdown--;
	p = malloc(size ? size : 1);
	if (p)
		mv_test_live_allocs++;
	return p;
}

void *mv_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	p = mv_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void mv_free(void *p)
{
	if (!p)
		return;
	mv_test_live_allocs--;
	free(p);
}
