// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the initrd reader (nucleus/initrd.c): the input is
 * an initrd; open it, then stat, read and list every entry reachable from
 * the root and from the flat listing. Besides what ASan and UBSan catch,
 * it aborts when the reader breaks its contract: a failed open logs
 * exactly one error and keeps no memory, a good one logs none, every
 * listed path looks up to the same entry, close frees everything.
 */
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/initrd.h>
#include <mv/log.h>
#include "fuzz_log.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The nucleus heap's largest block: larger inflated archives fail. */
#define HEAP_MAX (((size_t)4 << 20) - 16)
#define MAX_DEPTH 64

static long live_allocs;

/* Host stand-ins for what initrd.c needs from the nucleus. */
void *mv_malloc(size_t size)
{
	void *p;

	if (size > HEAP_MAX)
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		live_allocs++;
	return p;
}

void mv_free(void *p)
{
	if (!p)
		return;
	live_allocs--;
	free(p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_init("initrd: ", "FUZZ_INITRD_VERBOSE");
	return 0;
}

struct walk {
	const struct mv_initrd *rd;
	unsigned int depth;
	size_t seen;
};

static int visit(void *arg, const struct mv_initrd_dirent *d);

/* Everything a caller can ask about one listed entry. */
static void check_entry(struct walk *w, const struct mv_initrd_dirent *d)
{
	const struct mv_initrd *rd = w->rd;
	struct mv_initrd_stat st;
	const uint8_t *p;
	size_t size, off;
	uint8_t tmp[64];
	char *path;
	int ret;

	ENSURE(d->path && d->name);
	ENSURE(d->name_len <= d->path_len);
	ENSURE(d->name + d->name_len == d->path + d->path_len);
	ENSURE(d->path_len > 0 && d->name_len > 0);
	ENSURE(!memchr(d->name, '/', d->name_len));
	ENSURE(!memchr(d->path, '\0', d->path_len));
	ENSURE(d->path[0] != '/' && d->path[d->path_len - 1] != '/');

	path = malloc(d->path_len + 1);
	ENSURE(path);
	memcpy(path, d->path, d->path_len);
	path[d->path_len] = '\0';

	ENSURE(mv_initrd_stat(rd, path, &st) == 0);
	ENSURE(st.size == d->st.size && st.mode == d->st.mode &&
	       st.is_dir == d->st.is_dir);
	p = mv_initrd_data(rd, path, &size);
	ENSURE(p == d->data);
	if (p) {
		ENSURE(!st.is_dir && size == st.size);
		ENSURE(p >= rd->archive && size <= rd->size &&
		       (size_t)(p - rd->archive) <= rd->size - size);
		/* Reads at the edges must match the zero-copy bytes. */
		for (off = 0; off <= size; off += size / 3 + 1) {
			ret = mv_initrd_read(rd, path, off, tmp, sizeof(tmp));
			ENSURE(ret == (int)(size - off < sizeof(tmp) ?
					    size - off : sizeof(tmp)));
			ENSURE(!memcmp(tmp, p + off, (size_t)ret));
		}
		ENSURE(mv_initrd_read(rd, path, size, tmp, 1) == 0);
	} else {
		ENSURE(size == 0);
		ENSURE(mv_initrd_read(rd, path, 0, tmp, 1) == -MV_EINVAL);
	}

	if (st.is_dir && w->depth < MAX_DEPTH) {
		w->depth++;
		ENSURE(mv_initrd_list(rd, path, visit, w) == 0);
		w->depth--;
	} else if (!st.is_dir) {
		ENSURE(mv_initrd_list(rd, path, visit, w) == -MV_EINVAL);
	}
	free(path);
}

static int visit(void *arg, const struct mv_initrd_dirent *d)
{
	struct walk *w = arg;

	w->seen++;
	check_entry(w, d);
	return 0;
}

static int flat(void *arg, const struct mv_initrd_dirent *d)
{
	struct walk *w = arg;

	w->seen++;
	/* The flat walk visits only this entry, not its subtree. */
	w->depth = MAX_DEPTH;
	check_entry(w, d);
	return 0;
}

static int stop(void *arg, const struct mv_initrd_dirent *d)
{
	(void)arg;
	(void)d;
	return 7;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = {
		"", "/", ".", "./", "modules", "modules/modules.idx",
		"config/board.dtbo", "a", "a/b", "TRAILER!!!", "..",
	};
	struct mv_initrd rd;
	struct mv_initrd_stat st;
	struct walk w;
	size_t i, n;
	int ret;

	fuzz_nr_errors = 0;
	live_allocs = 0;
	memset(&rd, 0xa5, sizeof(rd));
	ret = mv_initrd_open(&rd, data, size);
	if (ret) {
		ENSURE(ret == -MV_EINVAL || ret == -MV_ENOMEM);
		ENSURE(fuzz_nr_errors == 1);
		ENSURE(live_allocs == 0);
		ENSURE(!rd.archive && !rd.entries && !rd.inflated &&
		       !rd.nr_entries && !rd.size);
		return 0;
	}
	ENSURE(fuzz_nr_errors == 0);

	memset(&w, 0, sizeof(w));
	w.rd = &rd;
	ENSURE(mv_initrd_list(&rd, NULL, flat, &w) == 0);
	ENSURE(w.seen == rd.nr_entries);
	memset(&w, 0, sizeof(w));
	w.rd = &rd;
	ENSURE(mv_initrd_list(&rd, "", visit, &w) == 0);
	ENSURE(mv_initrd_stat(&rd, "", &st) == 0 && st.is_dir);
	n = rd.nr_entries;
	ENSURE(mv_initrd_list(&rd, "/", stop, NULL) == (n ? 7 : 0));
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		ret = mv_initrd_stat(&rd, probes[i], &st);
		ENSURE(ret == 0 || ret == -MV_ENOENT);
	}

	ENSURE(fuzz_nr_errors == 0);
	mv_initrd_close(&rd);
	ENSURE(live_allocs == 0);
	return 0;
}
