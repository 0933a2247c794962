/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Terminal commands. A module declares them with MV_COMMAND; the nucleus
 * registers them when the module loads and removes them when it unloads.
 * While a command runs, its module cannot be unloaded.
 *
 *   static int version_cmd(int argc, char **argv) { ... return 0; }
 *   MV_COMMAND(version, version_cmd, "show the Modvisor version", "version");
 *
 * A command prints with mv_printf() (to the terminal that runs it) and
 * returns 0, or a negative MV_E* code after printing why it failed.
 */
#ifndef MODVISOR_COMMAND_H
#define MODVISOR_COMMAND_H

#include <stdarg.h>
#include <stddef.h>

/* Offer one completion candidate (a whole word). */
typedef void (*mv_complete_add)(void *ctx, const char *candidate);

struct mv_command {
	const char *name;	/* first word on the line, e.g. "module" */
	int (*run)(int argc, char **argv);
	const char *summary;	/* one line for `help` */
	const char *usage;	/* e.g. "module list|info <m>|load <m>|unload <m>" */
	/*
	 * Optional: candidates for word argc-1 (the one being typed), given
	 * the words before it in argv[0..argc-2].
	 */
	void (*complete)(int argc, char **argv, mv_complete_add add, void *ctx);
};

#define MV_COMMAND_FULL(cname, runfn, sum, use, completefn) \
	static const struct mv_command __mv_command_##cname \
		__attribute__((section(".mv_commands"), used, aligned(8))) = { \
			.name = #cname, .run = runfn, .summary = sum, \
			.usage = use, .complete = completefn }
#define MV_COMMAND(cname, runfn, sum, use) \
	MV_COMMAND_FULL(cname, runfn, sum, use, NULL)

/* Output of the command being run (the terminal's console). */
__attribute__((format(printf, 1, 2))) int mv_printf(const char *fmt, ...);

/* Lookup and iteration, for the terminal, `help` and completion. */
const struct mv_command *mv_command_find(const char *name);
void mv_command_for_each(void (*fn)(const struct mv_command *c, void *arg),
			 void *arg);
/* Split line into words and run it; returns the command's result. */
int mv_command_run_line(char *line);

#endif
