// SPDX-License-Identifier: GPL-2.0
/* Exports a function and a variable for "importer". */
#include "nucleus_api.h"

int exp_value = 7;
static int exp_calls;

int exp_func(int x)
{
	exp_calls++;
	return x + exp_value + exp_calls;
}

MV_EXPORT(exp_value);
MV_EXPORT(exp_func);
MV_MODULE(exporter, 0, 0);
