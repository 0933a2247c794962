// SPDX-License-Identifier: GPL-2.0
/* Debian's libfdt.a is built with -fstack-protector-strong (DESIGN §7). */
#include <mv/log.h>

unsigned long __stack_chk_guard = 0x6d76697361726d21UL;

__mv_noreturn void __stack_chk_fail(void);
__mv_noreturn void __stack_chk_fail(void)
{
	mv_panic("stack: stack protector tripped in %p\n",
		 __builtin_return_address(0));
}
