// SPDX-License-Identifier: GPL-2.0
/* MV_MODULE by hand, without name= in .modinfo. */
#include "nucleus_api.h"

int no_name_fn(int x)
{
	return x;
}

__MV_MODINFO("abi", MV_ABI_MAGIC_STR);
MV_MODULE_VERSION("1");
static const struct mv_module_desc desc
	__attribute__((section(".mv_module"), used)) = { 0, 0 };
