// SPDX-License-Identifier: GPL-2.0
/* Test module: needs cycle_b, which needs it back. */
#include <stddef.h>
#include <modvisor/module.h>

int cycle_b_fn(int);

int cycle_a_fn(int x)
{
	return x ? cycle_b_fn(x - 1) : 0;
}

MV_MODULE(cycle_a, NULL, NULL);
MV_EXPORT(cycle_a_fn);
