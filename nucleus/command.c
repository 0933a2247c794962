// SPDX-License-Identifier: GPL-2.0
/*
 * Terminal command registry. Modules declare commands with MV_COMMAND; the
 * loader registers them after the module's init and removes them before
 * its exit. A running command holds a reference on its module, taken under
 * the registry lock, so an unload (which checks and unregisters under the
 * same lock) can never pull the code from under it.
 */
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/module.h>
#include <mv/spinlock.h>
#include <modvisor/command.h>
#include <string.h>

#define MAX_WORDS 16

struct registered {
	struct mv_list node;
	const struct mv_command *cmd;
	struct mv_module *owner;	/* NULL: the nucleus */
};

static struct mv_list commands = MV_LIST_INIT(commands);
static struct mv_spinlock registry_lock = MV_SPINLOCK_INIT;

static struct registered *lookup(const char *name)
{
	struct mv_list *pos;

	mv_list_for_each(pos, &commands) {
		struct registered *r = mv_list_entry(pos, struct registered,
						     node);

		if (!strcmp(r->cmd->name, name))
			return r;
	}
	return NULL;
}

static bool valid_command(const struct mv_command *c)
{
	if (!c->name || !c->run || !c->name[0] || strlen(c->name) > 31)
		return false;
	for (const char *p = c->name; *p; p++)
		if (*p == ' ' || *p < 0x21 || *p > 0x7e)
			return false;
	return true;
}

int mv_command_register_module(struct mv_module *m,
			       const struct mv_command *cmds, size_t n)
{
	struct registered *regs = mv_calloc(n ? n : 1, sizeof(*regs));
	unsigned long flags;

	if (!regs)
		return -MV_ENOMEM;
	flags = mv_spin_lock_irqsave(&registry_lock);
	for (size_t i = 0; i < n; i++) {
		struct registered *other;

		if (!valid_command(&cmds[i])) {
			mv_spin_unlock_irqrestore(&registry_lock, flags);
			mv_log(MV_LOG_ERR, "module: %s: command %zu has no valid "
			       "name or function\n", m->name, i);
			mv_free(regs);
			return -MV_EINVAL;
		}
		other = lookup(cmds[i].name);
		for (size_t j = 0; j < i && !other; j++)
			if (!strcmp(cmds[j].name, cmds[i].name))
				other = &regs[j];
		if (other) {
			mv_spin_unlock_irqrestore(&registry_lock, flags);
			mv_log(MV_LOG_ERR, "module: %s: command '%s' is already "
			       "provided by %s\n", m->name, cmds[i].name,
			       other->owner ? other->owner->name : m->name);
			mv_free(regs);
			return -MV_EEXIST;
		}
		regs[i].cmd = &cmds[i];
		regs[i].owner = m;
	}
	for (size_t i = 0; i < n; i++)
		mv_list_add_tail(&regs[i].node, &commands);
	m->commands = regs;
	m->nr_commands = n;
	mv_spin_unlock_irqrestore(&registry_lock, flags);
	return 0;
}

bool mv_command_unregister_module(struct mv_module *m)
{
	unsigned long flags = mv_spin_lock_irqsave(&registry_lock);

	if (__atomic_load_n(&m->refcount, __ATOMIC_ACQUIRE)) {
		mv_spin_unlock_irqrestore(&registry_lock, flags);
		return false;
	}
	for (size_t i = 0; i < m->nr_commands; i++)
		mv_list_del(&((struct registered *)m->commands)[i].node);
	mv_spin_unlock_irqrestore(&registry_lock, flags);
	mv_free(m->commands);
	m->commands = NULL;
	m->nr_commands = 0;
	return true;
}

const struct mv_command *mv_command_find(const char *name)
{
	unsigned long flags = mv_spin_lock_irqsave(&registry_lock);
	struct registered *r = lookup(name);

	mv_spin_unlock_irqrestore(&registry_lock, flags);
	return r ? r->cmd : NULL;
}

void mv_command_for_each(void (*fn)(const struct mv_command *c, void *arg),
			 void *arg)
{
	const struct mv_command *list[64];
	struct mv_list *pos;
	unsigned long flags;
	size_t n = 0;

	/* Copy, then call without the lock: fn prints. */
	flags = mv_spin_lock_irqsave(&registry_lock);
	mv_list_for_each(pos, &commands)
		if (n < MV_ARRAY_SIZE(list))
			list[n++] = mv_list_entry(pos, struct registered,
						  node)->cmd;
	mv_spin_unlock_irqrestore(&registry_lock, flags);
	/* Sorted by name: insertion sort over a handful. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j && strcmp(list[j - 1]->name,
					      list[j]->name) > 0; j--) {
			const struct mv_command *t = list[j];

			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		fn(list[i], arg);
}

int mv_command_split(char *line, char **argv, int max)
{
	int argc = 0;

	while (*line) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		if (argc == max)
			return -MV_E2BIG;
		argv[argc++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	return argc;
}

int mv_command_run_line(char *line)
{
	char *argv[MAX_WORDS + 1];
	struct registered *r;
	struct mv_module *owner = NULL;
	const struct mv_command *cmd = NULL;
	unsigned long flags;
	int argc, err;

	argc = mv_command_split(line, argv, MAX_WORDS);
	if (argc < 0) {
		mv_printf("too many words (at most %d)\n", MAX_WORDS);
		return argc;
	}
	if (argc == 0)
		return 0;
	argv[argc] = NULL;
	flags = mv_spin_lock_irqsave(&registry_lock);
	r = lookup(argv[0]);
	if (r) {
		cmd = r->cmd;
		owner = r->owner;
		if (owner)
			__atomic_fetch_add(&owner->refcount, 1,
					   __ATOMIC_ACQ_REL);
	}
	mv_spin_unlock_irqrestore(&registry_lock, flags);
	if (!cmd) {
		mv_printf("unknown command '%s' (try 'help')\n", argv[0]);
		return -MV_ENOENT;
	}
	err = cmd->run(argc, argv);
	if (owner)
		__atomic_fetch_sub(&owner->refcount, 1, __ATOMIC_ACQ_REL);
	return err;
}
