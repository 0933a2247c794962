// SPDX-License-Identifier: GPL-2.0
/*
 * Guest DTB generation: nucleus/guest_fdt.c with arch/arm64/guest_fdt.c,
 * on the host's libfdt. Each case writes a guest definition (the small FDT
 * a struct mv_guest holds) with libfdt's sequential-write API, generates
 * the guest DTB and reads every node back with libfdt. Expected values are
 * written out here (docs/guests.md), not taken from the arch headers.
 */
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/heap.h>
#include <libfdt.h>

#include "counted_heap.h"
#include "mv_test.h"

/* CHECK_OP compares as unsigned: libfdt offsets and errors are signed. */
#define CHECK_SIGNED(x, op)						\
	do {								\
		long long v_ = (x);					\
		if (!(v_ op 0)) {					\
			char m_[256];					\
			snprintf(m_, sizeof(m_), "%s %s 0 (%lld: %s)",	\
				 #x, #op, v_, fdt_strerror((int)v_));	\
			mv_test_fail(__FILE__, __LINE__, m_);		\
		}							\
	} while (0)
#define CHECK_FOUND(x) CHECK_SIGNED(x, >=)
#define CHECK_FAILS(x) CHECK_SIGNED(x, <)

#define GICD_BASE 0x08000000ull
#define GICD_SIZE 0x10000ull
#define GICR_BASE 0x080a0000ull
#define GICR_STRIDE 0x20000ull

static void setup(void)
{
	mv_test_heap_reset();
}

/* ---- Writing guest definitions ---------------------------------------- */

#define DEF_SIZE 16384

static void *def_begin(void)
{
	void *d = malloc(DEF_SIZE);

	CHECK(d);
	CHECK_EQ(fdt_create(d, DEF_SIZE), 0);
	CHECK_EQ(fdt_finish_reservemap(d), 0);
	CHECK_EQ(fdt_begin_node(d, ""), 0);
	CHECK_EQ(fdt_property_string(d, "compatible", "modvisor,guest"), 0);
	CHECK_EQ(fdt_property_u32(d, "vcpus", 2), 0);
	return d;
}

static void def_end(void *d)
{
	CHECK_EQ(fdt_end_node(d), 0);
	CHECK_EQ(fdt_finish(d), 0);
	CHECK_EQ(fdt_check_header(d), 0);
}

static void prop_cells(void *d, const char *name, const u32 *v, int n)
{
	fdt32_t be[16];

	CHECK_LE(n, 16);
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	CHECK_EQ(fdt_property(d, name, be, n * 4), 0);
}

static void prop_reg(void *d, u64 base, u64 size)
{
	const u32 v[] = { base >> 32, (u32)base, size >> 32, (u32)size };

	prop_cells(d, "reg", v, 4);
}

static void prop_irq(void *d, u32 type, u32 num, u32 flags)
{
	const u32 v[] = { type, num, flags };

	prop_cells(d, "interrupts", v, 3);
}

/*
 * Two PL011s (the first is the default console; only the second says
 * arm,primecell, so only it gets the APB clock), a virtio-mmio block
 * device with subnodes, host phandles everywhere to be dropped.
 */
static void def_devices(void *d)
{
	CHECK_EQ(fdt_begin_node(d, "devices"), 0);

	CHECK_EQ(fdt_begin_node(d, "uart@9000000"), 0);
	CHECK_EQ(fdt_property_string(d, "compatible", "arm,pl011"), 0);
	prop_reg(d, 0x9000000, 0x1000);
	prop_irq(d, 0, 1, 4);
	CHECK_EQ(fdt_property_u32(d, "interrupt-parent", 0x99), 0);
	CHECK_EQ(fdt_property_u32(d, "phandle", 5), 0);
	CHECK_EQ(fdt_property_string(d, "status", "okay"), 0);
	CHECK_EQ(fdt_end_node(d), 0);

	CHECK_EQ(fdt_begin_node(d, "blk@a000000"), 0);
	CHECK_EQ(fdt_property(d, "compatible", "virtio,mmio", 12), 0);
	prop_reg(d, 0xa000000, 0x200);
	prop_irq(d, 0, 16, 1);
	CHECK_EQ(fdt_property_string(d, "virtio-device", "blk"), 0);
	CHECK_EQ(fdt_property_string(d, "image", "guests/linux/disk.img"),
		 0);
	CHECK_EQ(fdt_property(d, "dma-coherent", NULL, 0), 0);
	CHECK_EQ(fdt_property_u32(d, "phandle", 6), 0);
	CHECK_EQ(fdt_begin_node(d, "part@0"), 0);
	CHECK_EQ(fdt_property_string(d, "label", "root"), 0);
	CHECK_EQ(fdt_property_u32(d, "phandle", 7), 0);
	CHECK_EQ(fdt_begin_node(d, "inner"), 0);
	CHECK_EQ(fdt_property_u32(d, "depth", 3), 0);
	CHECK_EQ(fdt_end_node(d), 0);
	CHECK_EQ(fdt_end_node(d), 0);
	CHECK_EQ(fdt_begin_node(d, "empty"), 0);
	CHECK_EQ(fdt_end_node(d), 0);
	CHECK_EQ(fdt_end_node(d), 0);

	CHECK_EQ(fdt_begin_node(d, "uart@9001000"), 0);
	CHECK_EQ(fdt_property(d, "compatible", "arm,pl011\0arm,primecell",
			      sizeof("arm,pl011\0arm,primecell")), 0);
	prop_reg(d, 0x9001000, 0x1000);
	prop_irq(d, 0, 2, 4);
	CHECK_EQ(fdt_property_u32(d, "interrupt-parent", 0x99), 0);
	CHECK_EQ(fdt_end_node(d), 0);

	CHECK_EQ(fdt_end_node(d), 0);
}

/* The definition: devices or none, an optional stdout node name. */
static void *make_def(bool devices, const char *stdout_name)
{
	void *d = def_begin();

	if (stdout_name)
		CHECK_EQ(fdt_property_string(d, "stdout", stdout_name), 0);
	CHECK_EQ(fdt_property_string(d, "kernel", "guests/linux/Image"), 0);
	CHECK_EQ(fdt_property_string(d, "bootargs", "ignored here"), 0);
	if (devices)
		def_devices(d);
	def_end(d);
	return d;
}

static struct mv_guest *make_guest(void *def, unsigned int nr_vcpus)
{
	struct mv_guest *g = calloc(1, sizeof(*g));

	CHECK(g);
	snprintf(g->name, sizeof(g->name), "linux0");
	g->def = def;
	g->nr_vcpus = nr_vcpus;
	g->regions[0].ipa = 0x40000000;
	g->regions[0].size = 0x10000000;
	g->regions[1].ipa = 0x100000000ull;
	g->regions[1].size = 0x20000000;
	g->nr_regions = 2;
	return g;
}

static void free_guest(struct mv_guest *g)
{
	free(g->def);
	free(g);
}

/* ---- Reading the result ----------------------------------------------- */

static void *build_ok(const struct mv_guest *g, const char *bootargs,
		      u64 initrd_start, u64 initrd_end)
{
	void *out = NULL;
	size_t size = 0;
	const struct fdt_header *h;

	CHECK_EQ(mv_guest_fdt_build(g, bootargs, initrd_start, initrd_end,
				    &out, &size), 0);
	CHECK(out);
	CHECK_EQ(fdt_check_header(out), 0);
	CHECK_EQ(fdt_check_full(out, size), 0);
	CHECK_EQ(size, fdt_totalsize(out));
	/* Packed: the strings block ends the blob, no free space. */
	h = out;
	CHECK_EQ(fdt_totalsize(out),
		 fdt32_to_cpu(h->off_dt_strings) +
		 fdt32_to_cpu(h->size_dt_strings));
	CHECK_LT(size, 8192);
	CHECK_EQ(mv_test_live_allocs, 1);
	return out;
}

static void free_out(void *out)
{
	mv_free(out);
	CHECK_EQ(mv_test_live_allocs, 0);
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fprintf(stderr, "no node %s: %s\n", path, fdt_strerror(off));
	CHECK_FOUND(off);
	return off;
}

static u32 get_u32(const void *fdt, int off, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &len);

	CHECK(p);
	CHECK_EQ(len, 4);
	return fdt32_to_cpu(*p);
}

static u64 get_u64(const void *fdt, int off, const char *name)
{
	int len;
	const fdt64_t *p = fdt_getprop(fdt, off, name, &len);

	CHECK(p);
	CHECK_EQ(len, 8);
	return fdt64_ld(p);	/* properties are only 4-byte aligned */
}

/* A string property, exactly (one string, its NUL, nothing after). */
static void check_str(const void *fdt, int off, const char *name,
		      const char *want)
{
	int len;
	const char *p = fdt_getprop(fdt, off, name, &len);

	if (!p || len != (int)strlen(want) + 1 || memcmp(p, want, len))
		fprintf(stderr, "%s: %s is \"%.*s\" (%d), want \"%s\"\n",
			fdt_get_name(fdt, off, NULL), name,
			p ? len : 0, p ? p : "", len, want);
	CHECK(p);
	CHECK_EQ(len, strlen(want) + 1);
	CHECK(!memcmp(p, want, len));
}

/* reg or interrupts: n big-endian cells. */
static void check_cells(const void *fdt, int off, const char *name,
			const u32 *want, int n)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &len);

	CHECK(p);
	CHECK_EQ(len, n * 4);
	for (int i = 0; i < n; i++)
		CHECK_EQ(fdt32_to_cpu(p[i]), want[i]);
}

static void check_reg64(const void *fdt, int off, const u64 *want, int n)
{
	u32 cells[16];

	for (int i = 0; i < n; i++) {
		cells[2 * i] = want[i] >> 32;
		cells[2 * i + 1] = (u32)want[i];
	}
	check_cells(fdt, off, "reg", cells, 2 * n);
}

static int count_props(const void *fdt, int off)
{
	int prop, n = 0;

	fdt_for_each_property_offset(prop, fdt, off)
		n++;
	return n;
}

static int count_subnodes(const void *fdt, int off)
{
	int sub, n = 0;

	fdt_for_each_subnode(sub, fdt, off)
		n++;
	return n;
}

static bool host_only(const char *name)
{
	return !strcmp(name, "interrupt-parent") || !strcmp(name, "phandle");
}

/*
 * dst is src with its properties (but the host's phandles) and subnodes,
 * plus what the arch adds: the APB clock of a PrimeCell device without
 * clocks of its own.
 */
static void check_copy(const void *out, int dst, const void *def, int src,
		       bool top)
{
	int prop, sub, kept = 0;

	if (top && !fdt_node_check_compatible(def, src, "arm,primecell") &&
	    !fdt_getprop(def, src, "clocks", NULL)) {
		static const char names[] = "uartclk\0apb_pclk";
		int len, clk = fdt_path_offset(out, "/apb-pclk");
		const fdt32_t *c = fdt_getprop(out, dst, "clocks", &len);
		const char *n;

		CHECK_FOUND(clk);
		CHECK(c);
		CHECK_EQ(len, 8);
		CHECK_EQ(fdt32_to_cpu(c[0]), fdt_get_phandle(out, clk));
		CHECK_EQ(fdt32_to_cpu(c[1]), fdt_get_phandle(out, clk));
		n = fdt_getprop(out, dst, "clock-names", &len);
		CHECK(n);
		CHECK_EQ(len, sizeof(names));
		CHECK(!memcmp(n, names, len));
		kept += 2;
	}

	fdt_for_each_property_offset(prop, def, src) {
		const char *name;
		int len, dlen;
		const void *val = fdt_getprop_by_offset(def, prop, &name,
							&len);
		const void *dval;

		CHECK(val);
		dval = fdt_getprop(out, dst, name, &dlen);
		if (host_only(name)) {
			CHECK(!dval);
			continue;
		}
		kept++;
		if (!dval)
			fprintf(stderr, "%s lost %s\n",
				fdt_get_name(def, src, NULL), name);
		CHECK(dval);
		CHECK_EQ(dlen, len);
		CHECK(!memcmp(dval, val, len));
	}
	CHECK_EQ(count_props(out, dst), kept);
	fdt_for_each_subnode(sub, def, src) {
		const char *name = fdt_get_name(def, sub, NULL);
		int d = fdt_subnode_offset(out, dst, name);

		if (d < 0)
			fprintf(stderr, "%s lost subnode %s\n",
				fdt_get_name(def, src, NULL), name);
		CHECK_FOUND(d);
		check_copy(out, d, def, sub, false);
	}
	CHECK_EQ(count_subnodes(out, dst), count_subnodes(def, src));
}

static void check_root(const void *fdt)
{
	CHECK_EQ(get_u32(fdt, 0, "#address-cells"), 2);
	CHECK_EQ(get_u32(fdt, 0, "#size-cells"), 2);
	check_str(fdt, 0, "compatible", "linux,dummy-virt");
	check_str(fdt, 0, "model", "Modvisor guest linux0");
}

static void check_memory(const void *fdt, const struct mv_guest *g)
{
	for (unsigned int i = 0; i < g->nr_regions; i++) {
		char path[64];
		u64 reg[2] = { g->regions[i].ipa, g->regions[i].size };
		int off;

		snprintf(path, sizeof(path), "/memory@%llx",
			 (unsigned long long)g->regions[i].ipa);
		off = node(fdt, path);
		check_str(fdt, off, "device_type", "memory");
		check_reg64(fdt, off, reg, 2);
	}
}

static void check_cpus(const void *fdt, unsigned int n)
{
	int cpus = node(fdt, "/cpus"), cpu;
	unsigned int i = 0;

	CHECK_EQ(get_u32(fdt, cpus, "#address-cells"), 1);
	CHECK_EQ(get_u32(fdt, cpus, "#size-cells"), 0);
	fdt_for_each_subnode(cpu, fdt, cpus) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		CHECK(!strcmp(fdt_get_name(fdt, cpu, NULL), name));
		CHECK_EQ(get_u32(fdt, cpu, "reg"), i);
		check_str(fdt, cpu, "device_type", "cpu");
		check_str(fdt, cpu, "enable-method", "psci");
		CHECK_EQ(fdt_node_check_compatible(fdt, cpu, "arm,armv8"), 0);
		i++;
	}
	CHECK_EQ(i, n);
}

static void check_psci(const void *fdt)
{
	int psci = node(fdt, "/psci");

	CHECK_FOUND(fdt_stringlist_search(fdt, psci, "compatible",
				       "arm,psci-1.0"));
	CHECK_FOUND(fdt_stringlist_search(fdt, psci, "compatible",
				       "arm,psci-0.2"));
	check_str(fdt, psci, "method", "hvc");
}

static void check_gic(const void *fdt, unsigned int nr_vcpus)
{
	const u64 reg[] = { GICD_BASE, GICD_SIZE, GICR_BASE,
			    nr_vcpus * GICR_STRIDE };
	int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	u32 phandle;
	int len;

	CHECK_FOUND(gic);
	CHECK_FAILS(fdt_node_offset_by_compatible(fdt, gic, "arm,gic-v3"));
	CHECK(!strcmp(fdt_get_name(fdt, gic, NULL), "intc@8000000"));
	CHECK_EQ(fdt_parent_offset(fdt, gic), 0);
	CHECK_EQ(get_u32(fdt, gic, "#interrupt-cells"), 3);
	CHECK(fdt_getprop(fdt, gic, "interrupt-controller", &len));
	CHECK_EQ(len, 0);
	check_reg64(fdt, gic, reg, 4);
	phandle = fdt_get_phandle(fdt, gic);
	CHECK_NE(phandle, 0);
	CHECK_NE(phandle, (u32)-1);
	CHECK_EQ(get_u32(fdt, 0, "interrupt-parent"), phandle);
	CHECK_EQ(fdt_node_offset_by_phandle(fdt, phandle), gic);
}

static void check_timer(const void *fdt)
{
	/* Secure, non-secure physical, virtual, hypervisor: level high. */
	static const u32 irqs[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };
	int timer = node(fdt, "/timer");

	check_str(fdt, timer, "compatible", "arm,armv8-timer");
	check_cells(fdt, timer, "interrupts", irqs, 12);
}

/* The PrimeCell bus clock. */
static void check_apb_clock(const void *fdt)
{
	int clk = node(fdt, "/apb-pclk");

	check_str(fdt, clk, "compatible", "fixed-clock");
	CHECK_EQ(get_u32(fdt, clk, "#clock-cells"), 0);
	CHECK_NE(get_u32(fdt, clk, "clock-frequency"), 0);
}

/*
 * Only the GIC and the clock have phandles, distinct, and nothing but the
 * root has an interrupt-parent: the host's values must not reach the
 * guest. Every clocks reference resolves to a clock.
 */
static void check_phandles(const void *fdt)
{
	int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	int clk = fdt_path_offset(fdt, "/apb-pclk");

	CHECK_NE(fdt_get_phandle(fdt, gic), fdt_get_phandle(fdt, clk));
	for (int off = 0; off >= 0; off = fdt_next_node(fdt, off, NULL)) {
		const fdt32_t *c;
		int len;

		if (off != gic && off != clk) {
			CHECK(!fdt_getprop(fdt, off, "phandle", NULL));
			CHECK(!fdt_getprop(fdt, off, "linux,phandle", NULL));
		}
		if (off != 0)
			CHECK(!fdt_getprop(fdt, off, "interrupt-parent",
					   NULL));
		c = fdt_getprop(fdt, off, "clocks", &len);
		for (int i = 0; c && i < len / 4; i++)
			CHECK_EQ(fdt_node_offset_by_phandle(fdt,
					fdt32_to_cpu(c[i])), clk);
	}
}

/* The root holds exactly the generated nodes and the devices. */
static void check_root_nodes(const void *fdt, const struct mv_guest *g)
{
	int devices = fdt_subnode_offset(g->def, 0, "devices"), dev;
	/* chosen cpus psci timer intc apb-pclk */
	int want = 6 + g->nr_regions;

	if (devices >= 0) {
		fdt_for_each_subnode(dev, g->def, devices) {
			const char *name = fdt_get_name(g->def, dev, NULL);
			int off = fdt_subnode_offset(fdt, 0, name);

			if (off < 0)
				fprintf(stderr, "device %s missing\n", name);
			CHECK_FOUND(off);
			check_copy(fdt, off, g->def, dev, true);
			want++;
		}
	}
	CHECK_EQ(count_subnodes(fdt, 0), want);
	CHECK_FAILS(fdt_subnode_offset(fdt, 0, "devices"));
}

static void check_common(const void *fdt, const struct mv_guest *g)
{
	check_root(fdt);
	check_memory(fdt, g);
	check_cpus(fdt, g->nr_vcpus);
	check_psci(fdt);
	check_gic(fdt, g->nr_vcpus);
	check_timer(fdt);
	check_apb_clock(fdt);
	check_root_nodes(fdt, g);
	check_phandles(fdt);
}

/* ---- Cases -------------------------------------------------------------- */

static void test_full(void)
{
	struct mv_guest *g = make_guest(make_def(true, NULL), 2);
	void *fdt = build_ok(g, "console=ttyAMA0 root=/dev/vda", 0x4fc00000,
			     0x4fd23456);
	int chosen = node(fdt, "/chosen");

	check_common(fdt, g);
	check_str(fdt, chosen, "bootargs", "console=ttyAMA0 root=/dev/vda");
	CHECK_EQ(get_u64(fdt, chosen, "linux,initrd-start"), 0x4fc00000);
	CHECK_EQ(get_u64(fdt, chosen, "linux,initrd-end"), 0x4fd23456);
	/* The first PL011, not the second. */
	check_str(fdt, chosen, "stdout-path", "/uart@9000000");
	CHECK_EQ(node(fdt, "/uart@9000000"),
		 fdt_path_offset(fdt, fdt_getprop(fdt, chosen, "stdout-path",
						  NULL)));
	CHECK_EQ(count_props(fdt, chosen), 4);
	/* The APB clock goes to the PrimeCell one only. */
	CHECK(!fdt_getprop(fdt, node(fdt, "/uart@9000000"), "clocks", NULL));
	CHECK(fdt_getprop(fdt, node(fdt, "/uart@9001000"), "clocks", NULL));
	CHECK(!fdt_getprop(fdt, node(fdt, "/blk@a000000"), "clocks", NULL));
	/* Devices in the definition's order (Linux numbers ttyAMA so). */
	CHECK(node(fdt, "/uart@9000000") < node(fdt, "/blk@a000000"));
	CHECK(node(fdt, "/uart@9000000") < node(fdt, "/uart@9001000"));
	free_out(fdt);
	free_guest(g);
	CHECK_NO_ERRORS();
}

/* A PL011 that is not the first one, named by the definition. */
static void test_stdout_named(void)
{
	struct mv_guest *g = make_guest(make_def(true, "uart@9001000"), 1);
	void *fdt = build_ok(g, "console=ttyAMA1", 0x40000000, 0x40001000);
	int chosen = node(fdt, "/chosen");

	check_common(fdt, g);
	check_str(fdt, chosen, "stdout-path", "/uart@9001000");
	/* The definition's own properties stay out of the guest's DTB. */
	CHECK(!fdt_getprop(fdt, 0, "stdout", NULL));
	CHECK(!fdt_getprop(fdt, 0, "kernel", NULL));
	CHECK(!fdt_getprop(fdt, 0, "vcpus", NULL));
	free_out(fdt);
	free_guest(g);
}

static void test_no_initrd(void)
{
	static const u64 ranges[][2] = {
		{ 0, 0 }, { 0x48000000, 0x48000000 }, { 0x48001000, 0x48000000 },
	};

	for (unsigned int i = 0; i < MV_ARRAY_SIZE(ranges); i++) {
		struct mv_guest *g = make_guest(make_def(true, NULL), 2);
		void *fdt = build_ok(g, "quiet", ranges[i][0], ranges[i][1]);
		int chosen = node(fdt, "/chosen");

		check_common(fdt, g);
		check_str(fdt, chosen, "bootargs", "quiet");
		CHECK(!fdt_getprop(fdt, chosen, "linux,initrd-start", NULL));
		CHECK(!fdt_getprop(fdt, chosen, "linux,initrd-end", NULL));
		check_str(fdt, chosen, "stdout-path", "/uart@9000000");
		free_out(fdt);
		free_guest(g);
	}
}

static void test_no_bootargs(void)
{
	struct mv_guest *g = make_guest(make_def(true, NULL), 2);
	void *fdt = build_ok(g, NULL, 0x4fc00000, 0x4fc10000);
	int chosen = node(fdt, "/chosen");

	check_common(fdt, g);
	CHECK(!fdt_getprop(fdt, chosen, "bootargs", NULL));
	CHECK_EQ(get_u64(fdt, chosen, "linux,initrd-start"), 0x4fc00000);
	CHECK_EQ(get_u64(fdt, chosen, "linux,initrd-end"), 0x4fc10000);
	check_str(fdt, chosen, "stdout-path", "/uart@9000000");
	free_out(fdt);
	free_guest(g);
}

static void test_eight_vcpus(void)
{
	struct mv_guest *g = make_guest(make_def(true, NULL),
					MV_GUEST_MAX_VCPUS);
	void *fdt;

	CHECK_EQ(MV_GUEST_MAX_VCPUS, 8);
	g->regions[2].ipa = 0x200000000ull;
	g->regions[2].size = 0x1000;
	g->regions[3].ipa = 0x60000000;
	g->regions[3].size = 0x100000;
	g->nr_regions = 4;
	fdt = build_ok(g, "smp", 0, 0);
	check_common(fdt, g);
	free_out(fdt);
	free_guest(g);
}

/*
 * The largest guest: 8 vCPUs, 4 regions, 16 PrimeCell devices (each
 * grows by its clocks), long bootargs. The buffer must still do.
 */
static void test_largest(void)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	char bootargs[3000];
	struct mv_guest *g;
	void *d = def_begin(), *fdt;

	CHECK_EQ(fdt_begin_node(d, "devices"), 0);
	for (unsigned int i = 0; i < MV_GUEST_MAX_DEVICES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "uart@%x", 0x9000000 + i * 0x1000);
		CHECK_EQ(fdt_begin_node(d, name), 0);
		CHECK_EQ(fdt_property(d, "compatible", compat, sizeof(compat)),
			 0);
		CHECK_EQ(fdt_end_node(d), 0);
	}
	CHECK_EQ(fdt_end_node(d), 0);
	def_end(d);
	g = make_guest(d, MV_GUEST_MAX_VCPUS);
	g->regions[2].ipa = 0x200000000ull;
	g->regions[2].size = 0x1000;
	g->regions[3].ipa = 0x60000000;
	g->regions[3].size = 0x100000;
	g->nr_regions = MV_GUEST_MAX_REGIONS;
	memset(bootargs, 'x', sizeof(bootargs) - 1);
	bootargs[sizeof(bootargs) - 1] = '\0';
	fdt = build_ok(g, bootargs, 0x4fc00000, 0x4fd00000);
	check_common(fdt, g);
	check_str(fdt, node(fdt, "/chosen"), "bootargs", bootargs);
	free_out(fdt);
	free_guest(g);
}

/* No devices node: no console, nothing copied, still a whole DTB. */
static void test_no_devices(void)
{
	struct mv_guest *g = make_guest(make_def(false, NULL), 1);
	void *fdt;
	int chosen;

	g->nr_regions = 1;
	fdt = build_ok(g, "console=hvc0", 0, 0);
	chosen = node(fdt, "/chosen");
	check_common(fdt, g);
	check_str(fdt, chosen, "bootargs", "console=hvc0");
	CHECK(!fdt_getprop(fdt, chosen, "stdout-path", NULL));
	CHECK_EQ(count_props(fdt, chosen), 1);
	free_out(fdt);
	free_guest(g);
}

/* A PrimeCell device with clocks of its own keeps them, gets no others. */
static void test_primecell_own_clocks(void)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	struct mv_guest *g;
	void *d = def_begin(), *fdt;
	const fdt32_t *c;
	int uart, len;

	CHECK_EQ(fdt_begin_node(d, "devices"), 0);
	CHECK_EQ(fdt_begin_node(d, "uart@9000000"), 0);
	CHECK_EQ(fdt_property(d, "compatible", compat, sizeof(compat)), 0);
	prop_reg(d, 0x9000000, 0x1000);
	prop_irq(d, 0, 1, 4);
	CHECK_EQ(fdt_property_u32(d, "clocks", 0x1234), 0);
	CHECK_EQ(fdt_end_node(d), 0);
	CHECK_EQ(fdt_end_node(d), 0);
	def_end(d);
	g = make_guest(d, 1);
	fdt = build_ok(g, NULL, 0, 0);
	uart = node(fdt, "/uart@9000000");
	c = fdt_getprop(fdt, uart, "clocks", &len);
	CHECK(c);
	CHECK_EQ(len, 4);
	CHECK_EQ(fdt32_to_cpu(c[0]), 0x1234);
	CHECK(!fdt_getprop(fdt, uart, "clock-names", NULL));
	check_copy(fdt, uart, g->def,
		   fdt_path_offset(g->def, "/devices/uart@9000000"), true);
	check_apb_clock(fdt);
	free_out(fdt);
	free_guest(g);
}

/* An allocation failure is an error with nothing allocated. */
static void test_alloc_failure(void)
{
	struct mv_guest *g = make_guest(make_def(true, NULL), 2);
	void *out = (void *)1;
	size_t size = 7;

	mv_test_fail_countdown = 0;
	CHECK_FAILS(mv_guest_fdt_build(g, "x", 0, 0, &out, &size));
	CHECK_EQ(mv_test_live_allocs, 0);
	CHECK(out == (void *)1);
	CHECK_EQ(size, 7);
	free_guest(g);
}

/* ---- Interrupt specifiers --------------------------------------------- */

static int irq_of(const u32 *cells, int n)
{
	char buf[512];
	int off;

	CHECK_EQ(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	off = fdt_add_subnode(buf, 0, "dev@0");
	CHECK_FOUND(off);
	if (n >= 0) {
		fdt32_t be[8];

		for (int i = 0; i < n; i++)
			be[i] = cpu_to_fdt32(cells[i]);
		CHECK_EQ(fdt_setprop(buf, off, "interrupts", be, n * 4), 0);
	}
	return mv_arch_guest_irq_from_dt(buf, off);
}

static void test_irq_from_dt(void)
{
	static const struct {
		u32 cells[6];
		int n;		/* cells; -1: no property */
		int want;
	} cases[] = {
		{ { 0, 0, 4 }, 3, 32 },			/* SPI 0 */
		{ { 0, 1, 4 }, 3, 33 },			/* docs/guests.md */
		{ { 0, 16, 1 }, 3, 48 },
		{ { 0, 223, 4 }, 3, 255 },		/* the last SPI */
		{ { 0, 224, 4 }, 3, -MV_EINVAL },
		{ { 0, 0xffffffe0, 4 }, 3, -MV_EINVAL },	/* wraps */
		{ { 1, 0, 4 }, 3, 16 },			/* PPI 0 */
		{ { 1, 14, 4 }, 3, 30 },
		{ { 1, 15, 4 }, 3, 31 },
		{ { 1, 16, 4 }, 3, -MV_EINVAL },
		{ { 2, 1, 4 }, 3, -MV_EINVAL },		/* no such type */
		{ { 0xffffffff, 1, 4 }, 3, -MV_EINVAL },
		{ { 0, 5, 4, 0, 6, 4 }, 6, 37 },	/* the first one */
		{ { 0, 1 }, 2, -MV_ENOENT },		/* too short */
		{ { 0 }, 0, -MV_ENOENT },		/* empty */
		{ { 0 }, -1, -MV_ENOENT },		/* none */
	};

	for (unsigned int i = 0; i < MV_ARRAY_SIZE(cases); i++) {
		int got = irq_of(cases[i].cells, cases[i].n);

		if (got != cases[i].want)
			fprintf(stderr, "case %u: got %d, want %d\n", i, got,
				cases[i].want);
		CHECK_EQ(got, cases[i].want);
	}
}

/* Every device of a generated DTB maps back to the INTID it names. */
static void test_irq_of_generated(void)
{
	struct mv_guest *g = make_guest(make_def(true, NULL), 2);
	void *fdt = build_ok(g, NULL, 0, 0);

	CHECK_EQ(mv_arch_guest_irq_from_dt(fdt, node(fdt, "/uart@9000000")),
		 33);
	CHECK_EQ(mv_arch_guest_irq_from_dt(fdt, node(fdt, "/uart@9001000")),
		 34);
	CHECK_EQ(mv_arch_guest_irq_from_dt(fdt, node(fdt, "/blk@a000000")),
		 48);
	CHECK_EQ(mv_arch_guest_irq_from_dt(fdt, node(fdt, "/timer")), 29);
	CHECK_EQ(mv_arch_guest_irq_from_dt(fdt, node(fdt, "/cpus")),
		 -MV_ENOENT);
	free_out(fdt);
	free_guest(g);
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_full, setup);
	RUN_TEST(test_stdout_named, setup);
	RUN_TEST(test_no_initrd, setup);
	RUN_TEST(test_no_bootargs, setup);
	RUN_TEST(test_eight_vcpus, setup);
	RUN_TEST(test_largest, setup);
	RUN_TEST(test_no_devices, setup);
	RUN_TEST(test_primecell_own_clocks, setup);
	RUN_TEST(test_alloc_failure, setup);
	RUN_TEST(test_irq_from_dt, setup);
	RUN_TEST(test_irq_of_generated, setup);
	return mv_test_summary();
}
