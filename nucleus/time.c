// SPDX-License-Identifier: GPL-2.0
/*
 * Counter ticks <-> nanoseconds with a multiply and a shift (no division
 * on hot paths): ns = ticks * mult >> 32.
 */
#include <mv/arch.h>
#include <mv/time.h>

static u64 ns_mult;		/* ns per tick, 32.32 fixed point */
static u64 tick_mult;		/* ticks per ns, 32.32 fixed point */

void mv_time_init(u64 freq)
{
	ns_mult = (MV_NSEC_PER_SEC << 32) / freq;
	tick_mult = (freq << 32) / MV_NSEC_PER_SEC;
}

bool mv_time_ready(void)
{
	return ns_mult != 0;
}

u64 mv_ticks_to_ns(u64 ticks)
{
	return (u64)(((unsigned __int128)ticks * ns_mult) >> 32);
}

u64 mv_ns_to_ticks(u64 ns)
{
	return (u64)(((unsigned __int128)ns * tick_mult) >> 32) + 1;
}

u64 mv_time_ns(void)
{
	return mv_ticks_to_ns(mv_arch_counter());
}
