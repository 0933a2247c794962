// SPDX-License-Identifier: GPL-2.0
/* Test module: needs cycle_a, which needs it back. */
#include <stddef.h>
#include <modvisor/module.h>

int cycle_a_fn(int);

int cycle_b_fn(int x)
{
	return x ? cycle_a_fn(x - 1) : 1;
}

MV_MODULE(cycle_b, NULL, NULL);
MV_EXPORT(cycle_b_fn);
