/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test helpers: a failed CHECK prints where and why and ends
 * the current test case (longjmp back to RUN_TEST), the others still run.
 * One test program = one .c file including this header once.
 */
#ifndef MV_TEST_H
#define MV_TEST_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_host.h"

static jmp_buf mv_test_jmp;
static unsigned int mv_test_failed, mv_test_run;
static const char *mv_test_name;
static uint64_t mv_test_rng;

static inline void mv_test_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "FAIL %s: %s:%d: %s\n", mv_test_name, file, line,
		what);
	mv_host_log_quiet(false);
	longjmp(mv_test_jmp, 1);
}

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			mv_test_fail(__FILE__, __LINE__, #cond);	\
	} while (0)

#define CHECK_OP(a, op, b)						\
	do {								\
		unsigned long long a_ = (unsigned long long)(a);	\
		unsigned long long b_ = (unsigned long long)(b);	\
		if (!(a_ op b_)) {					\
			char m_[256];					\
			snprintf(m_, sizeof(m_),			\
				 "%s %s %s (%llu vs %llu, 0x%llx vs 0x%llx)", \
				 #a, #op, #b, a_, b_, a_, b_);		\
			mv_test_fail(__FILE__, __LINE__, m_);		\
		}							\
	} while (0)

#define CHECK_EQ(a, b) CHECK_OP(a, ==, b)
#define CHECK_NE(a, b) CHECK_OP(a, !=, b)
#define CHECK_LT(a, b) CHECK_OP(a, <, b)
#define CHECK_LE(a, b) CHECK_OP(a, <=, b)
#define CHECK_GE(a, b) CHECK_OP(a, >=, b)

/* Run stmt, which must log exactly one error starting with prefix. */
#define CHECK_LOGS_ERROR(prefix, stmt)					\
	do {								\
		unsigned int e_ = mv_host_log_count(MV_LOG_ERR);	\
		mv_host_log_quiet(true);				\
		stmt;							\
		mv_host_log_quiet(false);				\
		CHECK_EQ(mv_host_log_count(MV_LOG_ERR), e_ + 1);	\
		CHECK(strncmp(mv_host_log_last_error(), prefix,		\
			      strlen(prefix)) == 0);			\
	} while (0)

#define CHECK_NO_ERRORS() CHECK_EQ(mv_host_log_count(MV_LOG_ERR), 0)

/* Deterministic xorshift64*; MV_TEST_SEED=<n> replays another sequence. */
static inline uint64_t mv_test_rand(void)
{
	mv_test_rng ^= mv_test_rng >> 12;
	mv_test_rng ^= mv_test_rng << 25;
	mv_test_rng ^= mv_test_rng >> 27;
	return mv_test_rng * 0x2545f4914f6cdd1dull;
}

static inline uint64_t mv_test_rand_below(uint64_t n)
{
	return mv_test_rand() % n;
}

static inline void mv_test_init(void)
{
	const char *s = getenv("MV_TEST_SEED");

	mv_test_rng = s ? strtoull(s, NULL, 0) : 0x6d766973u;
	if (!mv_test_rng)
		mv_test_rng = 1;
	fprintf(stderr, "seed %" PRIu64 "\n", mv_test_rng);
}

/* setup() runs before each case to start from a clean state. */
#define RUN_TEST(fn, setup)						\
	do {								\
		mv_test_name = #fn;					\
		mv_test_run++;						\
		mv_host_log_reset();					\
		setup();						\
		if (setjmp(mv_test_jmp) == 0) {				\
			fn();						\
			fprintf(stderr, "ok   %s\n", #fn);		\
		} else {						\
			mv_test_failed++;				\
		}							\
	} while (0)

static inline int mv_test_summary(void)
{
	fprintf(stderr, "%u/%u passed\n", mv_test_run - mv_test_failed,
		mv_test_run);
	return mv_test_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
