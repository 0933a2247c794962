// SPDX-License-Identifier: GPL-2.0
/*
 * The "relocs" test module, part 2 (no -ffunction-sections): calls into
 * part 1 through global symbols that `ld -r` leaves as relocations,
 * pointers with addends, an absolute symbol, the module's identity.
 */
#include "nucleus_api.h"
#include "relocs.h"

MV_MODULE(relocs, 0, 0);
MV_MODULE_VERSION("1.2.3");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("relocation test module");
MV_MODULE_ALIAS("drv:test,relocs");

/* An SHN_ABS symbol, used by ABS32/ABS16 in relocs_asm.c. */
__asm__("	.globl rm_abs_value\n"
	"	.set rm_abs_value, 0x1234\n");

/* Pointers into the other object, with positive and negative addends. */
int *const rm_ptrs[] = { &rm_global, &rm_global + 3, &rm_counter - 2 };
const char *rm_more_strings[] = { "one", "two", "three" };

int rm_more_fn(int x)
{
	int r = rm_switch(x & 15, x) + *rm_ptrs[0];

	if (x > 100)
		r += rm_twice(r);
	return r + (int)strlen(rm_more_strings[x % 3]);
}
