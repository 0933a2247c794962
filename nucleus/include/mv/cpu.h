/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU data, reached through mv_this_cpu(). */
#ifndef MV_CPU_H
#define MV_CPU_H

#include <mv/sched.h>

struct mv_vcpu;

#define MV_MAX_CPUS 8

struct mv_cpu {
	unsigned int id;
	u64 hwid;		/* MPIDR affinity from /cpus/cpu@N reg */
	bool online;
	void *stack;		/* boot/idle stack of a secondary */
	struct mv_sched_cpu sched;
	struct mv_vcpu *vcpu;	/* whose state the CPU holds, or NULL */
	struct mv_vcpu *last_vcpu;	/* whose EL1 registers it still has */
	/* Counters, for the banner, self-tests and later `host info`. */
	u64 irqs;
	u64 timer_irqs;
	u64 ipis_received;
	u64 ipis_sent;
	/* Idle time: finished waits, and the start of the one under way. */
	u64 idle_ticks;
	u64 idle_since;		/* 0: not waiting */
};

extern struct mv_cpu mv_cpus[MV_MAX_CPUS];
extern unsigned int mv_nr_cpus;		/* described by the DT */

unsigned int mv_cpus_online(void);

#endif
