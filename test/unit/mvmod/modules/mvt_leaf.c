// SPDX-License-Identifier: GPL-2.0
/* Test module: the smallest one, no init, no exit, no imports. */
#include <stddef.h>
#include <modvisor/module.h>

MV_MODULE(mvt_leaf, NULL, NULL);
