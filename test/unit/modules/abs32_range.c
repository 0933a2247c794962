// SPDX-License-Identifier: GPL-2.0
/* A 32-bit absolute address of module code, which is above 4 GiB. */
#include "nucleus_api.h"

int ar_fn(int x)
{
	return x;
}

__asm__("	.section .data.ar_table,\"aw\",%progbits\n"
	"	.balign 4\n"
	"	.word 0\n"
	"	.word ar_fn\n");

MV_MODULE(abs32_range, 0, 0);
