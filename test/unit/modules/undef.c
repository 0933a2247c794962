// SPDX-License-Identifier: GPL-2.0
/* Calls a function nothing exports. */
#include "nucleus_api.h"

void mv_no_such_function(int x);

void undef_call(void)
{
	mv_no_such_function(1);
}

MV_MODULE(undef, 0, 0);
