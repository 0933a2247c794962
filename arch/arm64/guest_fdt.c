// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 part of a guest's DTB: CPUs started with PSCI over HVC, the
 * vGICv3 at the addresses vgic.c emulates, the architected timer (CNTV
 * and the trapped CNTP as the guest's PPIs 27 and 30), and the APB clock
 * that Linux's AMBA bus wants for every PrimeCell device (a PL011...).
 */
#include <mv/arch_guest.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/log.h>
#include <libfdt.h>

#define GIC_PHANDLE 0x8001
#define APB_CLOCK_PHANDLE 0x8002
#define APB_CLOCK_HZ 24000000
#define GIC_PPI 1
#define IRQ_LEVEL_HIGH 4

#define FDT_TRY(x) do { int __e = (x); if (__e < 0) return __e; } while (0)

static int add_cpus(const struct mv_guest *g, void *fdt)
{
	int cpus = fdt_add_subnode(fdt, 0, "cpus");

	FDT_TRY(cpus);
	FDT_TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
	FDT_TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	/* Added in reverse: fdt_add_subnode puts new nodes first. */
	for (int i = g->nr_vcpus - 1; i >= 0; i--) {
		char name[16];
		int cpu;

		mv_snprintf(name, sizeof(name), "cpu@%d", i);
		cpu = fdt_add_subnode(fdt, cpus, name);
		FDT_TRY(cpu);
		FDT_TRY(fdt_setprop_string(fdt, cpu, "device_type", "cpu"));
		FDT_TRY(fdt_setprop_string(fdt, cpu, "compatible",
					   "arm,armv8"));
		FDT_TRY(fdt_setprop_u32(fdt, cpu, "reg", i));
		FDT_TRY(fdt_setprop_string(fdt, cpu, "enable-method", "psci"));
	}
	return 0;
}

static int add_psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	int psci = fdt_add_subnode(fdt, 0, "psci");

	FDT_TRY(psci);
	FDT_TRY(fdt_setprop(fdt, psci, "compatible", compat, sizeof(compat)));
	return fdt_setprop_string(fdt, psci, "method", "hvc");
}

static int add_gic(const struct mv_guest *g, void *fdt)
{
	char name[32];
	int gic;

	mv_snprintf(name, sizeof(name), "intc@%lx", VGIC_DIST_BASE);
	gic = fdt_add_subnode(fdt, 0, name);
	FDT_TRY(gic);
	FDT_TRY(fdt_setprop_string(fdt, gic, "compatible", "arm,gic-v3"));
	FDT_TRY(fdt_setprop_u32(fdt, gic, "#interrupt-cells", 3));
	FDT_TRY(fdt_setprop(fdt, gic, "interrupt-controller", NULL, 0));
	FDT_TRY(fdt_setprop_u32(fdt, gic, "#redistributor-regions", 1));
	FDT_TRY(fdt_setprop_u64(fdt, gic, "reg", VGIC_DIST_BASE));
	FDT_TRY(fdt_appendprop_u64(fdt, gic, "reg", VGIC_DIST_SIZE));
	FDT_TRY(fdt_appendprop_u64(fdt, gic, "reg", VGIC_REDIST_BASE));
	FDT_TRY(fdt_appendprop_u64(fdt, gic, "reg",
				   g->nr_vcpus * VGIC_REDIST_STRIDE));
	FDT_TRY(fdt_setprop_u32(fdt, gic, "phandle", GIC_PHANDLE));
	return fdt_setprop_u32(fdt, 0, "interrupt-parent", GIC_PHANDLE);
}

static int add_timer(void *fdt)
{
	/* Secure and non-secure physical, virtual, hypervisor PPIs. */
	static const unsigned int ppis[] = { 13, 14, 11, 10 };
	int timer = fdt_add_subnode(fdt, 0, "timer");

	FDT_TRY(timer);
	FDT_TRY(fdt_setprop_string(fdt, timer, "compatible",
				   "arm,armv8-timer"));
	for (unsigned int i = 0; i < 4; i++) {
		FDT_TRY(fdt_appendprop_u32(fdt, timer, "interrupts", GIC_PPI));
		FDT_TRY(fdt_appendprop_u32(fdt, timer, "interrupts", ppis[i]));
		FDT_TRY(fdt_appendprop_u32(fdt, timer, "interrupts",
					   IRQ_LEVEL_HIGH));
	}
	return fdt_setprop(fdt, timer, "always-on", NULL, 0);
}

/*
 * A fixed clock, and "clocks" for each "arm,primecell" device the
 * definition left without: the AMBA bus does not probe a device whose
 * bus clock it cannot find.
 */
static int add_apb_clock(void *fdt)
{
	static const char names[] = "uartclk\0apb_pclk";
	int clk = fdt_add_subnode(fdt, 0, "apb-pclk"), node;

	FDT_TRY(clk);
	FDT_TRY(fdt_setprop_string(fdt, clk, "compatible", "fixed-clock"));
	FDT_TRY(fdt_setprop_u32(fdt, clk, "#clock-cells", 0));
	FDT_TRY(fdt_setprop_u32(fdt, clk, "clock-frequency", APB_CLOCK_HZ));
	FDT_TRY(fdt_setprop_string(fdt, clk, "clock-output-names",
				   "clk24mhz"));
	FDT_TRY(fdt_setprop_u32(fdt, clk, "phandle", APB_CLOCK_PHANDLE));
	fdt_for_each_subnode(node, fdt, 0) {
		if (fdt_node_check_compatible(fdt, node, "arm,primecell") ||
		    fdt_getprop(fdt, node, "clocks", NULL))
			continue;
		/* A PL011 takes its UART clock from the same source. */
		FDT_TRY(fdt_setprop_u32(fdt, node, "clocks",
					APB_CLOCK_PHANDLE));
		FDT_TRY(fdt_appendprop_u32(fdt, node, "clocks",
					   APB_CLOCK_PHANDLE));
		FDT_TRY(fdt_setprop(fdt, node, "clock-names", names,
				    sizeof(names)));
	}
	return 0;
}

int mv_arch_guest_fdt(const struct mv_guest *g, void *fdt)
{
	FDT_TRY(add_apb_clock(fdt));
	FDT_TRY(add_gic(g, fdt));
	FDT_TRY(add_timer(fdt));
	FDT_TRY(add_psci(fdt));
	return add_cpus(g, fdt);
}

int mv_arch_guest_irq_from_dt(const void *fdt, int node)
{
	int len;
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
	u32 type, num;

	/* <type number flags>: type 0 SPI, 1 PPI. */
	if (!irq || len < 12)
		return -MV_ENOENT;
	type = fdt32_to_cpu(irq[0]);
	num = fdt32_to_cpu(irq[1]);
	if (type == 0 && num < VGIC_NR_SPIS)
		return 32 + num;
	if (type == 1 && num < 16)
		return 16 + num;
	return -MV_EINVAL;
}
