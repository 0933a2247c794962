// SPDX-License-Identifier: GPL-2.0
/* Secondary CPUs through the firmware's PSCI CPU_ON (SMC or HVC per DT). */
#include <mv/arch.h>
#include <mv/cpu.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/log.h>
#include <arm64.h>
#include <libfdt.h>
#include <string.h>

#define PSCI_0_2_CPU_ON_64 0xc4000003U
#define PSCI_0_2_SYSTEM_OFF 0x84000008U
#define PSCI_0_2_SYSTEM_RESET 0x84000009U

static struct mv_arm64_boot_args boot_args[MV_MAX_CPUS];

static u64 psci_call(bool hvc, u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	if (hvc)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory", "x4", "x5", "x6", "x7", "x8",
				   "x9", "x10", "x11", "x12", "x13", "x14",
				   "x15", "x16", "x17");
	else
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory", "x4", "x5", "x6", "x7", "x8",
				   "x9", "x10", "x11", "x12", "x13", "x14",
				   "x15", "x16", "x17");
	return x0;
}

/* The PSCI node and its conduit, or -MV_ENODEV with a message. */
static int psci_node(bool *hvc, u64 *cpu_on)
{
	const void *fdt = mv_boot_fdt;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-1.0");
	const char *method;

	*cpu_on = PSCI_0_2_CPU_ON_64;
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
		if (node >= 0 && !mv_dt_read_number(fdt, node, "cpu_on", cpu_on))
			node = -1;
	}
	if (node < 0) {
		mv_log(MV_LOG_ERR, "psci: no usable PSCI node in the DTB\n");
		return -MV_ENODEV;
	}
	method = fdt_getprop(fdt, node, "method", NULL);
	if (!method || (strcmp(method, "smc") && strcmp(method, "hvc"))) {
		mv_log(MV_LOG_ERR, "psci: method must be \"smc\" or \"hvc\"\n");
		return -MV_EINVAL;
	}
	*hvc = !strcmp(method, "hvc");
	return 0;
}

void mv_arch_system_off(bool reset)
{
	bool hvc;
	u64 cpu_on;

	if (psci_node(&hvc, &cpu_on) == 0)
		psci_call(hvc, reset ? PSCI_0_2_SYSTEM_RESET :
			  PSCI_0_2_SYSTEM_OFF, 0, 0, 0);
	mv_log(MV_LOG_ERR, "psci: SYSTEM_%s did not take effect\n",
	       reset ? "RESET" : "OFF");
}

int mv_arch_cpu_start(struct mv_cpu *cpu)
{
	struct mv_arm64_boot_args *args = &boot_args[cpu->id];
	bool hvc;
	u64 fn;
	s64 ret;
	int err = psci_node(&hvc, &fn);

	if (err)
		return err;
	mv_arm64_mmu_boot_args(args);
	args->stack_top = (u64)cpu->stack + MV_THREAD_STACK_SIZE;
	args->cpu = (u64)cpu;
	/* The CPU starts with its MMU and caches off: push what it reads. */
	mv_arm64_dcache_clean(args, sizeof(*args));
	ret = (s64)psci_call(hvc, fn, cpu->hwid,
			     (u64)mv_arm64_secondary_entry, (u64)args);
	if (ret) {
		mv_log(MV_LOG_ERR, "psci: CPU_ON(%lx) failed with %ld\n",
		       (unsigned long)cpu->hwid, (long)ret);
		return -MV_EIO;
	}
	return 0;
}
