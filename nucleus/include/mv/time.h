/* SPDX-License-Identifier: GPL-2.0 */
/* Time from the system counter: ticks and nanoseconds. */
#ifndef MV_TIME_H
#define MV_TIME_H

#include <mv/types.h>

#define MV_NSEC_PER_SEC 1000000000ULL
#define MV_NSEC_PER_MSEC 1000000ULL
#define MV_NSEC_PER_USEC 1000ULL

void mv_time_init(u64 counter_freq);
bool mv_time_ready(void);
u64 mv_ticks_to_ns(u64 ticks);
u64 mv_ns_to_ticks(u64 ns);
/* Nanoseconds since the counter started (QEMU: since the machine started). */
u64 mv_time_ns(void);

#endif
