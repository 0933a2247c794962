// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: every .modinfo and .mv_exports mistake at once: a bad
 * name, two versions, an alias with a space, a bad softdep, exports of a
 * static, an undefined and a missing symbol.
 */
#include <stddef.h>
#include <modvisor/module.h>

int mvt_elsewhere(void);

static __attribute__((used, noinline)) int bad_helper(void)
{
	return mvt_elsewhere();
}

int bad_meta_entry(void)
{
	return bad_helper();
}

MV_MODULE(Bad.Name, NULL, NULL);
MV_MODULE_VERSION("1");
MV_MODULE_VERSION("2");
MV_MODULE_ALIAS("drv:has space");
MV_MODULE_SOFTDEP("Not/A/Module");
MV_EXPORT(bad_helper);
MV_EXPORT(mvt_elsewhere);
MV_EXPORT(bad_missing);
MV_EXPORT(bad_meta_entry);
