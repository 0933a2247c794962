// SPDX-License-Identifier: GPL-2.0
/* Module commands: module list | info <m> | load <m|path> | unload <m>. */
#include <modvisor/errno.h>
#include <modvisor/command.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>

#define MAX_LIST 64

static char names[MAX_LIST][32];

static int list_cmd(void)
{
	struct mv_module_summary s;
	int n = mv_module_names(names, MAX_LIST);

	mv_printf("%-16s %8s %5s %9s  %s\n", "module", "size", "used",
		  "load us", "loaded");
	for (int i = 0; i < n && i < MAX_LIST; i++) {
		if (mv_module_summary(names[i], &s))
			continue;
		mv_printf("%-16s %6lu K %5u %9lu  %s\n", s.name,
			  (unsigned long)(s.mem_size >> 10), s.refcount,
			  (unsigned long)(s.load_ns / 1000), s.reason);
	}
	mv_printf("%d module%s\n", n, n == 1 ? "" : "s");
	return 0;
}

static int info_cmd(const char *name)
{
	struct mv_module_summary s;

	if (mv_module_summary(name, &s)) {
		mv_printf("module: %s is not loaded\n", name);
		return -2;
	}
	mv_printf("name:        %s\n", s.name);
	mv_printf("version:     %s\n", s.version[0] ? s.version : "-");
	mv_printf("license:     %s\n", s.license[0] ? s.license : "-");
	mv_printf("description: %s\n", s.description[0] ? s.description : "-");
	mv_printf("file:        %s\n", s.origin);
	mv_printf("loaded:      %s\n", s.reason);
	mv_printf("load time:   %lu us (read, relocate, link, init)\n",
		  (unsigned long)(s.load_ns / 1000));
	mv_printf("memory:      %lu KiB\n", (unsigned long)(s.mem_size >> 10));
	mv_printf("depends on:  %s\n", s.deps[0] ? s.deps : "-");
	mv_printf("used by:     %s (%u use%s)\n", s.users[0] ? s.users : "-",
		  s.refcount, s.refcount == 1 ? "" : "s");
	mv_printf("exports:     %u, commands: %u\n", s.nr_exports,
		  s.nr_commands);
	for (unsigned int i = 0; i < s.nr_sections; i++)
		mv_printf("  %-16s 0x%lx (%lu bytes)\n", s.sections[i].name,
			  (unsigned long)s.sections[i].addr,
			  (unsigned long)s.sections[i].size);
	return 0;
}

static int module_cmd(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	int err;

	if (!strcmp(sub, "list") && argc == 2)
		return list_cmd();
	if (!strcmp(sub, "info") && argc == 3)
		return info_cmd(argv[2]);
	if (!strcmp(sub, "load") && argc == 3) {
		err = mv_module_request(argv[2], "from the terminal");
		if (!err)
			mv_printf("module: %s is loaded\n", argv[2]);
		return err;
	}
	if (!strcmp(sub, "unload") && argc == 3) {
		err = mv_module_unload(argv[2]);
		if (!err)
			mv_printf("module: %s unloaded\n", argv[2]);
		return err;
	}
	mv_printf("usage: module list | info <module> | load <module|path> | "
		  "unload <module>\n");
	return -MV_EINVAL;
}

static void module_complete(int argc, char **argv, mv_complete_add add,
			    void *ctx)
{
	static const char *const subs[] = { "list", "info", "load", "unload" };
	int n;

	if (argc == 2) {
		for (unsigned int i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			add(ctx, subs[i]);
		return;
	}
	if (argc != 3)
		return;
	if (!strcmp(argv[1], "load"))
		n = mv_module_index_names(names, MAX_LIST);
	else if (!strcmp(argv[1], "info") || !strcmp(argv[1], "unload"))
		n = mv_module_names(names, MAX_LIST);
	else
		return;
	for (int i = 0; i < n && i < MAX_LIST; i++)
		add(ctx, names[i]);
}

MV_MODULE(cmd-module, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Module commands: list, info, load, unload");
MV_COMMAND_FULL(module, module_cmd, "list, inspect, load and unload modules",
		"module list | info <module> | load <module|path> | "
		"unload <module>", module_complete);
