// SPDX-License-Identifier: GPL-2.0
/* Test module: uses mvt_export's symbols and exports one of its own. */
#include <stddef.h>
#include <modvisor/module.h>

int mvt_add(int a, int b);
extern int mvt_counter;
void *memcpy(void *dst, const void *src, unsigned long n);

static char mvt_buf[64];

int mvt_user_twice(int a)
{
	memcpy(mvt_buf, &a, sizeof(a));
	return mvt_add(a, a) + mvt_counter;
}

static int mvt_user_init(void)
{
	return mvt_user_twice(1) == 2 ? 0 : -1;
}

MV_MODULE(mvt_user, mvt_user_init, NULL);
MV_MODULE_VERSION("0.1-test");
MV_MODULE_ALIAS("virtio:3");
MV_MODULE_ALIAS("emu:test,user");
MV_MODULE_SOFTDEP("mvt_leaf");
MV_MODULE_SOFTDEP("mvt_absent");
MV_EXPORT(mvt_user_twice);
