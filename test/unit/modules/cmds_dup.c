// SPDX-License-Identifier: GPL-2.0
/*
 * Declares a command "cmds" already provides: refused after its init ran,
 * so its exit runs too. init and exit are host functions (see init_fail.c).
 */
#include "nucleus_api.h"
#include <modvisor/command.h>

int host_init(void);
void host_exit(void);

static int other_run(int argc, char **argv)
{
	(void)argv;
	return -argc;
}

MV_COMMAND(mvtest_other, other_run, "another", "mvtest_other");
MV_COMMAND(mvtest_bye, other_run, "a second bye", "mvtest_bye");
MV_MODULE(cmds_dup, host_init, host_exit);
