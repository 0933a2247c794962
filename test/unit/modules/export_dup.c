// SPDX-License-Identifier: GPL-2.0
/* Exports exp_func as well: refused while "exporter" is loaded. */
#include "nucleus_api.h"

int exp_func(int x)
{
	return x;
}

MV_EXPORT(exp_func);
MV_MODULE(export_dup, 0, 0);
