// SPDX-License-Identifier: GPL-2.0
/* CPUs from /cpus, secondary bring-up, and stopping everyone on panic. */
#include <mv/arch_guest.h>
#include <mv/console.h>
#include <mv/cpu.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/smp.h>
#include <mv/time.h>
#include <libfdt.h>
#include <string.h>

struct mv_cpu mv_cpus[MV_MAX_CPUS];
unsigned int mv_nr_cpus;
static volatile bool stopping;

unsigned int mv_cpus_online(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < mv_nr_cpus; i++)
		n += MV_READ_ONCE(mv_cpus[i].online);
	return n;
}

int mv_smp_discover(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	u64 self = mv_arch_cpu_hwid();
	unsigned int n = 1;
	int node;

	/* The boot CPU is always cpu 0, whatever its place in /cpus. */
	mv_cpus[0].id = 0;
	mv_cpus[0].hwid = self;
	if (cpus < 0) {
		mv_log(MV_LOG_WARN, "smp: the DTB has no /cpus node; running "
		       "on the boot CPU only\n");
		mv_nr_cpus = 1;
		return 0;
	}
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const char *status = fdt_getprop(fdt, node, "status", NULL);
		u64 hwid;

		if (!type || strcmp(type, "cpu"))
			continue;
		if (status && strcmp(status, "okay") && strcmp(status, "ok"))
			continue;
		if (!mv_dt_read_number(fdt, node, "reg", &hwid)) {
			mv_log(MV_LOG_WARN, "smp: %s has no reg; skipped\n",
			       fdt_get_name(fdt, node, NULL));
			continue;
		}
		if (hwid == self)
			continue;
		if (n == MV_MAX_CPUS) {
			mv_log(MV_LOG_WARN, "smp: more than %u CPUs; the rest "
			       "stay off\n", MV_MAX_CPUS);
			break;
		}
		mv_cpus[n].id = n;
		mv_cpus[n].hwid = hwid;
		n++;
	}
	mv_nr_cpus = n;
	return 0;
}

void mv_smp_boot_secondaries(void)
{
	for (unsigned int i = 1; i < mv_nr_cpus; i++) {
		struct mv_cpu *cpu = &mv_cpus[i];
		u64 deadline;
		int err;

		cpu->stack = mv_malloc(MV_THREAD_STACK_SIZE);
		if (!cpu->stack) {
			mv_log(MV_LOG_ERR, "smp: no memory for cpu%u's stack\n",
			       i);
			continue;
		}
		err = mv_arch_cpu_start(cpu);
		if (err) {
			mv_log(MV_LOG_ERR, "smp: cpu%u (hwid %lx) did not "
			       "start: %d\n", i, (unsigned long)cpu->hwid, err);
			continue;
		}
		deadline = mv_time_ns() + 1000 * MV_NSEC_PER_MSEC;
		while (!MV_READ_ONCE(cpu->online) && mv_time_ns() < deadline)
			mv_arch_poll_hint();
		if (!MV_READ_ONCE(cpu->online))
			mv_log(MV_LOG_ERR, "smp: cpu%u (hwid %lx) started but "
			       "never came online\n", i,
			       (unsigned long)cpu->hwid);
	}
}

void mv_secondary_main(struct mv_cpu *cpu)
{
	mv_arch_set_this_cpu(cpu);
	if (mv_arch_irq_init_cpu() < 0) {
		mv_log(MV_LOG_ERR, "smp: cpu%u: interrupt controller set-up "
		       "failed; cpu stays off\n", cpu->id);
		mv_arch_halt();
	}
	mv_arch_timer_init_cpu();
	mv_arch_virt_init_cpu();
	mv_sched_init_cpu();
	__atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
	mv_arch_irq_enable();
	mv_sched_idle_loop();
}

void mv_smp_stop_others(void)
{
	struct mv_cpu *self = mv_this_cpu();

	mv_console_emergency();
	if (!self || __atomic_exchange_n(&stopping, true, __ATOMIC_ACQ_REL))
		return;
	for (unsigned int i = 0; i < mv_nr_cpus; i++)
		if (&mv_cpus[i] != self && mv_cpus[i].online)
			mv_arch_send_ipi(i, MV_IPI_STOP);
}

void mv_smp_ipi_stop(void)
{
	mv_arch_halt();
}
