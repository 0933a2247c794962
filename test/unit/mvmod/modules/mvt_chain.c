// SPDX-License-Identifier: GPL-2.0
/* Test module: depends on mvt_user directly and on mvt_export. */
#include <stddef.h>
#include <modvisor/module.h>

int mvt_user_twice(int a);
int mvt_add(int a, int b);
void mv_log(const char *fmt, ...);
/*
 * Weak and provided by nobody: the loader leaves it 0. Taken through a
 * variable, because code that tests a weak address directly gets GOT
 * relocations even under -fno-pie.
 */
extern void mvt_optional(void) __attribute__((weak));
void (*mvt_chain_hook)(void) = mvt_optional;

static int mvt_chain_init(void)
{
	if (mvt_chain_hook)
		mvt_chain_hook();
	mv_log("%d\n", mvt_user_twice(2) + mvt_add(1, 2));
	return 0;
}

MV_MODULE(mvt_chain, mvt_chain_init, NULL);
