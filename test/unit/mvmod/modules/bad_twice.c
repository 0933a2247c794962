// SPDX-License-Identifier: GPL-2.0
/* Test module: a second .mv_module section (gas's "unique" keeps it apart). */
#include <stddef.h>
#include <modvisor/module.h>

asm(".section .mv_module,\"a\",%progbits,unique,1\n\t"
    ".quad 0\n\t"
    ".quad 0\n\t"
    ".previous");

MV_MODULE(bad_twice, NULL, NULL);
