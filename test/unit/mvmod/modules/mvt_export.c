// SPDX-License-Identifier: GPL-2.0
/* Test module: exports a function and a variable, has init and exit. */
#include <stddef.h>
#include <modvisor/module.h>

void mv_log(const char *fmt, ...);

int mvt_counter;

int mvt_add(int a, int b)
{
	mvt_counter++;
	return a + b;
}

static int mvt_export_init(void)
{
	mv_log("mvt_export: up\n");
	return 0;
}

static void mvt_export_exit(void)
{
	mv_log("mvt_export: down after %d calls\n", mvt_counter);
}

MV_MODULE(mvt_export, mvt_export_init, mvt_export_exit);
MV_MODULE_VERSION("1.2");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Exports helpers for the mvmod tests");
MV_MODULE_ALIAS("drv:test,export");
MV_EXPORT(mvt_add);
MV_EXPORT(mvt_counter);
