// SPDX-License-Identifier: GPL-2.0
/*
 * The initrd reader: nucleus/initrd.c over archives written here (a small
 * newc writer, so that every header field can be damaged on purpose) and
 * by the system's cpio and gzip.
 */
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/initrd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "counted_heap.h"
#include "mv_test.h"

static void setup(void)
{
	mv_test_heap_reset();
}

/* A growing byte buffer. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_zeros(struct buf *b, size_t n)
{
	static const unsigned char z[64];

	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);

		put(b, z, k);
		n -= k;
	}
}

static void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* newc header fields, as nucleus/initrd.c numbers them. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
};

#define HDR 110
#define REG(perm) (0100000u | (perm))
#define DIR_(perm) (0040000u | (perm))
#define LNK 0120777u

static unsigned int next_ino = 100;

/* Append an entry with explicit inode and link count; its offset. */
static size_t newc_add_ino(struct buf *b, unsigned int ino,
			   unsigned int nlink, unsigned int mode,
			   const char *name, const void *data, size_t size)
{
	size_t off = b->len;
	char hdr[HDR + 1];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, nlink, 0x65000000u, (unsigned int)size,
		 8u, 1u, 0u, 0u, (unsigned int)strlen(name) + 1, 0u);
	put(b, hdr, HDR);
	put(b, name, strlen(name) + 1);
	put_zeros(b, -b->len & 3);
	put(b, data, size);
	put_zeros(b, -b->len & 3);
	return off;
}

static size_t newc_add(struct buf *b, unsigned int mode, const char *name,
		       const char *text)
{
	return newc_add_ino(b, next_ino++, 1, mode, name, text,
			    text ? strlen(text) : 0);
}

static size_t newc_trailer(struct buf *b)
{
	return newc_add_ino(b, 0, 1, 0, "TRAILER!!!", NULL, 0);
}

static void set_field(struct buf *b, size_t off, int field, unsigned int v)
{
	char tmp[9];

	snprintf(tmp, sizeof(tmp), "%08X", v);
	memcpy(b->p + off + 6 + 8 * field, tmp, 8);
}

/* gzip (one member) of data, with the host's zlib. */
static void gzip_mem(struct buf *out, const void *data, size_t len)
{
	z_stream zs;
	size_t bound;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY))
		abort();
	bound = deflateBound(&zs, len) + 32;
	if (out->len + bound > out->cap) {
		out->cap = out->len + bound;
		out->p = realloc(out->p, out->cap);
		if (!out->p)
			abort();
	}
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = out->p + out->len;
	zs.avail_out = (uInt)(out->cap - out->len);
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len += zs.total_out;
	deflateEnd(&zs);
}

/*
 * mv_initrd_open must fail with ret, log exactly one error starting
 * "initrd: " and containing what, and leave nothing allocated.
 */
static bool open_fails(const void *data, size_t size, int ret,
		       const char *what)
{
	unsigned int e = mv_host_log_count(MV_LOG_ERR);
	struct mv_initrd rd;
	const char *msg;
	int r;

	memset(&rd, 0x5a, sizeof(rd));
	mv_host_log_quiet(true);
	r = mv_initrd_open(&rd, data, size);
	mv_host_log_quiet(false);
	msg = mv_host_log_last_error();
	if (r == ret && mv_host_log_count(MV_LOG_ERR) == e + 1 &&
	    !strncmp(msg, "initrd: ", 8) && strstr(msg, what) &&
	    !mv_test_live_allocs && !rd.entries && !rd.inflated && !rd.nr_entries)
		return true;
	fprintf(stderr, "  open -> %d (want %d), %u errors, %ld live "
		"allocations, last error: %s  want: '%s'\n", r, ret,
		mv_host_log_count(MV_LOG_ERR) - e, mv_test_live_allocs, msg, what);
	if (!r)
		mv_initrd_close(&rd);
	return false;
}

#define CHECK_BAD(b, what) \
	CHECK(open_fails((b)->p, (b)->len, -MV_EINVAL, what))

static void check_file(const struct mv_initrd *rd, const char *path,
		       const char *text)
{
	struct mv_initrd_stat st;
	size_t len = strlen(text), size;
	const void *data;
	char tmp[256];

	CHECK_EQ(mv_initrd_stat(rd, path, &st), 0);
	CHECK_EQ(st.size, len);
	CHECK(!st.is_dir);
	CHECK_EQ(st.mode & MV_INITRD_S_IFMT, MV_INITRD_S_IFREG);
	data = mv_initrd_data(rd, path, &size);
	CHECK(data);
	CHECK_EQ(size, len);
	CHECK(!memcmp(data, text, len));
	memset(tmp, 0x77, sizeof(tmp));
	CHECK_EQ(mv_initrd_read(rd, path, 0, tmp, sizeof(tmp)), len);
	CHECK(!memcmp(tmp, text, len));
	CHECK_EQ((unsigned char)tmp[len], 0x77);
}

static void check_dir(const struct mv_initrd *rd, const char *path)
{
	struct mv_initrd_stat st;
	size_t size = 1;

	CHECK_EQ(mv_initrd_stat(rd, path, &st), 0);
	CHECK(st.is_dir);
	CHECK_EQ(st.size, 0);
	CHECK_EQ(st.mode & MV_INITRD_S_IFMT, MV_INITRD_S_IFDIR);
	CHECK(!mv_initrd_data(rd, path, &size));
	CHECK_EQ(size, 0);
	CHECK_EQ(mv_initrd_read(rd, path, 0, &size, 1), -MV_EINVAL);
}

/* A listing flattened to "name/ name ..." (directories with a slash). */
struct listing {
	char text[4096];
	unsigned int count, stop_at;
	const struct mv_initrd *rd;
};

static int list_cb(void *arg, const struct mv_initrd_dirent *d)
{
	struct listing *l = arg;
	size_t n = strlen(l->text);

	/* name is the tail of path, which is not NUL-terminated. */
	if (d->name + d->name_len != d->path + d->path_len ||
	    d->name_len > d->path_len)
		return -1000;
	if (d->st.is_dir && d->data)
		return -1001;
	snprintf(l->text + n, sizeof(l->text) - n, "%s%.*s%s", n ? " " : "",
		 (int)d->name_len, d->name, d->st.is_dir ? "/" : "");
	if (++l->count == l->stop_at)
		return 42;
	return 0;
}

static const char *list(const struct mv_initrd *rd, const char *dir,
			int *ret)
{
	static struct listing l;

	memset(&l, 0, sizeof(l));
	*ret = mv_initrd_list(rd, dir, list_cb, &l);
	return l.text;
}

#define CHECK_LIST(rd, dir, want)					\
	do {								\
		int r_;							\
		const char *got_ = list(rd, dir, &r_);			\
		if (r_ || strcmp(got_, want))				\
			fprintf(stderr, "  list(%s) = %d '%s', want '%s'\n", \
				#dir, r_, got_, want);			\
		CHECK_EQ(r_, 0);					\
		CHECK(!strcmp(got_, want));				\
	} while (0)

static void build_sample_entries(struct buf *b)
{
	static const char big[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	newc_add(b, DIR_(0755), "modules", NULL);
	newc_add(b, REG(0644), "modules/uart.mvm", "ELF uart module");
	newc_add(b, REG(0644), "modules/empty.mvm", "");
	newc_add(b, REG(0644), "modules/modules.idx",
		 "module uart modules/uart.mvm -\n");
	/* No entry for config/ or guests/: both implied. */
	newc_add(b, REG(0600), "config/board.dtbo", "dtbo");
	newc_add(b, REG(0644), "guests/linux/Image", big);
	newc_add(b, LNK, "modules/latest", "uart.mvm");
}

static void build_sample(struct buf *b)
{
	build_sample_entries(b);
	newc_trailer(b);
}

static void test_basic(void)
{
	struct buf b = { 0 };
	struct mv_initrd rd;
	struct mv_initrd_stat st;
	char tmp[64];
	size_t size;

	build_sample(&b);
	CHECK_EQ(mv_initrd_open(&rd, b.p, b.len), 0);
	CHECK_EQ(rd.nr_entries, 7);
	CHECK(!rd.inflated);

	check_file(&rd, "modules/uart.mvm", "ELF uart module");
	check_file(&rd, "modules/empty.mvm", "");
	check_file(&rd, "modules/modules.idx",
		   "module uart modules/uart.mvm -\n");
	check_file(&rd, "config/board.dtbo", "dtbo");
	CHECK_EQ(mv_initrd_stat(&rd, "config/board.dtbo", &st), 0);
	CHECK_EQ(st.mode, REG(0600));
	check_dir(&rd, "modules");
	check_dir(&rd, "config");
	check_dir(&rd, "guests");
	check_dir(&rd, "guests/linux");
	check_dir(&rd, "");
	check_dir(&rd, "/");
	check_dir(&rd, ".");
	check_dir(&rd, "./");
	CHECK_EQ(mv_initrd_stat(&rd, "modules", &st), 0);
	CHECK_EQ(st.mode, DIR_(0755));

	/* Queries lose a leading "./" or "/" and trailing slashes. */
	check_file(&rd, "./modules/uart.mvm", "ELF uart module");
	check_file(&rd, "/modules/uart.mvm", "ELF uart module");
	check_file(&rd, "/./modules/uart.mvm", "ELF uart module");
	check_dir(&rd, "./modules/");
	check_dir(&rd, "/guests/linux//");

	/* Symlinks are entries, not files to read. */
	CHECK_EQ(mv_initrd_stat(&rd, "modules/latest", &st), 0);
	CHECK_EQ(st.mode, LNK);
	CHECK_EQ(st.size, 8);
	CHECK(!st.is_dir);
	CHECK(!mv_initrd_data(&rd, "modules/latest", &size));
	CHECK_EQ(mv_initrd_read(&rd, "modules/latest", 0, tmp, 8),
		 -MV_EINVAL);

	/* Absent paths, including near misses in sort order. */
	CHECK_EQ(mv_initrd_stat(&rd, "modules/uart", &st), -MV_ENOENT);
	CHECK_EQ(mv_initrd_stat(&rd, "modules/uart.mvm/x", &st), -MV_ENOENT);
	CHECK_EQ(mv_initrd_stat(&rd, "module", &st), -MV_ENOENT);
	CHECK_EQ(mv_initrd_stat(&rd, "modules-x", &st), -MV_ENOENT);
	CHECK_EQ(mv_initrd_stat(&rd, "zzz", &st), -MV_ENOENT);
	CHECK_EQ(mv_initrd_stat(&rd, "guests/lin", &st), -MV_ENOENT);
	CHECK_EQ(mv_initrd_stat(&rd, NULL, &st), -MV_EINVAL);
	CHECK(!mv_initrd_data(&rd, "nope", &size));
	CHECK_EQ(size, 0);
	CHECK_EQ(mv_initrd_read(&rd, "nope", 0, tmp, 1), -MV_ENOENT);

	/* Reads at offsets, short and past the end. */
	CHECK_EQ(mv_initrd_read(&rd, "guests/linux/Image", 10, tmp, 4), 4);
	CHECK(!memcmp(tmp, "abcd", 4));
	CHECK_EQ(mv_initrd_read(&rd, "guests/linux/Image", 30, tmp, 64), 6);
	CHECK(!memcmp(tmp, "uvwxyz", 6));
	CHECK_EQ(mv_initrd_read(&rd, "guests/linux/Image", 36, tmp, 64), 0);
	CHECK_EQ(mv_initrd_read(&rd, "guests/linux/Image", 1000, tmp, 64), 0);
	CHECK_EQ(mv_initrd_read(&rd, "guests/linux/Image", 0, tmp, 0), 0);
	CHECK_EQ(mv_initrd_read(&rd, "modules/empty.mvm", 0, tmp, 64), 0);

	/* Zero-copy data points into the archive itself. */
	CHECK((const unsigned char *)mv_initrd_data(&rd, "config/board.dtbo",
						    &size) > b.p);
	CHECK((const unsigned char *)mv_initrd_data(&rd, "config/board.dtbo",
						    &size) < b.p + b.len);

	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);
	mv_initrd_close(&rd);	/* harmless twice */
	buf_free(&b);
	CHECK_NO_ERRORS();
}

static void test_list(void)
{
	struct buf b = { 0 };
	struct mv_initrd rd;
	struct listing l;
	int ret;

	build_sample(&b);
	CHECK_EQ(mv_initrd_open(&rd, b.p, b.len), 0);
	CHECK_LIST(&rd, "", "config/ guests/ modules/");
	CHECK_LIST(&rd, "/", "config/ guests/ modules/");
	CHECK_LIST(&rd, ".", "config/ guests/ modules/");
	CHECK_LIST(&rd, "modules",
		   "empty.mvm latest modules.idx uart.mvm");
	CHECK_LIST(&rd, "./modules/",
		   "empty.mvm latest modules.idx uart.mvm");
	CHECK_LIST(&rd, "guests", "linux/");
	CHECK_LIST(&rd, "guests/linux", "Image");
	CHECK_LIST(&rd, "config", "board.dtbo");
	CHECK_LIST(&rd, NULL, "board.dtbo Image modules/ empty.mvm latest "
		   "modules.idx uart.mvm");

	list(&rd, "nope", &ret);
	CHECK_EQ(ret, -MV_ENOENT);
	list(&rd, "modules/uart.mvm", &ret);
	CHECK_EQ(ret, -MV_EINVAL);

	/* A callback's non-zero value stops the walk and comes back. */
	memset(&l, 0, sizeof(l));
	l.stop_at = 2;
	CHECK_EQ(mv_initrd_list(&rd, "modules", list_cb, &l), 42);
	CHECK_EQ(l.count, 2);
	CHECK(!strcmp(l.text, "empty.mvm latest"));

	mv_initrd_close(&rd);
	buf_free(&b);
	CHECK_EQ(mv_test_live_allocs, 0);
	CHECK_NO_ERRORS();
}

/* Paths whose bytes sort around '/': "a-b" < "a/x" in plain strcmp. */
static void test_sort_order(void)
{
	struct buf b = { 0 };
	struct mv_initrd rd;
	struct mv_initrd_stat st;

	newc_add(&b, REG(0644), "a.b", "1");
	newc_add(&b, REG(0644), "a/y/z", "2");
	newc_add(&b, REG(0644), "a-b", "3");
	newc_add(&b, DIR_(0755), "a", NULL);
	newc_add(&b, REG(0644), "a/x", "4");
	newc_add(&b, REG(0644), "a/y-1", "5");
	newc_add(&b, REG(0644), "a/y.1/q", "6");
	newc_add(&b, REG(0644), "b", "7");
	newc_add(&b, REG(0644), "a!", "8");
	newc_trailer(&b);
	CHECK_EQ(mv_initrd_open(&rd, b.p, b.len), 0);
	CHECK_LIST(&rd, "", "a/ a! a-b a.b b");
	CHECK_LIST(&rd, "a", "x y/ y-1 y.1/");
	CHECK_LIST(&rd, "a/y", "z");
	CHECK_LIST(&rd, "a/y.1", "q");
	check_file(&rd, "a/y-1", "5");
	check_file(&rd, "a!", "8");
	check_dir(&rd, "a/y");
	CHECK_EQ(mv_initrd_stat(&rd, "a/y/", &st), 0);
	CHECK_EQ(mv_initrd_stat(&rd, "a/", &st), 0);
	CHECK_EQ(st.mode, DIR_(0755));
	mv_initrd_close(&rd);
	buf_free(&b);
	CHECK_NO_ERRORS();
}

/* Archive names with "./", "/" and a "." root entry, as find . writes. */
static void test_prefixed_names(void)
{
	struct buf b = { 0 };
	struct mv_initrd rd;

	newc_add(&b, DIR_(0755), ".", NULL);
	newc_add(&b, DIR_(0755), "./modules", NULL);
	newc_add(&b, REG(0644), "./modules/a.mvm", "A");
	newc_add(&b, REG(0644), "/abs/file", "B");
	newc_add(&b, DIR_(0755), "trailing/", NULL);
	newc_add(&b, REG(0644), "././twice", "C");
	newc_add(&b, DIR_(0755), "./", NULL);
	newc_trailer(&b);
	CHECK_EQ(mv_initrd_open(&rd, b.p, b.len), 0);
	CHECK_EQ(rd.nr_entries, 5);
	check_file(&rd, "modules/a.mvm", "A");
	check_file(&rd, "./modules/a.mvm", "A");
	check_file(&rd, "abs/file", "B");
	check_file(&rd, "/abs/file", "B");
	check_file(&rd, "twice", "C");
	check_dir(&rd, "trailing");
	check_dir(&rd, "abs");
	CHECK_LIST(&rd, NULL, "file modules/ a.mvm trailing/ twice");
	CHECK_LIST(&rd, ".", "abs/ modules/ trailing/ twice");
	mv_initrd_close(&rd);
	buf_free(&b);
	CHECK_NO_ERRORS();
}

/* GNU cpio puts a hard-link group's data on the last entry. */
static void test_hard_links(void)
{
	struct buf b = { 0 };
	struct mv_initrd rd;

	newc_add_ino(&b, 7, 3, REG(0644), "one", NULL, 0);
	newc_add_ino(&b, 9, 2, REG(0644), "other", NULL, 0);
	newc_add_ino(&b, 7, 3, REG(0644), "two", NULL, 0);
	newc_add_ino(&b, 7, 3, REG(0644), "three", "shared", 6);
	newc_add_ino(&b, 9, 2, REG(0644), "other2", "x", 1);
	newc_add_ino(&b, 5, 2, REG(0644), "lonely", NULL, 0);
	newc_trailer(&b);
	CHECK_EQ(mv_initrd_open(&rd, b.p, b.len), 0);
	check_file(&rd, "one", "shared");
	check_file(&rd, "two", "shared");
	check_file(&rd, "three", "shared");
	check_file(&rd, "other", "x");
	check_file(&rd, "other2", "x");
	check_file(&rd, "lonely", "");
	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);
	buf_free(&b);
	CHECK_NO_ERRORS();
}

static void test_empty_archives(void)
{
	struct buf b = { 0 };
	struct mv_initrd rd;
	struct mv_initrd_stat st;

	newc_trailer(&b);
	put_zeros(&b, 512 - b.len);	/* cpio's block padding */
	CHECK_EQ(mv_initrd_open(&rd, b.p, b.len), 0);
	CHECK_EQ(rd.nr_entries, 0);
	CHECK_EQ(mv_test_live_allocs, 0);
	CHECK_EQ(mv_initrd_stat(&rd, "", &st), 0);
	CHECK(st.is_dir);
	CHECK_EQ(mv_initrd_stat(&rd, "x", &st), -MV_ENOENT);
	CHECK_LIST(&rd, "", "");
	CHECK_LIST(&rd, NULL, "");
	mv_initrd_close(&rd);
	buf_free(&b);
	CHECK_NO_ERRORS();
}

/* The message carries entry number, name, offset and reason. */
static void test_error_message(void)
{
	struct buf b = { 0 };
	size_t off;

	newc_add(&b, DIR_(0755), "modules", NULL);
	off = newc_add(&b, REG(0644), "modules/x.mvm", "0123");
	newc_trailer(&b);
	set_field(&b, off, F_FILESIZE, 0x1000);
	CHECK_BAD(&b, "");
	CHECK(!strcmp(mv_host_log_last_error(),
		      "initrd: entry 1 'modules/x.mvm' at offset 0x78: file "
		      "size 0x1000 runs past the end of the archive (0x80 "
		      "bytes left)\n"));
	buf_free(&b);
}

/* Each defect: -MV_EINVAL, one precise error, nothing allocated. */
static void test_malformed(void)
{
	struct buf b = { 0 }, ok = { 0 };
	size_t a, c, t;

	CHECK(open_fails(NULL, 0, -MV_EINVAL, "empty"));
	CHECK(open_fails("", 0, -MV_EINVAL, "empty"));

	/* A good base: entries at a, c and the trailer at t; both names
	 * need padding. */
	a = newc_add(&ok, REG(0644), "ab", "hello");
	c = newc_add(&ok, DIR_(0755), "cd", NULL);
	t = newc_trailer(&ok);
	CHECK_EQ(a, 0);
	CHECK_EQ(c, 0x7c);
	CHECK_EQ(t, 0xf0);
	CHECK(open_fails(ok.p, 3, -MV_EINVAL,
			 "entry 0 at offset 0x0: header truncated (3 of 110"));

#define FROM_OK() do { buf_free(&b); put(&b, ok.p, ok.len); } while (0)

	FROM_OK();
	memcpy(b.p + c, "070707", 6);
	CHECK_BAD(&b, "entry 1 at offset 0x7c: bad magic '070707' (want "
		  "070701 or 070702; odc cpio is not supported)");
	FROM_OK();
	memcpy(b.p + c, "\x01\xff" "0701", 6);
	CHECK_BAD(&b, "bad magic '??0701'");
	FROM_OK();
	b.p[a + 6 + 8 * F_FILESIZE + 3] = 'g';
	CHECK_BAD(&b, "entry 0 at offset 0x0: c_filesize is not 8 hex digits");
	FROM_OK();
	b.p[c + 6 + 8 * F_CHECK + 7] = ' ';
	CHECK_BAD(&b, "entry 1 at offset 0x7c: c_check is not 8 hex digits");
	FROM_OK();
	b.p[c + 6 + 8 * F_INO] = '-';
	CHECK_BAD(&b, "c_ino is not 8 hex digits");

	/* Truncation inside each part of an entry. */
	FROM_OK();
	b.len = c + 50;
	CHECK_BAD(&b, "entry 1 at offset 0x7c: header truncated (50 of 110");
	b.len = c + HDR + 1;
	CHECK_BAD(&b, "entry 1 at offset 0x7c: name (3 bytes) runs past the "
		  "end");
	b.len = c + HDR + 3;
	CHECK_BAD(&b, "entry 1 'cd' at offset 0x7c: name padding runs past");
	b.len = a + 116 + 3;
	CHECK_BAD(&b, "entry 0 'ab' at offset 0x0: file size 0x5 runs past "
		  "the end of the archive (0x3 bytes left)");
	b.len = a + 116 + 6;
	CHECK_BAD(&b, "entry 0 'ab' at offset 0x0: data padding runs past");
	b.len = t;
	CHECK_BAD(&b, "entry 2 at offset 0xf0: the archive ends without a "
		  "TRAILER!!! entry");
	b.len = ok.len - 1;
	CHECK_BAD(&b, "entry 2 'TRAILER!!!' at offset 0xf0: name padding");

	/* Sizes that would wrap offset arithmetic. */
	FROM_OK();
	set_field(&b, a, F_FILESIZE, 0xffffffff);
	CHECK_BAD(&b, "file size 0xffffffff runs past the end");
	FROM_OK();
	set_field(&b, a, F_FILESIZE, 0xfffffffc);
	CHECK_BAD(&b, "file size 0xfffffffc runs past the end");
	FROM_OK();
	set_field(&b, a, F_NAMESIZE, 0xffffffff);
	CHECK_BAD(&b, "name (4294967295 bytes) runs past the end");
	FROM_OK();
	set_field(&b, a, F_NAMESIZE, 0);
	CHECK_BAD(&b, "entry 0 at offset 0x0: name size 0");

	/* Names: no NUL at the end, a NUL inside, bad components. */
	FROM_OK();
	set_field(&b, a, F_NAMESIZE, 1);
	b.p[a + HDR] = 'a';
	CHECK_BAD(&b, "name is not NUL-terminated");
	FROM_OK();
	set_field(&b, a, F_NAMESIZE, 2);
	CHECK_BAD(&b, "entry 0 at offset 0x0: name is not NUL-terminated");
	buf_free(&b);
	newc_add(&b, REG(0644), "xy", "1");
	newc_trailer(&b);
	b.p[HDR] = '\0';
	CHECK_BAD(&b, "name has a NUL before its end");

	/* Padding must be zero. */
	FROM_OK();
	b.p[a + HDR + 3] = 'x';
	CHECK_BAD(&b, "entry 0 'ab' at offset 0x0: name padding is not zero");
	FROM_OK();
	b.p[a + 116 + 5 + 2] = 1;
	CHECK_BAD(&b, "entry 0 'ab' at offset 0x0: data padding is not zero");

	/* Only zeros after the trailer. */
	FROM_OK();
	put_zeros(&b, 100);
	b.p[b.len - 7] = 'x';
	CHECK_BAD(&b, "'TRAILER!!!' at offset 0xf0: followed by non-zero "
		  "data at offset 0x");
	FROM_OK();
	put(&b, ok.p, ok.len);
	CHECK_BAD(&b, "followed by non-zero data at offset 0x");

	/* Modes. */
	FROM_OK();
	set_field(&b, a, F_MODE, 0644);
	CHECK_BAD(&b, "entry 0 'ab' at offset 0x0: mode 0644 has no known "
		  "file type");
	FROM_OK();
	set_field(&b, a, F_MODE, 0x10081a4);
	CHECK_BAD(&b, "mode 0x10081a4 has bits above the file type");
	FROM_OK();
	set_field(&b, a, F_MODE, DIR_(0755));
	CHECK_BAD(&b, "entry 0 'ab' at offset 0x0: directory with 0x5 bytes");

	buf_free(&ok);
	buf_free(&b);
}

/* Archives whose headers are fine but whose paths are not. */
static void test_bad_paths(void)
{
	struct buf b = { 0 };

#define ONE(mode, name, text, what)					\
	do {								\
		buf_free(&b);						\
		newc_add(&b, DIR_(0755), "ok", NULL);			\
		newc_add(&b, mode, name, text);				\
		newc_trailer(&b);					\
		CHECK_BAD(&b, what);					\
	} while (0)

	ONE(REG(0644), "a/../b", "x", "entry 1 'a/../b' at offset 0x74: "
	    "path has a '.' or '..' component");
	ONE(REG(0644), "..", "x", "'.' or '..' component");
	ONE(REG(0644), "../etc/passwd", "x", "'.' or '..' component");
	ONE(REG(0644), "a/./b", "x", "'.' or '..' component");
	ONE(REG(0644), "a//b", "x", "path has an empty component");
	ONE(REG(0644), ".", "x", "entry 1 '.' at offset 0x74: the root is "
	    "not a directory");
	ONE(REG(0644), "", "x", "the root is not a directory");
	ONE(REG(0644), "ok/weird\x01name/..", "x", "'ok/weird?name/..'");

	/* Duplicates, however spelt, and files with children. */
	buf_free(&b);
	newc_add(&b, REG(0644), "x", "1");
	newc_add(&b, REG(0644), "y", "2");
	newc_add(&b, REG(0644), "./x", "3");
	newc_trailer(&b);
	CHECK_BAD(&b, "entry 2 'x' at offset 0xe8: same path as entry 0 'x'");
	buf_free(&b);
	newc_add(&b, DIR_(0755), "d", NULL);
	newc_add(&b, DIR_(0755), "/d/", NULL);
	newc_trailer(&b);
	CHECK_BAD(&b, "entry 1 'd' at offset 0x70: same path as entry 0 'd'");
	buf_free(&b);
	newc_add(&b, REG(0644), "f/child", "1");
	newc_add(&b, REG(0644), "f", "2");
	newc_trailer(&b);
	CHECK_BAD(&b, "entry 0 'f/child' at offset 0x0: lies below the "
		  "non-directory entry 1 'f'");
	buf_free(&b);
	newc_add(&b, LNK, "l", "target");
	newc_add(&b, REG(0644), "l/x/y", "2");
	newc_trailer(&b);
	CHECK_BAD(&b, "'l/x/y' at offset 0x78: lies below the non-directory "
		  "entry 0 'l'");
	buf_free(&b);
#undef ONE
}

/* Long names are cut and unprintable bytes hidden in messages. */
static void test_message_quoting(void)
{
	struct buf b = { 0 };
	char name[300];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	name[5] = '\x1b';
	name[6] = '\'';
	newc_add(&b, DIR_(0755), name, "data");
	newc_trailer(&b);
	CHECK_BAD(&b, "directory with 0x4");
	CHECK(strstr(mv_host_log_last_error(), "'nnnnn??nnn"));
	CHECK(strstr(mv_host_log_last_error(), "n...' at offset 0x0"));
	CHECK_LT(strlen(mv_host_log_last_error()), 200);
	buf_free(&b);
}

static void test_gzip(void)
{
	struct buf raw = { 0 }, gz = { 0 }, multi = { 0 };
	struct mv_initrd rd;
	size_t half;

	build_sample(&raw);
	put_zeros(&raw, 512 - raw.len % 512);
	gzip_mem(&gz, raw.p, raw.len);
	CHECK_EQ(mv_initrd_open(&rd, gz.p, gz.len), 0);
	CHECK(rd.inflated);
	CHECK_EQ(rd.size, raw.len);
	check_file(&rd, "modules/uart.mvm", "ELF uart module");
	check_file(&rd, "modules/empty.mvm", "");
	CHECK_LIST(&rd, "", "config/ guests/ modules/");
	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);

	/* Several members back to back, then zero padding. */
	half = raw.len / 3;
	gzip_mem(&multi, raw.p, half);
	gzip_mem(&multi, raw.p + half, raw.len - half - 100);
	gzip_mem(&multi, raw.p + raw.len - 100, 100);
	put_zeros(&multi, 77);
	CHECK_EQ(mv_initrd_open(&rd, multi.p, multi.len), 0);
	CHECK_EQ(rd.size, raw.len);
	check_file(&rd, "guests/linux/Image",
		   "0123456789abcdefghijklmnopqrstuvwxyz");
	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);
	CHECK_NO_ERRORS();

	/* Garbage after the stream. */
	put(&multi, "junk", 4);
	CHECK(open_fails(multi.p, multi.len, -MV_EINVAL,
			 "non-zero data at offset 0x"));

	/* Truncated: anywhere in the stream. */
	CHECK(open_fails(gz.p, gz.len - 1, -MV_EINVAL, "stream truncated"));
	CHECK(open_fails(gz.p, gz.len / 2, -MV_EINVAL, "stream truncated"));
	CHECK(open_fails(gz.p, 2, -MV_EINVAL, "gzip stream truncated"));

	/* Damaged: header flags, compressed data, CRC. */
	gz.p[3] = 0xe0;
	CHECK(open_fails(gz.p, gz.len, -MV_EINVAL, "corrupt gzip stream near "
			 "offset 0x"));
	gz.p[3] = 0;
	gz.p[gz.len - 8] ^= 1;
	CHECK(open_fails(gz.p, gz.len, -MV_EINVAL, "incorrect data check"));
	gz.p[gz.len - 8] ^= 1;
	gz.p[12] ^= 0xff;
	gz.p[13] ^= 0xff;
	CHECK(open_fails(gz.p, gz.len, -MV_EINVAL, "corrupt gzip stream"));

	buf_free(&raw);
	buf_free(&gz);
	buf_free(&multi);
}

/* gzip of something that is no cpio archive. */
static void test_gzip_garbage(void)
{
	struct buf gz = { 0 };
	unsigned char junk[1000];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)mv_test_rand();
	gzip_mem(&gz, junk, sizeof(junk));
	CHECK(open_fails(gz.p, gz.len, -MV_EINVAL, "entry 0 at offset 0x0 of "
			 "the inflated archive: bad magic"));
	buf_free(&gz);
	gzip_mem(&gz, "", 0);
	CHECK(open_fails(gz.p, gz.len, -MV_EINVAL, "entry 0 at offset 0x0 of "
			 "the inflated archive: the archive ends without"));
	buf_free(&gz);
	gzip_mem(&gz, "0707010000", 10);
	CHECK(open_fails(gz.p, gz.len, -MV_EINVAL, "header truncated"));
	buf_free(&gz);
}

/* Larger than the nucleus heap's biggest block: -MV_ENOMEM, logged. */
static void test_gzip_too_large(void)
{
	struct buf raw = { 0 }, gz = { 0 };
	size_t size = MV_MIB(5);
	char *data = calloc(1, size);

	CHECK(data);
	newc_add_ino(&raw, 1, 1, REG(0644), "big", data, size);
	newc_trailer(&raw);
	free(data);
	gzip_mem(&gz, raw.p, raw.len);
	CHECK(open_fails(gz.p, gz.len, -MV_ENOMEM, "out of memory inflating "
			 "the archive (it is larger than"));

	/* The same without a usable length in the trailer. */
	put_zeros(&gz, 4);
	CHECK(open_fails(gz.p, gz.len, -MV_ENOMEM, "out of memory inflating"));
	buf_free(&raw);
	buf_free(&gz);
}

/* Just under the heap's limit: the trailer's length makes it fit. */
static void test_gzip_near_limit(void)
{
	struct buf raw = { 0 }, gz = { 0 };
	struct mv_initrd rd;
	size_t size, got;
	char *data;
	const char *p;

	newc_add_ino(&raw, 1, 1, REG(0644), "big", NULL, 0);
	newc_trailer(&raw);
	size = MV_TEST_HEAP_MAX - raw.len;
	size &= ~(size_t)3;
	data = malloc(size);
	CHECK(data);
	memset(data, 'z', size);
	buf_free(&raw);
	newc_add_ino(&raw, 1, 1, REG(0644), "big", data, size);
	newc_trailer(&raw);
	free(data);
	CHECK_LE(raw.len, MV_TEST_HEAP_MAX);
	gzip_mem(&gz, raw.p, raw.len);
	mv_test_nr_allocs = 0;
	CHECK_EQ(mv_initrd_open(&rd, gz.p, gz.len), 0);
	p = mv_initrd_data(&rd, "big", &got);
	CHECK_EQ(got, size);
	CHECK(p[0] == 'z' && p[size - 1] == 'z');
	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);

	/* Without the length hint it grows to as much as the heap gives. */
	put_zeros(&gz, 8);
	CHECK_EQ(mv_initrd_open(&rd, gz.p, gz.len), 0);
	CHECK_EQ(rd.size, raw.len);
	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);
	buf_free(&raw);
	buf_free(&gz);
	CHECK_NO_ERRORS();
}

/* Every allocation failing in turn: -MV_ENOMEM, one error, no leak. */
static void test_alloc_failures(void)
{
	struct buf raw = { 0 }, gz = { 0 };
	struct mv_initrd rd;
	long k;
	int ret;

	build_sample_entries(&raw);
	newc_add_ino(&raw, 50, 2, REG(0644), "l1", NULL, 0);
	newc_add_ino(&raw, 50, 2, REG(0644), "l2", "linked", 6);
	newc_trailer(&raw);
	gzip_mem(&gz, raw.p, raw.len);

	for (k = 0;; k++) {
		setup();
		mv_test_fail_countdown = k;
		mv_host_log_reset();
		mv_host_log_quiet(true);
		ret = mv_initrd_open(&rd, gz.p, gz.len);
		mv_host_log_quiet(false);
		if (!ret)
			break;
		CHECK_EQ(ret, -MV_ENOMEM);
		CHECK_EQ(mv_host_log_count(MV_LOG_ERR), 1);
		CHECK(!strncmp(mv_host_log_last_error(), "initrd: ", 8));
		CHECK_EQ(mv_test_live_allocs, 0);
		CHECK(k < 100);
	}
	/* Output, zlib state, index, link table (zlib may skip its window). */
	CHECK_GE(k, 4);
	check_file(&rd, "l1", "linked");
	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);
	buf_free(&raw);
	buf_free(&gz);
}

/* Many entries in shuffled order: the sorted index finds each. */
static void test_many_entries(void)
{
	enum { N = 3000 };
	static unsigned int order[N];
	struct buf b = { 0 };
	struct mv_initrd rd;
	char name[64], text[32];
	unsigned int i;

	for (i = 0; i < N; i++)
		order[i] = i;
	for (i = N - 1; i > 0; i--) {
		unsigned int j = (unsigned int)mv_test_rand_below(i + 1);
		unsigned int t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < N; i++) {
		unsigned int n = order[i];

		snprintf(name, sizeof(name), "d%u/%s%u", n % 7,
			 n % 3 ? "f-" : "f/", n);
		snprintf(text, sizeof(text), "file %u", n);
		newc_add(&b, REG(0644), name, text);
	}
	newc_trailer(&b);
	CHECK_EQ(mv_initrd_open(&rd, b.p, b.len), 0);
	CHECK_EQ(rd.nr_entries, N);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "/d%u/%s%u", i % 7,
			 i % 3 ? "f-" : "f/", i);
		snprintf(text, sizeof(text), "file %u", i);
		check_file(&rd, name, text);
	}
	check_dir(&rd, "d3/f");
	CHECK_LIST(&rd, "", "d0/ d1/ d2/ d3/ d4/ d5/ d6/");
	mv_initrd_close(&rd);
	buf_free(&b);
	CHECK_EQ(mv_test_live_allocs, 0);
	CHECK_NO_ERRORS();
}

static int count_cb(void *arg, const struct mv_initrd_dirent *d)
{
	(void)d;
	(*(size_t *)arg)++;
	return 0;
}

/*
 * Random damage to good archives: open either works (and every listed
 * entry reads) or fails with exactly one error; never a leak.
 */
static int visit_cb(void *arg, const struct mv_initrd_dirent *d)
{
	const struct mv_initrd *rd = arg;
	char path[512], tmp[16];
	struct mv_initrd_stat st;
	size_t size;

	if (d->path_len >= sizeof(path))
		return 0;
	memcpy(path, d->path, d->path_len);
	path[d->path_len] = '\0';
	if (mv_initrd_stat(rd, path, &st) || st.size != d->st.size ||
	    st.mode != d->st.mode)
		return -1;
	if (mv_initrd_data(rd, path, &size) != d->data)
		return -2;
	if (d->data && mv_initrd_read(rd, path, 0, tmp, sizeof(tmp)) !=
	    (int)MV_MIN(sizeof(tmp), size))
		return -3;
	size = 0;
	if (st.is_dir && mv_initrd_list(rd, path, count_cb, &size))
		return -4;
	return 0;
}

static void test_mutations(void)
{
	struct buf raw = { 0 }, gz = { 0 }, m = { 0 };
	struct mv_initrd rd;
	unsigned int round, ok = 0;
	size_t n;
	int ret;

	build_sample_entries(&raw);
	newc_add_ino(&raw, 60, 2, REG(0644), "h1", NULL, 0);
	newc_add_ino(&raw, 60, 2, REG(0644), "h2", "hl", 2);
	newc_trailer(&raw);
	gzip_mem(&gz, raw.p, raw.len);
	for (round = 0; round < 20000; round++) {
		const struct buf *src = round % 4 ? &raw : &gz;
		unsigned int k, flips = 1 + (unsigned int)mv_test_rand_below(4);

		buf_free(&m);
		put(&m, src->p, src->len);
		for (k = 0; k < flips; k++) {
			size_t at = mv_test_rand_below(m.len);

			switch (mv_test_rand_below(4)) {
			case 0:
				m.p[at] = (unsigned char)mv_test_rand();
				break;
			case 1:
				m.p[at] = "0123456789abcdefF\0/.!"[
					mv_test_rand_below(21)];
				break;
			case 2:
				m.len = at + 1;
				break;
			default:
				m.p[at] ^= 1u << mv_test_rand_below(8);
				break;
			}
		}
		mv_host_log_reset();
		mv_host_log_quiet(true);
		ret = mv_initrd_open(&rd, m.p, m.len);
		mv_host_log_quiet(false);
		if (ret) {
			CHECK(ret == -MV_EINVAL || ret == -MV_ENOMEM);
			CHECK_EQ(mv_host_log_count(MV_LOG_ERR), 1);
			CHECK_EQ(mv_test_live_allocs, 0);
			continue;
		}
		ok++;
		CHECK_EQ(mv_host_log_count(MV_LOG_ERR), 0);
		CHECK_EQ(mv_initrd_list(&rd, NULL, visit_cb, &rd), 0);
		CHECK_EQ(mv_initrd_list(&rd, "", visit_cb, &rd), 0);
		n = 0;
		CHECK_EQ(mv_initrd_list(&rd, NULL, count_cb, &n), 0);
		CHECK_EQ(n, rd.nr_entries);
		mv_initrd_close(&rd);
		CHECK_EQ(mv_test_live_allocs, 0);
	}
	fprintf(stderr, "  %u of %u damaged archives still opened\n", ok,
		round);
	buf_free(&raw);
	buf_free(&gz);
	buf_free(&m);
}

/* Archives from the system's cpio and gzip, over a real directory tree. */
static char tree[64];

static void sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "  '%s' exited with %d\n", cmd, rc);
	CHECK_EQ(rc, 0);
}

static void run_capture(struct buf *out, const char *cmd)
{
	char tmp[4096], full[512];
	FILE *f;
	size_t n;

	snprintf(full, sizeof(full), "cd %s && %s", tree, cmd);
	f = popen(full, "r");
	CHECK(f);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		put(out, tmp, n);
	CHECK_EQ(pclose(f), 0);
}

static void write_file(const char *rel, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "wb");
	CHECK(f);
	CHECK_EQ(fwrite(data, 1, len, f), len);
	CHECK_EQ(fclose(f), 0);
}

static void make_tree(void)
{
	static unsigned char image[100000];
	char cmd[512];
	size_t i;

	snprintf(tree, sizeof(tree), "%s", "/tmp/mv-initrd-XXXXXX");
	CHECK(mkdtemp(tree));
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p modules config "
		 "guests/linux emptydir", tree);
	sh(cmd);
	for (i = 0; i < sizeof(image); i++)
		image[i] = (unsigned char)(mv_test_rand() >> 60);
	write_file("guests/linux/Image", image, sizeof(image));
	write_file("modules/a.mvm", "\177ELF module a", 14);
	write_file("modules/empty.mvm", "", 0);
	write_file("modules/modules.idx", "module a modules/a.mvm -\n", 25);
	write_file("config/board.dtbo", "\xd0\x0d\xfe\xed", 4);
	snprintf(cmd, sizeof(cmd), "cd %s && ln modules/a.mvm modules/hl.mvm "
		 "&& ln -s a.mvm modules/latest && "
		 "chmod 0640 config/board.dtbo", tree);
	sh(cmd);
}

/* Every regular file under the tree must read back identically. */
static void check_against_tree(const struct mv_initrd *rd)
{
	static const char *const files[] = {
		"guests/linux/Image", "modules/a.mvm", "modules/hl.mvm",
		"modules/empty.mvm", "modules/modules.idx", "config/board.dtbo",
	};
	struct mv_initrd_stat st;
	unsigned int i;

	for (i = 0; i < MV_ARRAY_SIZE(files); i++) {
		struct buf want = { 0 };
		char cmd[128];
		const void *data;
		size_t size;
		struct stat sb;
		char path[256];

		snprintf(cmd, sizeof(cmd), "cat %s", files[i]);
		run_capture(&want, cmd);
		snprintf(path, sizeof(path), "%s/%s", tree, files[i]);
		CHECK_EQ(lstat(path, &sb), 0);
		CHECK_EQ(mv_initrd_stat(rd, files[i], &st), 0);
		CHECK_EQ(st.size, want.len);
		CHECK_EQ(st.mode, sb.st_mode);
		data = mv_initrd_data(rd, files[i], &size);
		CHECK(data);
		CHECK_EQ(size, want.len);
		CHECK(!want.len || !memcmp(data, want.p, want.len));
		buf_free(&want);
	}
	CHECK_EQ(mv_initrd_stat(rd, "modules/latest", &st), 0);
	CHECK_EQ(st.mode & MV_INITRD_S_IFMT, MV_INITRD_S_IFLNK);
	check_dir(rd, "emptydir");
	check_dir(rd, "guests/linux");
	CHECK_LIST(rd, ".", "config/ emptydir/ guests/ modules/");
	CHECK_LIST(rd, "modules", "a.mvm empty.mvm hl.mvm latest "
		   "modules.idx");
	CHECK_LIST(rd, "emptydir", "");
}

static void open_and_check(const struct buf *b, const char *what)
{
	struct mv_initrd rd;
	int ret = mv_initrd_open(&rd, b->p, b->len);

	if (ret)
		fprintf(stderr, "  %s: open -> %d\n", what, ret);
	CHECK_EQ(ret, 0);
	check_against_tree(&rd);
	mv_initrd_close(&rd);
	CHECK_EQ(mv_test_live_allocs, 0);
}

static void test_system_cpio(void)
{
	struct buf b = { 0 };

	make_tree();

	run_capture(&b, "find . | LC_ALL=C sort | cpio -o -H newc --quiet");
	CHECK(!memcmp(b.p, "070701", 6));
	CHECK_EQ(b.len % 512, 0);
	open_and_check(&b, "find . | cpio -H newc");
	buf_free(&b);

	run_capture(&b, "find modules config guests emptydir | "
		    "cpio -o -H newc --quiet");
	open_and_check(&b, "find names | cpio -H newc");
	buf_free(&b);

	run_capture(&b, "find . | cpio -o -H crc --quiet");
	CHECK(!memcmp(b.p, "070702", 6));
	open_and_check(&b, "cpio -H crc");
	buf_free(&b);

	run_capture(&b, "find . | cpio -o -H newc --quiet | gzip -c");
	CHECK(b.p[0] == 0x1f && b.p[1] == 0x8b);
	open_and_check(&b, "cpio | gzip");
	buf_free(&b);

	run_capture(&b, "find . | cpio -o -H newc --quiet | gzip -9 -n -c");
	open_and_check(&b, "cpio | gzip -9");
	buf_free(&b);

	CHECK_NO_ERRORS();

	/* The odc format is refused by name. */
	run_capture(&b, "find . | cpio -o -H odc --quiet");
	CHECK(open_fails(b.p, b.len, -MV_EINVAL, "odc cpio is not supported"));
	buf_free(&b);
}

static void remove_tree(void)
{
	char cmd[128];

	if (!tree[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tree);
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_basic, setup);
	RUN_TEST(test_list, setup);
	RUN_TEST(test_sort_order, setup);
	RUN_TEST(test_prefixed_names, setup);
	RUN_TEST(test_hard_links, setup);
	RUN_TEST(test_empty_archives, setup);
	RUN_TEST(test_error_message, setup);
	RUN_TEST(test_malformed, setup);
	RUN_TEST(test_bad_paths, setup);
	RUN_TEST(test_message_quoting, setup);
	RUN_TEST(test_gzip, setup);
	RUN_TEST(test_gzip_garbage, setup);
	RUN_TEST(test_gzip_too_large, setup);
	RUN_TEST(test_gzip_near_limit, setup);
	RUN_TEST(test_alloc_failures, setup);
	RUN_TEST(test_many_entries, setup);
	RUN_TEST(test_mutations, setup);
	RUN_TEST(test_system_cpio, setup);
	remove_tree();
	return mv_test_summary();
}
