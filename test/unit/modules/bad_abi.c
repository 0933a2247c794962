// SPDX-License-Identifier: GPL-2.0
/* MV_MODULE by hand, with the ABI of another nucleus. */
#include "nucleus_api.h"

int bad_abi_fn(int x)
{
	return x;
}

__MV_MODINFO("abi", "4d560000");
__MV_MODINFO("name", "bad_abi");
static const struct mv_module_desc desc
	__attribute__((section(".mv_module"), used)) = { 0, 0 };
