// SPDX-License-Identifier: GPL-2.0
/*
 * The management terminal on the console: a prompt, line editing and
 * history (lineedit.c), tab completion of commands and of whatever each
 * command completes (module names...). Commands come from modules and
 * run in the terminal's thread.
 */
#include <modvisor/errno.h>
#include <modvisor/command.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/sched.h>
#include "lineedit.h"

#define PROMPT "modvisor> "
#define MAX_WORDS 16

/* Module lookup, from the nucleus ABI. */
struct mv_module;
struct mv_module *mv_module_find(const char *name);
void mv_module_get(struct mv_module *m);

static struct mv_lineedit editor;
static char line[MV_LE_LINE_MAX];

static void write_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	mv_console_write_raw(s, n);
}

struct complete_ctx {
	mv_le_add_fn add;
	void *cctx;
};

static void offer_command(const struct mv_command *c, void *arg)
{
	struct complete_ctx *ctx = arg;

	ctx->add(ctx->cctx, c->name);
}

static void complete(void *ctx, int nwords, char **words, const char *prefix,
		     mv_le_add_fn add, void *cctx)
{
	struct complete_ctx pass = { add, cctx };
	const struct mv_command *c;
	char *argv[MAX_WORDS + 1];

	(void)ctx;
	if (nwords == 0) {
		mv_command_for_each(offer_command, &pass);
		return;
	}
	c = mv_command_find(words[0]);
	if (!c || !c->complete || nwords >= MAX_WORDS)
		return;
	for (int i = 0; i < nwords; i++)
		argv[i] = words[i];
	argv[nwords] = (char *)prefix;
	c->complete(nwords + 1, argv, add, cctx);
}

static void terminal_thread(void *arg)
{
	struct mv_module *self;

	(void)arg;
	/*
	 * This thread runs the module's code for good: hold the module so it
	 * cannot be unloaded under us. It is listed once its init returns.
	 */
	while (!(self = mv_module_find("terminal")))
		mv_sleep_ns(1000000);
	mv_module_get(self);
	/* The first prompt comes after the boot messages, not among them. */
	mv_wait_boot_done();
	mv_le_init(&editor, PROMPT, write_out, complete, NULL);
	mv_le_start(&editor);
	for (;;) {
		switch (mv_le_feed(&editor, (char)mv_console_getc())) {
		case MV_LE_LINE:
			memcpy(line, mv_le_line(&editor), sizeof(line));
			line[sizeof(line) - 1] = '\0';
			mv_command_run_line(line);
			/* fall through */
		case MV_LE_CANCEL:
		case MV_LE_EOF:
			mv_le_start(&editor);
			break;
		default:
			break;
		}
	}
}

static int terminal_init(void)
{
	if (!mv_thread_create("terminal", terminal_thread, NULL,
			      MV_PRIO_NORMAL, 0)) {
		mv_log(MV_LOG_ERR, "terminal: cannot start its thread\n");
		return -MV_ENOMEM;
	}
	return 0;
}

MV_MODULE(terminal, terminal_init, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Management terminal on the console");
