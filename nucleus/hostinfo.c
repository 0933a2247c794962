// SPDX-License-Identifier: GPL-2.0
/*
 * What commands show about the host and the loaded modules, as plain
 * snapshots: modules see copies, never the nucleus's own structures.
 */
#include <mv/console.h>
#include <mv/cpu.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/log.h>
#include <mv/modload.h>
#include <mv/module.h>
#include <mv/nucleus.h>
#include <mv/page_alloc.h>
#include <mv/smp.h>
#include <mv/time.h>
#include <modvisor/command.h>
#include <libfdt.h>
#include <string.h>

void mv_host_stats(struct mv_host_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->version = MV_VERSION;
	st->arch = mv_arch_name();
	st->cpus_online = mv_cpus_online();
	st->cpus = mv_nr_cpus;
	st->ram_total = mv_boot_ram_total();
	st->ram_free = mv_page_free_count() * MV_PAGE_SIZE;
	st->hypervisor_used = mv_hypervisor_ram_used();
	st->uptime_ns = mv_time_ns();
	for (unsigned int i = 0; i < mv_nr_cpus; i++) {
		st->irqs += MV_READ_ONCE(mv_cpus[i].irqs);
		st->timer_irqs += MV_READ_ONCE(mv_cpus[i].timer_irqs);
		st->ipis += MV_READ_ONCE(mv_cpus[i].ipis_received);
	}
}

/* Including a wait under way, which may last as long as nothing happens. */
static u64 idle_ticks(const struct mv_cpu *c)
{
	for (;;) {
		u64 since = MV_READ_ONCE(c->idle_since);
		u64 ticks = MV_READ_ONCE(c->idle_ticks);

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (MV_READ_ONCE(c->idle_since) != since)
			continue;	/* the wait ended meanwhile */
		return since ? ticks + mv_arch_counter() - since : ticks;
	}
}

int mv_cpu_stats(unsigned int cpu, struct mv_cpu_stats *st)
{
	if (cpu >= mv_nr_cpus)
		return -MV_EINVAL;
	st->online = MV_READ_ONCE(mv_cpus[cpu].online);
	st->irqs = MV_READ_ONCE(mv_cpus[cpu].irqs);
	st->timer_irqs = MV_READ_ONCE(mv_cpus[cpu].timer_irqs);
	st->ipis_sent = MV_READ_ONCE(mv_cpus[cpu].ipis_sent);
	st->ipis_received = MV_READ_ONCE(mv_cpus[cpu].ipis_received);
	st->idle_ns = mv_ticks_to_ns(idle_ticks(&mv_cpus[cpu]));
	return 0;
}

const char *mv_bootargs(void)
{
	return mv_boot_bootargs;
}

u64 mv_counter(void)
{
	return mv_arch_counter();
}

void mv_host_power(bool reset)
{
	mv_log(MV_LOG_INFO, "nucleus: %s\n", reset ? "resetting" : "powering off");
	mv_smp_stop_others();
	mv_arch_system_off(reset);
}

struct ls_ctx {
	unsigned int files, dirs;
	u64 bytes;
};

static int print_dirent(void *arg, const struct mv_initrd_dirent *d)
{
	struct ls_ctx *ctx = arg;

	if (d->st.is_dir) {
		ctx->dirs++;
		mv_printf("%10s  %.*s/\n", "-", (int)d->name_len, d->name);
	} else {
		ctx->files++;
		ctx->bytes += d->st.size;
		mv_printf("%10lu  %.*s\n", (unsigned long)d->st.size,
			  (int)d->name_len, d->name);
	}
	return 0;
}

const void *mv_initrd_file(const char *path, size_t *size)
{
	*size = 0;
	return mv_boot_initrd && path ?
		mv_initrd_data(mv_boot_initrd, path, size) : NULL;
}

int mv_initrd_print(const char *dir)
{
	struct ls_ctx ctx = { 0 };
	int err;

	if (!mv_boot_initrd) {
		mv_printf("initrd: none was passed\n");
		return -MV_ENOENT;
	}
	err = mv_initrd_list(mv_boot_initrd, dir && *dir ? dir : "",
			     print_dirent, &ctx);
	if (err == -MV_ENOENT || err == -MV_EINVAL) {
		mv_printf("initrd: %s is not a directory in the initrd\n", dir);
		return err;
	}
	mv_printf("%u file%s (%lu bytes), %u director%s\n", ctx.files,
		  ctx.files == 1 ? "" : "s", (unsigned long)ctx.bytes,
		  ctx.dirs, ctx.dirs == 1 ? "y" : "ies");
	return err;
}

static bool printable_strings(const char *p, int len)
{
	if (len <= 0 || p[len - 1])
		return false;
	for (int i = 0; i < len; i++) {
		if (p[i] == '\0' && (i == 0 || p[i - 1] == '\0'))
			return false;
		if (p[i] && (p[i] < 0x20 || p[i] > 0x7e))
			return false;
	}
	return true;
}

static void print_property(const void *fdt, int off, int depth)
{
	int len;
	const char *name;
	const u8 *val = fdt_getprop_by_offset(fdt, off, &name, &len);

	mv_printf("%*s%s", depth * 2, "", name);
	if (!val || len == 0) {
		mv_printf(";\n");
		return;
	}
	if (printable_strings((const char *)val, len)) {
		mv_printf(" = \"");
		for (int i = 0; i < len - 1; i++)
			mv_printf(val[i] ? "%c" : "\", \"", val[i]);
		mv_printf("\";\n");
	} else if (len % 4 == 0) {
		mv_printf(" = <");
		for (int i = 0; i < len; i += 4)
			mv_printf("%s0x%x", i ? " " : "",
				  fdt32_ld((const fdt32_t *)(val + i)));
		mv_printf(">;\n");
	} else {
		mv_printf(" = [");
		for (int i = 0; i < len; i++)
			mv_printf("%s%02x", i ? " " : "", val[i]);
		mv_printf("];\n");
	}
}

static void print_node(const void *fdt, int node, int depth)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int off, child;

	mv_printf("%*s%s {\n", depth * 2, "", depth || (name && *name) ?
		  name : "/");
	fdt_for_each_property_offset(off, fdt, node)
		print_property(fdt, off, depth + 1);
	fdt_for_each_subnode(child, fdt, node)
		print_node(fdt, child, depth + 1);
	mv_printf("%*s};\n", depth * 2, "");
}

int mv_devtree_print(const char *path)
{
	int node = fdt_path_offset(mv_boot_fdt, path && *path ? path : "/");

	if (node < 0) {
		mv_printf("devtree: no node %s (%s)\n", path,
			  fdt_strerror(node));
		return -MV_ENOENT;
	}
	print_node(mv_boot_fdt, node, 0);
	return 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

struct summary_ctx {
	const char *name;
	struct mv_module_summary *s;
	struct mv_module *target;
	bool found;
};

static void append_name(char *buf, size_t size, const char *name)
{
	size_t n = strlen(buf);

	if (n + strlen(name) + 3 < size)
		mv_snprintf(buf + n, size - n, "%s%s", n ? ", " : "", name);
}

static void fill_summary(struct mv_module *m, void *arg)
{
	struct summary_ctx *ctx = arg;
	struct mv_module_summary *s = ctx->s;

	if (ctx->found) {
		/* Later modules: users of the one summarised. */
		for (unsigned int i = 0; i < m->nr_deps; i++)
			if (m->deps[i] == ctx->target)
				append_name(s->users, sizeof(s->users), m->name);
		return;
	}
	if (strcmp(m->name, ctx->name))
		return;
	ctx->found = true;
	ctx->target = m;
	copy_str(s->name, sizeof(s->name), m->name);
	copy_str(s->version, sizeof(s->version), m->version);
	copy_str(s->license, sizeof(s->license), m->license);
	copy_str(s->description, sizeof(s->description), m->description);
	copy_str(s->origin, sizeof(s->origin), m->origin);
	copy_str(s->reason, sizeof(s->reason), m->reason);
	for (unsigned int i = 0; i < m->nr_deps; i++)
		append_name(s->deps, sizeof(s->deps), m->deps[i]->name);
	s->mem_size = m->mem_pages * MV_PAGE_SIZE;
	s->refcount = __atomic_load_n(&m->refcount, __ATOMIC_RELAXED);
	s->nr_exports = m->nr_exports;
	s->nr_commands = m->nr_commands;
	s->load_ns = m->load_ns;
	for (unsigned int i = 0; i < m->nr_sections &&
	     s->nr_sections < MV_SUMMARY_SECTIONS; i++) {
		copy_str(s->sections[s->nr_sections].name,
			 sizeof(s->sections[0].name), m->sections[i].name);
		s->sections[s->nr_sections].addr = m->sections[i].addr;
		s->sections[s->nr_sections++].size = m->sections[i].size;
	}
}

int mv_module_summary(const char *name, struct mv_module_summary *s)
{
	struct summary_ctx ctx = { .name = name, .s = s };

	memset(s, 0, sizeof(*s));
	mv_module_for_each(fill_summary, &ctx);
	return ctx.found ? 0 : -MV_ENOENT;
}

struct names_ctx {
	char (*names)[32];
	int max, n;
};

static void add_name(struct mv_module *m, void *arg)
{
	struct names_ctx *ctx = arg;

	if (ctx->n < ctx->max)
		copy_str(ctx->names[ctx->n], 32, m->name);
	ctx->n++;
}

int mv_module_names(char (*names)[32], int max)
{
	struct names_ctx ctx = { names, max, 0 };

	mv_module_for_each(add_name, &ctx);
	return ctx.n;
}
