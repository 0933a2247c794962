// SPDX-License-Identifier: GPL-2.0
/* Names in .mv_exports a symbol it does not define. */
#include "nucleus_api.h"

int eu_func(int x)
{
	return x + 1;
}

MV_EXPORT(eu_func);
MV_EXPORT(eu_missing);
MV_MODULE(export_undef, 0, 0);
