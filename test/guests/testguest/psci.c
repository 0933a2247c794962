// SPDX-License-Identifier: GPL-2.0
/* SMCCC calls: HVC or SMC as the DT's /psci "method" says. */
#include "tg.h"

#define SMCCC_CALL(insn, fn, a1, a2, a3) ({				\
	register u64 x0 asm("x0") = (fn);				\
	register u64 x1 asm("x1") = (a1);				\
	register u64 x2 asm("x2") = (a2);				\
	register u64 x3 asm("x3") = (a3);				\
	asm volatile(insn " #0"						\
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)		\
		     :							\
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",	\
		       "x12", "x13", "x14", "x15", "x16", "x17", "memory");\
	/* SMC32 results are in W0 */					\
	((fn) & (1U << 30)) ? (s64)x0 : (s64)(s32)x0;			\
})

s64 hvc_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	return SMCCC_CALL("hvc", fn, a1, a2, a3);
}

s64 smc_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	return SMCCC_CALL("smc", fn, a1, a2, a3);
}

s64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	return dt.psci_smc ? smc_call(fn, a1, a2, a3) :
			     hvc_call(fn, a1, a2, a3);
}

/* fn with one argument; x0-x3 as the call returns them into res. */
void smccc_call_res(u64 fn, u64 a1, u64 res[4])
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = 0;
	register u64 x3 asm("x3") = 0;

	if (dt.psci_smc)
		asm volatile("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10",
			       "x11", "x12", "x13", "x14", "x15", "x16", "x17",
			       "memory");
	else
		asm volatile("hvc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10",
			       "x11", "x12", "x13", "x14", "x15", "x16", "x17",
			       "memory");
	res[0] = x0;
	res[1] = x1;
	res[2] = x2;
	res[3] = x3;
}
