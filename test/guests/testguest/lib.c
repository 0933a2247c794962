// SPDX-License-Identifier: GPL-2.0
/*
 * The stack protector symbols Debian's libfdt.a refers to. The C library
 * functions it (and the compiler) call are the nucleus's own
 * (nucleus/lib/string.c, built into the guest by guest.cmake).
 */
#include "tg.h"

unsigned long __stack_chk_guard = 0x5a17c0de7e57f00dUL;

void __stack_chk_fail(void)
{
	tg_printf("tg: FATAL: stack protector tripped\n");
	tg_halt();
}
