// SPDX-License-Identifier: GPL-2.0
/*
 * Module loader (DESIGN §4). A module image is untrusted bytes: every
 * offset, size, index and string is checked before use, and any failure
 * undoes all that was done and names the module, section or symbol and the
 * reason. Loads and unloads are serialised by one mutex; module init and
 * exit run under it, so they may sleep but must not load modules.
 */
#include <mv/elf.h>
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/module.h>
#include <mv/module_arch.h>
#include <mv/mutex.h>
#include <mv/time.h>
#include <modvisor/command.h>
#include <modvisor/device.h>
#include <string.h>

static struct mv_list modules = MV_LIST_INIT(modules);
static struct mv_mutex module_lock = MV_MUTEX_INIT(module_lock);
static unsigned int nr_modules;

/* Everything the loader knows about an image while loading it. */
struct loader {
	const u8 *image;
	size_t size;
	const char *origin;
	const char *name;	/* module name once known, else origin */
	const struct mv_elf64_ehdr *ehdr;
	const struct mv_elf64_shdr *shdrs;
	unsigned int shnum;
	const char *shstrtab;
	size_t shstrtab_size;
	const struct mv_elf64_sym *syms;
	unsigned int nsyms;
	const char *strtab;
	size_t strtab_size;
	u64 *sec_addr;		/* run-time address of each SHF_ALLOC section */
	u64 *sym_value;		/* resolved value of each symbol */
	struct mv_module *mod;
	bool reported;		/* the error message is out */
};

static struct mv_module *mv_module_find_locked(const char *name);

/* Every failed load logs exactly one message: the first one. */
#define fail(ld, fmt, ...) \
	do { \
		if (!(ld)->reported) \
			mv_log(MV_LOG_ERR, "module: %s: " fmt "\n", (ld)->name, \
			       ##__VA_ARGS__); \
		(ld)->reported = true; \
	} while (0)

static const char *sec_name(const struct loader *ld, unsigned int i)
{
	u32 off = ld->shdrs[i].sh_name;

	if (off >= ld->shstrtab_size ||
	    !memchr(ld->shstrtab + off, 0, ld->shstrtab_size - off))
		return "<bad section name>";
	return ld->shstrtab + off;
}

static const char *sym_name(const struct loader *ld, unsigned int i)
{
	u32 off = ld->syms[i].st_name;

	if (off >= ld->strtab_size ||
	    !memchr(ld->strtab + off, 0, ld->strtab_size - off))
		return NULL;
	return ld->strtab + off;
}

static bool range_ok(const struct loader *ld, u64 off, u64 size)
{
	return off <= ld->size && size <= ld->size - off;
}

static int check_headers(struct loader *ld)
{
	const struct mv_elf64_ehdr *eh = ld->ehdr;
	const struct mv_elf64_shdr *strsec;

	if (ld->size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4)) {
		fail(ld, "not an ELF file (%s)",
		     ld->size < sizeof(*eh) ? "truncated header" : "bad magic");
		return -MV_ENOEXEC;
	}
	if (eh->e_ident[4] != MV_ELFCLASS64 ||
	    eh->e_ident[5] != MV_ELFDATA2LSB) {
		fail(ld, "not a 64-bit little-endian ELF file");
		return -MV_ENOEXEC;
	}
	if (eh->e_type != MV_ET_REL) {
		fail(ld, "not a relocatable object (ELF type %u)", eh->e_type);
		return -MV_ENOEXEC;
	}
	if (eh->e_machine != mv_arch_module_machine) {
		fail(ld, "built for ELF machine %u, this nucleus loads %s "
		     "(%u)", eh->e_machine, mv_arch_module_machine_name,
		     mv_arch_module_machine);
		return -MV_ENOEXEC;
	}
	if (eh->e_shentsize != sizeof(struct mv_elf64_shdr) ||
	    eh->e_shnum == 0 || eh->e_shnum >= MV_SHN_LORESERVE ||
	    (eh->e_shoff & 7) ||
	    !range_ok(ld, eh->e_shoff,
		      (u64)eh->e_shnum * sizeof(struct mv_elf64_shdr))) {
		fail(ld, "section header table is truncated or malformed");
		return -MV_ENOEXEC;
	}
	ld->shdrs = (const void *)(ld->image + eh->e_shoff);
	ld->shnum = eh->e_shnum;
	if (eh->e_shstrndx == 0 || eh->e_shstrndx >= ld->shnum) {
		fail(ld, "section name table index %u is out of range",
		     eh->e_shstrndx);
		return -MV_ENOEXEC;
	}
	for (unsigned int i = 1; i < ld->shnum; i++) {
		const struct mv_elf64_shdr *sh = &ld->shdrs[i];

		if (sh->sh_type != MV_SHT_NOBITS &&
		    !range_ok(ld, sh->sh_offset, sh->sh_size)) {
			fail(ld, "section %u runs past the end of the file", i);
			return -MV_ENOEXEC;
		}
		if (sh->sh_addralign > 4096 ||
		    (sh->sh_addralign & (sh->sh_addralign - 1))) {
			fail(ld, "section %u has alignment %lu (at most 4096, "
			     "a power of two)", i,
			     (unsigned long)sh->sh_addralign);
			return -MV_ENOEXEC;
		}
		if ((sh->sh_flags & MV_SHF_ALLOC) && sh->sh_size > MV_MIB(64)) {
			fail(ld, "section %u is implausibly large", i);
			return -MV_ENOEXEC;
		}
	}
	strsec = &ld->shdrs[eh->e_shstrndx];
	if (strsec->sh_type != MV_SHT_STRTAB) {
		fail(ld, "section name table is not a string table");
		return -MV_ENOEXEC;
	}
	ld->shstrtab = (const char *)ld->image + strsec->sh_offset;
	ld->shstrtab_size = strsec->sh_size;
	return 0;
}

static int find_section(const struct loader *ld, const char *name)
{
	int found = -1;

	for (unsigned int i = 1; i < ld->shnum; i++) {
		if (strcmp(sec_name(ld, i), name))
			continue;
		if (found >= 0)
			return -2;
		found = i;
	}
	return found;
}

static int find_symtab(struct loader *ld)
{
	const struct mv_elf64_shdr *sym = NULL, *str;

	for (unsigned int i = 1; i < ld->shnum; i++) {
		if (ld->shdrs[i].sh_type != MV_SHT_SYMTAB)
			continue;
		if (sym) {
			fail(ld, "more than one symbol table");
			return -MV_ENOEXEC;
		}
		sym = &ld->shdrs[i];
	}
	if (!sym) {
		fail(ld, "no symbol table");
		return -MV_ENOEXEC;
	}
	if (sym->sh_entsize != sizeof(struct mv_elf64_sym) ||
	    sym->sh_size % sizeof(struct mv_elf64_sym) || (sym->sh_offset & 7) ||
	    sym->sh_link == 0 || sym->sh_link >= ld->shnum ||
	    ld->shdrs[sym->sh_link].sh_type != MV_SHT_STRTAB) {
		fail(ld, "malformed symbol table");
		return -MV_ENOEXEC;
	}
	str = &ld->shdrs[sym->sh_link];
	ld->syms = (const void *)(ld->image + sym->sh_offset);
	ld->nsyms = sym->sh_size / sizeof(struct mv_elf64_sym);
	ld->strtab = (const char *)ld->image + str->sh_offset;
	ld->strtab_size = str->sh_size;
	return 0;
}

static bool valid_module_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= MV_MODULE_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

/* .modinfo: key=value strings; abi and name are required, once each. */
static int parse_modinfo(struct loader *ld)
{
	struct mv_module *m = ld->mod;
	int idx = find_section(ld, ".modinfo");
	const struct mv_elf64_shdr *sh;
	const char *abi = NULL, *name = NULL;
	unsigned int abis = 0, names = 0;

	if (idx < 0) {
		fail(ld, "%s", idx == -1 ? "no .modinfo section (not built "
			 "with MV_MODULE?)" : "two .modinfo sections");
		return -MV_ENOEXEC;
	}
	sh = &ld->shdrs[idx];
	if (sh->sh_type != MV_SHT_PROGBITS || sh->sh_size == 0 ||
	    ld->image[sh->sh_offset + sh->sh_size - 1] != '\0') {
		fail(ld, "section .modinfo is not a list of strings");
		return -MV_ENOEXEC;
	}
	m->modinfo = mv_malloc(sh->sh_size);
	if (!m->modinfo)
		return -MV_ENOMEM;
	memcpy(m->modinfo, ld->image + sh->sh_offset, sh->sh_size);
	m->modinfo_size = sh->sh_size;
	for (size_t off = 0; off < m->modinfo_size;
	     off += strlen(m->modinfo + off) + 1) {
		const char *kv = m->modinfo + off;

		if (!strncmp(kv, "abi=", 4))
			abi = kv + 4, abis++;
		else if (!strncmp(kv, "name=", 5))
			name = kv + 5, names++;
		else if (!strncmp(kv, "version=", 8))
			m->version = kv + 8;
		else if (!strncmp(kv, "license=", 8))
			m->license = kv + 8;
		else if (!strncmp(kv, "description=", 12))
			m->description = kv + 12;
	}
	if (names != 1 || !valid_module_name(name)) {
		fail(ld, "needs exactly one valid name= in .modinfo (found %u)",
		     names);
		return -MV_ENOEXEC;
	}
	memcpy(m->name, name, strlen(name) + 1);
	ld->name = m->name;
	if (abis != 1 || strcmp(abi, MV_ABI_MAGIC_STR)) {
		fail(ld, "wrong module ABI: built for %s, this nucleus has %s",
		     abis == 1 ? abi : "none", MV_ABI_MAGIC_STR);
		return -MV_ENOEXEC;
	}
	return 0;
}

static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

enum region { REGION_TEXT, REGION_RODATA, REGION_DATA, NR_REGIONS };

static enum region section_region(const struct mv_elf64_shdr *sh)
{
	if (sh->sh_flags & MV_SHF_EXECINSTR)
		return REGION_TEXT;
	if (sh->sh_flags & MV_SHF_WRITE)
		return REGION_DATA;
	return REGION_RODATA;
}

static bool is_table_section(const char *name)
{
	return !strcmp(name, ".mv_module") || !strcmp(name, ".mv_commands") ||
	       !strcmp(name, ".mv_drivers") || !strcmp(name, ".mv_emulators");
}

/* Place every SHF_ALLOC section: text, then rodata, then data, page apart. */
static int layout_and_copy(struct loader *ld)
{
	struct mv_module *m = ld->mod;
	u64 size[NR_REGIONS] = { 0 }, start[NR_REGIONS];
	u64 *offset;
	u64 total = 0;

	offset = mv_calloc(ld->shnum, sizeof(*offset));
	ld->sec_addr = mv_calloc(ld->shnum, sizeof(*ld->sec_addr));
	if (!offset || !ld->sec_addr) {
		mv_free(offset);
		return -MV_ENOMEM;
	}
	for (unsigned int i = 1; i < ld->shnum; i++) {
		const struct mv_elf64_shdr *sh = &ld->shdrs[i];
		enum region r;
		u64 align = sh->sh_addralign ? sh->sh_addralign : 1;

		if (!(sh->sh_flags & MV_SHF_ALLOC) || sh->sh_size == 0)
			continue;
		r = section_region(sh);
		/* Declaration tables are read as structs: align them. */
		if (align < 8 && is_table_section(sec_name(ld, i)))
			align = 8;
		size[r] = MV_ALIGN_UP(size[r], align);
		offset[i] = size[r];
		size[r] += sh->sh_size;
	}
	for (int r = 0; r < NR_REGIONS; r++) {
		start[r] = total;
		total += MV_ALIGN_UP(size[r], MV_PAGE_SIZE);
	}
	m->text_size = size[REGION_TEXT];
	m->rodata_size = size[REGION_RODATA];
	m->data_size = size[REGION_DATA];
	m->mem_pages = total / MV_PAGE_SIZE;
	if (m->mem_pages) {
		m->mem = mv_module_mem_alloc(m->mem_pages);
		if (!m->mem) {
			fail(ld, "no module memory for %lu KiB",
			     (unsigned long)(total >> 10));
			mv_free(offset);
			return -MV_ENOMEM;
		}
	}
	m->sections = mv_calloc(ld->shnum, sizeof(*m->sections));
	if (!m->sections) {
		mv_free(offset);
		return -MV_ENOMEM;
	}
	for (unsigned int i = 1; i < ld->shnum; i++) {
		const struct mv_elf64_shdr *sh = &ld->shdrs[i];
		struct mv_module_section *sec;
		u8 *dst;

		if (!(sh->sh_flags & MV_SHF_ALLOC) || sh->sh_size == 0)
			continue;
		dst = (u8 *)m->mem + start[section_region(sh)] + offset[i];
		ld->sec_addr[i] = (uintptr_t)dst;
		if (sh->sh_type != MV_SHT_NOBITS)
			memcpy(dst, ld->image + sh->sh_offset, sh->sh_size);
		sec = &m->sections[m->nr_sections++];
		copy_text(sec->name, sizeof(sec->name), sec_name(ld, i));
		sec->addr = (uintptr_t)dst;
		sec->size = sh->sh_size;
	}
	mv_free(offset);
	return 0;
}

static bool has_dep(const struct mv_module *m, const struct mv_module *dep)
{
	for (unsigned int i = 0; i < m->nr_deps; i++)
		if (m->deps[i] == dep)
			return true;
	return false;
}

static int add_dep(struct mv_module *m, struct mv_module *dep)
{
	struct mv_module **deps;

	if (has_dep(m, dep))
		return 0;
	deps = mv_malloc((m->nr_deps + 1) * sizeof(*deps));
	if (!deps)
		return -MV_ENOMEM;
	if (m->nr_deps)
		memcpy(deps, m->deps, m->nr_deps * sizeof(*deps));
	mv_free(m->deps);
	m->deps = deps;
	m->deps[m->nr_deps++] = dep;
	return 0;
}

static u64 module_export(const char *name, struct mv_module **owner)
{
	struct mv_list *pos;

	mv_list_for_each(pos, &modules) {
		struct mv_module *m = mv_list_entry(pos, struct mv_module, node);

		for (unsigned int i = 0; i < m->nr_exports; i++) {
			if (!strcmp(m->exports[i].name, name)) {
				*owner = m;
				return m->exports[i].addr;
			}
		}
	}
	return 0;
}

/*
 * Refuse unsupported relocation types before resolving symbols, so a
 * module built with the wrong flags (-fpic: GOT) is told so, naming the
 * section and type, rather than failing on _GLOBAL_OFFSET_TABLE_.
 */
static int check_relocation_types(struct loader *ld)
{
	for (unsigned int i = 1; i < ld->shnum; i++) {
		const struct mv_elf64_shdr *sh = &ld->shdrs[i];
		const struct mv_elf64_rela *rela;

		if (sh->sh_type != MV_SHT_RELA || sh->sh_info == 0 ||
		    sh->sh_info >= ld->shnum ||
		    !(ld->shdrs[sh->sh_info].sh_flags & MV_SHF_ALLOC) ||
		    sh->sh_entsize != sizeof(*rela) ||
		    sh->sh_size % sizeof(*rela) || (sh->sh_offset & 7))
			continue;	/* apply_relocations() reports these */
		rela = (const void *)(ld->image + sh->sh_offset);
		for (size_t r = 0; r < sh->sh_size / sizeof(*rela); r++) {
			u32 type = MV_ELF64_R_TYPE(rela[r].r_info);

			u32 symi = MV_ELF64_R_SYM(rela[r].r_info);
			const char *sym = symi < ld->nsyms ?
					  sym_name(ld, symi) : NULL;

			if (!mv_arch_module_reloc_name(type)) {
				fail(ld, "section %s: unsupported relocation "
				     "type %u against %s (not built with the "
				     "SDK flags?)", sec_name(ld, sh->sh_info),
				     type, sym && *sym ? sym : "a section");
				return -MV_ENOEXEC;
			}
		}
	}
	return 0;
}

static int resolve_symbols(struct loader *ld)
{
	ld->sym_value = mv_calloc(ld->nsyms ? ld->nsyms : 1, sizeof(u64));
	if (!ld->sym_value)
		return -MV_ENOMEM;
	for (unsigned int i = 1; i < ld->nsyms; i++) {
		const struct mv_elf64_sym *s = &ld->syms[i];
		const char *name = sym_name(ld, i);
		struct mv_module *owner = NULL;
		u64 v;

		if (!name) {
			fail(ld, "symbol %u has a bad name", i);
			return -MV_ENOEXEC;
		}
		switch (s->st_shndx) {
		case MV_SHN_UNDEF:
			if (!*name)
				continue;
			v = mv_nucleus_symbol(name);
			if (!v)
				v = module_export(name, &owner);
			if (!v) {
				if (MV_ELF64_ST_BIND(s->st_info) == MV_STB_WEAK)
					continue;
				fail(ld, "undefined symbol %s", name);
				return -MV_ENOENT;
			}
			if (owner && add_dep(ld->mod, owner))
				return -MV_ENOMEM;
			ld->sym_value[i] = v;
			break;
		case MV_SHN_ABS:
			ld->sym_value[i] = s->st_value;
			break;
		case MV_SHN_COMMON:
			fail(ld, "common symbol %s (build with -fno-common)",
			     name);
			return -MV_ENOEXEC;
		default:
			if (s->st_shndx >= ld->shnum) {
				fail(ld, "symbol %s is in section %u, which "
				     "does not exist", name, s->st_shndx);
				return -MV_ENOEXEC;
			}
			/* Symbols in non-loaded sections (debug) stay 0. */
			if (ld->sec_addr[s->st_shndx])
				ld->sym_value[i] =
					ld->sec_addr[s->st_shndx] + s->st_value;
			break;
		}
	}
	return 0;
}

static int apply_relocations(struct loader *ld)
{
	for (unsigned int i = 1; i < ld->shnum; i++) {
		const struct mv_elf64_shdr *sh = &ld->shdrs[i];
		const struct mv_elf64_shdr *target;
		const struct mv_elf64_rela *rela;
		size_t n;

		if (sh->sh_type == MV_SHT_REL) {
			fail(ld, "section %s: REL relocations are not used on "
			     "this architecture", sec_name(ld, i));
			return -MV_ENOEXEC;
		}
		if (sh->sh_type != MV_SHT_RELA)
			continue;
		if (sh->sh_info == 0 || sh->sh_info >= ld->shnum) {
			fail(ld, "section %s relocates section %u, which does "
			     "not exist", sec_name(ld, i), sh->sh_info);
			return -MV_ENOEXEC;
		}
		target = &ld->shdrs[sh->sh_info];
		if (!(target->sh_flags & MV_SHF_ALLOC))
			continue;	/* debug information */
		if (sh->sh_entsize != sizeof(*rela) ||
		    sh->sh_size % sizeof(*rela) || (sh->sh_offset & 7)) {
			fail(ld, "section %s is malformed", sec_name(ld, i));
			return -MV_ENOEXEC;
		}
		if (target->sh_type == MV_SHT_NOBITS) {
			fail(ld, "section %s relocates a section without "
			     "contents", sec_name(ld, i));
			return -MV_ENOEXEC;
		}
		rela = (const void *)(ld->image + sh->sh_offset);
		n = sh->sh_size / sizeof(*rela);
		for (size_t r = 0; r < n; r++) {
			u32 type = MV_ELF64_R_TYPE(rela[r].r_info);
			u32 symi = MV_ELF64_R_SYM(rela[r].r_info);
			u64 off = rela[r].r_offset;
			u64 place = ld->sec_addr[sh->sh_info] + off;
			const char *why = NULL;
			const char *tname;
			int err;

			if (symi >= ld->nsyms) {
				fail(ld, "section %s: relocation %lu names "
				     "symbol %u of %u", sec_name(ld, i),
				     (unsigned long)r, symi, ld->nsyms);
				return -MV_ENOEXEC;
			}
			if (off >= target->sh_size) {
				fail(ld, "section %s: relocation %lu at offset "
				     "%lx is outside %s", sec_name(ld, i),
				     (unsigned long)r, (unsigned long)off,
				     sec_name(ld, sh->sh_info));
				return -MV_ENOEXEC;
			}
			err = mv_arch_module_reloc(
				type, (void *)(uintptr_t)place,
				target->sh_size - off, place,
				ld->sym_value[symi], rela[r].r_addend, &why);
			if (err) {
				tname = mv_arch_module_reloc_name(type);
				fail(ld, "section %s: %s (%s, type %u) against "
				     "%s", sec_name(ld, sh->sh_info), why,
				     tname ? tname : "unknown", type,
				     sym_name(ld, symi) &&
				     *sym_name(ld, symi) ? sym_name(ld, symi) :
				     "a section");
				return err;
			}
		}
	}
	return 0;
}

/* .mv_module: the module's init/exit, now relocated in module memory. */
static int read_descriptor(struct loader *ld)
{
	int idx = find_section(ld, ".mv_module");

	if (idx < 0 || ld->shdrs[idx].sh_size != sizeof(struct mv_module_desc) ||
	    !ld->sec_addr[idx]) {
		fail(ld, "needs exactly one .mv_module descriptor "
		     "(MV_MODULE(name, init, exit))");
		return -MV_ENOEXEC;
	}
	memcpy(&ld->mod->desc, (void *)(uintptr_t)ld->sec_addr[idx],
	       sizeof(ld->mod->desc));
	return 0;
}

static int read_exports(struct loader *ld)
{
	struct mv_module *m = ld->mod;
	int idx = find_section(ld, ".mv_exports");
	char *names;
	size_t size, count = 0;

	if (idx == -1)
		return 0;
	if (idx < 0 || ld->shdrs[idx].sh_type != MV_SHT_PROGBITS) {
		fail(ld, "malformed .mv_exports");
		return -MV_ENOEXEC;
	}
	size = ld->shdrs[idx].sh_size;
	if (!size)
		return 0;
	if (ld->image[ld->shdrs[idx].sh_offset + size - 1]) {
		fail(ld, "section .mv_exports is not a list of strings");
		return -MV_ENOEXEC;
	}
	/* The names outlive the image: keep a copy; exports[0] owns it. */
	names = mv_malloc(size);
	if (!names)
		return -MV_ENOMEM;
	memcpy(names, ld->image + ld->shdrs[idx].sh_offset, size);
	for (size_t off = 0; off < size; off += strlen(names + off) + 1)
		count++;
	m->exports = mv_calloc(count, sizeof(*m->exports));
	if (!m->exports) {
		mv_free(names);
		return -MV_ENOMEM;
	}
	m->exports[0].name = names;
	for (size_t off = 0; off < size; off += strlen(names + off) + 1) {
		const char *want = names + off;
		struct mv_module *owner;
		unsigned int i;

		for (i = 1; i < ld->nsyms; i++) {
			const struct mv_elf64_sym *s = &ld->syms[i];
			const char *n = sym_name(ld, i);

			if (n && !strcmp(n, want) &&
			    MV_ELF64_ST_BIND(s->st_info) != MV_STB_LOCAL &&
			    s->st_shndx != MV_SHN_UNDEF)
				break;
		}
		if (i >= ld->nsyms) {	/* nsyms may be 0 */
			fail(ld, "exports %s, which it does not define", want);
			return -MV_ENOENT;
		}
		/* An export lives in the module: absolute or 0 is no address. */
		if (ld->syms[i].st_shndx >= ld->shnum ||
		    !ld->sec_addr[ld->syms[i].st_shndx] || !ld->sym_value[i]) {
			fail(ld, "exports %s, which is not in a loaded section",
			     want);
			return -MV_ENOEXEC;
		}
		if (mv_nucleus_symbol(want) || module_export(want, &owner)) {
			fail(ld, "exports %s, which is already exported", want);
			return -MV_EEXIST;
		}
		m->exports[m->nr_exports].name = want;
		m->exports[m->nr_exports++].addr = ld->sym_value[i];
	}
	return 0;
}

/* A registration section: an array of declarations in module memory. */
static int object_section(struct loader *ld, const char *name, size_t size,
			  const void **objs, size_t *n)
{
	int idx = find_section(ld, name);

	*n = 0;
	if (idx == -1)
		return 0;
	if (idx < 0 || !ld->sec_addr[idx] || ld->shdrs[idx].sh_size % size) {
		fail(ld, "malformed %s", name);
		return -MV_ENOEXEC;
	}
	*objs = (const void *)(uintptr_t)ld->sec_addr[idx];
	*n = ld->shdrs[idx].sh_size / size;
	return 0;
}

/* Does p point into the module's memory (text only, if code)? */
static bool in_module(const struct mv_module *m, const void *p, bool code)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)m->mem;
	size_t size = code ? m->text_size : m->mem_pages * MV_PAGE_SIZE;

	return m->mem && a >= base && a < base + size && !(code && (a & 3));
}

/* A string in module memory, NUL-terminated before its end (or NULL). */
static bool module_string(const struct mv_module *m, const char *s)
{
	uintptr_t end = (uintptr_t)m->mem + m->mem_pages * MV_PAGE_SIZE;

	return !s || (in_module(m, s, false) &&
		      memchr(s, 0, end - (uintptr_t)s));
}

/*
 * Declarations hold pointers the image's relocations made: check that
 * they stay inside the module before the nucleus follows them.
 */
static int check_declarations(struct loader *ld, const struct mv_command *c,
			      size_t nc, const struct mv_driver_decl *d,
			      size_t nd, const struct mv_emulator_decl *e,
			      size_t ne)
{
	const struct mv_module *m = ld->mod;

	for (size_t i = 0; i < nc; i++)
		if (!c[i].name || !module_string(m, c[i].name) ||
		    !module_string(m, c[i].summary) ||
		    !module_string(m, c[i].usage) ||
		    !in_module(m, c[i].run, true) ||
		    (c[i].complete && !in_module(m, c[i].complete, true)))
			goto bad;
	for (size_t i = 0; i < nd; i++)
		if (!d[i].compatible || !module_string(m, d[i].compatible) ||
		    !in_module(m, d[i].ops, false) ||
		    ((uintptr_t)d[i].ops & 7) ||
		    !in_module(m, d[i].ops->probe, true) ||
		    (d[i].ops->remove && !in_module(m, d[i].ops->remove, true)))
			goto bad;
	for (size_t i = 0; i < ne; i++)
		if (!e[i].compatible || !module_string(m, e[i].compatible) ||
		    !in_module(m, e[i].ops, false) ||
		    ((uintptr_t)e[i].ops & 7))
			goto bad;
	return 0;
bad:
	fail(ld, "a command, driver or emulator declaration points outside "
	     "the module");
	return -MV_ENOEXEC;
}

/* Commands, drivers, emulators: after init, as one step that undoes. */
static int register_objects(struct loader *ld)
{
	const void *cmds = NULL, *drvs = NULL, *emus = NULL;
	size_t ncmds, ndrvs, nemus;
	int err;

	err = object_section(ld, ".mv_commands", sizeof(struct mv_command),
			     &cmds, &ncmds);
	if (!err)
		err = object_section(ld, ".mv_drivers",
				     sizeof(struct mv_driver_decl), &drvs,
				     &ndrvs);
	if (!err)
		err = object_section(ld, ".mv_emulators",
				     sizeof(struct mv_emulator_decl), &emus,
				     &nemus);
	if (!err)
		err = check_declarations(ld, cmds, ncmds, drvs, ndrvs, emus,
					 nemus);
	if (err)
		return err;
	if (ncmds) {
		err = mv_command_register_module(ld->mod, cmds, ncmds);
		if (err)
			return err;
	}
	if (nemus)
		err = mv_emulator_register_module(ld->mod, emus, nemus);
	if (!err && ndrvs)
		err = mv_driver_register_module(ld->mod, drvs, ndrvs);
	if (err) {
		mv_driver_unregister_module(ld->mod);
		mv_command_unregister_module(ld->mod);
	}
	return err;
}

static int protect(struct mv_module *m)
{
	size_t text = MV_ALIGN_UP(m->text_size, MV_PAGE_SIZE) / MV_PAGE_SIZE;
	size_t ro = MV_ALIGN_UP(m->rodata_size, MV_PAGE_SIZE) / MV_PAGE_SIZE;
	u8 *mem = m->mem;
	int err = 0;

	if (text)
		err = mv_module_mem_protect(mem, text, MV_MODULE_RX);
	if (!err && ro)
		err = mv_module_mem_protect(mem + text * MV_PAGE_SIZE, ro,
					    MV_MODULE_RO);
	return err;
}

static void free_module(struct mv_module *m)
{
	if (m->mem)
		mv_module_mem_free(m->mem, m->mem_pages);
	if (m->exports)
		mv_free((void *)m->exports[0].name);
	mv_free(m->exports);
	mv_free(m->sections);
	mv_free(m->deps);
	mv_free(m->modinfo);
	mv_free(m);
}

int mv_module_load_image(const void *image, size_t size, const char *origin,
			 const char *reason, struct mv_module **out)
{
	struct loader ld = {
		.image = image, .size = size, .origin = origin, .name = origin,
		.ehdr = image,
	};
	u64 t0 = mv_time_ns();
	int err;

	ld.mod = mv_zalloc(sizeof(*ld.mod));
	if (!ld.mod) {
		fail(&ld, "out of memory");
		return -MV_ENOMEM;
	}
	copy_text(ld.mod->origin, sizeof(ld.mod->origin), origin);
	copy_text(ld.mod->reason, sizeof(ld.mod->reason), reason);
	mv_mutex_lock(&module_lock);
	err = check_headers(&ld);
	if (!err)
		err = find_symtab(&ld);
	if (!err)
		err = parse_modinfo(&ld);
	if (!err && mv_module_find_locked(ld.mod->name)) {
		fail(&ld, "a module of that name is already loaded");
		err = -MV_EEXIST;
	}
	if (!err)
		err = layout_and_copy(&ld);
	if (!err)
		err = check_relocation_types(&ld);
	if (!err)
		err = resolve_symbols(&ld);
	if (!err)
		err = apply_relocations(&ld);
	if (!err)
		err = read_descriptor(&ld);
	if (!err)
		err = read_exports(&ld);
	if (!err && ld.mod->mem) {
		err = protect(ld.mod);
		if (err)
			fail(&ld, "cannot set the permissions of its memory");
	}
	if (err)
		fail(&ld, "%s", err == -MV_ENOMEM ? "out of memory" : "failed");
	if (!err && ld.mod->desc.init) {
		err = ld.mod->desc.init();
		if (err) {
			fail(&ld, "init failed with %d", err);
			if (err > 0)
				err = -MV_EIO;
		}
	}
	if (!err) {
		err = register_objects(&ld);
		/* command.c names any clash itself; only memory is ours. */
		if (err == -MV_ENOMEM)
			fail(&ld, "out of memory");
		if (err && ld.mod->desc.exit)
			ld.mod->desc.exit();
	}
	if (!err) {
		for (unsigned int i = 0; i < ld.mod->nr_deps; i++)
			mv_module_get(ld.mod->deps[i]);
		ld.mod->load_ns = mv_time_ns() - t0;
		mv_list_add_tail(&ld.mod->node, &modules);
		nr_modules++;
		if (out)
			*out = ld.mod;
	} else {
		free_module(ld.mod);
	}
	mv_mutex_unlock(&module_lock);
	mv_free(ld.sec_addr);
	mv_free(ld.sym_value);
	return err;
}

static struct mv_module *mv_module_find_locked(const char *name)
{
	struct mv_list *pos;

	mv_list_for_each(pos, &modules) {
		struct mv_module *m = mv_list_entry(pos, struct mv_module, node);

		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

struct mv_module *mv_module_find(const char *name)
{
	struct mv_module *m;

	mv_mutex_lock(&module_lock);
	m = mv_module_find_locked(name);
	mv_mutex_unlock(&module_lock);
	return m;
}

static void list_users(struct mv_module *m, char *buf, size_t size)
{
	struct mv_list *pos;
	size_t n = 0;

	buf[0] = '\0';
	mv_list_for_each(pos, &modules) {
		struct mv_module *u = mv_list_entry(pos, struct mv_module, node);

		if (has_dep(u, m) && n < size)
			n += mv_snprintf(buf + n, size - n, "%s%s",
					 n ? ", " : "", u->name);
	}
}

int mv_module_unload(const char *name)
{
	struct mv_module *m;
	char users[128];

	mv_mutex_lock(&module_lock);
	m = mv_module_find_locked(name);
	if (!m) {
		mv_mutex_unlock(&module_lock);
		mv_log(MV_LOG_ERR, "module: %s is not loaded\n", name);
		return -MV_ENOENT;
	}
	if (!mv_command_unregister_module(m)) {
		list_users(m, users, sizeof(users));
		mv_log(MV_LOG_ERR, "module: %s is in use (%u user%s%s%s); not "
		       "unloaded\n", name, m->refcount,
		       m->refcount == 1 ? "" : "s", users[0] ? ": " : "",
		       users);
		mv_mutex_unlock(&module_lock);
		return -MV_EBUSY;
	}
	mv_driver_unregister_module(m);
	if (m->desc.exit)
		m->desc.exit();
	for (unsigned int i = 0; i < m->nr_deps; i++)
		mv_module_put(m->deps[i]);
	mv_list_del(&m->node);
	nr_modules--;
	free_module(m);
	mv_mutex_unlock(&module_lock);
	return 0;
}

void mv_module_get(struct mv_module *m)
{
	__atomic_fetch_add(&m->refcount, 1, __ATOMIC_ACQ_REL);
}

void mv_module_put(struct mv_module *m)
{
	unsigned int old = __atomic_load_n(&m->refcount, __ATOMIC_RELAXED);

	do {
		if (!old) {
			mv_log(MV_LOG_ERR, "module: %s: put without a get\n",
			       m->name);
			return;
		}
	} while (!__atomic_compare_exchange_n(&m->refcount, &old, old - 1,
					      false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
}

void mv_module_for_each(void (*fn)(struct mv_module *m, void *arg), void *arg)
{
	struct mv_list *pos;

	mv_mutex_lock(&module_lock);
	mv_list_for_each(pos, &modules)
		fn(mv_list_entry(pos, struct mv_module, node), arg);
	mv_mutex_unlock(&module_lock);
}

unsigned int mv_module_count(void)
{
	return MV_READ_ONCE(nr_modules);
}

u64 mv_module_symbol(const char *name, struct mv_module **owner)
{
	u64 v = mv_nucleus_symbol(name);

	*owner = NULL;
	if (v)
		return v;
	mv_mutex_lock(&module_lock);
	v = module_export(name, owner);
	mv_mutex_unlock(&module_lock);
	return v;
}
