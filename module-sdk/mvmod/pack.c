// SPDX-License-Identifier: GPL-2.0
/*
 * mvmod pack: the initrd, a cpio "newc" archive (optionally gzip'ed).
 * Every field that could vary between builds (mtime, owner, inode
 * numbers) is fixed, so the same inputs give the same bytes.
 */
#include "mvmod.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define NEWC_HDR_LEN 110
#define CHUNK 65536
#define DEST_MAX 4095

struct sink {
	FILE *f;
	int gzip;
	z_stream z;
	uint64_t offset;	/* in the cpio stream, for the padding */
	int failed;
	unsigned char buf[CHUNK];
};

static void sink_deflate(struct sink *s, int flush)
{
	int ret;

	do {
		s->z.next_out = s->buf;
		s->z.avail_out = sizeof(s->buf);
		ret = deflate(&s->z, flush);
		if (ret == Z_STREAM_ERROR) {
			s->failed = 1;
			return;
		}
		fwrite(s->buf, 1, sizeof(s->buf) - s->z.avail_out, s->f);
	} while (s->z.avail_out == 0 || (flush == Z_FINISH &&
					 ret != Z_STREAM_END));
}

static void sink_write(struct sink *s, const void *p, size_t len)
{
	s->offset += len;
	if (!s->gzip) {
		fwrite(p, 1, len, s->f);
		return;
	}
	/* avail_in is 32 bits; callers never pass more than CHUNK. */
	s->z.next_in = (unsigned char *)p;
	s->z.avail_in = len;
	sink_deflate(s, Z_NO_FLUSH);
}

static void sink_pad(struct sink *s)
{
	static const char zero[4];

	sink_write(s, zero, (4 - s->offset % 4) % 4);
}

static void newc_header(struct sink *s, uint32_t ino, uint32_t mode,
			uint32_t nlink, uint32_t size, const char *name)
{
	char hdr[NEWC_HDR_LEN + 1];
	uint32_t namesize = strlen(name) + 1;	/* check_dest bounds it */

	/* magic ino mode uid gid nlink mtime filesize devmajor devminor
	 * rdevmajor rdevminor namesize check */
	snprintf(hdr, sizeof(hdr), "070701%08x%08x%08x%08x%08x%08x%08x"
		 "%08x%08x%08x%08x%08x%08x", ino, mode, 0, 0, nlink, 0,
		 size, 0, 0, 0, 0, namesize, 0);
	sink_write(s, hdr, NEWC_HDR_LEN);
	sink_write(s, name, namesize);
	sink_pad(s);
}

/* DEST: relative, '/'-separated, no empty, "." or ".." components. */
static int check_dest(const char *dest)
{
	const char *p = dest;

	if (!*dest) {
		mv_err(dest, "empty destination path");
		return -1;
	}
	if (strlen(dest) > DEST_MAX) {
		mv_err(dest, "destination longer than %d bytes", DEST_MAX);
		return -1;
	}
	if (*dest == '/') {
		mv_err(dest, "destination must be a relative path");
		return -1;
	}
	for (const char *c = dest; *c; c++) {
		if ((unsigned char)*c < ' ' || *c == 0x7f) {
			mv_err(dest, "destination contains control "
			       "characters");
			return -1;
		}
	}
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2)) {
			mv_err(dest, "destination contains a '..' component");
			return -1;
		}
		if (len == 0 || (len == 1 && *p == '.')) {
			mv_err(dest, "destination has an empty or '.' "
			       "component");
			return -1;
		}
		p += len;
		if (*p == '/' && !*++p) {
			mv_err(dest, "destination ends with '/'");
			return -1;
		}
	}
	return 0;
}

/* Is dir (len bytes) a parent directory of path? */
static int is_parent(const char *dir, size_t len, const char *path)
{
	return !strncmp(dir, path, len) && path[len] == '/';
}

static int copy_file(struct sink *s, const char *dest, const char *src,
		     uint32_t ino)
{
	FILE *in = fopen(src, "rb");
	unsigned char buf[CHUNK];
	uint64_t left;
	struct stat st;
	size_t n;

	if (!in) {
		mv_err(src, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(in), &st) < 0 || !S_ISREG(st.st_mode)) {
		mv_err(src, "not a regular file");
		fclose(in);
		return -1;
	}
	if ((uint64_t)st.st_size > UINT32_MAX) {
		mv_err(src, "%" PRIu64 " bytes, too large for a cpio newc "
		       "archive (4 GiB - 1 at most)", (uint64_t)st.st_size);
		fclose(in);
		return -1;
	}
	newc_header(s, ino, 0100644, 1, st.st_size, dest);
	left = st.st_size;
	while (left && (n = fread(buf, 1, left < CHUNK ? left : CHUNK, in))) {
		sink_write(s, buf, n);
		left -= n;
	}
	if (ferror(in) || left || fgetc(in) != EOF) {
		mv_err(src, "%s", ferror(in) ? "read error" :
		       "changed size while being read");
		fclose(in);
		return -1;
	}
	fclose(in);
	sink_pad(s);
	return 0;
}

static int write_archive(struct sink *s, char **dest, char **src, size_t n)
{
	uint32_t ino = 1;

	for (size_t i = 0; i < n; i++) {
		/* Parent directories, each the first time it is needed. */
		for (char *p = strchr(dest[i], '/'); p;
		     p = strchr(p + 1, '/')) {
			size_t len = p - dest[i];
			size_t j;

			for (j = 0; j < i; j++)
				if (is_parent(dest[i], len, dest[j]))
					break;
			if (j < i)
				continue;
			*p = '\0';
			newc_header(s, ino++, 040755, 2, 0, dest[i]);
			*p = '/';
		}
		if (copy_file(s, dest[i], src[i], ino++))
			return -1;
	}
	newc_header(s, 0, 0, 1, 0, "TRAILER!!!");
	return 0;
}

static const struct option pack_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "gzip", no_argument, NULL, 'z' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_pack(int argc, char **argv)
{
	const char *output = NULL;
	char **dest, **src;
	struct sink *s;
	struct outfile o;
	int c, gzip = 0, errs = 0, bad_args;
	size_t n, len;

	while ((c = mv_getopt(argc, argv, "ho:z", pack_opts)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'z':
			gzip = 1;
			break;
		case 'h':
			mv_usage(stdout);
			return 0;
		default:
			return 1;
		}
	}
	if (!output) {
		mv_err(NULL, "pack: -o is required");
		return 1;
	}
	if (optind >= argc) {
		mv_err(NULL, "pack: no DEST=SRC given (see mvmod --help)");
		return 1;
	}
	/* A .gz name promises gzip; do not write plain cpio under it. */
	len = strlen(output);
	if (len > 3 && !strcmp(output + len - 3, ".gz"))
		gzip = 1;

	n = argc - optind;
	dest = xcalloc(n, sizeof(*dest));
	src = xcalloc(n, sizeof(*src));
	for (size_t i = 0; i < n; i++) {
		char *arg = argv[optind + i];
		char *eq = strchr(arg, '=');

		if (!eq || eq == arg || !eq[1]) {
			mv_err(NULL, "pack: \"%s\" is not DEST=SRC", arg);
			errs++;
			continue;
		}
		dest[i] = xstrdup(arg);
		dest[i][eq - arg] = '\0';
		src[i] = dest[i] + (eq - arg) + 1;
		if (check_dest(dest[i]))
			errs++;
	}
	bad_args = errs;
	/* Compare destinations only once each of them is well-formed. */
	for (size_t i = 0; !bad_args && i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			if (j < i && !strcmp(dest[i], dest[j])) {
				mv_err(dest[i], "duplicate destination");
				errs++;
				break;
			}
			if (is_parent(dest[i], strlen(dest[i]), dest[j])) {
				mv_err(dest[i], "destination is both a file "
				       "and the directory of %s", dest[j]);
				errs++;
				break;
			}
		}
	}
	if (!errs && out_open(&o, output))
		errs++;
	if (!errs) {
		s = xcalloc(1, sizeof(*s));
		s->f = o.f;
		s->gzip = gzip;
		/* windowBits 31: a gzip wrapper, with mtime 0 in it. */
		if (gzip && deflateInit2(&s->z, Z_BEST_COMPRESSION, Z_DEFLATED,
					 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			mv_err(output, "cannot start compression");
			errs++;
			gzip = s->gzip = 0;
		}
		if (!errs && write_archive(s, dest, src, n))
			errs++;
		if (!errs && gzip)
			sink_deflate(s, Z_FINISH);
		if (gzip)
			deflateEnd(&s->z);
		if (!errs && s->failed) {
			mv_err(output, "compression failed");
			errs++;
		}
		if (errs)
			out_abort(&o);
		else if (out_commit(&o))
			errs++;
		free(s);
	}
	for (size_t i = 0; i < n; i++)
		free(dest[i]);
	free(dest);
	free(src);
	return errs ? 1 : 0;
}
