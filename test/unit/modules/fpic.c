// SPDX-License-Identifier: GPL-2.0
/* Built with -fpic: global data goes through the GOT, which is refused. */
#include "nucleus_api.h"

u64 fpic_read(void)
{
	return mv_test_u64;
}

MV_MODULE(fpic, 0, 0);
