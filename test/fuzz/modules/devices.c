// SPDX-License-Identifier: GPL-2.0
/*
 * A seed for fuzz_module with everything the loader registers after init:
 * a driver, an emulator and a command, and init and exit of its own, in
 * code and data sections of every kind. Built for arm64 with the SDK's
 * flags (CMakeLists.txt); never run.
 */
#include <modvisor/command.h>
#include <modvisor/device.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>

static int probes;
static const char *const labels[] = { "probe", "remove" };

static int dev_probe(struct mv_device *dev)
{
	mv_log(MV_LOG_INFO, "fuzzdev: %s %s\n", labels[0], dev->path);
	probes++;
	return 0;
}

static void dev_remove(struct mv_device *dev)
{
	mv_log(MV_LOG_INFO, "fuzzdev: %s %s\n", labels[1], dev->path);
}

static const struct mv_driver_ops dev_ops = {
	.probe = dev_probe,
	.remove = dev_remove,
};

MV_DRIVER("fuzz,device", dev_ops);

/* The emulator interface is not in the SDK yet: any object will do. */
static const char emu_ops[16];
static const struct mv_emulator_decl fuzz_emulator
	__attribute__((section(".mv_emulators"), used, aligned(8))) = {
	"fuzz,emulated", (const struct mv_emu_ops *)emu_ops,
};
MV_MODULE_ALIAS("emu:fuzz,emulated");

static int devices_run(int argc, char **argv)
{
	mv_printf("%d probes, %s\n", probes, argc > 1 ? argv[1] : "-");
	return 0;
}

MV_COMMAND(fuzzdev, devices_run, "fuzz_module seed", "fuzzdev [x]");

static int devices_init(void)
{
	return probes;
}

static void devices_exit(void)
{
	probes = -1;
}

MV_MODULE(devices, devices_init, devices_exit);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("fuzz_module seed");
