// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 CPU glue: C entry points, EL2 control registers, exception reports,
 * thread contexts, the interrupt path.
 */
#include <mv/arch.h>
#include <mv/cpu.h>
#include <mv/log.h>
#include <mv/nucleus.h>
#include <mv/sched.h>
#include <mv/smp.h>
#include <mv/time.h>
#include <arm64.h>

/* CPTR_EL2: RES1 bits only, TFP clear (libfdt/zlib use SIMD: DESIGN §7). */
#define CPTR_EL2_HOST 0x33ff
/* CNTHCTL_EL2: EL1 may read the physical counter; its timer is trapped. */
#define CNTHCTL_EL2_HOST 0x1

static void cpu_setup_el2(void)
{
	mv_write_sysreg(hcr_el2, HCR_EL2_HOST);
	mv_write_sysreg(cptr_el2, CPTR_EL2_HOST);
	mv_write_sysreg(cnthctl_el2, CNTHCTL_EL2_HOST);
	mv_write_sysreg(cntvoff_el2, 0);
	mv_isb();
}

void mv_arm64_primary_main(const void *fdt);
void mv_arm64_primary_main(const void *fdt)
{
	mv_arch_set_this_cpu(&mv_cpus[0]);
	cpu_setup_el2();
	mv_time_init(mv_arch_counter_freq());
	mv_nucleus_main(fdt);
}

void mv_arm64_secondary_main(struct mv_cpu *cpu);
void mv_arm64_secondary_main(struct mv_cpu *cpu)
{
	mv_arch_set_this_cpu(cpu);
	cpu_setup_el2();
	mv_secondary_main(cpu);
}

u64 mv_arch_counter_freq(void)
{
	return mv_read_sysreg(cntfrq_el0);
}

u64 mv_arch_cpu_hwid(void)
{
	return mv_read_sysreg(mpidr_el1) & 0xff00ffffffUL;
}

const char *mv_arch_name(void)
{
	return "arm64, EL2";
}

u32 mv_arch_return_instruction(void)
{
	return 0xd65f03c0;	/* ret */
}

void mv_arch_halt(void)
{
	mv_arch_irq_disable();
	for (;;)
		__asm__ volatile("wfi");
}

void mv_arch_context_init(struct mv_arch_context *ctx, void *stack_top,
			  void (*entry)(void))
{
	for (unsigned int i = 0; i < 10; i++)
		ctx->x19_x28[i] = 0;
	ctx->fp = 0;
	ctx->lr = (u64)entry;
	ctx->sp = (u64)stack_top & ~15UL;
}

static const char *const exception_kind[16] = {
	"synchronous (EL2, SP_EL0)", "IRQ (EL2, SP_EL0)", "FIQ (EL2, SP_EL0)",
	"SError (EL2, SP_EL0)", "synchronous (EL2)", "IRQ (EL2)", "FIQ (EL2)",
	"SError (EL2)", "synchronous (lower EL, AArch64)",
	"IRQ (lower EL, AArch64)", "FIQ (lower EL, AArch64)",
	"SError (lower EL, AArch64)", "synchronous (lower EL, AArch32)",
	"IRQ (lower EL, AArch32)", "FIQ (lower EL, AArch32)",
	"SError (lower EL, AArch32)",
};

static const char *exception_class_name(unsigned int ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x07: return "FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "system register access";
	case 0x20: return "instruction abort, lower EL";
	case 0x21: return "instruction abort, same EL";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort, lower EL";
	case 0x25: return "data abort, same EL";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError";
	case 0x3c: return "BRK instruction";
	default: return "other";
	}
}

void mv_arm64_unexpected_exception(struct mv_arm64_regs *regs,
				   unsigned int kind);
void mv_arm64_unexpected_exception(struct mv_arm64_regs *regs,
				   unsigned int kind)
{
	unsigned int ec = regs->esr >> 26;
	struct mv_cpu *cpu = mv_this_cpu();

	mv_smp_stop_others();
	mv_log(MV_LOG_ERR, "exception: unexpected %s on cpu%u\n",
	       exception_kind[kind & 15], cpu ? cpu->id : 0);
	mv_log(MV_LOG_ERR, "exception: EC 0x%02x (%s), ESR %08lx, FAR %016lx\n",
	       ec, exception_class_name(ec), (unsigned long)regs->esr,
	       (unsigned long)regs->far);
	mv_log(MV_LOG_ERR, "exception: ELR %016lx SPSR %08lx SP %016lx\n",
	       (unsigned long)regs->elr, (unsigned long)regs->spsr,
	       (unsigned long)regs->sp);
	for (unsigned int i = 0; i < 31; i += 3) {
		if (i + 2 < 31)
			mv_log(MV_LOG_ERR, "  x%-2u %016lx x%-2u %016lx "
			       "x%-2u %016lx\n", i, (unsigned long)regs->x[i],
			       i + 1, (unsigned long)regs->x[i + 1], i + 2,
			       (unsigned long)regs->x[i + 2]);
		else
			mv_log(MV_LOG_ERR, "  x%-2u %016lx\n", i,
			       (unsigned long)regs->x[i]);
	}
	mv_log(MV_LOG_ERR, "nucleus: halted\n");
	mv_arch_halt();
}
