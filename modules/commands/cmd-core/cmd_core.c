// SPDX-License-Identifier: GPL-2.0
/* Core terminal commands: help, version, host info, devtree print. */
#include <modvisor/errno.h>
#include <modvisor/command.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>

static void help_line(const struct mv_command *c, void *arg)
{
	(void)arg;
	mv_printf("  %-10s %s\n", c->name, c->summary ? c->summary : "");
}

static int help_cmd(int argc, char **argv)
{
	const struct mv_command *c;

	if (argc > 2) {
		mv_printf("usage: help [command]\n");
		return -MV_EINVAL;
	}
	if (argc == 2) {
		c = mv_command_find(argv[1]);
		if (!c) {
			mv_printf("help: no command '%s'\n", argv[1]);
			return -2;
		}
		mv_printf("%s: %s\nusage: %s\n", c->name,
			  c->summary ? c->summary : "",
			  c->usage ? c->usage : c->name);
		return 0;
	}
	mv_printf("commands (help <command> for its usage):\n");
	mv_command_for_each(help_line, NULL);
	return 0;
}

static void complete_command(const struct mv_command *c, void *arg)
{
	void **ctx = arg;

	((mv_complete_add)ctx[0])(ctx[1], c->name);
}

static void help_complete(int argc, char **argv, mv_complete_add add,
			  void *ctx)
{
	void *pass[2] = { (void *)add, ctx };

	(void)argv;
	if (argc == 2)
		mv_command_for_each(complete_command, pass);
}

static int version_cmd(int argc, char **argv)
{
	struct mv_host_stats st;

	(void)argc;
	(void)argv;
	mv_host_stats(&st);
	mv_printf("Modvisor %s (%s)\n", st.version, st.arch);
	return 0;
}

static int host_cmd(int argc, char **argv)
{
	struct mv_host_stats st;
	uint64_t s;

	if (argc == 2 && (!strcmp(argv[1], "poweroff") ||
			  !strcmp(argv[1], "reboot"))) {
		mv_host_power(argv[1][0] == 'r');
		return -5;
	}
	if (argc != 2 || strcmp(argv[1], "info")) {
		mv_printf("usage: host info | poweroff | reboot\n");
		return -MV_EINVAL;
	}
	mv_host_stats(&st);
	s = st.uptime_ns / 1000000000ULL;
	mv_printf("Modvisor %s (%s)\n", st.version, st.arch);
	mv_printf("CPUs:       %u online of %u\n", st.cpus_online, st.cpus);
	mv_printf("memory:     %lu MiB total, %lu KiB free\n",
		  (unsigned long)(st.ram_total >> 20),
		  (unsigned long)(st.ram_free >> 10));
	mv_printf("hypervisor: %lu KiB in use\n",
		  (unsigned long)(st.hypervisor_used >> 10));
	mv_printf("uptime:     %lu:%02lu:%02lu.%03lu\n",
		  (unsigned long)(s / 3600), (unsigned long)(s / 60 % 60),
		  (unsigned long)(s % 60),
		  (unsigned long)(st.uptime_ns / 1000000 % 1000));
	mv_printf("interrupts: %lu (%lu timer, %lu IPIs)\n",
		  (unsigned long)st.irqs, (unsigned long)st.timer_irqs,
		  (unsigned long)st.ipis);
	mv_printf("idle:      ");
	for (unsigned int i = 0; i < st.cpus; i++) {
		struct mv_cpu_stats cs;

		if (mv_cpu_stats(i, &cs) || !cs.online)
			continue;
		mv_printf(" cpu%u %lu.%03lu s", i,
			  (unsigned long)(cs.idle_ns / 1000000000ULL),
			  (unsigned long)(cs.idle_ns / 1000000 % 1000));
	}
	mv_printf("\n");
	return 0;
}

static void host_complete(int argc, char **argv, mv_complete_add add,
			  void *ctx)
{
	(void)argv;
	if (argc == 2) {
		add(ctx, "info");
		add(ctx, "poweroff");
		add(ctx, "reboot");
	}
}

static int devtree_cmd(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || strcmp(argv[1], "print")) {
		mv_printf("usage: devtree print [path]\n");
		return -MV_EINVAL;
	}
	return mv_devtree_print(argc == 3 ? argv[2] : "/");
}

static void devtree_complete(int argc, char **argv, mv_complete_add add,
			     void *ctx)
{
	(void)argv;
	if (argc == 2)
		add(ctx, "print");
}

static int initrd_cmd(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || strcmp(argv[1], "ls")) {
		mv_printf("usage: initrd ls [directory]\n");
		return -MV_EINVAL;
	}
	return mv_initrd_print(argc == 3 ? argv[2] : "");
}

static void initrd_complete(int argc, char **argv, mv_complete_add add,
			    void *ctx)
{
	(void)argv;
	if (argc == 2)
		add(ctx, "ls");
}

MV_MODULE(cmd-core, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Core commands: help, version, host, devtree, initrd");
MV_COMMAND_FULL(help, help_cmd, "list commands, or show one's usage",
		"help [command]", help_complete);
MV_COMMAND(version, version_cmd, "show the Modvisor version", "version");
MV_COMMAND_FULL(host, host_cmd, "show the host; power it off or reboot",
		"host info | poweroff | reboot", host_complete);
MV_COMMAND_FULL(devtree, devtree_cmd, "print the boot device tree",
		"devtree print [path]", devtree_complete);
MV_COMMAND_FULL(initrd, initrd_cmd, "list the files of the boot initrd",
		"initrd ls [directory]", initrd_complete);
