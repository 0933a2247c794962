// SPDX-License-Identifier: GPL-2.0
/* Test module: calls a function that nobody exports. */
#include <stddef.h>
#include <modvisor/module.h>

int mv_no_such_function(int);

static int bad_undef_init(void)
{
	return mv_no_such_function(3);
}

MV_MODULE(bad_undef, bad_undef_init, NULL);
