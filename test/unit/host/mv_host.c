// SPDX-License-Identifier: GPL-2.0
/* Host stand-ins for nucleus services the code under test calls. */
#include <mv/arch.h>
#include <mv/log.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mv_host.h"

_Thread_local struct mv_cpu *mv_host_this_cpu;

static unsigned int log_counts[MV_LOG_DEBUG + 1];
static bool log_quiet;
static char last_error[512];
static char last_msg[512];

static const char *const level_names[] = {
	[MV_LOG_ERR] = "ERR",
	[MV_LOG_WARN] = "WARN",
	[MV_LOG_INFO] = "INFO",
	[MV_LOG_DEBUG] = "DEBUG",
};

void mv_log(enum mv_log_level level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	if ((unsigned int)level > MV_LOG_DEBUG)
		level = MV_LOG_DEBUG;
	__atomic_fetch_add(&log_counts[level], 1, __ATOMIC_RELAXED);
	if (level == MV_LOG_ERR)
		snprintf(last_error, sizeof(last_error), "%s", buf);
	snprintf(last_msg, sizeof(last_msg), "%s", buf);
	if (level == MV_LOG_ERR &&
	    __atomic_load_n(&log_quiet, __ATOMIC_RELAXED))
		return;
	fprintf(stderr, "[%s] %s", level_names[level], buf);
	if (!*buf || buf[strlen(buf) - 1] != '\n')
		fputc('\n', stderr);
}

void mv_panic(const char *fmt, ...)
{
	va_list ap;

	fputs("PANIC: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	abort();
}

u64 mv_arch_counter_freq(void)
{
	return 1000000000ull;
}

unsigned int mv_host_log_count(enum mv_log_level level)
{
	return __atomic_load_n(&log_counts[level], __ATOMIC_RELAXED);
}

const char *mv_host_log_last_error(void)
{
	return last_error;
}

const char *mv_host_log_last(void)
{
	return last_msg;
}

void mv_host_log_reset(void)
{
	memset(log_counts, 0, sizeof(log_counts));
	last_error[0] = '\0';
	last_msg[0] = '\0';
}

void mv_host_log_quiet(bool quiet)
{
	__atomic_store_n(&log_quiet, quiet, __ATOMIC_RELAXED);
}

void *mv_host_arena_get(struct mv_host_arena *a, size_t size, size_t align)
{
	size_t len = size + align;
	char *map, *base;

	memset(a, 0, sizeof(*a));
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	base = (char *)MV_ALIGN_UP((uintptr_t)map, align);
	/* Huge pages would make one touched byte resident 2 MiB. */
	madvise(map, len, MADV_NOHUGEPAGE);
	a->map = map;
	a->map_len = len;
	a->base = base;
	a->size = size;
	return base;
}

void mv_host_arena_put(struct mv_host_arena *a)
{
	if (a->map)
		munmap(a->map, a->map_len);
	memset(a, 0, sizeof(*a));
}

size_t mv_host_resident_pages(const void *p, size_t size)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t n = (size + pg - 1) / pg, i, count = 0;
	unsigned char *vec = calloc(n, 1);

	if (!vec)
		return (size_t)-1;
	if (mincore((void *)p, size, vec)) {
		free(vec);
		return (size_t)-1;
	}
	for (i = 0; i < n; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}
