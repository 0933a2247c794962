// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's DTB, generated with libfdt from its definition (DESIGN §5):
 * memory, chosen (bootargs, initrd range, stdout-path), every node under
 * devices at the root, and from the architecture the CPUs, interrupt
 * controller, timer and PSCI nodes. Guest device nodes use two address
 * and two size cells, like the root.
 */
#include <mv/arch_guest.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/log.h>
#include <mv/heap.h>
#include <libfdt.h>
#include <string.h>

#define FDT_TRY(x) do { int __e = (x); if (__e < 0) return __e; } while (0)

/* The n-th subnode of node (fdt_add_subnode prepends: copy backwards). */
static int nth_subnode(const void *fdt, int node, int n)
{
	int child;

	fdt_for_each_subnode(child, fdt, node)
		if (!n--)
			break;
	return child;
}

static int count_subnodes(const void *fdt, int node)
{
	int child, n = 0;

	fdt_for_each_subnode(child, fdt, node)
		n++;
	return n;
}

static int copy_node(void *fdt, int parent, const void *src, int node)
{
	int dst, prop, n;

	dst = fdt_add_subnode(fdt, parent, fdt_get_name(src, node, NULL));
	if (dst < 0)
		return dst;
	fdt_for_each_property_offset(prop, src, node) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(src, prop, &name, &len);

		/* The host's phandles mean nothing in the guest. */
		if (!val || !strcmp(name, "interrupt-parent") ||
		    !strcmp(name, "phandle"))
			continue;
		FDT_TRY(fdt_setprop(fdt, dst, name, val, len));
	}
	for (n = count_subnodes(src, node); n--; )
		FDT_TRY(copy_node(fdt, dst, src, nth_subnode(src, node, n)));
	return 0;
}

/* The console: the definition's stdout, else the first PL011. */
static int set_stdout(void *fdt, const struct mv_guest *g, int chosen)
{
	const char *name = fdt_getprop(g->def, 0, "stdout", NULL);
	int devices = fdt_subnode_offset(g->def, 0, "devices"), node;
	char path[64];

	if (!name && devices >= 0) {
		fdt_for_each_subnode(node, g->def, devices)
			if (!fdt_node_check_compatible(g->def, node,
						       "arm,pl011")) {
				name = fdt_get_name(g->def, node, NULL);
				break;
			}
	}
	if (!name)
		return 0;
	mv_snprintf(path, sizeof(path), "/%s", name);
	return fdt_setprop_string(fdt, chosen, "stdout-path", path);
}

static int build(void *fdt, size_t size, const struct mv_guest *g,
		 const char *bootargs, u64 initrd_start, u64 initrd_end)
{
	int devices = fdt_subnode_offset(g->def, 0, "devices"), node, chosen;
	char name[16 + MV_GUEST_NAME_MAX];

	FDT_TRY(fdt_create_empty_tree(fdt, size));
	FDT_TRY(fdt_setprop_u32(fdt, 0, "#address-cells", 2));
	FDT_TRY(fdt_setprop_u32(fdt, 0, "#size-cells", 2));
	FDT_TRY(fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt"));
	mv_snprintf(name, sizeof(name), "Modvisor guest %s", g->name);
	FDT_TRY(fdt_setprop_string(fdt, 0, "model", name));
	chosen = fdt_add_subnode(fdt, 0, "chosen");
	FDT_TRY(chosen);
	if (bootargs)
		FDT_TRY(fdt_setprop_string(fdt, chosen, "bootargs", bootargs));
	if (initrd_end > initrd_start) {
		FDT_TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
					initrd_start));
		FDT_TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					initrd_end));
	}
	FDT_TRY(set_stdout(fdt, g, chosen));
	for (unsigned int i = 0; i < g->nr_regions; i++) {
		mv_snprintf(name, sizeof(name), "memory@%lx",
			    (unsigned long)g->regions[i].ipa);
		node = fdt_add_subnode(fdt, 0, name);
		FDT_TRY(node);
		FDT_TRY(fdt_setprop_string(fdt, node, "device_type",
					   "memory"));
		FDT_TRY(fdt_setprop_u64(fdt, node, "reg", g->regions[i].ipa));
		FDT_TRY(fdt_appendprop_u64(fdt, node, "reg",
					   g->regions[i].size));
	}
	/* In the definition's order: Linux numbers ttyAMA, vda... so. */
	for (int n = devices >= 0 ? count_subnodes(g->def, devices) : 0; n--; )
		FDT_TRY(copy_node(fdt, 0, g->def,
				  nth_subnode(g->def, devices, n)));
	/* Last: it may complete the device nodes (clocks...). */
	FDT_TRY(mv_arch_guest_fdt(g, fdt));
	return fdt_pack(fdt);
}

int mv_guest_fdt_build(const struct mv_guest *g, const char *bootargs,
		       u64 initrd_start, u64 initrd_end, void **out,
		       size_t *size)
{
	size_t bufsize = 8192 + fdt_totalsize(g->def) + (bootargs ?
		strlen(bootargs) : 0);
	void *fdt = mv_malloc(bufsize);
	int err;

	if (!fdt)
		return -FDT_ERR_NOSPACE;
	err = build(fdt, bufsize, g, bootargs, initrd_start, initrd_end);
	if (err < 0) {
		mv_free(fdt);
		return err;
	}
	*out = fdt;
	*size = fdt_totalsize(fdt);
	return 0;
}
