// SPDX-License-Identifier: GPL-2.0
/* Test module: exports mvt_add, which mvt_export exports too. */
#include <stddef.h>
#include <modvisor/module.h>

int mvt_add(int a, int b)
{
	return a - b;
}

MV_MODULE(dup_export, NULL, NULL);
MV_EXPORT(mvt_add);
