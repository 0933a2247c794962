// SPDX-License-Identifier: GPL-2.0
/* Built with -fcommon: common_var is an SHN_COMMON symbol, refused. */
#include "nucleus_api.h"

int common_var;

int common_get(void)
{
	return common_var;
}

MV_MODULE(common, 0, 0);
