// SPDX-License-Identifier: GPL-2.0
/*
 * The initrd reader: a read-only file store over a cpio "newc" archive,
 * optionally gzip-compressed (docs/module-format.md "The initrd").
 *
 * A newc entry is a 110-byte header of ASCII fields (the magic, then 13
 * eight-digit hex numbers), the name with its NUL, zero padding to a
 * multiple of 4, the data, zero padding to 4 again. "TRAILER!!!" ends the
 * archive. The initrd comes from outside the nucleus, so mv_initrd_open()
 * checks every byte of that structure before building the index, and the
 * lookups afterwards trust the index.
 *
 * The index is sorted by path with '/' ordered before every other byte:
 * then a directory's subtree follows it contiguously, "a", "a/...", "a-b",
 * which is what lets listing, implied directories and the checks for
 * duplicates and files with children work on neighbours.
 */
#define Z_SOLO		/* zconf.h would pull in <unistd.h> otherwise */
#define ZLIB_CONST	/* next_in points to const bytes */
#include <zlib.h>

#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/initrd.h>
#include <mv/log.h>
#include <stdarg.h>
#include <string.h>

#define NEWC_HDR_LEN 110
#define NEWC_FIELD_LEN 8
#define TRAILER "TRAILER!!!"
#define TRAILER_LEN (sizeof(TRAILER) - 1)

#define S_IFIFO 0010000u
#define S_IFCHR 0020000u
#define S_IFBLK 0060000u
#define S_IFSOCK 0140000u
#define S_MODE_BITS 0177777u

/* The header's numeric fields, in archive order after the magic. */
enum newc_field {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	F_NR
};

static const char *const field_names[F_NR] = {
	"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime",
	"c_filesize", "c_devmajor", "c_devminor", "c_rdevmajor",
	"c_rdevminor", "c_namesize", "c_check",
};

struct mv_initrd_entry {
	const char *path;	/* normalised, not NUL-terminated */
	size_t data;		/* offset of the file's bytes */
	size_t hdr;		/* offset of the header, for messages */
	size_t index;		/* position in the archive, for messages */
	u32 path_len;
	u32 mode;
	u32 size;
	u32 ino;
	u32 nlink;
	u32 devmajor;
	u32 devminor;
};

/* Where the walk is, so that every message can name the entry. */
struct parse {
	const u8 *buf;
	size_t size;
	bool inflated;
	size_t index;
	size_t off;
	const char *name;	/* once the name is known to be sound */
	size_t name_len;
};

/* A printable, bounded copy of untrusted bytes for a message. */
static void quote(char *dst, size_t dst_size, const char *s, size_t len)
{
	size_t i, n = 0, max = dst_size - 4;

	for (i = 0; i < len && n < max; i++) {
		char c = s[i];

		dst[n++] = (c < 0x20 || c > 0x7e || c == '\'') ? '?' : c;
	}
	if (i < len) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static __mv_printf(2, 3) int bad_entry(const struct parse *p,
				       const char *fmt, ...)
{
	const char *where = p->inflated ? " of the inflated archive" : "";
	char why[128], name[72];
	va_list ap;

	va_start(ap, fmt);
	mv_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (p->name) {
		quote(name, sizeof(name), p->name, p->name_len);
		mv_log(MV_LOG_ERR,
		       "initrd: entry %zu '%s' at offset 0x%zx%s: %s\n",
		       p->index, name, p->off, where, why);
	} else {
		mv_log(MV_LOG_ERR, "initrd: entry %zu at offset 0x%zx%s: %s\n",
		       p->index, p->off, where, why);
	}
	return -MV_EINVAL;
}

static bool all_zero(const u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static bool parse_hex(const u8 *s, u32 *val)
{
	u32 v = 0;
	int i;

	for (i = 0; i < NEWC_FIELD_LEN; i++) {
		u8 c = s[i];

		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return false;
		v = v << 4 | c;
	}
	*val = v;
	return true;
}

/* Drop leading "/" and "./", trailing "/"; "." alone is the root, "". */
static void normalise(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	for (;;) {
		if (n >= 1 && p[0] == '/') {
			p++;
			n--;
		} else if (n >= 2 && p[0] == '.' && p[1] == '/') {
			p += 2;
			n -= 2;
		} else if (n == 1 && p[0] == '.') {
			n = 0;
		} else {
			break;
		}
	}
	while (n && p[n - 1] == '/')
		n--;
	*s = p;
	*len = n;
}

/* Why a normalised archive path is unusable, or NULL if it is fine. */
static const char *path_defect(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t c = i;

		while (c < len && s[c] != '/')
			c++;
		if (c == i)
			return "path has an empty component";
		if ((c - i == 1 && s[i] == '.') ||
		    (c - i == 2 && s[i] == '.' && s[i + 1] == '.'))
			return "path has a '.' or '..' component";
		i = c + 1;
	}
	return NULL;
}

/* A header that parse_header() found sound, and where things are. */
struct newc_hdr {
	u32 f[F_NR];
	size_t data;		/* offset of the file's bytes */
	size_t next;		/* offset of the following header */
	bool trailer;
};

/* Check the header at p->off and the name and data it describes. */
static int parse_header(struct parse *p, struct newc_hdr *hdr)
{
	u32 *f = hdr->f;
	size_t left = p->size - p->off, name_off, end, pad;
	const u8 *h = p->buf + p->off;
	const char *name;
	char magic[16];
	u32 len, type;
	int i;

	p->name = NULL;
	if (!left)
		return bad_entry(p, "the archive ends without a " TRAILER
				 " entry");
	if (left < NEWC_HDR_LEN)
		return bad_entry(p, "header truncated (%zu of %d bytes)",
				 left, NEWC_HDR_LEN);
	if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2')) {
		quote(magic, sizeof(magic), (const char *)h, 6);
		return bad_entry(p, "bad magic '%s' (want 070701 or 070702%s)",
				 magic, memcmp(h, "070707", 6) ? "" :
				 "; odc cpio is not supported");
	}
	for (i = 0; i < F_NR; i++)
		if (!parse_hex(h + 6 + i * NEWC_FIELD_LEN, &f[i]))
			return bad_entry(p, "%s is not 8 hex digits",
					 field_names[i]);

	if (!f[F_NAMESIZE])
		return bad_entry(p, "name size 0 (it counts the NUL)");
	name_off = p->off + NEWC_HDR_LEN;
	if (f[F_NAMESIZE] > p->size - name_off)
		return bad_entry(p, "name (%u bytes) runs past the end of "
				 "the archive", f[F_NAMESIZE]);
	name = (const char *)p->buf + name_off;
	len = f[F_NAMESIZE] - 1;
	if (name[len])
		return bad_entry(p, "name is not NUL-terminated");
	if (memchr(name, '\0', len))
		return bad_entry(p, "name has a NUL before its end");
	p->name = name;
	p->name_len = len;

	/* The name is in bounds, so end <= size: no offset below wraps. */
	end = name_off + f[F_NAMESIZE];
	pad = -end & 3;
	if (pad > p->size - end)
		return bad_entry(p, "name padding runs past the end of the "
				 "archive");
	if (!all_zero(p->buf + end, pad))
		return bad_entry(p, "name padding is not zero");
	end += pad;
	hdr->data = end;
	if (f[F_FILESIZE] > p->size - end)
		return bad_entry(p, "file size 0x%x runs past the end of the "
				 "archive (0x%zx bytes left)", f[F_FILESIZE],
				 p->size - end);
	end += f[F_FILESIZE];
	pad = -end & 3;
	if (pad > p->size - end)
		return bad_entry(p, "data padding runs past the end of the "
				 "archive");
	if (!all_zero(p->buf + end, pad))
		return bad_entry(p, "data padding is not zero");
	hdr->next = end + pad;

	hdr->trailer = len == TRAILER_LEN && !memcmp(name, TRAILER, len);
	if (hdr->trailer)
		return 0;

	type = f[F_MODE] & MV_INITRD_S_IFMT;
	if (type != MV_INITRD_S_IFREG && type != MV_INITRD_S_IFDIR &&
	    type != MV_INITRD_S_IFLNK && type != S_IFCHR && type != S_IFBLK &&
	    type != S_IFIFO && type != S_IFSOCK)
		return bad_entry(p, "mode 0%o has no known file type",
				 f[F_MODE]);
	if (f[F_MODE] & ~S_MODE_BITS)
		return bad_entry(p, "mode 0x%x has bits above the file type",
				 f[F_MODE]);
	if (type == MV_INITRD_S_IFDIR && f[F_FILESIZE])
		return bad_entry(p, "directory with 0x%x bytes of data",
				 f[F_FILESIZE]);
	return 0;
}

/*
 * Walk the archive from the start: check everything and count the entries
 * (ents NULL), or fill ents once the walk is known to succeed.
 */
static int walk(struct parse *p, struct mv_initrd_entry *ents, size_t *nr)
{
	struct newc_hdr hdr;
	size_t n = 0, i;
	int ret;

	p->off = 0;
	for (p->index = 0;; p->index++, p->off = hdr.next) {
		const char *path, *why;
		size_t len;

		ret = parse_header(p, &hdr);
		if (ret)
			return ret;
		if (hdr.trailer)
			break;
		path = p->name;
		len = p->name_len;
		normalise(&path, &len);
		why = path_defect(path, len);
		if (why)
			return bad_entry(p, "%s", why);
		if (!len) {
			/* The root itself ("." from find . | cpio). */
			if ((hdr.f[F_MODE] & MV_INITRD_S_IFMT) !=
			    MV_INITRD_S_IFDIR)
				return bad_entry(p, "the root is not a "
						 "directory");
			continue;
		}
		if (ents) {
			struct mv_initrd_entry *e = &ents[n];

			e->path = path;
			e->path_len = (u32)len;
			e->data = hdr.data;
			e->hdr = p->off;
			e->index = p->index;
			e->mode = hdr.f[F_MODE];
			e->size = hdr.f[F_FILESIZE];
			e->ino = hdr.f[F_INO];
			e->nlink = hdr.f[F_NLINK];
			e->devmajor = hdr.f[F_DEVMAJOR];
			e->devminor = hdr.f[F_DEVMINOR];
		}
		n++;
	}

	/* Block padding may follow the trailer; anything else is damage. */
	for (i = hdr.next; i < p->size; i++)
		if (p->buf[i])
			return bad_entry(p, "followed by non-zero data at "
					 "offset 0x%zx", i);
	*nr = n;
	return 0;
}

/* Byte order of the index: '/' first, so subtrees stay contiguous. */
static inline unsigned int path_key(u8 c)
{
	if (c == '/')
		return 1;
	return c < '/' ? c + 1u : c;
}

static int path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, n = MV_MIN(alen, blen);

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (int)path_key((u8)a[i]) -
			       (int)path_key((u8)b[i]);
	return alen < blen ? -1 : alen > blen;
}

/* Whether e lies somewhere below directory dir (dlen > 0). */
static bool under(const struct mv_initrd_entry *e, const char *dir,
		  size_t dlen)
{
	return e->path_len > dlen && e->path[dlen] == '/' &&
	       !memcmp(e->path, dir, dlen);
}

/* Heapsort: no recursion, no scratch memory, O(n log n) on any input. */
static void swap_bytes(u8 *a, u8 *b, size_t size)
{
	while (size--) {
		u8 t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void sift_down(u8 *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

static void heap_sort(void *array, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	u8 *base = array;
	size_t i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(base, i, n, size, cmp);
	for (i = n - 1; i > 0; i--) {
		swap_bytes(base, base + i * size, size);
		sift_down(base, 0, i, size, cmp);
	}
}

static int entry_cmp(const void *a, const void *b)
{
	const struct mv_initrd_entry *x = a, *y = b;

	return path_cmp(x->path, x->path_len, y->path, y->path_len);
}

/* Hard links grouped by (device, inode), in archive order within each. */
static int link_key_cmp(const struct mv_initrd_entry *x,
			const struct mv_initrd_entry *y)
{
	if (x->devmajor != y->devmajor)
		return x->devmajor < y->devmajor ? -1 : 1;
	if (x->devminor != y->devminor)
		return x->devminor < y->devminor ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static int link_cmp(const void *a, const void *b)
{
	const struct mv_initrd_entry *x =
		*(const struct mv_initrd_entry *const *)a;
	const struct mv_initrd_entry *y =
		*(const struct mv_initrd_entry *const *)b;
	int c = link_key_cmp(x, y);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static bool is_reg(const struct mv_initrd_entry *e)
{
	return (e->mode & MV_INITRD_S_IFMT) == MV_INITRD_S_IFREG;
}

static bool is_dir(const struct mv_initrd_entry *e)
{
	return (e->mode & MV_INITRD_S_IFMT) == MV_INITRD_S_IFDIR;
}

static int bad_index_entry(struct parse *p, const struct mv_initrd_entry *e,
			   const char *why, const struct mv_initrd_entry *other)
{
	char name[72];

	p->index = e->index;
	p->off = e->hdr;
	p->name = e->path;
	p->name_len = e->path_len;
	quote(name, sizeof(name), other->path, other->path_len);
	return bad_entry(p, "%s entry %zu '%s'", why, other->index, name);
}

/* Duplicates and entries below a non-directory, on the sorted index. */
static int check_tree(struct parse *p, const struct mv_initrd_entry *ents,
		      size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		const struct mv_initrd_entry *a = &ents[i - 1], *b = &ents[i];
		const struct mv_initrd_entry *first, *second;

		if (!entry_cmp(a, b)) {
			first = a->index < b->index ? a : b;
			second = a->index < b->index ? b : a;
			return bad_index_entry(p, second, "same path as",
					       first);
		}
		/* A child sorts right after its parent. */
		if (!is_dir(a) && under(b, a->path, a->path_len))
			return bad_index_entry(p, b, "lies below the "
					       "non-directory", a);
	}
	return 0;
}

/*
 * cpio writes a group of hard links with the data on one entry (GNU cpio:
 * the last) and size 0 on the others: those get the group's data.
 */
static int resolve_links(struct mv_initrd_entry *ents, size_t n)
{
	struct mv_initrd_entry **links;
	size_t i, j, k, nr = 0;

	for (i = 0; i < n; i++)
		if (is_reg(&ents[i]) && ents[i].nlink > 1)
			nr++;
	if (nr < 2)
		return 0;
	links = mv_malloc(nr * sizeof(*links));
	if (!links) {
		mv_log(MV_LOG_ERR,
		       "initrd: out of memory grouping %zu hard links\n", nr);
		return -MV_ENOMEM;
	}
	for (i = 0, j = 0; i < n; i++)
		if (is_reg(&ents[i]) && ents[i].nlink > 1)
			links[j++] = &ents[i];
	heap_sort(links, nr, sizeof(*links), link_cmp);

	for (i = 0; i < nr; i = j) {
		const struct mv_initrd_entry *src = NULL;

		for (j = i; j < nr && !link_key_cmp(links[i], links[j]); j++)
			if (links[j]->size)
				src = links[j];
		if (!src)
			continue;
		for (k = i; k < j; k++) {
			if (!links[k]->size) {
				links[k]->size = src->size;
				links[k]->data = src->data;
			}
		}
	}
	mv_free(links);
	return 0;
}

/* zlib allocates through the nucleus heap: no malloc() is ever called. */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	if (size && items > (size_t)-1 / size)
		return Z_NULL;
	return mv_malloc((size_t)items * size);
}

static void z_free(voidpf opaque, voidpf ptr)
{
	(void)opaque;
	mv_free(ptr);
}

#define GUNZIP_MIN_CAP ((size_t)64 << 10)
/* Deflate compresses at most about 1032:1. */
#define GUNZIP_MAX_RATIO 1032

/* First output buffer: the gzip trailer's length if it is believable. */
static size_t gunzip_first_cap(const u8 *in, size_t len)
{
	size_t isize, bound;

	if (len > ((size_t)-1 - GUNZIP_MIN_CAP) / GUNZIP_MAX_RATIO)
		return GUNZIP_MIN_CAP;
	bound = len * GUNZIP_MAX_RATIO + GUNZIP_MIN_CAP;
	if (len < 18)
		return GUNZIP_MIN_CAP;
	isize = (size_t)in[len - 4] | (size_t)in[len - 3] << 8 |
		(size_t)in[len - 2] << 16 | (size_t)in[len - 1] << 24;
	if (!isize || isize > bound)
		return MV_MAX(GUNZIP_MIN_CAP, MV_MIN(len * 4, bound));
	return isize;
}

/*
 * A larger output buffer holding the first used bytes: double, or as much
 * more as the heap gives when it cannot double.
 */
static int gunzip_grow(u8 **out, size_t *cap, size_t used)
{
	size_t inc;
	u8 *n = NULL;

	/* The heap's largest block is unknown here: home in on it. */
	for (inc = MV_MAX(*cap, GUNZIP_MIN_CAP); inc; inc /= 2) {
		if (*cap > (size_t)-1 - inc)
			continue;
		n = mv_malloc(*cap + inc);
		if (n)
			break;
	}
	if (!n) {
		mv_log(MV_LOG_ERR, "initrd: out of memory inflating the "
		       "archive (it is larger than %zu bytes)\n", *cap);
		return -MV_ENOMEM;
	}
	memcpy(n, *out, used);
	mv_free(*out);
	*out = n;
	*cap += inc;
	return 0;
}

/* Inflate every member of a gzip file into a new heap buffer. */
static int gunzip(const u8 *in, size_t len, u8 **outp, size_t *out_len)
{
	size_t cap = gunzip_first_cap(in, len), used = 0, fed = 0, at;
	const size_t chunk_max = (uInt)-1;
	z_stream zs;
	u8 *out;
	int zr, ret = 0;

	out = mv_malloc(cap);
	if (!out && cap > GUNZIP_MIN_CAP) {
		cap = GUNZIP_MIN_CAP;
		out = mv_malloc(cap);
	}
	if (!out) {
		mv_log(MV_LOG_ERR, "initrd: out of memory inflating the "
		       "archive\n");
		return -MV_ENOMEM;
	}
	memset(&zs, 0, sizeof(zs));
	zs.zalloc = z_alloc;
	zs.zfree = z_free;
	/* 15 + 32: a 32 KiB window, and the gzip header is parsed. */
	zr = inflateInit2(&zs, 15 + 32);
	if (zr != Z_OK) {
		mv_free(out);
		mv_log(MV_LOG_ERR, "initrd: cannot start inflating (zlib "
		       "error %d)\n", zr);
		return zr == Z_MEM_ERROR ? -MV_ENOMEM : -MV_EINVAL;
	}

	for (;;) {
		/* zlib counts in uInt: feed and drain in chunks. */
		if (!zs.avail_in && fed < len) {
			zs.next_in = in + fed;
			zs.avail_in = (uInt)MV_MIN(len - fed, chunk_max);
			fed += zs.avail_in;
		}
		if (used == cap) {
			ret = gunzip_grow(&out, &cap, used);
			if (ret)
				break;
		}
		zs.next_out = out + used;
		zs.avail_out = (uInt)MV_MIN(cap - used, chunk_max);
		zr = inflate(&zs, Z_NO_FLUSH);
		used = (size_t)(zs.next_out - out);
		at = (size_t)(zs.next_in - in);
		if (zr == Z_OK)
			continue;
		if (zr == Z_STREAM_END) {
			/* gzip files may hold several members, back to back. */
			if (len - at >= 2 && in[at] == 0x1f &&
			    in[at + 1] == 0x8b) {
				inflateReset(&zs);
				continue;
			}
			if (!all_zero(in + at, len - at)) {
				mv_log(MV_LOG_ERR, "initrd: non-zero data at "
				       "offset 0x%zx after the gzip stream\n",
				       at);
				ret = -MV_EINVAL;
			}
			break;
		}
		if (zr == Z_MEM_ERROR) {
			mv_log(MV_LOG_ERR, "initrd: out of memory in zlib "
			       "inflating the archive\n");
			ret = -MV_ENOMEM;
		} else if (zr == Z_BUF_ERROR && fed == len && !zs.avail_in) {
			mv_log(MV_LOG_ERR, "initrd: gzip stream truncated "
			       "at offset 0x%zx\n", len);
			ret = -MV_EINVAL;
		} else {
			mv_log(MV_LOG_ERR, "initrd: corrupt gzip stream near "
			       "offset 0x%zx: %s\n", at,
			       zs.msg ? zs.msg : "zlib cannot continue");
			ret = -MV_EINVAL;
		}
		break;
	}
	inflateEnd(&zs);
	if (ret) {
		mv_free(out);
		return ret;
	}
	*outp = out;
	*out_len = used;
	return 0;
}

int mv_initrd_open(struct mv_initrd *rd, const void *data, size_t size)
{
	struct parse p = { 0 };
	const u8 *buf = data;
	u8 *inflated = NULL;
	struct mv_initrd_entry *ents = NULL;
	size_t n = 0;
	int ret;

	memset(rd, 0, sizeof(*rd));
	if (!buf || !size) {
		mv_log(MV_LOG_ERR, "initrd: the archive is empty (0 bytes)\n");
		return -MV_EINVAL;
	}
	if (size >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
		ret = gunzip(buf, size, &inflated, &size);
		if (ret)
			return ret;
		buf = inflated;
		p.inflated = true;
	}
	p.buf = buf;
	p.size = size;

	ret = walk(&p, NULL, &n);
	if (ret)
		goto fail;
	if (n) {
		if (n > (size_t)-1 / sizeof(*ents) ||
		    !(ents = mv_malloc(n * sizeof(*ents)))) {
			mv_log(MV_LOG_ERR, "initrd: out of memory for the "
			       "index of %zu entries\n", n);
			ret = -MV_ENOMEM;
			goto fail;
		}
		/* Same bytes, same outcome: this walk only fills ents. */
		walk(&p, ents, &n);
		heap_sort(ents, n, sizeof(*ents), entry_cmp);
		ret = check_tree(&p, ents, n);
		if (!ret)
			ret = resolve_links(ents, n);
		if (ret)
			goto fail;
	}

	rd->archive = buf;
	rd->size = size;
	rd->inflated = inflated;
	rd->entries = ents;
	rd->nr_entries = n;
	return 0;

fail:
	mv_free(ents);
	mv_free(inflated);
	return ret;
}

void mv_initrd_close(struct mv_initrd *rd)
{
	mv_free(rd->entries);
	mv_free(rd->inflated);
	memset(rd, 0, sizeof(*rd));
}

/* First index position whose path is not below path[0, len). */
static size_t lower_bound(const struct mv_initrd *rd, const char *path,
			  size_t len)
{
	size_t lo = 0, hi = rd->nr_entries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct mv_initrd_entry *e = &rd->entries[mid];

		if (path_cmp(e->path, e->path_len, path, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void fill_stat(const struct mv_initrd_entry *e,
		      struct mv_initrd_stat *st)
{
	if (e) {
		st->size = e->size;
		st->mode = e->mode;
		st->is_dir = is_dir(e);
	} else {
		/* Implied directory (or the root). */
		st->size = 0;
		st->mode = MV_INITRD_S_IFDIR | 0755;
		st->is_dir = true;
	}
}

/*
 * Find a normalised path: 0 with *ep the entry, or NULL for a directory
 * that only exists as its entries' prefix (the root included); *pos is the
 * index position of the first entry below it.
 */
static int lookup(const struct mv_initrd *rd, const char *path, size_t len,
		  const struct mv_initrd_entry **ep, size_t *pos)
{
	size_t i;

	*ep = NULL;
	if (!len) {
		*pos = 0;
		return 0;
	}
	i = lower_bound(rd, path, len);
	if (i < rd->nr_entries &&
	    !path_cmp(rd->entries[i].path, rd->entries[i].path_len, path,
		      len)) {
		*ep = &rd->entries[i];
		*pos = i + 1;
		return 0;
	}
	/* Nothing sorts between a path and its first descendant. */
	if (i < rd->nr_entries && under(&rd->entries[i], path, len)) {
		*pos = i;
		return 0;
	}
	return -MV_ENOENT;
}

static int lookup_query(const struct mv_initrd *rd, const char *query,
			const struct mv_initrd_entry **ep, size_t *pos)
{
	size_t len;

	if (!query)
		return -MV_EINVAL;
	len = strlen(query);
	normalise(&query, &len);
	return lookup(rd, query, len, ep, pos);
}

int mv_initrd_stat(const struct mv_initrd *rd, const char *path,
		   struct mv_initrd_stat *st)
{
	const struct mv_initrd_entry *e;
	size_t pos;
	int ret = lookup_query(rd, path, &e, &pos);

	if (ret)
		return ret;
	fill_stat(e, st);
	return 0;
}

const void *mv_initrd_data(const struct mv_initrd *rd, const char *path,
			   size_t *size)
{
	const struct mv_initrd_entry *e;
	size_t pos;

	*size = 0;
	if (lookup_query(rd, path, &e, &pos) || !e || !is_reg(e))
		return NULL;
	*size = e->size;
	return rd->archive + e->data;
}

int mv_initrd_read(const struct mv_initrd *rd, const char *path,
		   size_t offset, void *buf, size_t len)
{
	const struct mv_initrd_entry *e;
	size_t pos;
	int ret = lookup_query(rd, path, &e, &pos);

	if (ret)
		return ret;
	if (!e || !is_reg(e))
		return -MV_EINVAL;
	if (offset >= e->size)
		return 0;
	len = MV_MIN(len, e->size - offset);
	len = MV_MIN(len, (size_t)__INT_MAX__);
	memcpy(buf, rd->archive + e->data + offset, len);
	return (int)len;
}

static void fill_dirent(const struct mv_initrd *rd,
			const struct mv_initrd_entry *e, const char *path,
			size_t path_len, size_t name_off,
			struct mv_initrd_dirent *d)
{
	d->path = path;
	d->path_len = path_len;
	d->name = path + name_off;
	d->name_len = path_len - name_off;
	d->data = e && is_reg(e) ? rd->archive + e->data : NULL;
	fill_stat(e, &d->st);
}

int mv_initrd_list(const struct mv_initrd *rd, const char *dir,
		   mv_initrd_list_fn fn, void *arg)
{
	const struct mv_initrd_entry *e;
	struct mv_initrd_dirent d;
	const char *last = NULL;
	size_t i, len, plen, last_len = 0;
	int ret;

	if (!dir) {
		for (i = 0; i < rd->nr_entries; i++) {
			size_t name_off;

			e = &rd->entries[i];
			name_off = e->path_len;
			while (name_off && e->path[name_off - 1] != '/')
				name_off--;
			fill_dirent(rd, e, e->path, e->path_len, name_off, &d);
			ret = fn(arg, &d);
			if (ret)
				return ret;
		}
		return 0;
	}
	len = strlen(dir);
	normalise(&dir, &len);
	ret = lookup(rd, dir, len, &e, &i);
	if (ret)
		return ret;
	if (e && !is_dir(e))
		return -MV_EINVAL;

	/* Each child's subtree is contiguous, the child itself first. */
	plen = len ? len + 1 : 0;
	for (; i < rd->nr_entries; i++) {
		const char *name;
		size_t name_len;

		e = &rd->entries[i];
		if (len && !under(e, dir, len))
			break;
		name = e->path + plen;
		name_len = 0;
		while (plen + name_len < e->path_len && name[name_len] != '/')
			name_len++;
		if (last && name_len == last_len &&
		    !memcmp(name, last, name_len))
			continue;
		last = name;
		last_len = name_len;
		fill_dirent(rd, plen + name_len == e->path_len ? e : NULL,
			    e->path, plen + name_len, plen, &d);
		ret = fn(arg, &d);
		if (ret)
			return ret;
	}
	return 0;
}
