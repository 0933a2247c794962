/* SPDX-License-Identifier: GPL-2.0 */
/* Built-in self-tests, run only when the boot arguments ask for them. */
#ifndef MV_SELFTEST_H
#define MV_SELFTEST_H

/*
 * "modvisor.selftest=sched" runs the scheduler self-test;
 * "modvisor.selftest=wx-write" / "=wx-exec" write to the nucleus text /
 * execute its data, which must end in an exception report.
 */
void mv_selftest_run(const char *bootargs);

#endif
