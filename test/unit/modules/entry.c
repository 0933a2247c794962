// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose init and exit are its own functions, written in x86-64
 * machine code so that the x86-64 host running the unit test can call
 * them: each adds one to a host counter whose address the loader puts
 * into the code with an R_AARCH64_ABS64 relocation (movabs), and init
 * returns host_entry_result. Never loaded on arm64.
 */
#include "nucleus_api.h"

int entry_init(void);
void entry_exit(void);

__asm__(
"	.section .text.entry,\"ax\",%progbits\n"
"	.globl entry_init\n"
"	.type entry_init, %function\n"
"	.balign 16\n"
"entry_init:\n"
"	.byte 0xf3, 0x0f, 0x1e, 0xfa\n"		/* endbr64 */
"	.byte 0x48, 0xb8\n"			/* movabs rax, ... */
"	.quad host_entry_init_calls\n"
"	.byte 0xff, 0x00\n"			/* inc dword [rax] */
"	.byte 0x48, 0xb8\n"			/* movabs rax, ... */
"	.quad host_entry_result\n"
"	.byte 0x8b, 0x00\n"			/* mov eax, [rax] */
"	.byte 0xc3\n"				/* ret */
"	.size entry_init, . - entry_init\n"
"	.globl entry_exit\n"
"	.type entry_exit, %function\n"
"	.balign 16\n"
"entry_exit:\n"
"	.byte 0xf3, 0x0f, 0x1e, 0xfa\n"		/* endbr64 */
"	.byte 0x48, 0xb8\n"			/* movabs rax, ... */
"	.quad host_entry_exit_calls\n"
"	.byte 0xff, 0x00\n"			/* inc dword [rax] */
"	.byte 0xc3\n"				/* ret */
"	.size entry_exit, . - entry_exit\n"
);

MV_MODULE(entry, entry_init, entry_exit);
