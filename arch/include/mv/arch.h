/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface the arch-independent nucleus calls. Each architecture (and
 * the host unit-test build) provides <arch_impl.h> with the inline
 * primitives below and implements the out-of-line functions.
 */
#ifndef MV_ARCH_H
#define MV_ARCH_H

#include <mv/types.h>
#include <arch_impl.h>

/*
 * Inline, from <arch_impl.h>:
 *   unsigned long mv_arch_irq_save(void);
 *   void mv_arch_irq_restore(unsigned long flags);
 *   void mv_arch_irq_enable(void);
 *   void mv_arch_irq_disable(void);
 *   void mv_arch_cpu_relax(void);          spin-wait hint (WFE)
 *   void mv_arch_cpu_wake_waiters(void);   wake spinners (SEV)
 *   void mv_arch_poll_hint(void);          polling a device register
 *   void mv_arch_wait_for_interrupt(void);
 *   u64 mv_arch_counter(void);             free-running system counter
 *   void mv_arch_clear_pages(void *p, unsigned long size);  zero pages
 *   struct mv_cpu *mv_this_cpu(void);
 *   void mv_arch_set_this_cpu(struct mv_cpu *cpu);
 *   struct mv_arch_context;                callee-saved thread state
 */

struct mv_cpu;

/* System counter frequency in Hz. */
u64 mv_arch_counter_freq(void);

/* Thread contexts. */
void mv_arch_context_init(struct mv_arch_context *ctx, void *stack_top,
			  void (*entry)(void));
void mv_arch_context_switch(struct mv_arch_context *from,
			    struct mv_arch_context *to);

/* Host timer: one-shot event at an absolute counter value, or none. */
void mv_arch_timer_program(u64 deadline);
void mv_arch_timer_stop(void);

/* Inter-processor interrupts. */
enum mv_ipi {
	MV_IPI_RESCHEDULE = 0,
	MV_IPI_STOP = 1,
	MV_IPI_KICK = 2,	/* make a vCPU leave the guest, nothing else */
};
void mv_arch_send_ipi(unsigned int cpu, enum mv_ipi ipi);

/* Start a secondary CPU that will call mv_secondary_main(cpu). */
int mv_arch_cpu_start(struct mv_cpu *cpu);

/* Boot: host interrupt controller and timer from the DT, then per CPU. */
int mv_arch_irq_init(const void *fdt);
int mv_arch_irq_init_cpu(void);
int mv_arch_timer_init(const void *fdt);
void mv_arch_timer_init_cpu(void);
/*
 * A level-triggered device interrupt (an SPI on arm64, numbered as the
 * GIC numbers it), delivered to CPU 0 and handled by fn in interrupt
 * context.
 */
int mv_arch_irq_request(unsigned int irq, void (*fn)(void *arg), void *arg);
/* Disable it and drop the handler; returns once no call is in progress. */
void mv_arch_irq_free(unsigned int irq);
/* Turn a DT "interrupts" specifier of the host irqchip into that number. */
int mv_arch_irq_from_dt(const void *fdt, int node, unsigned int index);

/* This CPU's hardware id (MPIDR affinity on arm64). */
u64 mv_arch_cpu_hwid(void);
/* Name of the host CPU model and of the mode the nucleus runs in. */
const char *mv_arch_name(void);

/* The encoding of a function return, for the W^X self-test. */
u32 mv_arch_return_instruction(void);

/* Power the machine off, or reset it (returns only if that failed). */
void mv_arch_system_off(bool reset);

/* Stop this CPU for good (fatal errors). */
__mv_noreturn void mv_arch_halt(void);

#endif
