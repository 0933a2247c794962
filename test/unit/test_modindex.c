// SPDX-License-Identifier: GPL-2.0
/*
 * The module index (modules/modules.idx, docs/module-format.md) and module
 * requests in nucleus/modload.c: parsing, resolving names and aliases,
 * malformed lines, and the order mv_module_request() loads dependencies
 * in, over stand-ins for the initrd and the module loader that record
 * which paths were loaded.
 */
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/initrd.h>
#include <mv/modload.h>
#include <mv/module.h>

#include <unistd.h>

#include "counted_heap.h"
#include "mv_test.h"

/*
 * ---- Stand-ins for what modload.c links against (test only) ----
 * Only what the linker asks for; mv_modload_init() is not tested here, so
 * the boot-time calls just fail. libfdt is the host's (LIBS fdt).
 */
const void *mv_boot_fdt;

bool mv_dt_read_number(const void *fdt, int node, const char *prop, u64 *v)
{
	(void)fdt, (void)node, (void)prop, (void)v;
	return false;
}

int mv_initrd_open(struct mv_initrd *rd, const void *data, size_t size)
{
	(void)rd, (void)data, (void)size;
	return -MV_EINVAL;
}

/* The "initrd": every path exists except those in missing_paths. */
#define FILE_SIZE 64
static _Alignas(8) unsigned char file_bytes[FILE_SIZE + 8];
static const char *missing_paths[8];
static const char *unaligned_path;	/* served at an address 4 mod 8 */
static const char *failing_path;	/* mv_module_load_image fails */

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] && !strcmp(list[i], s))
			return true;
	return false;
}

const void *mv_initrd_data(const struct mv_initrd *rd, const char *path,
			   size_t *size)
{
	(void)rd;
	*size = 0;
	if (in_list(missing_paths, 8, path))
		return NULL;
	*size = FILE_SIZE;
	if (unaligned_path && !strcmp(path, unaligned_path))
		return file_bytes + 4;
	return file_bytes;
}

/* The "loader": records origins and reasons, in order. */
#define MAX_LOADED 64
static struct mv_module loaded[MAX_LOADED];
static unsigned int nr_loaded;
static char load_order[1024];	/* "path path ..." */

int mv_module_load_image(const void *image, size_t size, const char *origin,
			 const char *reason, struct mv_module **out)
{
	struct mv_module *m;
	const char *base = strrchr(origin, '/');
	size_t n;

	CHECK_EQ((uintptr_t)image & 7, 0);
	CHECK_EQ(size, FILE_SIZE);
	if (failing_path && !strcmp(origin, failing_path)) {
		mv_log(MV_LOG_ERR, "module: %s: stand-in load failure\n",
		       origin);
		return -MV_EINVAL;
	}
	CHECK_LT(nr_loaded, MAX_LOADED);
	m = &loaded[nr_loaded];
	memset(m, 0, sizeof(*m));
	/* modules/<name>.mvm -> <name> */
	base = base ? base + 1 : origin;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".mvm"))
		n -= 4;
	CHECK_LT(n, sizeof(m->name));
	memcpy(m->name, base, n);
	/* Like the real loader (nucleus/module.c). */
	if (mv_module_find(m->name)) {
		mv_log(MV_LOG_ERR, "module: %s: a module of that name is "
		       "already loaded\n", m->name);
		return -MV_EEXIST;
	}
	nr_loaded++;
	snprintf(m->origin, sizeof(m->origin), "%s", origin);
	snprintf(m->reason, sizeof(m->reason), "%s", reason);
	if (*load_order)
		strncat(load_order, " ",
			sizeof(load_order) - strlen(load_order) - 1);
	strncat(load_order, origin,
		sizeof(load_order) - strlen(load_order) - 1);
	*out = m;
	return 0;
}

struct mv_module *mv_module_find(const char *name)
{
	for (unsigned int i = 0; i < nr_loaded; i++)
		if (!strcmp(loaded[i].name, name))
			return &loaded[i];
	return NULL;
}
/* ---- end of stand-ins ---- */

static struct mv_initrd fake_initrd;

static void setup(void)
{
	mv_test_fail_countdown = -1;
	memset(missing_paths, 0, sizeof(missing_paths));
	unaligned_path = failing_path = NULL;
	nr_loaded = 0;
	load_order[0] = '\0';
	mv_boot_initrd = &fake_initrd;
	/* Start every case from an empty index (allocations stay counted). */
	CHECK_EQ(mv_modindex_parse("modvisor-modules 1\n", 19), 0);
}

static int parse(const char *text)
{
	return mv_modindex_parse(text, strlen(text));
}

static bool resolves(const char *what, const char *name)
{
	const char *r = mv_modindex_resolve(what);

	if (!name)
		return r == NULL;
	return r && !strcmp(r, name);
}

static const char *reason_of(const char *name)
{
	struct mv_module *m = mv_module_find(name);

	return m ? m->reason : "";
}

/*
 * Everything logged to stderr between capture_begin() and capture_end()
 * (mv_host prints each message as "[LEVEL] text"), in captured[].
 */
static char captured[16384];
static FILE *capture_file;
static int saved_stderr = -1;

static void capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	CHECK(capture_file);
	saved_stderr = dup(2);
	CHECK(saved_stderr >= 0);
	CHECK(dup2(fileno(capture_file), 2) == 2);
}

static void capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
	rewind(capture_file);
	n = fread(captured, 1, sizeof(captured) - 1, capture_file);
	captured[n] = '\0';
	fclose(capture_file);
	capture_file = NULL;
}

static unsigned int count_of(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static const char good_index[] =
	"modvisor-modules 1\n"
	"# written by mvmod index\n"
	"\n"
	"module pl031-rtc modules/pl031-rtc.mvm 1.0\n"
	"module pl011 modules/pl011.mvm -\n"
	"module virtio modules/virtio.mvm 2\n"
	"# aliases\n"
	"alias pl031-rtc drv:arm,pl031\n"
	"alias pl011 emu:arm,pl011\n"
	"alias pl011 drv:arm,pl011\n"
	"\n"
	"depend pl011 virtio\n"
	"softdep pl011 pl031-rtc\n"
	"depend virtio only-a-dependency\n";

static void test_valid_index(void)
{
	CHECK_EQ(parse(good_index), 0);
	CHECK_NO_ERRORS();
	/* By name. */
	CHECK(resolves("pl031-rtc", "pl031-rtc"));
	CHECK(resolves("pl011", "pl011"));
	CHECK(resolves("virtio", "virtio"));
	/* By alias, commas included. */
	CHECK(resolves("drv:arm,pl031", "pl031-rtc"));
	CHECK(resolves("emu:arm,pl011", "pl011"));
	CHECK(resolves("drv:arm,pl011", "pl011"));
	/* Near misses and other fields are not names. */
	CHECK(resolves("drv:arm", NULL));
	CHECK(resolves("drv:arm,pl03", NULL));
	CHECK(resolves("drv:arm,pl0311", NULL));
	CHECK(resolves("emu:arm", NULL));
	CHECK(resolves("PL011", NULL));
	CHECK(resolves("pl01", NULL));
	CHECK(resolves("", NULL));
	CHECK(resolves("nothing", NULL));
	CHECK(resolves("modules/pl011.mvm", NULL));	/* a path */
	CHECK(resolves("1.0", NULL));			/* a version */
	CHECK(resolves("-", NULL));
	CHECK(resolves("modvisor-modules", NULL));
	CHECK(resolves("module", NULL));
	CHECK(resolves("alias", NULL));
	CHECK(resolves("#", NULL));
	CHECK(resolves("# written by mvmod index", NULL));
	/* depend and softdep values are not aliases. */
	CHECK(resolves("only-a-dependency", NULL));
	CHECK_NO_ERRORS();
}

static void check_bad_header(const char *text)
{
	CHECK_EQ(parse(good_index), 0);
	CHECK(resolves("pl011", "pl011"));
	CHECK_LOGS_ERROR("module: modules/modules.idx is not a version 1 "
			 "module index", CHECK_EQ(parse(text), -MV_EINVAL));
	/* Nothing from this text, nor from the index before it. */
	CHECK(resolves("a", NULL));
	CHECK(resolves("drv:a", NULL));
	CHECK(resolves("pl011", NULL));
	CHECK(resolves("emu:arm,pl011", NULL));
}

static void test_wrong_header(void)
{
	static const char *const bodies[] = {
		"modvisor-modules 2\n",
		"modvisor-modules 0\n",
		"modvisor-modules 10\n",
		"modvisor-module 1\n",
		"Modvisor-modules 1\n",
		"modvisor-modules\n",
		"modvisor-modules 1 1\n",
		"modvisor-modules  1\n",
		" modvisor-modules 1\n",
		"module a modules/a.mvm 1\n",	/* no header at all */
	};
	char text[256];

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		snprintf(text, sizeof(text),
			 "%smodule a modules/a.mvm 1\nalias a drv:a\n",
			 bodies[i]);
		check_bad_header(text);
	}
	/* A header alone, no newline. */
	check_bad_header("modvisor-modules 2");
	/* CRLF line ends are read like LF ones. */
	CHECK_EQ(parse("modvisor-modules 1\r\nmodule a modules/a.mvm 1\r\n"
		       "alias a drv:a\r\n"), 0);
	CHECK(resolves("drv:a", "a"));
}

/*
 * The header must be line 1: a text whose first line is blank or a
 * comment is refused, even with a header on line 2.
 */
static void test_header_not_first(void)
{
	static const char *const texts[] = {
		"\nmodule a modules/a.mvm 1\n",
		"# no header\nmodule a modules/a.mvm 1\n",
		"# comment\nmodvisor-modules 1\nmodule a modules/a.mvm 1\n",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int rc;

		mv_host_log_quiet(true);
		rc = parse(texts[i]);
		mv_host_log_quiet(false);
		CHECK_EQ(rc, -MV_EINVAL);
		CHECK(resolves("a", NULL));
	}
}

/* text must have exactly one malformed line, line_no. */
static void check_one_bad_line(const char *text, unsigned int line_no)
{
	char prefix[96];

	snprintf(prefix, sizeof(prefix),
		 "module: modules/modules.idx line %u is malformed; skipped",
		 line_no);
	CHECK_LOGS_ERROR(prefix, CHECK_EQ(parse(text), 0));
	/* The good lines around it still count. */
	CHECK(resolves("a", "a"));
	CHECK(resolves("drv:a", "a"));
	CHECK(resolves("z", "z"));
	CHECK(resolves("drv:z", "z"));
}

#define HEAD "modvisor-modules 1\nmodule a modules/a.mvm 1\n"
#define TAIL "module z modules/z.mvm 1\nalias a drv:a\nalias z drv:z\n"

static void test_malformed_lines(void)
{
	/* Too many fields. */
	check_one_bad_line(HEAD "module b modules/b.mvm 1 extra\n" TAIL, 3);
	CHECK(resolves("b", NULL));
	check_one_bad_line(HEAD "alias a drv:x extra\n" TAIL, 3);
	CHECK(resolves("drv:x", NULL));
	check_one_bad_line(HEAD "depend a z extra\n" TAIL, 3);
	/* Too few. */
	check_one_bad_line(HEAD "module b modules/b.mvm\n" TAIL, 3);
	CHECK(resolves("b", NULL));
	check_one_bad_line(HEAD "alias a\n" TAIL, 3);
	check_one_bad_line(HEAD "depend\n" TAIL, 3);
	/* Unknown keywords. */
	check_one_bad_line(HEAD "modul b modules/b.mvm 1\n" TAIL, 3);
	CHECK(resolves("b", NULL));
	check_one_bad_line(HEAD "aliases a drv:x\n" TAIL, 3);
	CHECK(resolves("drv:x", NULL));
	check_one_bad_line(HEAD "blacklist a drv:x\n" TAIL, 3);
	check_one_bad_line(HEAD "Alias a drv:x\n" TAIL, 3);
	CHECK(resolves("drv:x", NULL));
	/* A second header is just an unknown line. */
	check_one_bad_line(HEAD "modvisor-modules 1\n" TAIL, 3);
	/* Alias (or dependency) of a module not declared yet. */
	check_one_bad_line(HEAD "alias b drv:b\nmodule b modules/b.mvm 1\n"
			   TAIL, 3);
	CHECK(resolves("b", "b"));
	CHECK(resolves("drv:b", NULL));
	check_one_bad_line(HEAD "depend b a\nmodule b modules/b.mvm 1\n"
			   TAIL, 3);
	check_one_bad_line(HEAD "alias nobody drv:x\n" TAIL, 3);
	CHECK(resolves("drv:x", NULL));
	/* Duplicate module line: the first one stays. */
	check_one_bad_line(HEAD "module a modules/other.mvm 2\n" TAIL, 3);
	CHECK_EQ(mv_module_request("a", "test"), 0);
	CHECK(strcmp(load_order, "modules/a.mvm") == 0);
	/* Later line numbers count comments and blank lines. */
	check_one_bad_line(HEAD "# c\n\n\n# c\nbogus\n" TAIL, 7);
	/* The last line, without a newline. */
	check_one_bad_line(HEAD TAIL "bogus a b", 6);
	check_one_bad_line(HEAD TAIL "alias", 6);
}

static void test_many_bad_lines(void)
{
	static const char text[] =
		"modvisor-modules 1\n"			/* 1 */
		"module a modules/a.mvm 1\n"		/* 2 */
		"module b modules/b.mvm 1 extra\n"	/* 3: too many */
		"modul c modules/c.mvm 1\n"		/* 4: keyword */
		"alias d drv:d\n"			/* 5: d not yet */
		"module d modules/d.mvm 1\n"		/* 6 */
		"module a modules/a2.mvm 2\n"		/* 7: duplicate */
		"alias a drv:a\n"			/* 8 */
		"\n"					/* 9 */
		"alias d drv:d2\n"			/* 10 */
		"depend d a\n"				/* 11 */
		"softdep d\n";				/* 12: too few */
	unsigned int before = mv_host_log_count(MV_LOG_ERR);

	char want[96];

	int rc;

	capture_begin();
	rc = parse(text);	/* no CHECK while stderr is redirected */
	capture_end();
	CHECK_EQ(rc, 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_ERR), before + 5);
	CHECK_EQ(count_of(captured, "[ERR] "), 5);
	for (unsigned int l = 1; l <= 12; l++) {
		bool bad = l == 3 || l == 4 || l == 5 || l == 7 || l == 12;

		snprintf(want, sizeof(want), "[ERR] module: modules/modules.idx "
			 "line %u is malformed; skipped\n", l);
		CHECK_EQ(count_of(captured, want), bad);
	}
	CHECK(strcmp(mv_host_log_last_error(), "module: modules/modules.idx "
		     "line 12 is malformed; skipped\n") == 0);
	CHECK(resolves("a", "a"));
	CHECK(resolves("drv:a", "a"));
	CHECK(resolves("d", "d"));
	CHECK(resolves("drv:d2", "d"));
	CHECK(resolves("drv:d", NULL));
	CHECK(resolves("b", NULL));
	CHECK(resolves("c", NULL));
	CHECK_EQ(mv_module_request("d", "test"), 0);
	CHECK(strcmp(load_order, "modules/a.mvm modules/d.mvm") == 0);
}

static void test_no_trailing_newline(void)
{
	CHECK_EQ(parse("modvisor-modules 1\nmodule a modules/a.mvm 1\n"
		       "alias a drv:arm,a"), 0);
	CHECK_NO_ERRORS();
	CHECK(resolves("drv:arm,a", "a"));
	CHECK_EQ(parse("modvisor-modules 1\nmodule a modules/a.mvm 1"), 0);
	CHECK_NO_ERRORS();
	CHECK(resolves("a", "a"));
	/* A header alone, with or without its newline. */
	CHECK_EQ(parse("modvisor-modules 1"), 0);
	CHECK_EQ(parse("modvisor-modules 1\n"), 0);
	CHECK_NO_ERRORS();
	CHECK(resolves("a", NULL));
	/* size, not the NUL, ends the text. */
	CHECK_EQ(mv_modindex_parse("modvisor-modules 1\nmodule a m/a.mvm 1\n"
				   "alias a drv:a\n", 38), 0);
	CHECK_NO_ERRORS();
	CHECK(resolves("a", "a"));
	CHECK(resolves("drv:a", NULL));
}

static void test_reparse_replaces(void)
{
	long live;

	CHECK_EQ(parse(good_index), 0);
	live = mv_test_live_allocs;
	CHECK(resolves("drv:arm,pl031", "pl031-rtc"));
	CHECK_EQ(parse("modvisor-modules 1\nmodule x modules/x.mvm 1\n"
		       "alias x drv:x\n"), 0);
	CHECK_NO_ERRORS();
	CHECK_EQ(mv_test_live_allocs, live);	/* the old index was freed */
	CHECK(resolves("x", "x"));
	CHECK(resolves("drv:x", "x"));
	CHECK(resolves("pl031-rtc", NULL));
	CHECK(resolves("drv:arm,pl031", NULL));
	CHECK(resolves("pl011", NULL));
	/* The same text twice: same result, no growth. */
	CHECK_EQ(parse(good_index), 0);
	CHECK_EQ(parse(good_index), 0);
	CHECK_EQ(mv_test_live_allocs, live);
	CHECK(resolves("emu:arm,pl011", "pl011"));
	CHECK(resolves("x", NULL));
	/* The parser keeps its own copy of the text. */
	{
		char buf[] = "modvisor-modules 1\nmodule y modules/y.mvm 1\n"
			     "alias y drv:y\n";

		CHECK_EQ(parse(buf), 0);
		memset(buf, 'q', sizeof(buf) - 1);
		CHECK(resolves("y", "y"));
		CHECK(resolves("drv:y", "y"));
	}
	CHECK_NO_ERRORS();
}

static void test_empty_text(void)
{
	int rc;

	CHECK_EQ(parse(good_index), 0);
	/* Whatever the verdict on an empty index, it replaces the old one. */
	mv_host_log_quiet(true);
	rc = mv_modindex_parse("", 0);
	mv_host_log_quiet(false);
	CHECK(rc == 0 || rc == -MV_EINVAL);
	CHECK(resolves("pl011", NULL));
	CHECK(resolves("emu:arm,pl011", NULL));
	CHECK(resolves("", NULL));
	/* And a later good one still works. */
	CHECK_EQ(parse(good_index), 0);
	CHECK(resolves("emu:arm,pl011", "pl011"));
}

/*
 * Fail each allocation of a parse in turn, the text copy (n = 0) first:
 * nothing half-parsed may remain, nor anything freed twice later.
 */
#define FIRST_ALLOC_FAILURE 0

static void test_alloc_failures(void)
{
	for (long n = FIRST_ALLOC_FAILURE; n < 3; n++) {
		CHECK_EQ(parse(good_index), 0);
		mv_test_fail_countdown = n;
		CHECK_EQ(parse(good_index), -MV_ENOMEM);
		mv_test_fail_countdown = -1;
		/* Nothing half-parsed, nothing left over. */
		CHECK(resolves("pl011", NULL));
		CHECK(resolves("emu:arm,pl011", NULL));
		CHECK_EQ(parse(good_index), 0);
		CHECK(resolves("emu:arm,pl011", "pl011"));
	}
	CHECK_NO_ERRORS();
}

/* ---- mv_module_request ---- */

static const char deps_index[] =
	"modvisor-modules 1\n"
	"module base modules/base.mvm 1\n"
	"module bus modules/bus.mvm 1\n"
	"module uart modules/uart.mvm 1\n"
	"module rtc modules/rtc.mvm 1\n"
	"module extra modules/extra.mvm 1\n"
	"module needy modules/needy.mvm 1\n"
	"module hard modules/hard.mvm 1\n"
	"module broken modules/broken.mvm 1\n"
	"module cyc-a modules/cyc-a.mvm 1\n"
	"module cyc-b modules/cyc-b.mvm 1\n"
	"module self modules/self.mvm 1\n"
	"module diamond modules/diamond.mvm 1\n"
	"module left modules/left.mvm 1\n"
	"module right modules/right.mvm 1\n"
	"alias uart emu:arm,pl011\n"
	"alias rtc drv:arm,pl031\n"
	"depend bus base\n"
	"depend uart bus\n"
	"softdep uart rtc\n"
	"softdep uart ghost\n"			/* not in the index */
	"softdep rtc broken\n"			/* not in the initrd */
	"depend extra drv:arm,pl031\n"		/* by alias */
	"depend needy ghost2\n"
	"depend hard broken\n"
	"depend cyc-a cyc-b\n"
	"depend cyc-b cyc-a\n"
	"depend self self\n"
	"depend diamond left\n"
	"depend diamond right\n"
	"depend left base\n"
	"depend right base\n";

static void deps_setup(void)
{
	setup();
	CHECK_EQ(parse(deps_index), 0);
	missing_paths[0] = "modules/broken.mvm";
}

static void test_request_order(void)
{
	unsigned int errs = mv_host_log_count(MV_LOG_ERR);

	mv_host_log_quiet(true);
	CHECK_EQ(mv_module_request("emu:arm,pl011", "for a guest"), 0);
	mv_host_log_quiet(false);
	/* Hard dependencies first, depth first; softdeps that fail do not
	 * stop it (broken: not in the initrd; ghost: not in the index). */
	CHECK(strcmp(load_order, "modules/base.mvm modules/bus.mvm "
		     "modules/rtc.mvm modules/uart.mvm") == 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_ERR), errs + 2);
	CHECK(strstr(mv_host_log_last_error(), "'ghost'"));
	CHECK(strcmp(reason_of("uart"), "for a guest") == 0);
	CHECK(strcmp(reason_of("bus"), "needed by uart") == 0);
	CHECK(strcmp(reason_of("base"), "needed by bus") == 0);
	CHECK(strcmp(reason_of("rtc"), "needed by uart") == 0);
	/* Already loaded: nothing more, by name or alias. */
	CHECK_EQ(mv_module_request("uart", "again"), 0);
	CHECK_EQ(mv_module_request("drv:arm,pl031", "again"), 0);
	CHECK_EQ(nr_loaded, 4);
	/* A dependency named by alias, already loaded. */
	CHECK_EQ(mv_module_request("extra", "x"), 0);
	CHECK(strcmp(load_order, "modules/base.mvm modules/bus.mvm "
		     "modules/rtc.mvm modules/uart.mvm "
		     "modules/extra.mvm") == 0);
}

static void test_request_diamond(void)
{
	CHECK_EQ(mv_module_request("diamond", "x"), 0);
	CHECK_NO_ERRORS();
	CHECK(strcmp(load_order, "modules/base.mvm modules/left.mvm "
		     "modules/right.mvm modules/diamond.mvm") == 0);
	/* Dependency by alias, not loaded yet. */
	CHECK_EQ(mv_module_request("extra", "y"), 0);
	CHECK(strcmp(load_order, "modules/base.mvm modules/left.mvm "
		     "modules/right.mvm modules/diamond.mvm "
		     "modules/rtc.mvm modules/extra.mvm") == 0);
	CHECK(strcmp(reason_of("rtc"), "needed by extra") == 0);
}

static void test_request_missing_hard_dep(void)
{
	unsigned int errs = mv_host_log_count(MV_LOG_ERR);

	/* Not in the index. */
	mv_host_log_quiet(true);
	CHECK_NE(mv_module_request("needy", "x"), 0);
	mv_host_log_quiet(false);
	CHECK_EQ(mv_host_log_count(MV_LOG_ERR), errs + 2);
	CHECK(strcmp(mv_host_log_last_error(),
		     "module: needy not loaded: it needs ghost2\n") == 0);
	CHECK_EQ(nr_loaded, 0);
	/* In the index, not in the initrd. */
	mv_host_log_quiet(true);
	CHECK_EQ(mv_module_request("hard", "x"), -MV_ENOENT);
	mv_host_log_quiet(false);
	CHECK_EQ(mv_host_log_count(MV_LOG_ERR), errs + 4);
	CHECK(strcmp(mv_host_log_last_error(),
		     "module: hard not loaded: it needs broken\n") == 0);
	CHECK_EQ(nr_loaded, 0);
	/* Loaded but failing to load. */
	failing_path = "modules/base.mvm";
	mv_host_log_quiet(true);
	CHECK_EQ(mv_module_request("uart", "x"), -MV_EINVAL);
	mv_host_log_quiet(false);
	CHECK(strcmp(mv_host_log_last_error(),
		     "module: uart not loaded: it needs bus\n") == 0);
	CHECK_EQ(nr_loaded, 0);
}

static void test_request_cycle(void)
{
	int rc;
	unsigned int errs = mv_host_log_count(MV_LOG_ERR);

	mv_host_log_quiet(true);
	CHECK_EQ(mv_module_request("cyc-a", "x"), -MV_ELOOP);
	mv_host_log_quiet(false);
	CHECK_EQ(nr_loaded, 0);
	/* Stopped: at least the loop message, and a bounded number. */
	CHECK_GE(mv_host_log_count(MV_LOG_ERR), errs + 1);
	CHECK_LE(mv_host_log_count(MV_LOG_ERR), errs + 20);
	CHECK(strcmp(mv_host_log_last_error(),
		     "module: cyc-a not loaded: it needs cyc-b\n") == 0);
	mv_host_log_quiet(true);
	CHECK_EQ(mv_module_request("self", "x"), -MV_ELOOP);
	mv_host_log_quiet(false);
	CHECK_EQ(nr_loaded, 0);
	/* The first message names the loop. */
	capture_begin();
	rc = mv_module_request("cyc-b", "x");
	capture_end();
	CHECK_EQ(rc, -MV_ELOOP);
	CHECK(strncmp(captured, "[ERR] module: dependencies of ",
		      strlen("[ERR] module: dependencies of ")) == 0);
	CHECK(strstr(captured, "nest too deep (a cycle?)\n"));
	CHECK(strstr(captured, "[ERR] module: cyc-b not loaded: it needs "
		     "cyc-a\n"));
	/* One loop message, then one per level it unwinds through. */
	CHECK_EQ(count_of(captured, "[ERR] "), 1 + count_of(captured,
		 " not loaded: it needs "));
	CHECK_EQ(count_of(captured, "nest too deep"), 1);
}

/*
 * A soft cycle: each softdep failure is ignored, so the depth limit
 * stops the recursion and both modules load once each.
 */
static void test_request_soft_cycle(void)
{
	int rc;

	CHECK_EQ(parse("modvisor-modules 1\n"
		       "module sa modules/sa.mvm 1\n"
		       "module sb modules/sb.mvm 1\n"
		       "softdep sa sb\n"
		       "softdep sb sa\n"), 0);
	mv_host_log_quiet(true);
	rc = mv_module_request("sa", "x");
	mv_host_log_quiet(false);
	CHECK_EQ(nr_loaded, 2);
	CHECK(mv_module_find("sa") && mv_module_find("sb"));
	/*
	 * request() checks mv_module_find() only before the dependencies;
	 * the levels above the one the depth limit stopped load the same
	 * modules again (-MV_EEXIST from the loader), so the request fails
	 * though sa is loaded.
	 */
	CHECK_EQ(rc, 0);
}

static void test_request_paths_and_unknown(void)
{
	/* An initrd path loads just that file, no index involved. */
	CHECK_EQ(mv_module_request("modules/uart.mvm", "by path"), 0);
	CHECK(strcmp(load_order, "modules/uart.mvm") == 0);
	CHECK_NO_ERRORS();
	CHECK_LOGS_ERROR("module: modules/broken.mvm is not in the initrd",
			 CHECK_EQ(mv_module_request("modules/broken.mvm", "x"),
				  -MV_ENOENT));
	CHECK_LOGS_ERROR("module: no module named or aliased 'nope'",
			 CHECK_EQ(mv_module_request("nope", "x"),
				  -MV_ENOENT));
	CHECK_LOGS_ERROR("module: no module named or aliased 'drv:arm'",
			 CHECK_EQ(mv_module_request("drv:arm", "x"),
				  -MV_ENOENT));
	/* Data at 4 mod 8 (cpio) is copied for the loader, then freed. */
	{
		long live = mv_test_live_allocs;

		unaligned_path = "modules/base.mvm";
		CHECK_EQ(mv_module_request("base", "x"), 0);
		CHECK_EQ(mv_test_live_allocs, live);
		CHECK(mv_module_find("base"));
	}
	/* No initrd at all. */
	mv_boot_initrd = NULL;
	CHECK_LOGS_ERROR("module: modules/bus.mvm is not in the initrd",
			 CHECK_EQ(mv_module_request("bus", "x"), -MV_ENOENT));
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_valid_index, setup);
	RUN_TEST(test_wrong_header, setup);
	RUN_TEST(test_header_not_first, setup);
	RUN_TEST(test_malformed_lines, setup);
	RUN_TEST(test_many_bad_lines, setup);
	RUN_TEST(test_no_trailing_newline, setup);
	RUN_TEST(test_reparse_replaces, setup);
	RUN_TEST(test_empty_text, setup);
	RUN_TEST(test_alloc_failures, setup);
	RUN_TEST(test_request_order, deps_setup);
	RUN_TEST(test_request_diamond, deps_setup);
	RUN_TEST(test_request_missing_hard_dep, deps_setup);
	RUN_TEST(test_request_cycle, deps_setup);
	RUN_TEST(test_request_soft_cycle, setup);
	RUN_TEST(test_request_paths_and_unknown, deps_setup);
	return mv_test_summary();
}
