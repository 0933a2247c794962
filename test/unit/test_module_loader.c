// SPDX-License-Identifier: GPL-2.0
/*
 * The module loader (nucleus/module.c, arch/arm64/module_reloc.c) on real
 * arm64 modules cross-compiled with the SDK's flags (test/unit/modules/).
 * The host cannot run arm64 code, so relocations are checked by decoding:
 * every RELA entry of every loaded section is recomputed here from the
 * file (read with libelf, not the loader's ELF code), the fake nucleus
 * (test/unit/host/module_host.c) and where the loader put each section,
 * and compared with the patched bytes, field by field, with every bit
 * outside the field unchanged. Then exports and dependencies, the module
 * list, and bad input: each must fail with one precise message and leave
 * no trace.
 */
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/module.h>
#include <modvisor/command.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mv_test.h"

#ifndef MV_TEST_MODULE_DIR
#error "MV_TEST_MODULE_DIR: where the build put the test modules"
#endif

/* test/unit/host/module_host.c */
u64 mv_host_region(size_t *size);
u64 mv_host_nucleus_add(const char *name, u64 addr);
u64 mv_host_nucleus_data(const char *name, size_t size, size_t align,
			 int fill);
size_t mv_host_module_pages_used(void);
int mv_host_module_page_prot(u64 addr, bool *used);
void mv_host_module_exec(bool allow);
void mv_host_module_mem_fail(long n);
void mv_host_module_protect_fail(long n);
unsigned int mv_host_module_bad_calls(const char **last);
void mv_host_heap_fail(long n);
unsigned long mv_host_heap_allocs(void);
unsigned int mv_host_mutexes_held(void);

#define CHECKF(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  ");				\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			mv_test_fail(__FILE__, __LINE__, #cond);	\
		}							\
	} while (0)

#define CHECK_NO_ERRORS_AFTER(n) CHECK_EQ(mv_host_log_count(MV_LOG_ERR), (n))

#define CHECK_CONTAINS(text, needle)					\
	CHECKF(strstr((text), (needle)), "\"%s\" does not contain \"%s\"", \
	       (text), (needle))

/* ------------------------------------------------------------------ */
/* Module files. */

struct image {
	char name[32];
	char origin[48];
	u8 *data;
	size_t size;
};

static struct image images[32];
static unsigned int nr_images;

static const struct image *img(const char *name)
{
	char path[512];
	struct image *im;
	struct stat st;
	int fd;

	for (unsigned int i = 0; i < nr_images; i++)
		if (!strcmp(images[i].name, name))
			return &images[i];
	CHECK(nr_images < MV_ARRAY_SIZE(images));
	im = &images[nr_images];
	snprintf(path, sizeof(path), "%s/%s.mvm", MV_TEST_MODULE_DIR, name);
	fd = open(path, O_RDONLY);
	CHECKF(fd >= 0, "cannot open %s", path);
	CHECK(fstat(fd, &st) == 0 && st.st_size > 0);
	im->size = (size_t)st.st_size;
	im->data = malloc(im->size);
	CHECK(im->data);
	CHECK(read(fd, im->data, im->size) == (ssize_t)im->size);
	close(fd);
	snprintf(im->name, sizeof(im->name), "%s", name);
	snprintf(im->origin, sizeof(im->origin), "%s.mvm", name);
	nr_images++;
	return im;
}

static int load_bytes(const void *data, size_t size, const char *origin,
		      struct mv_module **out)
{
	return mv_module_load_image(data, size, origin, "unit test", out);
}

static struct mv_module *load_ok(const char *name)
{
	const struct image *im = img(name);
	struct mv_module *m = NULL;
	int err = load_bytes(im->data, im->size, im->origin, &m);

	CHECKF(err == 0, "loading %s: %d (%s)", name, err,
	       mv_host_log_last_error());
	CHECK(m);
	CHECK_EQ(strcmp(m->name, name), 0);
	return m;
}

/* ------------------------------------------------------------------ */
/* Everything a failed load must leave as it was. */

static const char *bad_call_text(void)
{
	const char *t;

	mv_host_module_bad_calls(&t);
	return t;
}

struct state {
	unsigned int modules;
	size_t pages, mem_used, heap;
	unsigned int mutexes, bad_calls;
};

static struct state state_now(void)
{
	return (struct state){
		.modules = mv_module_count(),
		.pages = mv_host_module_pages_used(),
		.mem_used = mv_module_mem_used(),
		.heap = mv_heap_used(),
		.mutexes = mv_host_mutexes_held(),
		.bad_calls = mv_host_module_bad_calls(NULL),
	};
}

static bool state_same(struct state a, struct state b)
{
	return a.modules == b.modules && a.pages == b.pages &&
	       a.mem_used == b.mem_used && a.heap == b.heap &&
	       a.mutexes == b.mutexes && a.bad_calls == b.bad_calls;
}

#define CHECK_STATE(before)						\
	do {								\
		struct state n_ = state_now(), b_ = (before);		\
		CHECKF(state_same(n_, b_), "state: modules %u->%u, "	\
		       "pages %zu->%zu, heap %zu->%zu, mutexes %u->%u, " \
		       "bad calls %u->%u (%s)", b_.modules, n_.modules,	\
		       b_.pages, n_.pages, b_.heap, n_.heap,		\
		       b_.mutexes, n_.mutexes, b_.bad_calls,		\
		       n_.bad_calls, bad_call_text());			\
	} while (0)

/*
 * Load bytes that must be refused with err (0: any error): exactly one
 * error logged, containing every needle, and nothing left behind.
 */
static void expect_fail_bytes(const void *data, size_t size,
			      const char *origin, int err,
			      const char *const *needles)
{
	struct state before = state_now();
	unsigned int errs = mv_host_log_count(MV_LOG_ERR);
	struct mv_module *m = (struct mv_module *)&m;
	int got;

	mv_host_log_quiet(true);
	got = load_bytes(data, size, origin, &m);
	mv_host_log_quiet(false);
	if (getenv("MV_TEST_VERBOSE"))
		fprintf(stderr, "  %s refused (%d): %s", origin, got,
			mv_host_log_last_error());
	CHECKF(err ? got == err : got < 0, "%s: returned %d, expected %d "
	       "(last error: %s)", origin, got, err,
	       mv_host_log_last_error());
	CHECKF(m == (struct mv_module *)&m, "%s: *out set on failure", origin);
	CHECKF(mv_host_log_count(MV_LOG_ERR) == errs + 1,
	       "%s: %u errors logged, expected 1 (last: %s)", origin,
	       mv_host_log_count(MV_LOG_ERR) - errs,
	       mv_host_log_last_error());
	CHECK_CONTAINS(mv_host_log_last_error(), "module: ");
	for (; needles && *needles; needles++)
		CHECK_CONTAINS(mv_host_log_last_error(), *needles);
	CHECK_STATE(before);
}

#define EXPECT_FAIL(name, err, ...)					\
	do {								\
		const struct image *im_ = img(name);			\
		const char *const n_[] = { __VA_ARGS__, NULL };		\
		expect_fail_bytes(im_->data, im_->size, im_->origin, err, \
				  n_);					\
	} while (0)

/* Unload: must work and give back all its module memory. */
static void unload_ok(struct mv_module *m)
{
	char name[MV_MODULE_NAME_MAX];
	u64 mem = (uintptr_t)m->mem;
	size_t pages = m->mem_pages;
	struct state before = state_now();
	int err;

	snprintf(name, sizeof(name), "%s", m->name);
	err = mv_module_unload(name);
	CHECKF(err == 0, "unloading %s: %d (%s)", name, err,
	       mv_host_log_last_error());
	CHECK(!mv_module_find(name));
	CHECK_EQ(mv_module_count(), before.modules - 1);
	CHECK_EQ(mv_host_module_pages_used(), before.pages - pages);
	CHECK_EQ(mv_host_mutexes_held(), 0);
	for (size_t i = 0; i < pages; i++) {
		bool used;
		int prot = mv_host_module_page_prot(mem + i * MV_PAGE_SIZE,
						    &used);

		CHECK(!used);
		CHECK_EQ(prot, MV_MODULE_RW);
	}
}

/* ------------------------------------------------------------------ */
/* The fake nucleus's test data and host functions. */

static u64 nucleus_u64, nucleus_u32, nucleus_u16, nucleus_u8;
static u64 nucleus_array;

static unsigned int host_init_calls, host_exit_calls;
static int host_init_result = -MV_EINVAL;
static unsigned int host_entry_init_calls, host_entry_exit_calls;
static int host_entry_result;

static int host_init(void)
{
	host_init_calls++;
	CHECK_EQ(mv_host_mutexes_held(), 1);	/* under the module lock */
	return host_init_result;
}

static void host_exit(void)
{
	host_exit_calls++;
}

static void nucleus_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	/* Odd fill values: an unrelocated access would read them. */
	nucleus_u8 = mv_host_nucleus_data("mv_test_u8", 1, 1, 0x11);
	nucleus_u64 = mv_host_nucleus_data("mv_test_u64", 8, 8, 0x22);
	nucleus_u16 = mv_host_nucleus_data("mv_test_u16", 2, 2, 0x33);
	nucleus_u32 = mv_host_nucleus_data("mv_test_u32", 4, 4, 0x44);
	nucleus_array = mv_host_nucleus_data("mv_test_array", 256, 1, 0x55);
	mv_host_nucleus_add("host_init", (uintptr_t)host_init);
	mv_host_nucleus_add("host_exit", (uintptr_t)host_exit);
	mv_host_nucleus_add("host_entry_init_calls",
			    (uintptr_t)&host_entry_init_calls);
	mv_host_nucleus_add("host_entry_exit_calls",
			    (uintptr_t)&host_entry_exit_calls);
	mv_host_nucleus_add("host_entry_result",
			    (uintptr_t)&host_entry_result);
}

/* ------------------------------------------------------------------ */
/* Decoding: the file through libelf, the result in module memory. */

/* Symbols exported by modules verified so far: {name, address}. */
struct provided {
	char name[64];
	u64 addr;
};

static struct provided provided[64];
static unsigned int nr_provided;

static u64 provided_symbol(const char *name)
{
	for (unsigned int i = 0; i < nr_provided; i++)
		if (!strcmp(provided[i].name, name))
			return provided[i].addr;
	return 0;
}

static void unprovide_all(void)
{
	nr_provided = 0;
}

#define R_MAX 320
static unsigned long seen_compiler[R_MAX], seen_asm[R_MAX];

static const struct {
	u32 type;
	const char *name;
} rtypes[] = {
	{ R_AARCH64_NONE, "NONE" },
	{ R_AARCH64_ABS64, "ABS64" },
	{ R_AARCH64_ABS32, "ABS32" },
	{ R_AARCH64_ABS16, "ABS16" },
	{ R_AARCH64_PREL64, "PREL64" },
	{ R_AARCH64_PREL32, "PREL32" },
	{ R_AARCH64_PREL16, "PREL16" },
	{ R_AARCH64_LD_PREL_LO19, "LD_PREL_LO19" },
	{ R_AARCH64_ADR_PREL_LO21, "ADR_PREL_LO21" },
	{ R_AARCH64_ADR_PREL_PG_HI21, "ADR_PREL_PG_HI21" },
	{ R_AARCH64_ADR_PREL_PG_HI21_NC, "ADR_PREL_PG_HI21_NC" },
	{ R_AARCH64_ADD_ABS_LO12_NC, "ADD_ABS_LO12_NC" },
	{ R_AARCH64_LDST8_ABS_LO12_NC, "LDST8_ABS_LO12_NC" },
	{ R_AARCH64_LDST16_ABS_LO12_NC, "LDST16_ABS_LO12_NC" },
	{ R_AARCH64_LDST32_ABS_LO12_NC, "LDST32_ABS_LO12_NC" },
	{ R_AARCH64_LDST64_ABS_LO12_NC, "LDST64_ABS_LO12_NC" },
	{ R_AARCH64_LDST128_ABS_LO12_NC, "LDST128_ABS_LO12_NC" },
	{ R_AARCH64_CONDBR19, "CONDBR19" },
	{ R_AARCH64_TSTBR14, "TSTBR14" },
	{ R_AARCH64_JUMP26, "JUMP26" },
	{ R_AARCH64_CALL26, "CALL26" },
};

static const char *rtype_name(u32 type)
{
	for (size_t i = 0; i < MV_ARRAY_SIZE(rtypes); i++)
		if (rtypes[i].type == type)
			return rtypes[i].name;
	return "?";
}

static s64 sext(u64 v, unsigned int bits)
{
	u64 m = 1ull << (bits - 1);

	v &= (bits == 64) ? ~0ull : (1ull << bits) - 1;
	return (s64)((v ^ m) - m);
}

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * Check one patched location: 'was' the bytes in the file, 'now' in
 * module memory. Returns NULL or what is wrong; *len is how many bytes
 * the relocation may change.
 */
static const char *check_reloc(u32 type, const u8 *was, const u8 *now,
			       u64 S, s64 A, u64 P, size_t room, size_t *len,
			       char *buf, size_t bufsize)
{
	u64 X = S + (u64)A;
	s64 rel = (s64)(X - P);
	u32 oi, ni, mask = 0;
	s64 got = 0, want = 0;
	unsigned int scale = 0;

	*len = 0;
	switch (type) {
	case R_AARCH64_NONE:
		return NULL;
	case R_AARCH64_ABS64:
	case R_AARCH64_PREL64: {
		u64 v;

		*len = 8;
		if (room < 8)
			return "no room";
		memcpy(&v, now, 8);
		want = type == R_AARCH64_ABS64 ? (s64)X : rel;
		if ((s64)v != want)
			goto value;
		return NULL;
	}
	case R_AARCH64_ABS32:
	case R_AARCH64_ABS16:
	case R_AARCH64_PREL32:
	case R_AARCH64_PREL16: {
		unsigned int bits = (type == R_AARCH64_ABS32 ||
				     type == R_AARCH64_PREL32) ? 32 : 16;
		u64 v = 0;

		*len = bits / 8;
		if (room < *len)
			return "no room";
		memcpy(&v, now, *len);
		/* The test's values fit: absolute unsigned, relative signed. */
		if (type == R_AARCH64_ABS32 || type == R_AARCH64_ABS16) {
			got = (s64)v;
			want = (s64)X;
		} else {
			got = sext(v, bits);
			want = rel;
		}
		if (got != want)
			goto value;
		return NULL;
	}
	default:
		break;
	}

	/* Instructions. */
	*len = 4;
	if (room < 4)
		return "no room";
	if (P & 3)
		return "instruction not 4-byte aligned";
	oi = rd32(was);
	ni = rd32(now);
	switch (type) {
	case R_AARCH64_ADR_PREL_LO21:
	case R_AARCH64_ADR_PREL_PG_HI21:
	case R_AARCH64_ADR_PREL_PG_HI21_NC:
		mask = (3u << 29) | (0x7ffffu << 5);
		if ((oi & 0x9f000000) !=
		    (type == R_AARCH64_ADR_PREL_LO21 ? 0x10000000u :
						       0x90000000u))
			return "not an ADR/ADRP instruction";
		got = sext(((u64)((ni >> 5) & 0x7ffff) << 2) | ((ni >> 29) & 3),
			   21);
		if (type == R_AARCH64_ADR_PREL_LO21) {
			want = rel;
		} else {
			want = (s64)((X & ~0xfffull) - (P & ~0xfffull)) >> 12;
			if (type == R_AARCH64_ADR_PREL_PG_HI21_NC)
				want = sext((u64)want, 21);
		}
		break;
	case R_AARCH64_ADD_ABS_LO12_NC:
		mask = 0xfffu << 10;
		/* ADD (immediate), no shift. */
		if ((oi & 0x7fc00000) != 0x11000000)
			return "not an unshifted ADD (immediate)";
		got = (ni >> 10) & 0xfff;
		want = X & 0xfff;
		break;
	case R_AARCH64_LDST128_ABS_LO12_NC:
		scale++;
		/* fall through */
	case R_AARCH64_LDST64_ABS_LO12_NC:
		scale++;
		/* fall through */
	case R_AARCH64_LDST32_ABS_LO12_NC:
		scale++;
		/* fall through */
	case R_AARCH64_LDST16_ABS_LO12_NC:
		scale++;
		/* fall through */
	case R_AARCH64_LDST8_ABS_LO12_NC: {
		bool vec = oi & (1u << 26);
		unsigned int size = oi >> 30;
		unsigned int insn_scale = vec && size == 0 &&
			(oi & (1u << 23)) ? 4 : size;

		mask = 0xfffu << 10;
		/* Load/store register, unsigned immediate. */
		if ((oi & 0x3b000000) != 0x39000000)
			return "not a load/store (unsigned immediate)";
		if (insn_scale != scale)
			return "access size differs from the relocation's";
		if (X & ((1u << scale) - 1))
			return "target misaligned for the access";
		got = (ni >> 10) & 0xfff;
		want = (X & 0xfff) >> scale;
		break;
	}
	case R_AARCH64_CALL26:
	case R_AARCH64_JUMP26:
		mask = 0x3ffffff;
		if ((oi & 0xfc000000) !=
		    (type == R_AARCH64_CALL26 ? 0x94000000u : 0x14000000u))
			return type == R_AARCH64_CALL26 ? "not a BL" : "not a B";
		got = sext(ni & 0x3ffffff, 26) * 4;
		want = rel;
		break;
	case R_AARCH64_CONDBR19:
		mask = 0x7ffffu << 5;
		if ((oi & 0xff000010) != 0x54000000 &&
		    (oi & 0x7e000000) != 0x34000000)
			return "not B.cond/CBZ/CBNZ";
		got = sext((ni >> 5) & 0x7ffff, 19) * 4;
		want = rel;
		break;
	case R_AARCH64_LD_PREL_LO19:
		mask = 0x7ffffu << 5;
		if ((oi & 0x3b000000) != 0x18000000)
			return "not LDR (literal)";
		got = sext((ni >> 5) & 0x7ffff, 19) * 4;
		want = rel;
		break;
	case R_AARCH64_TSTBR14:
		mask = 0x3fffu << 5;
		if ((oi & 0x7e000000) != 0x36000000)
			return "not TBZ/TBNZ";
		got = sext((ni >> 5) & 0x3fff, 14) * 4;
		want = rel;
		break;
	default:
		return "a type this test does not know";
	}
	if ((ni & ~mask) != (oi & ~mask)) {
		snprintf(buf, bufsize, "bits outside the field changed: "
			 "%08x -> %08x (field mask %08x)", oi, ni, mask);
		return buf;
	}
	if (got != want)
		goto value;
	return NULL;

value:
	snprintf(buf, bufsize, "decoded %#llx, expected %#llx (S %#llx A "
		 "%lld P %#llx)", (unsigned long long)got,
		 (unsigned long long)want, (unsigned long long)S,
		 (long long)A, (unsigned long long)P);
	return buf;
}

struct esec {
	const char *name;
	GElf_Shdr sh;
	const u8 *data;		/* file contents, NULL for NOBITS */
	u64 addr;		/* where the loader put it, 0 if not loaded */
	u8 *patched;		/* bytes relocations may change */
};

static bool loaded(const GElf_Shdr *sh)
{
	return (sh->sh_flags & SHF_ALLOC) && sh->sh_size;
}

static int expected_prot(const GElf_Shdr *sh)
{
	if (sh->sh_flags & SHF_EXECINSTR)
		return MV_MODULE_RX;
	if (sh->sh_flags & SHF_WRITE)
		return MV_MODULE_RW;
	return MV_MODULE_RO;
}

/* Per-verification state, freed even when a CHECK fails. */
static struct {
	Elf *elf;
	u8 *copy;
	struct esec *secs;
	size_t nsecs;
	u64 *symval;
	u8 *used_bytes;
} vs;

static void verify_cleanup(void)
{
	if (vs.elf)
		elf_end(vs.elf);
	for (size_t i = 0; vs.secs && i < vs.nsecs; i++)
		free(vs.secs[i].patched);
	free(vs.secs);
	free(vs.symval);
	free(vs.copy);
	free(vs.used_bytes);
	memset(&vs, 0, sizeof(vs));
}

/* Which section of the module a name maps to (names may be truncated). */
static const struct mv_module_section *find_loaded(const struct mv_module *m,
						   const char *name,
						   unsigned int nth)
{
	size_t n = sizeof(m->sections[0].name) - 1;

	for (unsigned int i = 0; i < m->nr_sections; i++)
		if (!strncmp(m->sections[i].name, name, n) &&
		    strlen(m->sections[i].name) == MV_MIN(strlen(name), n) &&
		    nth-- == 0)
			return &m->sections[i];
	return NULL;
}

/*
 * Check a loaded module against its file: where each section went, its
 * protection, its contents, every relocation, the descriptor, exports.
 * Exports are remembered for modules verified later.
 */
static void verify(const struct mv_module *m, const struct image *im)
{
	size_t shstrndx, memsize = m->mem_pages * MV_PAGE_SIZE;
	u64 mem = (uintptr_t)m->mem, region, region_size;
	unsigned int nr_loaded = 0;
	Elf_Scn *scn = NULL;
	size_t symtab = 0, nsyms = 0;
	char why[256];

	verify_cleanup();
	region = mv_host_region(&region_size);
	vs.copy = malloc(im->size);
	CHECK(vs.copy);
	memcpy(vs.copy, im->data, im->size);
	vs.elf = elf_memory((char *)vs.copy, im->size);
	CHECK(vs.elf);
	CHECK(elf_getshdrstrndx(vs.elf, &shstrndx) == 0);
	CHECK(elf_getshdrnum(vs.elf, &vs.nsecs) == 0);
	vs.secs = calloc(vs.nsecs, sizeof(*vs.secs));
	vs.used_bytes = calloc(memsize ? memsize : 1, 1);
	CHECK(vs.secs && vs.used_bytes);

	/* Module memory: inside the region, near the fake nucleus. */
	CHECK(m->mem);
	CHECK_EQ(mem % MV_PAGE_SIZE, 0);
	CHECK(mem >= region && mem + memsize <= region + region_size);
	{
		size_t pages = MV_ALIGN_UP(m->text_size, MV_PAGE_SIZE) +
			       MV_ALIGN_UP(m->rodata_size, MV_PAGE_SIZE) +
			       MV_ALIGN_UP(m->data_size, MV_PAGE_SIZE);

		CHECK_EQ(m->mem_pages, pages / MV_PAGE_SIZE);
	}

	/* Where each section went. */
	while ((scn = elf_nextscn(vs.elf, scn))) {
		size_t i = elf_ndxscn(scn);
		struct esec *s = &vs.secs[i];
		const struct mv_module_section *ls;
		unsigned int nth = 0;

		CHECK(gelf_getshdr(scn, &s->sh));
		s->name = elf_strptr(vs.elf, shstrndx, s->sh.sh_name);
		CHECK(s->name);
		if (s->sh.sh_type != SHT_NOBITS) {
			Elf_Data *d = elf_rawdata(scn, NULL);

			CHECK(d && d->d_size == s->sh.sh_size);
			s->data = d->d_buf;
		}
		if (s->sh.sh_type == SHT_SYMTAB) {
			symtab = i;
			nsyms = s->sh.sh_size / sizeof(Elf64_Sym);
		}
		if (!loaded(&s->sh))
			continue;
		for (size_t j = 1; j < i; j++)
			if (loaded(&vs.secs[j].sh) &&
			    !strcmp(vs.secs[j].name, s->name))
				nth++;
		ls = find_loaded(m, s->name, nth);
		CHECKF(ls, "%s: section %s is not in the module's list",
		       m->name, s->name);
		CHECK_EQ(ls->size, s->sh.sh_size);
		s->addr = ls->addr;
		s->patched = calloc(s->sh.sh_size, 1);
		CHECK(s->patched);
		nr_loaded++;
		CHECKF(s->addr >= mem && s->addr + s->sh.sh_size <= mem + memsize,
		       "%s: section %s at %#llx outside module memory",
		       m->name, s->name, (unsigned long long)s->addr);
		if (s->sh.sh_addralign > 1)
			CHECK_EQ(s->addr % s->sh.sh_addralign, 0);
		for (u64 a = s->addr; a < s->addr + s->sh.sh_size; a++) {
			CHECKF(!vs.used_bytes[a - mem],
			       "%s: section %s overlaps another", m->name,
			       s->name);
			vs.used_bytes[a - mem] = 1;
		}
		for (u64 pg = MV_ALIGN_DOWN(s->addr, MV_PAGE_SIZE);
		     pg < s->addr + s->sh.sh_size; pg += MV_PAGE_SIZE) {
			bool used;
			int prot = mv_host_module_page_prot(pg, &used);

			CHECK(used);
			CHECKF(prot == expected_prot(&s->sh),
			       "%s: section %s page %#llx has protection %d, "
			       "expected %d", m->name, s->name,
			       (unsigned long long)pg, prot,
			       expected_prot(&s->sh));
		}
	}
	CHECK_EQ(m->nr_sections, nr_loaded);
	CHECK(symtab);

	/* Symbol values, independently of the loader. */
	vs.symval = calloc(nsyms ? nsyms : 1, sizeof(u64));
	CHECK(vs.symval);
	{
		Elf_Data *d = elf_getdata(elf_getscn(vs.elf, symtab), NULL);
		size_t strndx = vs.secs[symtab].sh.sh_link;

		for (size_t i = 1; i < nsyms; i++) {
			GElf_Sym sym;
			const char *name;

			CHECK(gelf_getsym(d, (int)i, &sym));
			name = elf_strptr(vs.elf, strndx, sym.st_name);
			CHECK(name);
			if (sym.st_shndx == SHN_UNDEF) {
				if (!*name)
					continue;
				vs.symval[i] = mv_nucleus_symbol(name);
				if (!vs.symval[i])
					vs.symval[i] = provided_symbol(name);
				CHECKF(vs.symval[i] ||
				       GELF_ST_BIND(sym.st_info) == STB_WEAK,
				       "%s: %s resolves to nothing", m->name,
				       name);
			} else if (sym.st_shndx == SHN_ABS) {
				vs.symval[i] = sym.st_value;
			} else {
				CHECK(sym.st_shndx < vs.nsecs);
				if (vs.secs[sym.st_shndx].addr)
					vs.symval[i] =
						vs.secs[sym.st_shndx].addr +
						sym.st_value;
			}
		}
	}

	/* Every relocation of a loaded section. */
	scn = NULL;
	while ((scn = elf_nextscn(vs.elf, scn))) {
		struct esec *rs = &vs.secs[elf_ndxscn(scn)];
		struct esec *t;
		Elf_Data *d;
		bool in_asm;

		if (rs->sh.sh_type != SHT_RELA)
			continue;
		CHECK(rs->sh.sh_info < vs.nsecs);
		t = &vs.secs[rs->sh.sh_info];
		if (!(t->sh.sh_flags & SHF_ALLOC))
			continue;
		CHECK(t->addr);
		in_asm = strstr(t->name, ".asm_") != NULL;
		d = elf_getdata(scn, NULL);
		CHECK(d);
		for (size_t r = 0; r < rs->sh.sh_size / sizeof(Elf64_Rela);
		     r++) {
			GElf_Rela rela;
			u32 type, symi;
			u64 P;
			size_t len;
			const char *bad;

			CHECK(gelf_getrela(d, (int)r, &rela));
			type = GELF_R_TYPE(rela.r_info);
			symi = GELF_R_SYM(rela.r_info);
			CHECK(symi < nsyms);
			CHECK(rela.r_offset < t->sh.sh_size);
			P = t->addr + rela.r_offset;
			bad = check_reloc(type, t->data + rela.r_offset,
					  (const u8 *)(uintptr_t)P,
					  vs.symval[symi], rela.r_addend, P,
					  t->sh.sh_size - rela.r_offset, &len,
					  why, sizeof(why));
			CHECKF(!bad, "%s: section %s offset %#llx: "
			       "R_AARCH64_%s (%u) against symbol %u: %s",
			       m->name, t->name,
			       (unsigned long long)rela.r_offset,
			       rtype_name(type), type, symi, bad);
			memset(t->patched + rela.r_offset, 1, len);
			if (type < R_MAX)
				(in_asm ? seen_asm : seen_compiler)[type]++;
		}
	}

	/* Contents: the file's bytes except where relocated, zero padding. */
	for (size_t i = 1; i < vs.nsecs; i++) {
		struct esec *s = &vs.secs[i];
		const u8 *p = (const u8 *)(uintptr_t)s->addr;

		if (!s->addr)
			continue;
		for (u64 off = 0; off < s->sh.sh_size; off++) {
			u8 want = s->data ? s->data[off] : 0;

			if (s->patched[off])
				continue;
			CHECKF(p[off] == want, "%s: section %s byte %#llx is "
			       "%#x, expected %#x", m->name, s->name,
			       (unsigned long long)off, p[off], want);
		}
	}
	for (size_t off = 0; off < memsize; off++)
		if (!vs.used_bytes[off])
			CHECKF(((const u8 *)m->mem)[off] == 0,
			       "%s: padding byte %#zx is not zero", m->name,
			       off);

	/* The descriptor: the relocated .mv_module. */
	for (size_t i = 1; i < vs.nsecs; i++) {
		if (strcmp(vs.secs[i].name, ".mv_module"))
			continue;
		CHECK(vs.secs[i].addr);
		CHECK_EQ(memcmp(&m->desc,
				(const void *)(uintptr_t)vs.secs[i].addr,
				sizeof(m->desc)), 0);
	}

	/* Exports: each a defined global of the module, at its address. */
	for (unsigned int e = 0; e < m->nr_exports; e++) {
		const char *name = m->exports[e].name;
		Elf_Data *d = elf_getdata(elf_getscn(vs.elf, symtab), NULL);
		u64 addr = 0;

		for (size_t i = 1; i < nsyms; i++) {
			GElf_Sym sym;

			CHECK(gelf_getsym(d, (int)i, &sym));
			if (GELF_ST_BIND(sym.st_info) != STB_LOCAL &&
			    sym.st_shndx != SHN_UNDEF &&
			    !strcmp(elf_strptr(vs.elf,
					       vs.secs[symtab].sh.sh_link,
					       sym.st_name), name))
				addr = vs.symval[i];
		}
		CHECKF(addr && addr == m->exports[e].addr,
		       "%s: export %s at %#llx, expected %#llx", m->name, name,
		       (unsigned long long)m->exports[e].addr,
		       (unsigned long long)addr);
		CHECK(nr_provided < MV_ARRAY_SIZE(provided));
		snprintf(provided[nr_provided].name,
			 sizeof(provided[nr_provided].name), "%s", name);
		provided[nr_provided++].addr = addr;
	}
}

/* A symbol's address as verify() computed it (call right after it). */
static u64 verified_symbol(const char *want)
{
	for (size_t s = 1; s < vs.nsecs; s++) {
		Elf_Data *d;

		if (vs.secs[s].sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(elf_getscn(vs.elf, s), NULL);
		for (size_t i = 1; i < vs.secs[s].sh.sh_size / sizeof(Elf64_Sym);
		     i++) {
			GElf_Sym sym;

			CHECK(gelf_getsym(d, (int)i, &sym));
			if (!strcmp(elf_strptr(vs.elf, vs.secs[s].sh.sh_link,
					       sym.st_name), want))
				return vs.symval[i];
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static void unload_all(struct mv_module *m, void *arg)
{
	struct mv_module **list = arg;
	unsigned int i = 0;

	while (list[i])
		i++;
	list[i] = m;
}

static void setup(void)
{
	struct mv_module *list[64] = { NULL };
	int n;

	verify_cleanup();
	nucleus_setup();
	mv_host_log_quiet(false);
	mv_host_heap_fail(-1);
	mv_host_module_mem_fail(-1);
	mv_host_module_protect_fail(-1);
	mv_host_module_exec(false);
	/* Whatever a failed case left loaded, last first. */
	mv_module_for_each(unload_all, list);
	for (n = 0; list[n]; n++)
		;
	while (n-- > 0) {
		while (list[n]->refcount)
			mv_module_put(list[n]);
		mv_module_unload(list[n]->name);
	}
	unprovide_all();
	host_init_calls = host_exit_calls = 0;
	host_init_result = -MV_EINVAL;
	host_entry_init_calls = host_entry_exit_calls = 0;
	host_entry_result = 0;
	mv_host_log_reset();
}

static void print_seen(void)
{
	fprintf(stderr, "  relocation types checked (compiler-emitted / "
		"from assembly):\n");
	for (size_t i = 0; i < MV_ARRAY_SIZE(rtypes); i++)
		fprintf(stderr, "    R_AARCH64_%-22s %4lu %4lu\n",
			rtypes[i].name, seen_compiler[rtypes[i].type],
			seen_asm[rtypes[i].type]);
}

/* The relocation-rich module: every relocation checked by decoding. */
static void test_relocs(void)
{
	struct state before = state_now();
	struct mv_module *m;

	memset(seen_compiler, 0, sizeof(seen_compiler));
	memset(seen_asm, 0, sizeof(seen_asm));
	m = load_ok("relocs");
	CHECK_NO_ERRORS();
	CHECK_EQ(mv_module_count(), before.modules + 1);
	CHECK_EQ(mv_host_module_pages_used(), before.pages + m->mem_pages);
	CHECK_EQ(mv_module_mem_used(), before.mem_used +
		 m->mem_pages * MV_PAGE_SIZE);
	CHECK_EQ(mv_host_mutexes_held(), 0);
	CHECK(m->text_size && m->rodata_size && m->data_size);
	CHECK(m->version && !strcmp(m->version, "1.2.3"));
	CHECK(m->license && !strcmp(m->license, "GPL-2.0"));
	CHECK(m->description &&
	      !strcmp(m->description, "relocation test module"));
	CHECK_EQ(strcmp(m->origin, "relocs.mvm"), 0);
	CHECK_EQ(strcmp(m->reason, "unit test"), 0);
	CHECK(!m->desc.init && !m->desc.exit);
	CHECK_EQ(m->nr_exports, 0);
	CHECK_EQ(m->nr_deps, 0);
	CHECK_EQ(m->refcount, 0);
	verify(m, img("relocs"));

	/* A few values by hand, as a cross-check of the decoder. */
	CHECK_EQ(verified_symbol("mv_log"), mv_nucleus_symbol("mv_log"));
	CHECK_EQ(verified_symbol("mv_test_u64"), nucleus_u64);
	CHECK_EQ(verified_symbol("rm_abs_value"), 0x1234);
	{
		u64 fp;

		memcpy(&fp, (void *)(uintptr_t)verified_symbol("rm_fnptr"), 8);
		CHECK_EQ(fp, verified_symbol("rm_twice"));
		memcpy(&fp, (void *)(uintptr_t)verified_symbol("rm_ptrs"), 8);
		CHECK_EQ(fp, verified_symbol("rm_global"));
	}

	print_seen();
	for (size_t i = 0; i < MV_ARRAY_SIZE(rtypes); i++)
		CHECKF(seen_compiler[rtypes[i].type] + seen_asm[rtypes[i].type],
		       "R_AARCH64_%s never checked", rtypes[i].name);
	/* What the compiler itself emits with the SDK flags. */
	CHECK(seen_compiler[R_AARCH64_ABS64]);
	CHECK(seen_compiler[R_AARCH64_ADR_PREL_PG_HI21]);
	CHECK(seen_compiler[R_AARCH64_ADD_ABS_LO12_NC]);
	CHECK(seen_compiler[R_AARCH64_LDST8_ABS_LO12_NC] &&
	      seen_compiler[R_AARCH64_LDST16_ABS_LO12_NC] &&
	      seen_compiler[R_AARCH64_LDST32_ABS_LO12_NC] &&
	      seen_compiler[R_AARCH64_LDST64_ABS_LO12_NC]);
	CHECK(seen_compiler[R_AARCH64_CALL26]);
	CHECK(seen_compiler[R_AARCH64_JUMP26]);
	verify_cleanup();

	unload_ok(m);
	CHECK_STATE(before);
	CHECK_NO_ERRORS();
}

/* init and exit that are the module's own code (x86-64 bytes). */
static void test_entry(void)
{
#if defined(__x86_64__)
	struct state before = state_now();
	struct mv_module *m;

	mv_host_module_exec(true);
	host_entry_result = 0;
	m = load_ok("entry");
	CHECK_EQ(host_entry_init_calls, 1);
	CHECK_EQ(host_entry_exit_calls, 0);
	verify(m, img("entry"));
	CHECK_EQ((uintptr_t)m->desc.init, verified_symbol("entry_init"));
	CHECK_EQ((uintptr_t)m->desc.exit, verified_symbol("entry_exit"));
	CHECK(m->desc.init && m->desc.exit);
	verify_cleanup();
	unload_ok(m);
	CHECK_EQ(host_entry_init_calls, 1);
	CHECK_EQ(host_entry_exit_calls, 1);
	CHECK_STATE(before);

	/* Its init fails: exit is not called, everything undone. */
	host_entry_result = -MV_ENODEV;
	EXPECT_FAIL("entry", -MV_ENODEV, "module: entry: ", "init failed",
		    "-19");
	CHECK_EQ(host_entry_init_calls, 2);
	CHECK_EQ(host_entry_exit_calls, 1);
	CHECK_NO_ERRORS_AFTER(1);
	mv_host_module_exec(false);
#else
	fprintf(stderr, "  (skipped: entry's code is x86-64)\n");
#endif
}

/* init returning an error, through a host function. */
static void test_init_fails(void)
{
	struct mv_module *exp = load_ok("exporter");
	struct state before;

	verify(exp, img("exporter"));
	verify_cleanup();
	before = state_now();
	EXPECT_FAIL("init_fail", -MV_EINVAL, "module: init_fail: ",
		    "init failed with -22");
	CHECK_EQ(host_init_calls, 1);
	CHECK_EQ(host_exit_calls, 0);
	CHECK_EQ(exp->refcount, 0);	/* its use of exporter undone */

	/* A positive return is not an error code: -MV_EIO. */
	host_init_result = 1;
	EXPECT_FAIL("init_fail", -MV_EIO, "module: init_fail: ",
		    "init failed with 1");
	CHECK_EQ(host_init_calls, 2);
	CHECK_EQ(exp->refcount, 0);
	CHECK_STATE(before);

	/* And succeeding: the host init and exit run once each. */
	host_init_result = 0;
	{
		struct mv_module *m = load_ok("init_fail");

		CHECK_EQ(host_init_calls, 3);
		CHECK_EQ((uintptr_t)m->desc.init, (uintptr_t)host_init);
		CHECK_EQ((uintptr_t)m->desc.exit, (uintptr_t)host_exit);
		CHECK_EQ(exp->refcount, 1);
		verify(m, img("init_fail"));
		verify_cleanup();
		unload_ok(m);
		CHECK_EQ(host_exit_calls, 1);
		CHECK_EQ(exp->refcount, 0);
	}
	unload_ok(exp);
}

/* A module using another's exports: dependency, refcount, unload order. */
static void test_exports(void)
{
	struct state before = state_now();
	struct mv_module *exp, *imp, *owner;
	unsigned int errs;

	exp = load_ok("exporter");
	verify(exp, img("exporter"));
	verify_cleanup();
	CHECK_EQ(exp->nr_exports, 2);
	CHECK_EQ(mv_module_symbol("exp_func", &owner),
		 provided_symbol("exp_func"));
	CHECK(owner == exp);
	CHECK_EQ(mv_module_symbol("exp_value", &owner),
		 provided_symbol("exp_value"));
	CHECK(owner == exp);
	CHECK_EQ(mv_module_symbol("memcpy", &owner),
		 mv_nucleus_symbol("memcpy"));
	CHECK(owner == NULL);
	CHECK_EQ(mv_module_symbol("no_such_symbol", &owner), 0);
	CHECK(owner == NULL);

	imp = load_ok("importer");
	verify(imp, img("importer"));	/* relocations against exporter */
	verify_cleanup();
	CHECK_EQ(imp->nr_deps, 1);
	CHECK(imp->deps[0] == exp);
	CHECK_EQ(exp->refcount, 1);
	CHECK_EQ(imp->refcount, 0);
	CHECK_NO_ERRORS();

	/* exporter is in use: refused, naming the user. */
	{
		struct state s = state_now();

		errs = mv_host_log_count(MV_LOG_ERR);
		mv_host_log_quiet(true);
		CHECK_EQ(mv_module_unload("exporter"), -MV_EBUSY);
		mv_host_log_quiet(false);
		CHECK_EQ(mv_host_log_count(MV_LOG_ERR), errs + 1);
		CHECK_CONTAINS(mv_host_log_last_error(), "module: exporter");
		CHECK_CONTAINS(mv_host_log_last_error(), "in use");
		CHECK_CONTAINS(mv_host_log_last_error(), "importer");
		CHECK(mv_module_find("exporter") == exp);
		CHECK_STATE(s);
	}

	/* Exporting a name that is already exported. */
	EXPECT_FAIL("export_dup", -MV_EEXIST, "module: export_dup: ",
		    "exports exp_func, which is already exported");

	unload_ok(imp);
	CHECK_EQ(exp->refcount, 0);
	unload_ok(exp);
	CHECK_STATE(before);

	/* Without exporter, importer's symbols are undefined. */
	EXPECT_FAIL("importer", -MV_ENOENT, "module: importer: ",
		    "undefined symbol exp_");
	/* Exporting what it does not define. */
	EXPECT_FAIL("export_undef", -MV_ENOENT, "module: export_undef: ",
		    "exports eu_missing, which it does not define");
	CHECK_STATE(before);
}

struct names {
	char list[256];
};

static void collect(struct mv_module *m, void *arg)
{
	struct names *n = arg;
	size_t len = strlen(n->list);

	snprintf(n->list + len, sizeof(n->list) - len, "%s%s",
		 len ? " " : "", m->name);
}

static void test_list(void)
{
	struct state before = state_now();
	struct mv_module *a, *b, *c;
	struct names n = { "" };

	CHECK_EQ(mv_module_count(), 0);
	a = load_ok("exporter");
	b = load_ok("relocs");
	c = load_ok("importer");
	CHECK_EQ(mv_module_count(), 3);
	mv_module_for_each(collect, &n);
	CHECK_EQ(strcmp(n.list, "exporter relocs importer"), 0);
	CHECK(mv_module_find("exporter") == a);
	CHECK(mv_module_find("relocs") == b);
	CHECK(mv_module_find("importer") == c);
	CHECK(mv_module_find("relocs2") == NULL);
	CHECK(mv_module_find("") == NULL);
	/* Distinct module memory. */
	CHECK((u8 *)a->mem + a->mem_pages * MV_PAGE_SIZE <= (u8 *)b->mem ||
	      (u8 *)b->mem + b->mem_pages * MV_PAGE_SIZE <= (u8 *)a->mem);
	CHECK_EQ(mv_host_module_pages_used(),
		 before.pages + a->mem_pages + b->mem_pages + c->mem_pages);

	/* The middle one goes first; the order of the rest stays. */
	unload_ok(b);
	n.list[0] = '\0';
	mv_module_for_each(collect, &n);
	CHECK_EQ(strcmp(n.list, "exporter importer"), 0);
	CHECK_EQ(mv_module_count(), 2);

	/* A use taken with get keeps it loaded, without a user's name. */
	mv_module_get(c);
	CHECK_LOGS_ERROR("module: importer is in use (1 user)",
			 CHECK_EQ(mv_module_unload("importer"), -MV_EBUSY));
	mv_module_put(c);
	unload_ok(c);
	unload_ok(a);
	CHECK_EQ(mv_module_count(), 0);
	CHECK_LOGS_ERROR("module: importer is not loaded",
			 CHECK_EQ(mv_module_unload("importer"), -MV_ENOENT));
	CHECK_STATE(before);
}

/* Commands: registered after init, removed at unload; a clash undoes all. */
static void test_commands(void)
{
	struct state before = state_now();
	struct mv_module *m = load_ok("cmds");
	const struct mv_command *hello, *bye;
	u64 cmds_sec = 0;

	verify(m, img("cmds"));
	for (unsigned int i = 0; i < m->nr_sections; i++)
		if (!strcmp(m->sections[i].name, ".mv_commands"))
			cmds_sec = m->sections[i].addr;
	verify_cleanup();
	CHECK(cmds_sec);
	hello = mv_command_find("mvtest_hello");
	bye = mv_command_find("mvtest_bye");
	CHECK(hello && bye);
	/* The relocated entries in module memory, pointing into the module. */
	CHECK((uintptr_t)hello >= cmds_sec && (uintptr_t)bye >= cmds_sec);
	CHECK_EQ(strcmp(hello->name, "mvtest_hello"), 0);
	CHECK_EQ(strcmp(bye->usage, "mvtest_bye"), 0);
	CHECK((uintptr_t)hello->run >= (uintptr_t)m->mem &&
	      (uintptr_t)hello->run < (uintptr_t)m->mem + m->text_size);
	CHECK_EQ(m->nr_commands, 2);
	CHECK_NO_ERRORS();

	/* A module with a clashing command: its init ran, so exit runs. */
	host_init_result = 0;
	EXPECT_FAIL("cmds_dup", -MV_EEXIST, "module: cmds_dup: ",
		    "command 'mvtest_bye' is already provided by cmds");
	CHECK_EQ(host_init_calls, 1);
	CHECK_EQ(host_exit_calls, 1);
	CHECK(mv_command_find("mvtest_other") == NULL);
	CHECK(mv_command_find("mvtest_bye") == bye);

	unload_ok(m);
	CHECK(mv_command_find("mvtest_hello") == NULL);
	CHECK(mv_command_find("mvtest_bye") == NULL);
	CHECK_STATE(before);

	/* Without cmds, cmds_dup loads, with its commands. */
	m = load_ok("cmds_dup");
	CHECK_EQ(host_init_calls, 2);
	CHECK(mv_command_find("mvtest_other") != NULL);
	unload_ok(m);
	CHECK_EQ(host_exit_calls, 2);
	CHECK(mv_command_find("mvtest_other") == NULL);
	CHECK_STATE(before);
}

static void test_load_twice(void)
{
	struct mv_module *m = load_ok("relocs");
	struct state before = state_now();

	EXPECT_FAIL("relocs", -MV_EEXIST, "module: relocs: ",
		    "a module of that name is already loaded");
	CHECK_STATE(before);
	unload_ok(m);
	/* And loads again after the unload, at the same place. */
	m = load_ok("relocs");
	verify(m, img("relocs"));
	verify_cleanup();
	unload_ok(m);
}

static void test_wrong_machine(void)
{
	EXPECT_FAIL("wrong_machine", -MV_ENOEXEC, "module: wrong_machine.mvm: ",
		    "ELF machine 62", "AArch64 (183)");
}

static void test_wrong_abi(void)
{
	EXPECT_FAIL("bad_abi", -MV_ENOEXEC, "module: bad_abi: ",
		    "wrong module ABI", "4d560000", MV_ABI_MAGIC_STR);
}

static void test_missing_name(void)
{
	EXPECT_FAIL("no_name", -MV_ENOEXEC, "module: no_name.mvm: ",
		    "name=", ".modinfo");
}

static void test_undefined_symbol(void)
{
	EXPECT_FAIL("undef", -MV_ENOENT, "module: undef: ",
		    "undefined symbol mv_no_such_function");
}

/*
 * GOT relocations (-fpic, -fPIC) are refused naming the section and the
 * type (docs/module-format.md), by name or number.
 */
static void test_unsupported_reloc(void)
{
	const char *msg;

	/* -fPIC: R_AARCH64_ADR_GOT_PAGE (311) against mv_test_u64. */
	EXPECT_FAIL("fpic_large", -MV_ENOEXEC, "module: fpic_large: ",
		    "section .text", "unsupported relocation", "mv_test_u64");
	msg = mv_host_log_last_error();
	CHECKF(strstr(msg, "ADR_GOT_PAGE") || strstr(msg, "311"),
	       "\"%s\" does not name the relocation type", msg);

	/*
	 * -fpic: ADRP of _GLOBAL_OFFSET_TABLE_, then
	 * R_AARCH64_LD64_GOTPAGE_LO15 (313) against mv_test_u64.
	 */
	EXPECT_FAIL("fpic", -MV_ENOEXEC, "module: fpic: ", "section .text",
		    "unsupported relocation");
	msg = mv_host_log_last_error();
	CHECKF(strstr(msg, "LD64_GOTPAGE_LO15") || strstr(msg, "313"),
	       "\"%s\" does not name the relocation type", msg);
}

static void test_common_symbol(void)
{
	EXPECT_FAIL("common", -MV_ENOEXEC, "module: common: ",
		    "common symbol common_var", "-fno-common");
}

/* ABS32 of a module address (above 4 GiB on the host): out of range. */
static void test_reloc_out_of_range(void)
{
	if (mv_host_region(NULL) < MV_GIB(4)) {
		fprintf(stderr, "  (skipped: module memory below 4 GiB)\n");
		return;
	}
	EXPECT_FAIL("abs32_range", -MV_ERANGE, "module: abs32_range: ",
		    "section .data.ar_table", "out of range",
		    "R_AARCH64_ABS32", "ar_fn");
}

/* Every prefix of real modules (steps of 7 bytes): refused cleanly. */
static void test_truncated(void)
{
	static const char *const mods[] = { "relocs", "exporter" };
	unsigned long tried = 0;

	for (size_t k = 0; k < MV_ARRAY_SIZE(mods); k++) {
		const struct image *im = img(mods[k]);

		for (size_t len = 0; len < im->size;
		     len = len + 7 < im->size || len == im->size - 1 ?
			   len + 7 : im->size - 1) {
			u8 *copy = malloc(len ? len : 1);
			const char *needles[] = { mods[k], NULL };

			CHECK(copy);
			memcpy(copy, im->data, len);
			expect_fail_bytes(copy, len, im->origin, 0, needles);
			free(copy);
			tried++;
			mv_host_log_reset();
		}
	}
	fprintf(stderr, "  %lu truncated images refused\n", tried);
}

/* Where flipping a byte could make the loader call a garbage init. */
struct range {
	size_t start, end;
};

static size_t flip_exclusions(const struct image *im, struct range *r,
			      size_t max)
{
	Elf *e = elf_memory((char *)im->data, im->size);
	size_t shstrndx, n = 0;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;

	CHECK(e && gelf_getehdr(e, &eh) && !elf_getshdrstrndx(e, &shstrndx));
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		size_t hdr = eh.e_shoff + elf_ndxscn(scn) * sizeof(Elf64_Shdr);

		CHECK(gelf_getshdr(scn, &sh) && n + 2 <= max);
		/* sh_info could turn a RELA section onto .mv_module. */
		r[n++] = (struct range){ hdr + 44, hdr + 48 };
		if (strcmp(elf_strptr(e, shstrndx, sh.sh_name), ".mv_module"))
			continue;
		r[n++] = (struct range){ hdr, hdr + sizeof(Elf64_Shdr) };
		r[n++] = (struct range){ sh.sh_offset,
					 sh.sh_offset + sh.sh_size };
	}
	elf_end(e);
	return n;
}

/* Why changed images were refused: the message without its numbers. */
static struct {
	char text[64];
	unsigned long count;
} reasons[48];

static void count_reason(const char *msg)
{
	char text[64];
	const char *p = strstr(msg, ": ");
	size_t n = 0;
	unsigned int i;

	/* Skip "module: <name>: ". */
	p = p ? strstr(p + 2, ": ") : NULL;
	p = p ? p + 2 : msg;
	for (; *p && *p != '\n' && n < sizeof(text) - 1; p++)
		if (!(*p >= '0' && *p <= '9'))
			text[n++] = *p;
	text[n] = '\0';
	for (i = 0; i < MV_ARRAY_SIZE(reasons) && reasons[i].count; i++)
		if (!strcmp(reasons[i].text, text))
			break;
	if (i == MV_ARRAY_SIZE(reasons))
		return;
	memcpy(reasons[i].text, text, sizeof(text));
	reasons[i].count++;
}

/*
 * Random byte changes (seeded: MV_TEST_SEED; MV_TEST_FLIPS how many per
 * module): no crash, and each refusal is one message with no trace left;
 * a changed module that still loads is unloaded. The bytes of .mv_module,
 * its header and every sh_info are left alone: the test modules' init and
 * exit are NULL, and a changed descriptor would be called.
 */
static void test_flips(void)
{
	static const char *const mods[] = { "relocs", "exporter", "importer" };
	const char *env = getenv("MV_TEST_FLIPS");
	unsigned long per_module = env ? strtoul(env, NULL, 0) : 5000;
	unsigned long loaded = 0, refused = 0, bad = 0;
	struct mv_module *exp = NULL;

	for (size_t k = 0; k < MV_ARRAY_SIZE(mods); k++) {
		const struct image *im = img(mods[k]);
		struct range ex[256];
		size_t nex = flip_exclusions(im, ex, MV_ARRAY_SIZE(ex));
		u8 *copy = malloc(im->size);

		CHECK(copy);
		if (!strcmp(mods[k], "importer"))
			exp = load_ok("exporter");
		for (unsigned long i = 0; i < per_module; i++) {
			struct state before = state_now();
			unsigned int errs = mv_host_log_count(MV_LOG_ERR);
			struct mv_module *m = NULL;
			size_t off;
			u8 x = (u8)(mv_test_rand_below(255) + 1);
			bool skip;
			int err;

			do {
				off = mv_test_rand_below(im->size);
				skip = false;
				for (size_t j = 0; j < nex; j++)
					if (off >= ex[j].start && off < ex[j].end)
						skip = true;
			} while (skip);
			memcpy(copy, im->data, im->size);
			copy[off] ^= x;
			mv_host_log_quiet(true);
			err = load_bytes(copy, im->size, im->origin, &m);
			mv_host_log_quiet(false);
			if (!err) {
				char name[MV_MODULE_NAME_MAX];

				loaded++;
				CHECK(m && m->refcount == 0);
				snprintf(name, sizeof(name), "%s", m->name);
				CHECKF(mv_module_unload(name) == 0,
				       "flip %lu at %#zx: cannot unload %s", i,
				       off, name);
				if (mv_host_log_count(MV_LOG_ERR) != errs ||
				    !state_same(state_now(), before)) {
					if (bad++ < 10)
						fprintf(stderr, "  %s: ^%#x at "
							"%#zx: loaded, but left"
							" a trace\n", mods[k],
							x, off);
				}
				continue;
			}
			refused++;
			count_reason(mv_host_log_last_error());
			if (err >= 0 ||
			    mv_host_log_count(MV_LOG_ERR) != errs + 1 ||
			    !state_same(state_now(), before)) {
				if (bad++ < 10)
					fprintf(stderr, "  %s: ^%#x at %#zx: "
						"err %d, %u errors (last: "
						"%s), state %s\n", mods[k], x,
						off, err,
						mv_host_log_count(MV_LOG_ERR) -
						errs,
						mv_host_log_last_error(),
						state_same(state_now(), before)
						? "same" : "CHANGED");
				CHECK_EQ(mv_host_mutexes_held(), 0);
			}
			if ((i & 255) == 0)
				mv_host_log_reset();
		}
		free(copy);
		if (exp) {
			unload_ok(exp);
			exp = NULL;
		}
	}
	fprintf(stderr, "  %lu changed images loaded (and unloaded), %lu "
		"refused, %lu misbehaved\n", loaded, refused, bad);
	if (getenv("MV_TEST_VERBOSE"))
		for (unsigned int i = 0; i < MV_ARRAY_SIZE(reasons) &&
		     reasons[i].count; i++)
			fprintf(stderr, "    %6lu  %s\n", reasons[i].count,
				reasons[i].text);
	CHECK_EQ(bad, 0);
}

/*
 * Every heap allocation of a load failing in turn: -MV_ENOMEM, one
 * message, nothing left.
 */
static unsigned long heap_exhaust(const char *name)
{
	const struct image *im = img(name);
	unsigned long a0 = mv_host_heap_allocs(), n, bad = 0;
	struct mv_module *m = load_ok(name);

	n = mv_host_heap_allocs() - a0;
	unload_ok(m);
	CHECK(n >= 5);
	for (unsigned long k = 0; k < n; k++) {
		struct state before = state_now();
		unsigned int errs = mv_host_log_count(MV_LOG_ERR);
		int err;

		mv_host_heap_fail((long)k);
		mv_host_log_quiet(true);
		err = load_bytes(im->data, im->size, im->origin, &m);
		mv_host_log_quiet(false);
		mv_host_heap_fail(-1);
		if (err != -MV_ENOMEM ||
		    mv_host_log_count(MV_LOG_ERR) != errs + 1 ||
		    !strstr(mv_host_log_last_error(), name) ||
		    !strstr(mv_host_log_last_error(), "memory") ||
		    !state_same(state_now(), before)) {
			fprintf(stderr, "  %s: allocation %lu of %lu failing: "
				"err %d, %u errors logged (last: %s), state "
				"%s\n", name, k + 1, n, err,
				mv_host_log_count(MV_LOG_ERR) - errs,
				mv_host_log_count(MV_LOG_ERR) - errs ?
				mv_host_log_last_error() : "none",
				state_same(state_now(), before) ? "same" :
				"CHANGED");
			bad++;
		}
		mv_host_log_reset();
	}
	return bad;
}

static void test_heap_exhausted(void)
{
	struct mv_module *exp = load_ok("exporter");
	unsigned long bad = heap_exhaust("importer");

	CHECK_EQ(exp->refcount, 0);
	unload_ok(exp);
	bad += heap_exhaust("cmds");
	CHECK_EQ(bad, 0);
}

/* No module memory left: -MV_ENOMEM, one message. */
static void test_module_memory_exhausted(void)
{
	mv_host_module_mem_fail(0);
	EXPECT_FAIL("relocs", -MV_ENOMEM, "module: relocs: ",
		    "no module memory");
}

/* Setting a protection fails: refused, one message, nothing left. */
static void test_protect_fails(void)
{
	for (long k = 0; k < 2; k++) {
		mv_host_module_protect_fail(k);
		EXPECT_FAIL("relocs", 0, "module: relocs: ");
		mv_host_module_protect_fail(-1);
		mv_host_log_reset();
	}
}

int main(void)
{
	mv_test_init();
	CHECK_EQ(elf_version(EV_CURRENT) != EV_NONE, 1);
	RUN_TEST(test_relocs, setup);
	RUN_TEST(test_entry, setup);
	RUN_TEST(test_init_fails, setup);
	RUN_TEST(test_exports, setup);
	RUN_TEST(test_list, setup);
	RUN_TEST(test_commands, setup);
	RUN_TEST(test_load_twice, setup);
	RUN_TEST(test_wrong_machine, setup);
	RUN_TEST(test_wrong_abi, setup);
	RUN_TEST(test_missing_name, setup);
	RUN_TEST(test_undefined_symbol, setup);
	RUN_TEST(test_unsupported_reloc, setup);
	RUN_TEST(test_common_symbol, setup);
	RUN_TEST(test_reloc_out_of_range, setup);
	RUN_TEST(test_truncated, setup);
	RUN_TEST(test_flips, setup);
	RUN_TEST(test_heap_exhausted, setup);
	RUN_TEST(test_module_memory_exhausted, setup);
	RUN_TEST(test_protect_fails, setup);
	setup();
	verify_cleanup();
	for (unsigned int i = 0; i < nr_images; i++)
		free(images[i].data);
	return mv_test_summary();
}
