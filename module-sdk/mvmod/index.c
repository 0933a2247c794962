// SPDX-License-Identifier: GPL-2.0
/*
 * mvmod index: modules.idx (docs/module-format.md). Hard dependencies are
 * computed like depmod's: module A depends on module B when B exports a
 * symbol A leaves undefined and the nucleus does not provide it (the
 * loader tries the nucleus first).
 */
#include "mvmod.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct ent {
	struct mvm *m;
	const char *name;
	char *path;		/* in the initrd */
	size_t *deps;		/* indexes into the sorted entries */
	size_t ndeps;
};

struct provider {
	const char *sym;
	size_t ent;
};

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name,
		      ((const struct ent *)b)->name);
}

static int cmp_provider(const void *a, const void *b)
{
	const struct provider *x = a, *y = b;
	int c = strcmp(x->sym, y->sym);

	return c ? c : (x->ent > y->ent) - (x->ent < y->ent);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

static const struct provider *find_provider(const struct provider *p,
					    size_t n, const char *sym)
{
	struct provider key = { sym, 0 };
	size_t lo = 0, hi = n;

	/* The first provider of sym (duplicates are refused earlier). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(p[mid].sym, key.sym) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(p[lo].sym, sym) ? &p[lo] : NULL;
}

static int resolve(struct ent *e, size_t n, const struct strlist *nucleus)
{
	struct provider *prov = NULL;
	size_t nprov = 0;
	int errs = 0;

	for (size_t i = 0; i < n; i++)
		nprov += e[i].m->exports.n;
	prov = xcalloc(nprov, sizeof(*prov));
	nprov = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < e[i].m->exports.n; j++) {
			prov[nprov].sym = e[i].m->exports.v[j];
			prov[nprov++].ent = i;
		}
	}
	if (nprov)
		qsort(prov, nprov, sizeof(*prov), cmp_provider);
	for (size_t i = 0; i < nprov; i++) {
		if (strlist_find(nucleus, prov[i].sym)) {
			mv_err(e[prov[i].ent].m->path, "symbol %s is exported "
			       "by both the nucleus and module %s",
			       prov[i].sym, e[prov[i].ent].name);
			errs++;
		}
		if (i && !strcmp(prov[i - 1].sym, prov[i].sym)) {
			mv_err(e[prov[i].ent].m->path, "symbol %s is exported "
			       "by both module %s and module %s", prov[i].sym,
			       e[prov[i - 1].ent].name, e[prov[i].ent].name);
			errs++;
		}
	}

	for (size_t i = 0; i < n; i++) {
		const struct mvm *m = e[i].m;
		size_t nd;

		e[i].deps = xcalloc(m->nsyms, sizeof(*e[i].deps));
		for (size_t k = 1; k < m->nsyms; k++) {
			const struct mvm_sym *s = &m->syms[k];
			const struct provider *p;

			if (!mvm_sym_is_import(s) ||
			    strlist_find(nucleus, s->name))
				continue;
			p = find_provider(prov, nprov, s->name);
			if (p) {
				e[i].deps[e[i].ndeps++] = p->ent;
			} else if (s->bind != STB_WEAK) {
				mv_err(m->path, "module %s: undefined symbol "
				       "%s is exported by neither the nucleus "
				       "nor any module", e[i].name, s->name);
				errs++;
			}
		}
		/* Sorted entries, so index order is name order. */
		if (e[i].ndeps)
			qsort(e[i].deps, e[i].ndeps, sizeof(size_t), cmp_size);
		nd = 0;
		for (size_t a = 0; a < e[i].ndeps; a++)
			if (!nd || e[i].deps[nd - 1] != e[i].deps[a])
				e[i].deps[nd++] = e[i].deps[a];
		e[i].ndeps = nd;
	}
	free(prov);
	return errs;
}

enum { WHITE, GREY, BLACK };

static int visit(struct ent *e, size_t u, unsigned char *color,
		 size_t *stack, size_t depth)
{
	int errs = 0;

	color[u] = GREY;
	stack[depth] = u;
	for (size_t d = 0; d < e[u].ndeps; d++) {
		size_t v = e[u].deps[d];
		char *msg, *p;
		size_t len, from;

		if (color[v] == WHITE) {
			errs += visit(e, v, color, stack, depth + 1);
			continue;
		}
		if (color[v] != GREY)
			continue;
		/* v is on the stack: the cycle is v ... u -> v. */
		for (from = 0; stack[from] != v; from++)
			;
		len = strlen(e[v].name) + 1;
		for (size_t k = from; k <= depth; k++)
			len += strlen(e[stack[k]].name) + 4;
		msg = p = xmalloc(len);
		for (size_t k = from; k <= depth; k++)
			p += sprintf(p, "%s -> ", e[stack[k]].name);
		strcpy(p, e[v].name);
		mv_err(e[v].m->path, "dependency cycle: %s", msg);
		free(msg);
		errs++;
	}
	color[u] = BLACK;
	return errs;
}

static int find_cycles(struct ent *e, size_t n)
{
	unsigned char *color = xcalloc(n, 1);
	size_t *stack = xcalloc(n, sizeof(*stack));
	int errs = 0;

	for (size_t i = 0; i < n; i++)
		if (color[i] == WHITE)
			errs += visit(e, i, color, stack, 0);
	free(color);
	free(stack);
	return errs;
}

/* The values of key, sorted and without repeats. */
static void sorted_values(const struct mvm *m, const char *key,
			  struct strlist *out)
{
	const char *v;
	size_t n = 0;

	for (size_t i = 0; (v = mvm_info_get(m, key, i)); i++)
		strlist_add(out, v);
	strlist_sort(out);
	for (size_t i = 0; i < out->n; i++)
		if (!n || strcmp(out->v[n - 1], out->v[i]))
			out->v[n++] = out->v[i];
	out->n = n;
}

static int write_index(const char *path, struct ent *e, size_t n)
{
	struct outfile o;

	if (out_open(&o, path))
		return -1;
	fprintf(o.f, "modvisor-modules 1\n");
	for (size_t i = 0; i < n; i++) {
		const char *v = mvm_info_get(e[i].m, "version", 0);

		fprintf(o.f, "module %s %s %s\n", e[i].name, e[i].path,
			v ? v : "-");
	}
	for (size_t i = 0; i < n; i++) {
		struct strlist l = { 0 };

		sorted_values(e[i].m, "alias", &l);
		for (size_t k = 0; k < l.n; k++)
			fprintf(o.f, "alias %s %s\n", e[i].name, l.v[k]);
		for (size_t k = 0; k < e[i].ndeps; k++)
			fprintf(o.f, "depend %s %s\n", e[i].name,
				e[e[i].deps[k]].name);
		l.n = 0;
		sorted_values(e[i].m, "softdep", &l);
		for (size_t k = 0; k < l.n; k++)
			fprintf(o.f, "softdep %s %s\n", e[i].name, l.v[k]);
		strlist_free(&l);
	}
	return out_commit(&o);
}

static const struct option index_opts[] = {
	{ "exports", required_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "prefix", required_argument, NULL, 'p' },
	{ "machine", required_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_index(int argc, char **argv)
{
	const char *exports = NULL, *output = NULL, *prefix = "modules/";
	const char *machine = "aarch64";
	const struct mv_machine *mach;
	struct strlist nucleus = { 0 };
	struct ent *e = NULL;
	char *exbuf = NULL;
	size_t n = 0;
	int c, errs = 0;

	while ((c = mv_getopt(argc, argv, "ho:", index_opts)) != -1) {
		switch (c) {
		case 'e':
			exports = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'm':
			machine = optarg;
			break;
		case 'h':
			mv_usage(stdout);
			return 0;
		default:
			return 1;
		}
	}
	mach = mv_machine_by_name(machine);
	if (!mach) {
		mv_err(NULL, "index: unknown machine %s (known: aarch64)",
		       machine);
		errs++;
	}
	if (!exports) {
		mv_err(NULL, "index: --exports is required");
		errs++;
	}
	if (!output) {
		mv_err(NULL, "index: -o is required");
		errs++;
	}
	if (prefix[0] == '/' || (*prefix && !mv_valid_field(prefix))) {
		mv_err(NULL, "index: prefix \"%s\" must be relative, without "
		       "spaces", prefix);
		errs++;
	}
	if (optind >= argc) {
		mv_err(NULL, "index: no module given (see mvmod --help)");
		errs++;
	}
	if (errs)
		return 1;
	if (mv_read_exports(exports, &nucleus, &exbuf))
		return 1;
	strlist_sort(&nucleus);

	e = xcalloc(argc - optind, sizeof(*e));
	for (int i = optind; i < argc; i++) {
		struct mvm *m = mvm_load(argv[i]);
		const char *base;

		if (!m || mvm_verify(m, mach, NULL)) {
			mvm_free(m);
			errs++;
			continue;
		}
		base = strrchr(m->path, '/');
		base = base ? base + 1 : m->path;
		e[n].m = m;
		e[n].name = mvm_info_get(m, "name", 0);
		if (asprintf(&e[n].path, "%s%s", prefix, base) < 0) {
			mv_err(NULL, "out of memory");
			exit(1);
		}
		if (!mv_valid_field(e[n].path)) {
			mv_err(m->path, "initrd path \"%s\" contains spaces "
			       "or control characters", e[n].path);
			errs++;
		}
		n++;
	}
	if (n)
		qsort(e, n, sizeof(*e), cmp_ent);
	for (size_t i = 1; i < n; i++) {
		if (!strcmp(e[i - 1].name, e[i].name)) {
			mv_err(e[i].m->path, "module name %s is also used by "
			       "%s", e[i].name, e[i - 1].m->path);
			errs++;
		}
	}
	/* Dependencies only mean something among well-formed modules. */
	if (!errs)
		errs += resolve(e, n, &nucleus);
	if (!errs)
		errs += find_cycles(e, n);
	if (!errs && write_index(output, e, n))
		errs++;

	for (size_t i = 0; i < n; i++) {
		mvm_free(e[i].m);
		free(e[i].path);
		free(e[i].deps);
	}
	free(e);
	strlist_free(&nucleus);
	free(exbuf);
	return errs ? 1 : 0;
}
