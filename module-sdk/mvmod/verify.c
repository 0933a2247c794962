// SPDX-License-Identifier: GPL-2.0
/* mvmod verify: a module against docs/module-format.md. */
#include "mvmod.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <modvisor/module.h>

int mv_read_exports(const char *path, struct strlist *names, char **bufp)
{
	unsigned char *raw;
	size_t size, lineno = 0;
	char *buf, *line, *next;

	if (mv_read_file(path, &raw, &size))
		return -1;
	/* A terminated copy, so that the lines can be cut in place. */
	buf = xmalloc(size + 1);
	memcpy(buf, raw, size);
	buf[size] = '\0';
	free(raw);
	if (strlen(buf) != size) {
		mv_err(path, "contains a NUL byte (not a text file)");
		free(buf);
		return -1;
	}
	for (line = buf; *line; line = next) {
		size_t len;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		len = strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
			       line[len - 1] == '\t'))
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (!mv_valid_field(line)) {
			mv_err(path, "line %zu: \"%s\" is not a symbol name",
			       lineno, line);
			free(buf);
			strlist_free(names);
			return -1;
		}
		strlist_add(names, line);
	}
	*bufp = buf;
	return 0;
}

static int check_modinfo(const struct mvm *m)
{
	static const char *const single[] = {
		"version", "license", "description",
	};
	const char *v;
	size_t n;
	int errs = 0;

	if (!m->n_modinfo_secs) {
		mv_err(m->path, "no .modinfo section (no MV_MODULE?)");
		return 1;
	}
	for (size_t i = 0; i < m->modinfo.n; i++) {
		if (!strchr(m->modinfo.v[i], '=')) {
			mv_err(m->path, "malformed .modinfo entry \"%s\" "
			       "(no '=')", m->modinfo.v[i]);
			errs++;
		}
	}

	n = mvm_info_count(m, "abi");
	v = mvm_info_get(m, "abi", 0);
	if (n == 0) {
		mv_err(m->path, "no abi= in .modinfo, expected abi=%s",
		       MV_ABI_MAGIC_STR);
		errs++;
	} else if (n > 1) {
		mv_err(m->path, "%zu abi= entries in .modinfo, expected one",
		       n);
		errs++;
	} else if (strcmp(v, MV_ABI_MAGIC_STR)) {
		mv_err(m->path, "ABI magic %s, expected %s", v,
		       MV_ABI_MAGIC_STR);
		errs++;
	}

	n = mvm_info_count(m, "name");
	v = mvm_info_get(m, "name", 0);
	if (n == 0) {
		mv_err(m->path, "no name= in .modinfo");
		errs++;
	} else if (n > 1) {
		mv_err(m->path, "%zu name= entries in .modinfo, expected one",
		       n);
		errs++;
	} else if (!mv_valid_name(v)) {
		mv_err(m->path, "invalid module name \"%s\" (1 to %d of "
		       "[a-z0-9_-])", v, MV_MODULE_NAME_MAX - 1);
		errs++;
	}

	for (size_t k = 0; k < sizeof(single) / sizeof(single[0]); k++) {
		n = mvm_info_count(m, single[k]);
		if (n > 1) {
			mv_err(m->path, "%zu %s= entries in .modinfo, "
			       "expected at most one", n, single[k]);
			errs++;
		}
	}
	/* The index holds version, alias and softdep as space-free words. */
	v = mvm_info_get(m, "version", 0);
	if (v && !mv_valid_field(v)) {
		mv_err(m->path, "version \"%s\" is empty or contains spaces "
		       "or control characters", v);
		errs++;
	}
	for (size_t i = 0; (v = mvm_info_get(m, "license", i)); i++) {
		for (const char *p = v; *p; p++) {
			if ((unsigned char)*p < ' ' || *p == 0x7f) {
				mv_err(m->path, "license \"%s\" contains "
				       "control characters", v);
				errs++;
				break;
			}
		}
	}
	for (size_t i = 0; (v = mvm_info_get(m, "description", i)); i++) {
		for (const char *p = v; *p; p++) {
			if ((unsigned char)*p < ' ' || *p == 0x7f) {
				mv_err(m->path, "description \"%s\" is not "
				       "one line of text", v);
				errs++;
				break;
			}
		}
	}
	for (size_t i = 0; (v = mvm_info_get(m, "alias", i)); i++) {
		if (!mv_valid_field(v)) {
			mv_err(m->path, "alias \"%s\" is empty or contains "
			       "spaces or control characters", v);
			errs++;
		}
	}
	for (size_t i = 0; (v = mvm_info_get(m, "softdep", i)); i++) {
		if (!mv_valid_name(v)) {
			mv_err(m->path, "softdep \"%s\" is not a valid module "
			       "name", v);
			errs++;
		}
	}
	return errs;
}

static int check_module_desc(const struct mvm *m,
			     const struct mv_machine *mach, int same_machine)
{
	const struct mvm_sec *ms = m->module_sec;
	char buf[40];
	int errs = 0;

	if (m->n_module_secs == 0) {
		mv_err(m->path, "no .mv_module section (no MV_MODULE?)");
		return 1;
	}
	if (m->n_module_secs > 1) {
		mv_err(m->path, "%zu .mv_module sections, expected one",
		       m->n_module_secs);
		return 1;
	}
	if (ms->size != sizeof(struct mv_module_desc) || !ms->data) {
		mv_err(m->path, "section .mv_module: %" PRIu64 " bytes%s, "
		       "expected %zu", ms->size, ms->data ? "" :
		       " without contents", sizeof(struct mv_module_desc));
		return 1;
	}
	if (!same_machine)
		return 0;
	/* init and exit: NULL, or one 64-bit address each. */
	for (size_t i = 1; i < m->nsecs; i++) {
		const struct mvm_sec *rs = &m->secs[i];

		if (!mvm_rel_applied(m, rs) || &m->secs[rs->info] != ms)
			continue;
		for (size_t r = 0; r < rs->nrels; r++) {
			const struct mvm_rel *rel = &rs->rels[r];

			if (rel->type == mach->abs64 &&
			    (rel->offset == 0 || rel->offset == 8))
				continue;
			mv_err(m->path, "section .mv_module: relocation %s at "
			       "offset %" PRIu64 ", expected %s at 0 or 8",
			       mv_reloc_name(m->machine, rel->type, buf,
					     sizeof(buf)),
			       rel->offset,
			       mv_reloc_name(m->machine, mach->abs64, buf,
					     sizeof(buf)));
			errs++;
		}
	}
	return errs;
}

static const char *export_problem(const struct mvm *m, const char *name)
{
	const char *why = "it is not in the symbol table";

	for (size_t i = 1; i < m->nsyms; i++) {
		const struct mvm_sym *s = &m->syms[i];

		if (strcmp(s->name, name))
			continue;
		if (mvm_sym_is_defined_global(s))
			return NULL;
		if (s->shndx == SHN_UNDEF)
			why = "it is undefined";
		else if (s->shndx == SHN_COMMON)
			why = "it is common";
		else if (s->bind == STB_LOCAL)
			why = "it is local";
		else
			why = "it is not a definition";
	}
	return why;
}

static int check_exports(const struct mvm *m)
{
	int errs = 0;

	for (size_t i = 0; i < m->exports.n; i++) {
		const char *name = m->exports.v[i];
		const char *why = export_problem(m, name);
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(m->exports.v[j], name))
				break;
		if (j < i) {
			mv_err(m->path, "symbol %s is exported twice", name);
			errs++;
		} else if (why) {
			mv_err(m->path, "exported symbol %s is not a defined "
			       "global symbol (%s)", name, why);
			errs++;
		}
	}
	for (size_t i = 1; i < m->nsyms; i++) {
		if (m->syms[i].shndx == SHN_COMMON) {
			mv_err(m->path, "common symbol %s (build with "
			       "-fno-common)", m->syms[i].name);
			errs++;
		}
	}
	return errs;
}

static int check_relocs(const struct mvm *m, const struct mv_machine *mach)
{
	struct seen {
		uint32_t type;
		const char *sym;
	} *seen = NULL;
	char buf[40];
	int errs = 0;

	for (size_t i = 1; i < m->nsecs; i++) {
		const struct mvm_sec *rs = &m->secs[i];
		const char *target;
		size_t nseen = 0;

		if (!mvm_rel_applied(m, rs))
			continue;	/* debug information stays unloaded */
		target = m->secs[rs->info].name;
		if (rs->type == SHT_REL) {
			mv_err(m->path, "section %s: REL relocations are not "
			       "supported (RELA only)", rs->name);
			errs++;
			continue;
		}
		seen = xreallocarray(seen, rs->nrels, sizeof(*seen));
		for (size_t r = 0; r < rs->nrels; r++) {
			const struct mvm_rel *rel = &rs->rels[r];
			const char *sym = mvm_sym_display(m, rel->sym);
			size_t k;

			if (mv_reloc_supported(mach, rel->type))
				continue;
			/* One message per type and symbol, not per use. */
			for (k = 0; k < nseen; k++)
				if (seen[k].type == rel->type &&
				    !strcmp(seen[k].sym, sym))
					break;
			if (k < nseen)
				continue;
			seen[nseen].type = rel->type;
			seen[nseen++].sym = sym;
			mv_err(m->path, "section %s: unsupported relocation "
			       "%s against %s", target,
			       mv_reloc_name(m->machine, rel->type, buf,
					     sizeof(buf)), sym);
			errs++;
		}
	}
	free(seen);
	return errs;
}

static int check_imports(const struct mvm *m, const struct strlist *provided)
{
	int errs = 0;

	for (size_t i = 1; i < m->nsyms; i++) {
		const struct mvm_sym *s = &m->syms[i];

		/* An unresolved weak reference stays 0, as in the loader. */
		if (!mvm_sym_is_import(s) || s->bind == STB_WEAK ||
		    strlist_find(provided, s->name))
			continue;
		mv_err(m->path, "undefined symbol %s is exported by neither "
		       "the nucleus nor any module", s->name);
		errs++;
	}
	return errs;
}

int mvm_verify(const struct mvm *m, const struct mv_machine *mach,
	       const struct strlist *provided)
{
	int same_machine = m->machine == mach->em;
	char b1[40], b2[40];
	int errs = 0;

	if (!same_machine) {
		mv_err(m->path, "built for %s, expected %s",
		       mv_machine_name(m->machine, b1, sizeof(b1)),
		       mv_machine_name(mach->em, b2, sizeof(b2)));
		errs++;
	}
	errs += check_modinfo(m);
	errs += check_module_desc(m, mach, same_machine);
	errs += check_exports(m);
	/* Relocation numbers mean nothing across machines. */
	if (same_machine)
		errs += check_relocs(m, mach);
	if (provided)
		errs += check_imports(m, provided);
	return errs;
}

static const struct option verify_opts[] = {
	{ "machine", required_argument, NULL, 'm' },
	{ "exports", required_argument, NULL, 'e' },
	{ "module", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_verify(int argc, char **argv)
{
	const struct mv_machine *mach = mv_machine_by_name("aarch64");
	const char *machine = "aarch64", *exports = NULL;
	struct strlist others = { 0 }, provided = { 0 };
	struct mvm **mods, **extra;
	char *exbuf = NULL;
	int c, errs = 0;
	size_t nmods;

	while ((c = mv_getopt(argc, argv, "h", verify_opts)) != -1) {
		switch (c) {
		case 'm':
			machine = optarg;
			break;
		case 'e':
			exports = optarg;
			break;
		case 'M':
			strlist_add(&others, optarg);
			break;
		case 'h':
			mv_usage(stdout);
			strlist_free(&others);
			return 0;
		default:
			strlist_free(&others);
			return 1;
		}
	}
	mach = mv_machine_by_name(machine);
	if (!mach) {
		mv_err(NULL, "verify: unknown machine %s (known: aarch64)",
		       machine);
		errs++;
	}
	if (optind >= argc) {
		mv_err(NULL, "verify: no module given (see mvmod --help)");
		errs++;
	}
	if (errs) {
		strlist_free(&others);
		return 1;
	}
	if (exports && mv_read_exports(exports, &provided, &exbuf))
		errs++;

	extra = xcalloc(others.n, sizeof(*extra));
	for (size_t i = 0; i < others.n; i++) {
		extra[i] = mvm_load(others.v[i]);
		if (!extra[i])
			errs++;
	}
	nmods = argc - optind;
	mods = xcalloc(nmods, sizeof(*mods));
	for (size_t i = 0; i < nmods; i++)
		mods[i] = mvm_load(argv[optind + i]);

	/* The modules checked together may also import from each other. */
	for (size_t i = 0; i < others.n; i++)
		for (size_t j = 0; extra[i] && j < extra[i]->exports.n; j++)
			strlist_add(&provided, extra[i]->exports.v[j]);
	for (size_t i = 0; i < nmods; i++)
		for (size_t j = 0; mods[i] && j < mods[i]->exports.n; j++)
			strlist_add(&provided, mods[i]->exports.v[j]);
	strlist_sort(&provided);

	for (size_t i = 0; i < nmods; i++) {
		if (!mods[i])
			errs++;
		else if (mvm_verify(mods[i], mach,
				    exports && exbuf ? &provided : NULL))
			errs++;
	}

	for (size_t i = 0; i < nmods; i++)
		mvm_free(mods[i]);
	for (size_t i = 0; i < others.n; i++)
		mvm_free(extra[i]);
	free(mods);
	free(extra);
	strlist_free(&provided);
	strlist_free(&others);
	free(exbuf);
	return errs ? 1 : 0;
}
