/* SPDX-License-Identifier: GPL-2.0 */
/* What the host support code offers tests beyond the nucleus interfaces. */
#ifndef MV_HOST_H
#define MV_HOST_H

#include <mv/log.h>
#include <mv/types.h>

/* Messages logged at a level since the last reset (all threads). */
unsigned int mv_host_log_count(enum mv_log_level level);
/* The text of the last MV_LOG_ERR message, "" if none. */
const char *mv_host_log_last_error(void);
/* The last message of any level. */
const char *mv_host_log_last(void);
void mv_host_log_reset(void);
/* Keep expected errors off stderr; they are still counted. */
void mv_host_log_quiet(bool quiet);

/*
 * Fresh anonymous memory standing in for RAM: size bytes aligned to align
 * (a power of two >= 4 KiB), untouched so that only what the code writes
 * becomes resident, transparent huge pages off. NULL if mmap fails.
 */
struct mv_host_arena {
	void *map;
	size_t map_len;
	void *base;
	size_t size;
};

void *mv_host_arena_get(struct mv_host_arena *a, size_t size, size_t align);
void mv_host_arena_put(struct mv_host_arena *a);
/* Pages of [p, p + size) resident in memory (mincore). */
size_t mv_host_resident_pages(const void *p, size_t size);

#endif
