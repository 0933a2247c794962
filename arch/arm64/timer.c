// SPDX-License-Identifier: GPL-2.0
/*
 * Host timer: the EL2 physical timer (CNTHP), one-shot, compared against
 * the physical counter. CNTV and CNTP stay free for guests (DESIGN §6).
 */
#include <mv/arch.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/log.h>
#include <mv/sched.h>
#include <arm64.h>
#include <libfdt.h>

#define CNTHP_CTL_ENABLE (1 << 0)
#define CNTHP_CTL_IMASK (1 << 1)
/* Position of the hypervisor timer in the arch timer's interrupts. */
#define TIMER_IRQ_HYP 3

unsigned int mv_arm64_timer_intid;

int mv_arch_timer_init(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	int gic, cells, len;
	const fdt32_t *irqs;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv7-timer");
	if (node < 0) {
		mv_log(MV_LOG_ERR, "timer: no \"arm,armv8-timer\" node in the "
		       "DTB\n");
		return -MV_ENODEV;
	}
	gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	cells = 3;
	if (gic >= 0) {
		const fdt32_t *c = fdt_getprop(fdt, gic, "#interrupt-cells",
					       &len);

		if (c && len == 4)
			cells = fdt32_to_cpu(*c);
	}
	irqs = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irqs || cells < 2 || len < (TIMER_IRQ_HYP + 1) * cells * 4) {
		mv_log(MV_LOG_ERR, "timer: the timer node has no hypervisor "
		       "timer interrupt (4th entry of interrupts)\n");
		return -MV_EINVAL;
	}
	irqs += TIMER_IRQ_HYP * cells;
	if (fdt32_to_cpu(irqs[0]) != 1) {
		mv_log(MV_LOG_ERR, "timer: the hypervisor timer interrupt is "
		       "not a PPI\n");
		return -MV_EINVAL;
	}
	mv_arm64_timer_intid = 16 + fdt32_to_cpu(irqs[1]);
	mv_log(MV_LOG_DEBUG, "timer: CNTHP on PPI %u, counter at %lu Hz\n",
	       mv_arm64_timer_intid, (unsigned long)mv_arch_counter_freq());
	return 0;
}

void mv_arch_timer_init_cpu(void)
{
	mv_write_sysreg(CNTHP_CTL_EL2, 0);
	mv_arm64_gic_enable_ppi(mv_arm64_timer_intid);
}

void mv_arch_timer_program(u64 deadline)
{
	mv_write_sysreg(CNTHP_CVAL_EL2, deadline);
	mv_write_sysreg(CNTHP_CTL_EL2, CNTHP_CTL_ENABLE);
	mv_isb();
}

void mv_arch_timer_stop(void)
{
	mv_write_sysreg(CNTHP_CTL_EL2, CNTHP_CTL_IMASK);
	mv_isb();
}

void mv_arm64_timer_interrupt(void);
void mv_arm64_timer_interrupt(void)
{
	mv_sched_timer_interrupt();
}
