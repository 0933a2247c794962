// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: builds an address with MOVZ/MOVK, as other code models do;
 * written in assembly because GCC's large model uses literal pools.
 */
#include <stddef.h>
#include <modvisor/module.h>

extern int bad_movw_target;

unsigned long bad_movw_addr(void)
{
	unsigned long x;

	asm("movz %0, #:abs_g3:bad_movw_target\n\t"
	    "movk %0, #:abs_g2_nc:bad_movw_target\n\t"
	    "movk %0, #:abs_g1_nc:bad_movw_target\n\t"
	    "movk %0, #:abs_g0_nc:bad_movw_target"
	    : "=r"(x));
	return x;
}

MV_MODULE(bad_movw, NULL, NULL);
