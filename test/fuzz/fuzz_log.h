/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every fuzzer's host nucleus needs for logging: mv_log() formatted
 * by the nucleus's own printf (which then sees fuzzed names), counting
 * errors and checking they name the subsystem; mv_panic(); ENSURE().
 */
#ifndef FUZZ_LOG_H
#define FUZZ_LOG_H

#include <stdbool.h>

extern unsigned int fuzz_nr_errors;
extern char fuzz_last_error[512];

/* Error messages must start with prefix; verbose_env set prints all. */
void fuzz_log_init(const char *prefix, const char *verbose_env);
__attribute__((noreturn)) void fuzz_fail(const char *what, int line);

#define ENSURE(cond)							\
	do {								\
		if (!(cond))						\
			fuzz_fail(#cond, __LINE__);			\
	} while (0)

#endif
