/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initrd: a read-only file store over a cpio "newc" archive (magic
 * 070701, or 070702 whose checksums are ignored), optionally gzip-compressed
 * (docs/module-format.md "The initrd").
 *
 * mv_initrd_open() checks the whole archive before anything uses it, so a
 * damaged initrd fails in one place with one message. Paths are relative:
 * a leading "./" or "/" (in archive names and in queries) and trailing
 * slashes are dropped, "" or "." is the root. Directories need no entries
 * of their own: "a" is a directory when "a/b" exists.
 */
#ifndef MV_INITRD_H
#define MV_INITRD_H

#include <mv/types.h>

/* File type bits of a mode, as cpio stores them (the POSIX values). */
#define MV_INITRD_S_IFMT 0170000u
#define MV_INITRD_S_IFDIR 0040000u
#define MV_INITRD_S_IFREG 0100000u
#define MV_INITRD_S_IFLNK 0120000u

struct mv_initrd_entry;

/*
 * An open archive; the caller owns the struct, the fields are initrd.c's.
 * Unless the archive was gzipped, it points into the bytes given to
 * mv_initrd_open(), which must stay put until mv_initrd_close().
 */
struct mv_initrd {
	const u8 *archive;	/* the cpio bytes (inflated if gzip) */
	size_t size;
	void *inflated;		/* ours to free, or NULL */
	struct mv_initrd_entry *entries;	/* sorted by path */
	size_t nr_entries;
};

struct mv_initrd_stat {
	u64 size;			/* bytes of data; 0 for directories */
	u32 mode;			/* type and permissions as archived */
	bool is_dir;
};

/*
 * Validate data[0, size) and index it. gzip input (1f 8b) is inflated into
 * heap memory first. On any defect: one mv_log error naming the entry, its
 * offset and the reason, -MV_EINVAL (-MV_ENOMEM if memory ran out), *rd
 * zeroed and nothing left allocated.
 */
int mv_initrd_open(struct mv_initrd *rd, const void *data, size_t size);
/* Free what open allocated; safe on a zeroed or already closed *rd. */
void mv_initrd_close(struct mv_initrd *rd);

/* 0, -MV_ENOENT if path is not in the archive, -MV_EINVAL if path is NULL. */
int mv_initrd_stat(const struct mv_initrd *rd, const char *path,
		   struct mv_initrd_stat *st);

/*
 * Zero-copy access to a regular file's bytes, valid until close; *size is
 * its length. NULL (and *size 0) if path is missing or not a regular file.
 */
const void *mv_initrd_data(const struct mv_initrd *rd, const char *path,
			   size_t *size);

/*
 * Copy up to len bytes of a regular file from offset into buf: the count
 * copied (0 at or past the end; at most INT_MAX), -MV_ENOENT if path is
 * missing, -MV_EINVAL if it is not a regular file.
 */
int mv_initrd_read(const struct mv_initrd *rd, const char *path,
		   size_t offset, void *buf, size_t len);

/*
 * One entry of a listing. The strings point into the archive and are NOT
 * NUL-terminated: use the lengths. name is the last component of path.
 */
struct mv_initrd_dirent {
	const char *path;
	size_t path_len;
	const char *name;
	size_t name_len;
	const void *data;		/* a regular file's bytes, else NULL */
	struct mv_initrd_stat st;
};

/* Return non-zero to stop the listing; mv_initrd_list() returns it. */
typedef int (*mv_initrd_list_fn)(void *arg, const struct mv_initrd_dirent *d);

/*
 * Call fn for each entry directly under directory dir ("" or "/" for the
 * top level), in path order, implied directories included once each; with
 * dir NULL, for every entry of the archive, at any depth (implied
 * directories are not invented). 0 when done, fn's non-zero value if it
 * stopped, -MV_ENOENT if dir is missing, -MV_EINVAL if it is no directory.
 */
int mv_initrd_list(const struct mv_initrd *rd, const char *dir,
		   mv_initrd_list_fn fn, void *arg);

#endif
