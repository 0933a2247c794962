/* SPDX-License-Identifier: GPL-2.0 */
/* arm64 inline primitives behind arch/include/mv/arch.h. */
#ifndef MV_ARCH_IMPL_H
#define MV_ARCH_IMPL_H

#include <mv/types.h>

#define mv_read_sysreg(r) ({ \
	u64 __v; \
	__asm__ volatile("mrs %0, " #r : "=r"(__v)); \
	__v; })
#define mv_write_sysreg(r, v) \
	__asm__ volatile("msr " #r ", %x0" : : "rZ"((u64)(v)))
#define mv_isb() __asm__ volatile("isb" : : : "memory")
#define mv_dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define mv_dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")

static inline unsigned long mv_arch_irq_save(void)
{
	unsigned long flags = mv_read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return flags;
}

static inline void mv_arch_irq_restore(unsigned long flags)
{
	__asm__ volatile("msr daif, %0" : : "r"(flags) : "memory");
}

static inline void mv_arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void mv_arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

static inline bool mv_arch_irqs_disabled(void)
{
	return mv_read_sysreg(daif) & (1 << 7);
}

static inline void mv_arch_cpu_relax(void)
{
	__asm__ volatile("wfe" : : : "memory");
}

/* Polling a device: no event will come, so no WFE. */
static inline void mv_arch_poll_hint(void)
{
	__asm__ volatile("yield" : : : "memory");
}

static inline void mv_arch_cpu_wake_waiters(void)
{
	__asm__ volatile("dsb ishst\n\tsev" : : : "memory");
}

static inline void mv_arch_wait_for_interrupt(void)
{
	__asm__ volatile("dsb sy\n\twfi" : : : "memory");
}

static inline u64 mv_arch_counter(void)
{
	mv_isb();
	return mv_read_sysreg(cntpct_el0);
}

/*
 * Zero whole pages (4 KiB aligned and sized), 64 bytes a loop: fresh
 * guest RAM comes in 2 MiB granules, and a plain memset costs four times
 * the instructions (DC ZVA is slower still under QEMU).
 */
static inline void mv_arch_clear_pages(void *p, unsigned long size)
{
	char *c = p, *end = c + size;

	for (; c < end; c += 64)
		__asm__ volatile("stp xzr, xzr, [%0]\n\t"
				 "stp xzr, xzr, [%0, #16]\n\t"
				 "stp xzr, xzr, [%0, #32]\n\t"
				 "stp xzr, xzr, [%0, #48]"
				 : : "r"(c) : "memory");
}

struct mv_cpu;

static inline struct mv_cpu *mv_this_cpu(void)
{
	return (struct mv_cpu *)mv_read_sysreg(tpidr_el2);
}

static inline void mv_arch_set_this_cpu(struct mv_cpu *cpu)
{
	mv_write_sysreg(tpidr_el2, cpu);
}

/* Callee-saved state; the layout is known to switch.S. */
struct mv_arch_context {
	u64 x19_x28[10];
	u64 fp;
	u64 lr;
	u64 sp;
};

#endif
