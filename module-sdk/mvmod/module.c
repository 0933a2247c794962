// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a module file. Everything a later step looks at is checked here
 * first (offsets and sizes against the file, string and symbol indexes
 * against their tables), so that a truncated or corrupt file ends in one
 * clear message instead of a wild read.
 */
#include "mvmod.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *elf_type_name(unsigned int type)
{
	switch (type) {
	case ET_NONE:
		return "ET_NONE";
	case ET_EXEC:
		return "ET_EXEC";
	case ET_DYN:
		return "ET_DYN";
	case ET_CORE:
		return "ET_CORE";
	default:
		return "unknown";
	}
}

/*
 * The raw ELF header, before libelf sees the image: libelf trusts some of
 * these fields more than a file from the outside deserves.
 */
static int check_header(struct mvm *m)
{
	const unsigned char *id = m->image;
	size_t size = m->image_size;
	Elf64_Ehdr eh;
	Elf64_Shdr sh0;
	uint64_t shnum, shstrndx;

	if (size < SELFMAG) {
		if (size && !memcmp(id, ELFMAG, size)) {
			mv_err(m->path, "truncated ELF header (%zu bytes)",
			       size);
			return -1;
		}
		mv_err(m->path, "not an ELF relocatable object");
		return -1;
	}
	if (memcmp(id, ELFMAG, SELFMAG)) {
		mv_err(m->path, "not an ELF relocatable object");
		return -1;
	}
	if (size < sizeof(eh)) {
		mv_err(m->path, "truncated ELF header (%zu bytes)", size);
		return -1;
	}
	if (id[EI_CLASS] != ELFCLASS64) {
		mv_err(m->path, "not an ELF64 object (ELF class %u)",
		       id[EI_CLASS]);
		return -1;
	}
	if (id[EI_DATA] != ELFDATA2LSB) {
		mv_err(m->path, "not a little-endian ELF object");
		return -1;
	}
	if (id[EI_VERSION] != EV_CURRENT) {
		mv_err(m->path, "unsupported ELF version %u", id[EI_VERSION]);
		return -1;
	}
	memcpy(&eh, id, sizeof(eh));
	if (eh.e_type != ET_REL) {
		mv_err(m->path,
		       "not an ELF relocatable object (ELF type %s)",
		       elf_type_name(eh.e_type));
		return -1;
	}
	if (eh.e_shoff == 0) {
		mv_err(m->path, "no section header table");
		return -1;
	}
	if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
		mv_err(m->path, "section header size %u, expected %zu",
		       eh.e_shentsize, sizeof(Elf64_Shdr));
		return -1;
	}
	if (eh.e_shoff > size || size - eh.e_shoff < sizeof(sh0)) {
		mv_err(m->path, "truncated: section header table at offset "
		       "%" PRIu64 " is past the end of the file (%zu bytes)",
		       eh.e_shoff, size);
		return -1;
	}
	memcpy(&sh0, id + eh.e_shoff, sizeof(sh0));
	/* Extended numbering keeps the real counts in section 0. */
	shnum = eh.e_shnum ? eh.e_shnum : sh0.sh_size;
	shstrndx = eh.e_shstrndx != SHN_XINDEX ? eh.e_shstrndx : sh0.sh_link;
	if (shnum > (size - eh.e_shoff) / sizeof(sh0)) {
		mv_err(m->path, "truncated: section header table (%" PRIu64
		       " entries at offset %" PRIu64 ") is past the end of "
		       "the file (%zu bytes)", shnum, eh.e_shoff, size);
		return -1;
	}
	if (shstrndx == SHN_UNDEF || shstrndx >= shnum) {
		mv_err(m->path, "section name table index %" PRIu64
		       " out of range (%" PRIu64 " sections)",
		       shstrndx, shnum);
		return -1;
	}
	return 0;
}

/* A NUL-terminated string at off in a string table, or NULL. */
static const char *str_at(const struct mvm_sec *tab, uint64_t off)
{
	if (!tab->data || off >= tab->size)
		return NULL;
	if (!memchr(tab->data + off, 0, tab->size - off))
		return NULL;
	return (const char *)tab->data + off;
}

/* The contents of a section with any, once they are known to fit. */
static int map_section(struct mvm *m, size_t idx, const GElf_Shdr *sh,
		       const char *name)
{
	struct mvm_sec *s = &m->secs[idx];

	if (s->type == SHT_NOBITS || s->type == SHT_NULL)
		return 0;
	if (sh->sh_offset > m->image_size ||
	    s->size > m->image_size - sh->sh_offset) {
		mv_err(m->path, "truncated or corrupt: section %s (%" PRIu64
		       " bytes at offset %" PRIu64 ") runs past the end of "
		       "the file (%zu bytes)", name, s->size,
		       (uint64_t)sh->sh_offset, m->image_size);
		return -1;
	}
	s->data = m->image + sh->sh_offset;
	return 0;
}

static int load_sections(struct mvm *m)
{
	size_t shnum, shstrndx;
	GElf_Shdr *sh;
	char what[32];
	int ret = -1;

	if (elf_getshdrnum(m->elf, &shnum) ||
	    elf_getshdrstrndx(m->elf, &shstrndx)) {
		mv_err(m->path, "cannot read section headers: %s",
		       elf_errmsg(-1));
		return -1;
	}
	if (shnum == 0 || shstrndx == 0 || shstrndx >= shnum) {
		mv_err(m->path, "no usable section headers");
		return -1;
	}
	sh = xcalloc(shnum, sizeof(*sh));
	m->secs = xcalloc(shnum, sizeof(*m->secs));
	m->nsecs = shnum;
	for (size_t i = 0; i < shnum; i++) {
		struct mvm_sec *s = &m->secs[i];
		Elf_Scn *scn = elf_getscn(m->elf, i);

		if (!scn || !gelf_getshdr(scn, &sh[i])) {
			mv_err(m->path, "cannot read section header %zu: %s",
			       i, elf_errmsg(-1));
			goto out;
		}
		s->name = "";
		s->type = i ? sh[i].sh_type : SHT_NULL;
		s->flags = sh[i].sh_flags;
		s->size = sh[i].sh_size;
		s->link = sh[i].sh_link;
		s->info = sh[i].sh_info;
		s->entsize = sh[i].sh_entsize;
	}
	/* Names first, so that later messages can use them. */
	if (m->secs[shstrndx].type != SHT_STRTAB) {
		mv_err(m->path, "section name table (section %zu) is not a "
		       "string table", shstrndx);
		goto out;
	}
	snprintf(what, sizeof(what), "%zu (names)", shstrndx);
	if (map_section(m, shstrndx, &sh[shstrndx], what))
		goto out;
	for (size_t i = 1; i < shnum; i++) {
		const char *name = str_at(&m->secs[shstrndx], sh[i].sh_name);

		if (!name) {
			mv_err(m->path, "section %zu: name offset %u is "
			       "outside the section name table", i,
			       sh[i].sh_name);
			goto out;
		}
		m->secs[i].name = name;
	}
	for (size_t i = 1; i < shnum; i++)
		if (i != shstrndx && map_section(m, i, &sh[i],
						 m->secs[i].name))
			goto out;
	ret = 0;
out:
	free(sh);
	return ret;
}

/* The section's data as libelf converts it, covering the whole section. */
static Elf_Data *sec_data(struct mvm *m, size_t idx)
{
	Elf_Scn *scn = elf_getscn(m->elf, idx);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;

	if (!d) {
		mv_err(m->path, "section %s: cannot read: %s",
		       m->secs[idx].name, elf_errmsg(-1));
		return NULL;
	}
	if (d->d_size != m->secs[idx].size) {
		mv_err(m->path, "section %s: libelf read %zu of %" PRIu64
		       " bytes", m->secs[idx].name, d->d_size,
		       m->secs[idx].size);
		return NULL;
	}
	return d;
}

static int check_table(struct mvm *m, size_t idx, size_t entsize)
{
	const struct mvm_sec *s = &m->secs[idx];

	if (s->entsize != entsize) {
		mv_err(m->path, "section %s: entry size %" PRIu64
		       ", expected %zu", s->name, s->entsize, entsize);
		return -1;
	}
	if (s->size % entsize) {
		mv_err(m->path, "section %s: size %" PRIu64 " is not a "
		       "multiple of %zu", s->name, s->size, entsize);
		return -1;
	}
	return 0;
}

static size_t symtab_index(const struct mvm *m)
{
	for (size_t i = 1; i < m->nsecs; i++)
		if (m->secs[i].type == SHT_SYMTAB)
			return i;
	return 0;
}

static int load_symbols(struct mvm *m)
{
	size_t symtab = 0, count = 0;
	const struct mvm_sec *strtab;
	Elf_Data *d;

	for (size_t i = 1; i < m->nsecs; i++) {
		if (m->secs[i].type == SHT_SYMTAB) {
			symtab = symtab ? symtab : i;
			count++;
		}
	}
	if (count == 0) {
		mv_err(m->path, "no symbol table");
		return -1;
	}
	if (count > 1) {
		mv_err(m->path, "%zu symbol tables, expected one", count);
		return -1;
	}
	if (check_table(m, symtab, sizeof(Elf64_Sym)))
		return -1;
	if (m->secs[symtab].link == 0 ||
	    m->secs[symtab].link >= m->nsecs ||
	    m->secs[m->secs[symtab].link].type != SHT_STRTAB) {
		mv_err(m->path, "section %s: its string table (section %u) "
		       "is not a string table", m->secs[symtab].name,
		       m->secs[symtab].link);
		return -1;
	}
	strtab = &m->secs[m->secs[symtab].link];
	d = sec_data(m, symtab);
	if (!d)
		return -1;
	m->nsyms = m->secs[symtab].size / sizeof(Elf64_Sym);
	m->syms = xcalloc(m->nsyms, sizeof(*m->syms));
	for (size_t i = 0; i < m->nsyms; i++) {
		struct mvm_sym *s = &m->syms[i];
		GElf_Sym sym;

		if (!gelf_getsym(d, i, &sym)) {
			mv_err(m->path, "symbol %zu: cannot read: %s", i,
			       elf_errmsg(-1));
			return -1;
		}
		s->name = str_at(strtab, sym.st_name);
		if (!s->name) {
			mv_err(m->path, "symbol %zu: name offset %u is "
			       "outside the string table %s", i, sym.st_name,
			       strtab->name);
			return -1;
		}
		s->value = sym.st_value;
		s->size = sym.st_size;
		s->shndx = sym.st_shndx;
		s->bind = GELF_ST_BIND(sym.st_info);
		s->type = GELF_ST_TYPE(sym.st_info);
		if (s->shndx == SHN_UNDEF || s->shndx == SHN_ABS ||
		    s->shndx == SHN_COMMON)
			continue;
		if (s->shndx == SHN_XINDEX) {
			mv_err(m->path, "symbol %zu: extended section "
			       "indexes are not supported", i);
			return -1;
		}
		if (s->shndx >= m->nsecs) {
			mv_err(m->path, "symbol %zu (%s): section index %u "
			       "out of range (%zu sections)", i,
			       *s->name ? s->name : "unnamed", s->shndx,
			       m->nsecs);
			return -1;
		}
	}
	return 0;
}

static int load_relocs(struct mvm *m, struct mvm_sec *s, size_t idx)
{
	int rela = s->type == SHT_RELA;
	const struct mvm_sec *target;
	Elf_Data *d;

	if (check_table(m, idx, rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel)))
		return -1;
	if (s->link != symtab_index(m)) {
		mv_err(m->path, "section %s: section %u is not the symbol "
		       "table", s->name, s->link);
		return -1;
	}
	if (s->info == 0 || s->info >= m->nsecs) {
		mv_err(m->path, "section %s: target section %u does not "
		       "exist", s->name, s->info);
		return -1;
	}
	target = &m->secs[s->info];
	s->nrels = s->size / (rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel));
	if (s->nrels && !target->data) {
		mv_err(m->path, "section %s: relocates %s, which has no "
		       "contents", s->name, target->name);
		return -1;
	}
	d = sec_data(m, idx);
	if (!d)
		return -1;
	s->rels = xcalloc(s->nrels, sizeof(*s->rels));
	for (size_t i = 0; i < s->nrels; i++) {
		struct mvm_rel *r = &s->rels[i];
		GElf_Rela ra;
		GElf_Rel rl;

		if (rela ? !gelf_getrela(d, i, &ra) : !gelf_getrel(d, i, &rl)) {
			mv_err(m->path, "section %s: relocation %zu: cannot "
			       "read: %s", s->name, i, elf_errmsg(-1));
			return -1;
		}
		if (!rela) {
			ra.r_offset = rl.r_offset;
			ra.r_info = rl.r_info;
			ra.r_addend = 0;
		}
		r->offset = ra.r_offset;
		r->addend = ra.r_addend;
		r->type = GELF_R_TYPE(ra.r_info);
		r->sym = GELF_R_SYM(ra.r_info);
		if (r->sym >= m->nsyms) {
			mv_err(m->path, "section %s: relocation %zu: symbol "
			       "index %u out of range (%zu symbols)", s->name,
			       i, r->sym, m->nsyms);
			return -1;
		}
		if (r->offset >= target->size) {
			mv_err(m->path, "section %s: relocation %zu: offset "
			       "%#" PRIx64 " is past the end of %s (%" PRIu64
			       " bytes)", s->name, i, r->offset, target->name,
			       target->size);
			return -1;
		}
	}
	return 0;
}

/* Splits a section of NUL-terminated strings, skipping empty ones. */
static int split_strings(struct mvm *m, const struct mvm_sec *s,
			 struct strlist *out)
{
	const char *p, *end;

	if (!s->data) {
		mv_err(m->path, "section %s has no contents", s->name);
		return -1;
	}
	if (s->size && s->data[s->size - 1]) {
		mv_err(m->path, "section %s is not NUL-terminated", s->name);
		return -1;
	}
	p = (const char *)s->data;
	end = p + s->size;
	while (p < end) {
		size_t len = strlen(p);

		if (len)
			strlist_add(out, p);
		p += len + 1;
	}
	return 0;
}

static int load_metadata(struct mvm *m)
{
	for (size_t i = 1; i < m->nsecs; i++) {
		struct mvm_sec *s = &m->secs[i];

		if (s->type == SHT_RELA || s->type == SHT_REL) {
			if (load_relocs(m, s, i))
				return -1;
		} else if (!strcmp(s->name, ".modinfo")) {
			m->n_modinfo_secs++;
			if (split_strings(m, s, &m->modinfo))
				return -1;
		} else if (!strcmp(s->name, ".mv_exports")) {
			if (split_strings(m, s, &m->exports))
				return -1;
		} else if (!strcmp(s->name, ".mv_module")) {
			if (!m->n_module_secs++)
				m->module_sec = s;
		}
	}
	return 0;
}

struct mvm *mvm_load(const char *path)
{
	struct mvm *m = xcalloc(1, sizeof(*m));
	GElf_Ehdr eh;

	m->path = path;
	if (mv_read_file(path, &m->image, &m->image_size))
		goto fail;
	if (check_header(m))
		goto fail;
	m->elf = elf_memory((char *)m->image, m->image_size);
	if (!m->elf || elf_kind(m->elf) != ELF_K_ELF ||
	    !gelf_getehdr(m->elf, &eh)) {
		mv_err(path, "cannot read ELF file: %s", elf_errmsg(-1));
		goto fail;
	}
	m->machine = eh.e_machine;
	if (load_sections(m) || load_symbols(m) || load_metadata(m))
		goto fail;
	return m;
fail:
	mvm_free(m);
	return NULL;
}

void mvm_free(struct mvm *m)
{
	if (!m)
		return;
	if (m->elf)
		elf_end(m->elf);
	for (size_t i = 0; i < m->nsecs; i++)
		free(m->secs[i].rels);
	free(m->secs);
	free(m->syms);
	strlist_free(&m->modinfo);
	strlist_free(&m->exports);
	free(m->image);
	free(m);
}

/* The value of a "key=value" entry, or NULL if it is another key. */
static const char *info_value(const char *entry, const char *key)
{
	size_t len = strlen(key);

	if (strncmp(entry, key, len) || entry[len] != '=')
		return NULL;
	return entry + len + 1;
}

size_t mvm_info_count(const struct mvm *m, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < m->modinfo.n; i++)
		if (info_value(m->modinfo.v[i], key))
			n++;
	return n;
}

const char *mvm_info_get(const struct mvm *m, const char *key, size_t n)
{
	for (size_t i = 0; i < m->modinfo.n; i++) {
		const char *v = info_value(m->modinfo.v[i], key);

		if (v && !n--)
			return v;
	}
	return NULL;
}

const char *mvm_sym_display(const struct mvm *m, uint32_t idx)
{
	const struct mvm_sym *s;

	if (idx == 0 || idx >= m->nsyms)
		return "(no symbol)";
	s = &m->syms[idx];
	if (s->type == STT_SECTION && s->shndx < m->nsecs &&
	    s->shndx != SHN_UNDEF)
		return m->secs[s->shndx].name;
	return *s->name ? s->name : "(unnamed symbol)";
}

int mvm_sym_is_import(const struct mvm_sym *s)
{
	return s->shndx == SHN_UNDEF && *s->name &&
	       (s->bind == STB_GLOBAL || s->bind == STB_WEAK);
}

int mvm_sym_is_defined_global(const struct mvm_sym *s)
{
	return s->shndx != SHN_UNDEF && s->shndx != SHN_COMMON &&
	       (s->bind == STB_GLOBAL || s->bind == STB_WEAK) &&
	       s->type != STT_SECTION && s->type != STT_FILE;
}

int mvm_rel_applied(const struct mvm *m, const struct mvm_sec *s)
{
	return (s->type == SHT_RELA || s->type == SHT_REL) &&
	       s->info < m->nsecs && (m->secs[s->info].flags & SHF_ALLOC);
}
