// SPDX-License-Identifier: GPL-2.0
/* Uses the exports of "exporter": a hard dependency. */
#include "nucleus_api.h"

extern int exp_value;
int exp_func(int x);

/* A pointer to another module's function (ABS64). */
int (*const imp_ptr)(int) = exp_func;
int *imp_value_ptr = &exp_value;

int imp_call(int x)
{
	return exp_func(x) + exp_value;
}

int imp_tail(int x)
{
	return exp_func(x * 2);
}

MV_MODULE(importer, 0, 0);
