// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose init fails. Its init and exit are host functions the
 * test puts into the fake nucleus under these names (the host cannot run
 * arm64 code); it also uses "exporter" and has text, rodata and data, so
 * that failing undoes a dependency and module memory.
 */
#include "nucleus_api.h"

int host_init(void);
void host_exit(void);
int exp_func(int x);

static const char *const if_names[] = { "a", "b" };
int if_data = 5;

int if_use(int i)
{
	return exp_func(i) + (int)strlen(if_names[i & 1]) + if_data;
}

MV_MODULE(init_fail, host_init, host_exit);
