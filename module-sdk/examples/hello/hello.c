// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest useful module: it says hello when loaded and goodbye when
 * unloaded. Build it out of tree with the installed SDK (see README.md).
 */
#include <modvisor/module.h>
#include <modvisor/nucleus.h>

static int hello_init(void)
{
	mv_log(MV_LOG_INFO, "hello: hello from a module\n");
	return 0;
}

static void hello_exit(void)
{
	mv_log(MV_LOG_INFO, "hello: goodbye\n");
}

MV_MODULE(hello, hello_init, hello_exit);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Example module: greets on load and unload");
