// SPDX-License-Identifier: GPL-2.0
/* mvmod info: what a module is, needs and contains. */
#include "mvmod.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void field(const char *key, const char *value)
{
	printf("%-13s", key);
	mv_put_clean(stdout, value);
	putchar('\n');
}

static void info_single(const struct mvm *m, const char *key,
			const char *label)
{
	const char *v;
	size_t i;

	for (i = 0; (v = mvm_info_get(m, key, i)); i++)
		field(label, v);
	if (!i)
		field(label, "-");
}

/* The function a .mv_module slot points to, by name where there is one. */
static void entry_point(const struct mvm *m, uint64_t off, const char *label)
{
	const struct mvm_sec *ms = m->module_sec;
	char buf[256];

	for (size_t i = 1; ms && i < m->nsecs; i++) {
		const struct mvm_sec *rs = &m->secs[i];

		if (!mvm_rel_applied(m, rs) || &m->secs[rs->info] != ms)
			continue;
		for (size_t r = 0; r < rs->nrels; r++) {
			const struct mvm_rel *rel = &rs->rels[r];
			const struct mvm_sym *s = &m->syms[rel->sym];
			const char *name = mvm_sym_display(m, rel->sym);
			int64_t add = rel->addend;

			if (rel->offset != off)
				continue;
			/* The assembler names static functions by section. */
			for (size_t k = 1; s->type == STT_SECTION &&
			     k < m->nsyms; k++) {
				const struct mvm_sym *f = &m->syms[k];

				if (f->shndx == s->shndx && *f->name &&
				    f->type == STT_FUNC &&
				    f->value == (uint64_t)add) {
					name = f->name;
					add = 0;
					break;
				}
			}
			if (add)
				snprintf(buf, sizeof(buf), "%s%+" PRId64, name,
					 add);
			else
				snprintf(buf, sizeof(buf), "%s", name);
			field(label, buf);
			return;
		}
	}
	field(label, "-");
}

struct rcount {
	uint32_t type;
	size_t n;
};

static int cmp_rcount(const void *a, const void *b)
{
	const struct rcount *x = a, *y = b;

	return x->type < y->type ? -1 : x->type > y->type;
}

static void print_relocs(const struct mvm *m)
{
	struct rcount *c = NULL;
	size_t n = 0, cap = 0;
	char buf[256], name[40];

	for (size_t i = 1; i < m->nsecs; i++) {
		const struct mvm_sec *rs = &m->secs[i];

		if (!mvm_rel_applied(m, rs))
			continue;
		for (size_t r = 0; r < rs->nrels; r++) {
			size_t k;

			for (k = 0; k < n; k++)
				if (c[k].type == rs->rels[r].type)
					break;
			if (k == n) {
				if (n == cap) {
					cap = cap ? cap * 2 : 16;
					c = xreallocarray(c, cap, sizeof(*c));
				}
				c[n].type = rs->rels[r].type;
				c[n++].n = 0;
			}
			c[k].n++;
		}
	}
	if (n)
		qsort(c, n, sizeof(*c), cmp_rcount);
	for (size_t k = 0; k < n; k++) {
		snprintf(buf, sizeof(buf), "%s %zu",
			 mv_reloc_name(m->machine, c[k].type, name,
				       sizeof(name)), c[k].n);
		field("relocation:", buf);
	}
	if (!n)
		field("relocation:", "-");
	free(c);
}

static void print_info(const struct mvm *m)
{
	uint64_t text = 0, rodata = 0, data = 0, bss = 0;
	char buf[256];
	size_t n;

	field("file:", m->path);
	info_single(m, "name", "name:");
	info_single(m, "version", "version:");
	info_single(m, "license", "license:");
	info_single(m, "description", "description:");
	info_single(m, "abi", "abi:");
	field("machine:", mv_machine_name(m->machine, buf, sizeof(buf)));
	info_single(m, "alias", "alias:");
	info_single(m, "softdep", "softdep:");

	for (size_t i = 0; i < m->exports.n; i++)
		field("export:", m->exports.v[i]);
	if (!m->exports.n)
		field("export:", "-");
	n = 0;
	for (size_t i = 1; i < m->nsyms; i++) {
		const struct mvm_sym *s = &m->syms[i];

		if (!mvm_sym_is_import(s))
			continue;
		snprintf(buf, sizeof(buf), "%s%s", s->name,
			 s->bind == STB_WEAK ? " (weak)" : "");
		field("undefined:", buf);
		n++;
	}
	if (!n)
		field("undefined:", "-");
	entry_point(m, 0, "init:");
	entry_point(m, 8, "exit:");

	/* What the loader places, by the kind of memory it needs. */
	for (size_t i = 1; i < m->nsecs; i++) {
		const struct mvm_sec *s = &m->secs[i];

		if (!(s->flags & SHF_ALLOC))
			continue;
		if (s->flags & SHF_EXECINSTR)
			text += s->size;
		else if (s->type == SHT_NOBITS)
			bss += s->size;
		else if (s->flags & SHF_WRITE)
			data += s->size;
		else
			rodata += s->size;
	}
	printf("%-13s%" PRIu64 "\n", "text:", text);
	printf("%-13s%" PRIu64 "\n", "rodata:", rodata);
	printf("%-13s%" PRIu64 "\n", "data:", data);
	printf("%-13s%" PRIu64 "\n", "bss:", bss);
	print_relocs(m);
}

static const struct option info_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_info(int argc, char **argv)
{
	int c, errs = 0, printed = 0;

	while ((c = mv_getopt(argc, argv, "h", info_opts)) != -1) {
		if (c == 'h') {
			mv_usage(stdout);
			return 0;
		}
		return 1;
	}
	if (optind >= argc) {
		mv_err(NULL, "info: no module given (see mvmod --help)");
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		struct mvm *m = mvm_load(argv[i]);

		if (!m) {
			errs++;
			continue;
		}
		if (printed++)
			putchar('\n');
		print_info(m);
		mvm_free(m);
	}
	if (fflush(stdout) || ferror(stdout)) {
		mv_err(NULL, "info: cannot write the output");
		errs++;
	}
	return errs ? 1 : 0;
}
