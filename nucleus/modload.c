// SPDX-License-Identifier: GPL-2.0
/*
 * Module requests: resolve a name or alias through modules/modules.idx,
 * load hard and soft dependencies first, then the module itself from the
 * initrd. The index is parsed once; a malformed line is reported with its
 * number and skipped, so one bad record does not cost every module.
 */
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/modload.h>
#include <mv/module.h>
#include <modvisor/nucleus.h>
#include <libfdt.h>
#include <string.h>

#define INDEX_PATH "modules/modules.idx"
#define MAX_DEPTH 16

struct idx_module {
	char *name, *path, *version;
};

struct idx_pair {
	char *name, *value;	/* alias, depend or softdep */
	enum { PAIR_ALIAS, PAIR_DEPEND, PAIR_SOFTDEP } kind;
};

static struct mv_initrd boot_initrd;
struct mv_initrd *mv_boot_initrd;
static char *index_text;
static struct idx_module *idx_modules;
static unsigned int nr_idx_modules;
static struct idx_pair *idx_pairs;
static unsigned int nr_idx_pairs;

static struct idx_module *find_module(const char *name)
{
	for (unsigned int i = 0; i < nr_idx_modules; i++)
		if (!strcmp(idx_modules[i].name, name))
			return &idx_modules[i];
	return NULL;
}

/* Split a line into at most 4 space-separated fields, in place. */
static unsigned int split(char *line, char **field)
{
	unsigned int n = 0;

	while (*line && n < 4) {
		field[n++] = line;
		while (*line && *line != ' ')
			line++;
		if (*line)
			*line++ = '\0';
	}
	return *line ? 5 : n;	/* 5: too many fields */
}

int mv_modindex_parse(const char *text, size_t size)
{
	unsigned int lines = 1, line_no = 0;
	bool header = false;
	char *p, *end;

	mv_free(index_text);
	mv_free(idx_modules);
	mv_free(idx_pairs);
	index_text = NULL;
	idx_modules = NULL;
	idx_pairs = NULL;
	nr_idx_modules = nr_idx_pairs = 0;
	index_text = mv_malloc(size + 1);
	if (!index_text)
		return -MV_ENOMEM;
	memcpy(index_text, text, size);
	index_text[size] = '\0';
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	idx_modules = mv_calloc(lines, sizeof(*idx_modules));
	idx_pairs = mv_calloc(lines, sizeof(*idx_pairs));
	if (!idx_modules || !idx_pairs)
		return -MV_ENOMEM;

	for (p = index_text; p < index_text + size; p = end + 1) {
		char *f[4];
		unsigned int n;

		end = strchr(p, '\n');
		if (!end)
			end = index_text + size;
		*end = '\0';
		if (end > p && end[-1] == '\r')
			end[-1] = '\0';	/* CRLF files too */
		line_no++;
		n = split(p, f);
		/* The first line is the header, nothing else counts before. */
		if (!header) {
			if (n != 2 || strcmp(f[0], "modvisor-modules") ||
			    strcmp(f[1], "1")) {
				mv_log(MV_LOG_ERR, "module: " INDEX_PATH " is not "
				       "a version 1 module index\n");
				nr_idx_modules = nr_idx_pairs = 0;
				return -MV_EINVAL;
			}
			header = true;
			continue;
		}
		if (!*p || *p == '#')
			continue;
		if (n == 4 && !strcmp(f[0], "module") &&
		    !find_module(f[1])) {
			idx_modules[nr_idx_modules++] =
				(struct idx_module){ f[1], f[2], f[3] };
		} else if (n == 3 && find_module(f[1]) &&
			   (!strcmp(f[0], "alias") || !strcmp(f[0], "depend") ||
			    !strcmp(f[0], "softdep"))) {
			struct idx_pair *pr = &idx_pairs[nr_idx_pairs++];

			pr->name = f[1];
			pr->value = f[2];
			pr->kind = f[0][0] == 'a' ? PAIR_ALIAS :
				   f[0][0] == 'd' ? PAIR_DEPEND : PAIR_SOFTDEP;
		} else {
			mv_log(MV_LOG_ERR, "module: " INDEX_PATH " line %u is "
			       "malformed; skipped\n", line_no);
		}
	}
	if (!header) {
		mv_log(MV_LOG_ERR, "module: " INDEX_PATH " is empty\n");
		return -MV_EINVAL;
	}
	return 0;
}

const char *mv_modindex_resolve(const char *what)
{
	struct idx_module *m = find_module(what);

	if (m)
		return m->name;
	for (unsigned int i = 0; i < nr_idx_pairs; i++)
		if (idx_pairs[i].kind == PAIR_ALIAS &&
		    !strcmp(idx_pairs[i].value, what))
			return idx_pairs[i].name;
	return NULL;
}

static int load_file(const char *path, const char *reason)
{
	struct mv_module *m;
	void *copy = NULL;
	size_t size;
	const void *data;
	int err;

	data = mv_boot_initrd ? mv_initrd_data(mv_boot_initrd, path, &size)
			      : NULL;
	if (!data) {
		mv_log(MV_LOG_ERR, "module: %s is not in the initrd\n", path);
		return -MV_ENOENT;
	}
	/* cpio aligns file data to 4 bytes; ELF headers want 8. */
	if ((uintptr_t)data & 7) {
		copy = mv_malloc(size);
		if (!copy) {
			mv_log(MV_LOG_ERR, "module: %s: out of memory\n", path);
			return -MV_ENOMEM;
		}
		memcpy(copy, data, size);
		data = copy;
	}
	err = mv_module_load_image(data, size, path, reason, &m);
	mv_free(copy);
	if (!err)
		mv_log(MV_LOG_INFO, "module: %s loaded %s (%lu KiB, %lu us)\n",
		       m->name, reason,
		       (unsigned long)(m->mem_pages * MV_PAGE_SIZE >> 10),
		       (unsigned long)(m->load_ns / 1000));
	return err;
}

static int request(const char *what, const char *reason, unsigned int depth)
{
	struct idx_module *m;
	const char *name;
	size_t len = strlen(what);
	char why[96];
	int err;

	if (len > 4 && !strcmp(what + len - 4, ".mvm"))
		return load_file(what, reason);
	name = mv_modindex_resolve(what);
	if (!name) {
		mv_log(MV_LOG_ERR, "module: no module named or aliased '%s'\n",
		       what);
		return -MV_ENOENT;
	}
	if (mv_module_find(name))
		return 0;
	if (depth > MAX_DEPTH) {
		mv_log(MV_LOG_ERR, "module: dependencies of %s nest too deep "
		       "(a cycle?)\n", name);
		return -MV_ELOOP;
	}
	m = find_module(name);
	mv_snprintf(why, sizeof(why), "needed by %s", name);
	for (unsigned int i = 0; i < nr_idx_pairs; i++) {
		struct idx_pair *pr = &idx_pairs[i];

		if (strcmp(pr->name, name) || pr->kind == PAIR_ALIAS)
			continue;
		err = request(pr->value, why, depth + 1);
		if (err && pr->kind == PAIR_DEPEND) {
			mv_log(MV_LOG_ERR, "module: %s not loaded: it needs "
			       "%s\n", name, pr->value);
			return err;
		}
	}
	/* A cycle through soft dependencies may have loaded it meanwhile. */
	if (mv_module_find(name))
		return 0;
	return load_file(m->path, reason);
}

int mv_module_index_names(char (*names)[32], int max)
{
	for (unsigned int i = 0; i < nr_idx_modules && (int)i < max; i++) {
		size_t n = strnlen(idx_modules[i].name, 31);

		memcpy(names[i], idx_modules[i].name, n);
		names[i][n] = '\0';
	}
	return nr_idx_modules;
}

int mv_module_request(const char *what, const char *reason)
{
	return request(what, reason, 0);
}

/*
 * Apply config/board.dtbo from the initrd to the DTB the boot loader
 * passed; the result is the boot device tree. On any error the passed
 * DTB stays as it was (libfdt works on copies here).
 */
static void apply_board_overlay(void)
{
	const void *dtbo, *base = mv_boot_fdt;
	void *merged, *overlay, *packed;
	size_t size, merged_size;
	int err;

	dtbo = mv_initrd_data(&boot_initrd, "config/board.dtbo", &size);
	if (!dtbo) {
		mv_log(MV_LOG_INFO, "devtree: no config/board.dtbo in the "
		       "initrd; using the DTB as passed\n");
		return;
	}
	/*
	 * fdt_open_into() cannot shrink a tree whose blocks are in order, so
	 * the work buffer is as big as the passed DTB (QEMU's is mostly
	 * padding, 1 MiB); the packed result is copied out below.
	 */
	merged_size = fdt_totalsize(base) + 2 * size + 4096;
	merged = mv_malloc(merged_size);
	overlay = mv_malloc(size);
	if (!merged || !overlay) {
		mv_log(MV_LOG_ERR, "devtree: no memory to apply the board "
		       "overlay\n");
		goto out;
	}
	/* cpio aligns data to 4 bytes; libfdt wants 8: check the copy. */
	memcpy(overlay, dtbo, size);
	if (size < sizeof(struct fdt_header) || fdt_check_header(overlay) ||
	    fdt_totalsize(overlay) > size) {
		mv_log(MV_LOG_ERR, "devtree: config/board.dtbo is not a valid "
		       "DTB overlay; using the DTB as passed\n");
		goto out;
	}
	err = fdt_open_into(base, merged, merged_size);
	if (!err)
		err = fdt_overlay_apply(merged, overlay);
	if (err) {
		mv_log(MV_LOG_ERR, "devtree: config/board.dtbo does not apply: "
		       "%s; using the DTB as passed\n", fdt_strerror(err));
		goto out;
	}
	fdt_pack(merged);
	/* Keep only what the packed tree needs. */
	packed = mv_malloc(fdt_totalsize(merged));
	if (packed) {
		memcpy(packed, merged, fdt_totalsize(merged));
		mv_free(merged);
		merged = packed;
	}
	mv_boot_fdt = merged;
	merged = NULL;
	mv_log(MV_LOG_INFO, "devtree: applied config/board.dtbo\n");
out:
	mv_free(merged);
	mv_free(overlay);
}

int mv_modload_init(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	u64 start, end;
	const void *text;
	size_t size;
	int err;

	if (chosen < 0 ||
	    !mv_dt_read_number(fdt, chosen, "linux,initrd-start", &start) ||
	    !mv_dt_read_number(fdt, chosen, "linux,initrd-end", &end) ||
	    end <= start) {
		mv_log(MV_LOG_WARN, "initrd: none passed; no modules to "
		       "load\n");
		return -MV_ENOENT;
	}
	err = mv_initrd_open(&boot_initrd, (const void *)(uintptr_t)start,
			     end - start);
	if (err)
		return err;
	mv_boot_initrd = &boot_initrd;
	mv_log(MV_LOG_INFO, "initrd: %lu entries, %lu KiB\n",
	       (unsigned long)boot_initrd.nr_entries,
	       (unsigned long)(boot_initrd.size >> 10));
	apply_board_overlay();
	text = mv_initrd_data(&boot_initrd, INDEX_PATH, &size);
	if (!text) {
		mv_log(MV_LOG_ERR, "initrd: no " INDEX_PATH "; modules can "
		       "only be loaded by path\n");
		return -MV_ENOENT;
	}
	return mv_modindex_parse(text, size);
}
