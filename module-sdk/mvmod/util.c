// SPDX-License-Identifier: GPL-2.0
/* Messages, allocation that cannot fail, files and small string lists. */
#include "mvmod.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <modvisor/module.h>

void mv_put_clean(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		/* A corrupt file must not be able to forge output lines. */
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void mv_err(const char *file, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fputs("mvmod: ", stderr);
	if (file) {
		mv_put_clean(stderr, file);
		fputs(": ", stderr);
	}
	mv_put_clean(stderr, msg ? msg : "out of memory");
	fputc('\n', stderr);
	free(msg);
}

static void oom(void)
{
	fputs("mvmod: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (size && n > SIZE_MAX / size)
		oom();
	bytes = n * size;
	p = realloc(p, bytes ? bytes : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

int mv_read_file(const char *path, unsigned char **buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t len = 0, cap = 0, n;
	struct stat st;

	if (!f) {
		mv_err(path, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		mv_err(path, "not a regular file");
		fclose(f);
		return -1;
	}
	/* Read to EOF rather than trusting st_size: the file may change. */
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			p = xreallocarray(p, cap, 1);
		}
		n = fread(p + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		mv_err(path, "read error: %s", strerror(errno));
		fclose(f);
		free(p);
		return -1;
	}
	fclose(f);
	*buf = p;
	*size = len;
	return 0;
}

int mv_valid_name(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return 0;
	}
	return n >= 1 && n < MV_MODULE_NAME_MAX;
}

int mv_valid_field(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned char c = *s;

		if (c <= ' ' || c == 0x7f)
			return 0;
	}
	return 1;
}

void strlist_add(struct strlist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void strlist_free(struct strlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void strlist_sort(struct strlist *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

int strlist_find(const struct strlist *l, const char *s)
{
	if (!l->n)
		return 0;
	return bsearch(&s, l->v, l->n, sizeof(*l->v), cmp_str) != NULL;
}

int out_open(struct outfile *o, const char *path)
{
	mode_t mask;
	int fd;

	o->path = path;
	o->f = NULL;
	if (asprintf(&o->tmp, "%s.XXXXXX", path) < 0) {
		o->tmp = NULL;
		mv_err(path, "out of memory");
		return -1;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		mv_err(path, "cannot create: %s", strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	/* mkstemp makes 0600; give the file the usual umask mode. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || !(o->f = fdopen(fd, "wb"))) {
		mv_err(path, "cannot create: %s", strerror(errno));
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

int out_commit(struct outfile *o)
{
	int bad = ferror(o->f);

	if (fclose(o->f) || bad) {
		mv_err(o->path, "write error: %s",
		       bad ? "I/O error" : strerror(errno));
		o->f = NULL;
		out_abort(o);
		return -1;
	}
	o->f = NULL;
	if (rename(o->tmp, o->path) < 0) {
		mv_err(o->path, "cannot rename %s into place: %s", o->tmp,
		       strerror(errno));
		out_abort(o);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void out_abort(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
	}
	o->tmp = NULL;
}
