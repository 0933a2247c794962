// SPDX-License-Identifier: GPL-2.0
/* A module with terminal commands (.mv_commands: pointers, ABS64). */
#include "nucleus_api.h"
#include <modvisor/command.h>

static int hello_run(int argc, char **argv)
{
	mv_log(2, "hello %s\n", argc > 1 ? argv[1] : "world");
	return 0;
}

static int bye_run(int argc, char **argv)
{
	(void)argv;
	return argc;
}

MV_COMMAND(mvtest_hello, hello_run, "say hello", "mvtest_hello [who]");
MV_COMMAND(mvtest_bye, bye_run, "say goodbye", "mvtest_bye");
MV_MODULE(cmds, 0, 0);
