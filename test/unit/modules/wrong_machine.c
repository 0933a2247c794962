// SPDX-License-Identifier: GPL-2.0
/* A module built by the host compiler: the wrong ELF machine. */
#include <modvisor/module.h>

int wm_fn(int x)
{
	return x + 1;
}

MV_MODULE(wrong_machine, 0, 0);
