// SPDX-License-Identifier: GPL-2.0
/* Built with -fPIC: global data goes through the GOT, which is refused. */
#include "nucleus_api.h"

u64 fpic_large_read(void)
{
	return mv_test_u64;
}

MV_MODULE(fpic_large, 0, 0);
