// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: addresses data in a way the loader does not support when
 * compiled with -mcmodel=large (MOVW_UABS_G*) or -fpic (GOT).
 */
#include <stddef.h>
#include <modvisor/module.h>

extern int bad_reloc_ext;
int bad_reloc_table[4];

int bad_reloc_get(int i)
{
	return bad_reloc_table[i] + bad_reloc_ext;
}

MV_MODULE(bad_reloc, NULL, NULL);
