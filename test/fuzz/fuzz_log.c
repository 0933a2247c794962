// SPDX-License-Identifier: GPL-2.0
/* Logging stand-ins shared by the fuzzers (see fuzz_log.h). */
#include "fuzz_log.h"
#include <mv/log.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned int fuzz_nr_errors;
char fuzz_last_error[512];
static const char *error_prefix = "";
static bool verbose;

void fuzz_log_init(const char *prefix, const char *verbose_env)
{
	error_prefix = prefix;
	verbose = getenv(verbose_env) != NULL;
}

void fuzz_fail(const char *what, int line)
{
	fprintf(stderr, "fuzzer: line %d: %s\n  last error: %s", line, what,
		fuzz_last_error[0] ? fuzz_last_error : "(none)\n");
	abort();
}

void mv_log(enum mv_log_level level, const char *fmt, ...)
{
	char buf[sizeof(fuzz_last_error)];
	va_list ap;

	va_start(ap, fmt);
	mv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (level == MV_LOG_ERR) {
		fuzz_nr_errors++;
		memcpy(fuzz_last_error, buf, sizeof(buf));
		ENSURE(!strncmp(buf, error_prefix, strlen(error_prefix)));
	}
	if (verbose)
		fputs(buf, stderr);
}

void mv_panic(const char *fmt, ...)
{
	va_list ap;

	fputs("PANIC: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}
