// SPDX-License-Identifier: GPL-2.0
/*
 * Guest commands: guest list | info | create | start | stop | pause |
 * resume | reset | destroy, and vcpu list. The nucleus calls log why they
 * fail, so a failed call adds nothing here; what this module checks
 * itself (usage, unknown guest) it explains.
 */
#include <modvisor/errno.h>
#include <modvisor/command.h>
#include <modvisor/guest.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <stdbool.h>


#define MAX_GUESTS 64
#define LINE_WIDTH 99		/* vcpu list stays within 100 columns */

static const char guest_usage[] =
	"usage: guest list | info <guest> | create <dt-path|dtb-file> |\n"
	"       guest start|stop|pause|resume|reset|destroy <guest>\n";

static char names[MAX_GUESTS][32];

/* Names of the guests now, in their order; returns how many. */
static int guest_names(void)
{
	struct mv_guest_info gi;
	unsigned int count = mv_guest_count();
	int n = 0;

	for (unsigned int i = 0; i < count && n < MAX_GUESTS; i++)
		if (!mv_guest_info_at(i, &gi))
			memcpy(names[n++], gi.name, sizeof(names[0]));
	return n;
}

static unsigned long mib(uint64_t bytes)
{
	return (unsigned long)((bytes + (1 << 20) - 1) >> 20);
}

static uint64_t total_exits(const struct mv_vcpu_info *vi)
{
	uint64_t sum = 0;

	for (int r = 0; r < MV_EXIT_REASONS; r++)
		sum += vi->exits[r];
	return sum;
}

static int list_cmd(void)
{
	struct mv_guest_info gi;
	unsigned int count = mv_guest_count(), shown = 0;

	mv_printf("%-16s %-8s %5s %8s  %s\n", "guest", "state", "vcpus",
		  "RAM MiB", "kernel");
	for (unsigned int i = 0; i < count; i++) {
		if (mv_guest_info_at(i, &gi))
			continue;	/* destroyed meanwhile */
		mv_printf("%-16s %-8s %5u %8lu  %s\n", gi.name,
			  mv_guest_state_name(gi.state), gi.vcpus,
			  mib(gi.ram_total), gi.kernel[0] ? gi.kernel : "-");
		shown++;
	}
	mv_printf("%u guest%s\n", shown, shown == 1 ? "" : "s");
	return 0;
}

static int no_guest(const char *name)
{
	mv_printf("guest: no guest named '%s' (see 'guest list')\n", name);
	return -MV_ENOENT;
}

static void print_pin(char *buf, size_t size, int cpu)
{
	if (cpu < 0)
		mv_snprintf(buf, size, "-");
	else
		mv_snprintf(buf, size, "%d", cpu);
}

/* A line of words that wraps, continuing under its first word. */
struct out_line {
	char buf[LINE_WIDTH + 2];
	int len;
	int indent;
};

static void line_flush(struct out_line *l)
{
	while (l->len > 0 && l->buf[l->len - 1] == ' ')
		l->len--;
	l->buf[l->len] = '\0';
	mv_printf("%s\n", l->buf);
}

static void line_add(struct out_line *l, const char *word)
{
	int len = (int)strlen(word);

	if (l->len > l->indent && l->len + 1 + len > LINE_WIDTH) {
		line_flush(l);
		l->len = mv_snprintf(l->buf, sizeof(l->buf), "%*s", l->indent,
				     "");
	}
	if (l->len > l->indent)
		l->buf[l->len++] = ' ';
	l->len += mv_snprintf(l->buf + l->len, sizeof(l->buf) - l->len, "%s",
			      word);
	if (l->len >= (int)sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
}

static int info_cmd(const char *name)
{
	struct mv_guest_info gi;
	struct mv_vcpu_info vi;
	struct out_line l;
	char host[8], pin[8], word[40];

	if (mv_guest_info(name, &gi))
		return no_guest(name);
	mv_printf("name:     %s\n", gi.name);
	mv_printf("state:    %s\n", mv_guest_state_name(gi.state));
	mv_printf("vcpus:    %u\n", gi.vcpus);
	mv_printf("memory:   %lu MiB at 0x%lx; %u region%s, %lu MiB in all\n",
		  mib(gi.ram_size), (unsigned long)gi.ram_base, gi.regions,
		  gi.regions == 1 ? "" : "s", mib(gi.ram_total));
	mv_printf("devices:  %u\n", gi.devices);
	mv_printf("kernel:   %s\n", gi.kernel[0] ? gi.kernel : "-");
	mv_printf("resets:   %lu\n", (unsigned long)gi.resets);
	mv_printf("stage 2:  %u-bit IPA space, %u levels, %lu KiB of tables\n",
		  gi.ipa_bits, gi.s2_levels,
		  (unsigned long)(gi.s2_table_bytes >> 10));
	for (unsigned int i = 0; i < gi.vcpus; i++) {
		if (mv_vcpu_info(gi.name, i, &vi))
			continue;
		print_pin(host, sizeof(host), vi.host_cpu);
		print_pin(pin, sizeof(pin), vi.pinned);
		mv_printf("vcpu %u:   %s, host CPU %s, pinned to %s, "
			  "%lu moves, %lu exits\n",
			  i, mv_vcpu_state_name(vi.state), host, pin,
			  (unsigned long)vi.moves,
			  (unsigned long)total_exits(&vi));
		l.indent = 10;
		l.len = mv_snprintf(l.buf, sizeof(l.buf), "%*s", l.indent, "");
		for (int r = 0; r < MV_EXIT_REASONS; r++) {
			mv_snprintf(word, sizeof(word), "%s=%lu",
				    mv_exit_reason_name((enum mv_exit_reason)r),
				    (unsigned long)vi.exits[r]);
			line_add(&l, word);
		}
		line_flush(&l);
	}
	return 0;
}

static void vcpu_line(const struct mv_vcpu_info *vi)
{
	struct out_line l;
	char host[8], pin[8], word[40];

	print_pin(host, sizeof(host), vi->host_cpu);
	print_pin(pin, sizeof(pin), vi->pinned);
	l.len = mv_snprintf(l.buf, sizeof(l.buf),
			    "%-16s %4u %-8s %4s %4s %6lu %12lu ", vi->guest,
			    vi->index, mv_vcpu_state_name(vi->state), host, pin,
			    (unsigned long)vi->moves,
			    (unsigned long)total_exits(vi));
	l.indent = l.len;
	for (int r = 0; r < MV_EXIT_REASONS; r++) {
		if (!vi->exits[r])
			continue;
		mv_snprintf(word, sizeof(word), "%s=%lu",
			    mv_exit_reason_name((enum mv_exit_reason)r),
			    (unsigned long)vi->exits[r]);
		line_add(&l, word);
	}
	line_flush(&l);
}

static int vcpu_list_cmd(void)
{
	struct mv_guest_info gi;
	struct mv_vcpu_info vi;
	int n = guest_names();
	unsigned int total = 0;

	mv_printf("%-16s %4s %-8s %4s %4s %6s %12s %s\n", "guest", "vcpu",
		  "state", "cpu", "pin", "moves", "exits", "by reason");
	for (int g = 0; g < n; g++) {
		if (mv_guest_info(names[g], &gi))
			continue;
		for (unsigned int i = 0; i < gi.vcpus; i++) {
			if (mv_vcpu_info(gi.name, i, &vi))
				continue;
			vcpu_line(&vi);
			total++;
		}
	}
	mv_printf("%u vCPU%s\n", total, total == 1 ? "" : "s");
	return 0;
}

/* The name of a guest that is in the list now but not in before[]. */
static const char *new_guest(int before)
{
	static char old[MAX_GUESTS][32];
	int now;

	memcpy(old, names, sizeof(old));
	now = guest_names();
	for (int i = 0; i < now; i++) {
		int j;

		for (j = 0; j < before; j++)
			if (!strcmp(names[i], old[j]))
				break;
		if (j == before)
			return names[i];
	}
	return NULL;
}

static int create_cmd(const char *spec)
{
	int before = guest_names();
	const char *name;
	int err;

	err = mv_guest_create(spec);
	if (err)
		return err;	/* the nucleus said why */
	name = new_guest(before);
	if (name)
		mv_printf("guest: created %s from %s ('guest start %s' runs "
			  "it)\n", name, spec, name);
	else
		mv_printf("guest: created from %s\n", spec);
	return 0;
}

struct guest_op {
	const char *cmd;
	int (*fn)(const char *name);
	const char *done;
};

static const struct guest_op guest_ops[] = {
	{ "start", mv_guest_start, "started" },
	{ "stop", mv_guest_stop, "stopped" },
	{ "pause", mv_guest_pause, "paused" },
	{ "resume", mv_guest_resume, "resumed" },
	{ "reset", mv_guest_reset, "reset" },
	{ "destroy", mv_guest_destroy, "destroyed" },
};

#define NR_OPS (sizeof(guest_ops) / sizeof(guest_ops[0]))

static int op_cmd(const struct guest_op *op, const char *name)
{
	struct mv_guest_info gi;
	int err;

	if (mv_guest_info(name, &gi))
		return no_guest(name);
	err = op->fn(name);
	if (!err)
		mv_printf("guest: %s %s\n", name, op->done);
	return err;
}

static bool known_sub(const char *sub)
{
	if (!strcmp(sub, "list") || !strcmp(sub, "info") ||
	    !strcmp(sub, "create"))
		return true;
	for (unsigned int i = 0; i < NR_OPS; i++)
		if (!strcmp(sub, guest_ops[i].cmd))
			return true;
	return false;
}

static int guest_cmd(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "list") && argc == 2)
		return list_cmd();
	if (!strcmp(sub, "info") && argc == 3)
		return info_cmd(argv[2]);
	if (!strcmp(sub, "create") && argc == 3)
		return create_cmd(argv[2]);
	for (unsigned int i = 0; i < NR_OPS; i++)
		if (!strcmp(sub, guest_ops[i].cmd) && argc == 3)
			return op_cmd(&guest_ops[i], argv[2]);
	if (sub[0] && !known_sub(sub))
		mv_printf("guest: unknown subcommand '%s'\n", sub);
	mv_printf("%s", guest_usage);
	return -MV_EINVAL;
}

static void guest_complete(int argc, char **argv, mv_complete_add add,
			   void *ctx)
{
	int n;

	if (argc == 2) {
		add(ctx, "list");
		add(ctx, "info");
		add(ctx, "create");
		for (unsigned int i = 0; i < NR_OPS; i++)
			add(ctx, guest_ops[i].cmd);
		return;
	}
	if (argc != 3 || !strcmp(argv[1], "list") ||
	    !strcmp(argv[1], "create"))
		return;
	n = guest_names();
	for (int i = 0; i < n; i++)
		add(ctx, names[i]);
}

static int vcpu_cmd(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "list"))
		return vcpu_list_cmd();
	mv_printf("usage: vcpu list\n");
	return -MV_EINVAL;
}

static void vcpu_complete(int argc, char **argv, mv_complete_add add,
			  void *ctx)
{
	(void)argv;
	if (argc == 2)
		add(ctx, "list");
}

MV_MODULE(cmd-guest, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Guest commands: list, info, create, start, stop, ...");
MV_COMMAND_FULL(guest, guest_cmd, "list, create and control guests",
		"guest list | info <guest> | create <dt-path|dtb-file> | "
		"start|stop|pause|resume|reset|destroy <guest>",
		guest_complete);
MV_COMMAND_FULL(vcpu, vcpu_cmd, "list the vCPUs of every guest",
		"vcpu list", vcpu_complete);
