// SPDX-License-Identifier: GPL-2.0
/*
 * Guest devices (DESIGN §4, §5): one emulator instance for each node
 * under a guest's devices, bound to the module that registered the
 * node's compatible (loaded on demand as emu:<compatible>), and the
 * dispatch of trapped accesses to them. The instance holds a use of its
 * module, so the module stays loaded while the guest exists.
 */
#include <mv/arch_guest.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/modload.h>
#include <mv/module.h>
#include <libfdt.h>
#include <string.h>

const char *mv_dt_string(const struct mv_dt_node *n, const char *prop)
{
	int len;
	const char *s = fdt_getprop(n->fdt, n->offset, prop, &len);

	return s && len > 0 && !s[len - 1] ? s : NULL;
}

int mv_dt_u32(const struct mv_dt_node *n, const char *prop, uint32_t *val)
{
	int len;
	const fdt32_t *p = fdt_getprop(n->fdt, n->offset, prop, &len);

	if (!p || len < 4)
		return -MV_ENOENT;
	*val = fdt32_to_cpu(p[0]);
	return 0;
}

int mv_dt_u64(const struct mv_dt_node *n, const char *prop, uint64_t *val)
{
	return mv_dt_read_number(n->fdt, n->offset, prop, val) ? 0 :
								 -MV_ENOENT;
}

bool mv_dt_has(const struct mv_dt_node *n, const char *prop)
{
	return fdt_getprop(n->fdt, n->offset, prop, NULL) != NULL;
}

const void *mv_dt_prop(const struct mv_dt_node *n, const char *prop,
		       int *len)
{
	return fdt_getprop(n->fdt, n->offset, prop, len);
}

int mv_dt_boot_node(const char *path, struct mv_dt_node *out)
{
	int node = fdt_path_offset(mv_boot_fdt, path);

	if (node < 0)
		return -MV_ENOENT;
	out->fdt = mv_boot_fdt;
	out->offset = node;
	return 0;
}

void *mv_emu_guest_ram(struct mv_emu *emu, uint64_t ipa, uint64_t size)
{
	return mv_guest_ram_ptr(emu->guest, ipa, size);
}

void mv_emu_irq_set(struct mv_emu *emu, bool level)
{
	if (emu->irq >= 0)
		mv_arch_guest_irq_set(emu->guest, emu->irq, level);
}

/* The emulator for a node's compatible list, loading its module. */
static const struct mv_emu_ops *find_emulator(struct mv_guest *g,
					      const void *fdt, int node,
					      struct mv_module **owner,
					      const char **matched)
{
	const char *compat;
	int len;

	*matched = NULL;
	compat = fdt_getprop(fdt, node, "compatible", &len);
	if (!compat || len < 2 || compat[len - 1])
		return NULL;
	for (int off = 0; off < len; off += strlen(compat + off) + 1) {
		const struct mv_emu_ops *ops;
		char alias[96], reason[80];

		*matched = compat + off;
		ops = mv_emulator_claim(*matched, owner);
		if (ops)
			return ops;
		mv_snprintf(alias, sizeof(alias), "emu:%s", *matched);
		mv_snprintf(reason, sizeof(reason), "for guest %s", g->name);
		if (mv_modindex_resolve(alias) &&
		    mv_module_request(alias, reason) == 0) {
			ops = mv_emulator_claim(*matched, owner);
			if (ops)
				return ops;
		}
	}
	*matched = compat;
	return NULL;
}

static int create_one(struct mv_guest *g, int node)
{
	const void *fdt = g->def;
	const char *name = fdt_get_name(fdt, node, NULL), *compat = NULL;
	struct mv_dt_node dt = { fdt, node };
	struct mv_emu_instance *inst;
	struct mv_module *owner;
	const struct mv_emu_ops *ops;
	unsigned long errors;
	u64 cells[2];
	int len, err;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || len < 16) {
		mv_log(MV_LOG_ERR, "guest %s: device %s: reg must start with "
		       "<base size> as two 64-bit numbers\n", g->name, name);
		return -MV_EINVAL;
	}
	cells[0] = ((u64)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
	cells[1] = ((u64)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]);
	if (!cells[1] || cells[0] + cells[1] < cells[0] ||
	    cells[0] + cells[1] > mv_arch_ipa_limit()) {
		mv_log(MV_LOG_ERR, "guest %s: device %s: reg [0x%lx, +0x%lx) "
		       "is empty or outside the guest address space\n",
		       g->name, name, (unsigned long)cells[0],
		       (unsigned long)cells[1]);
		return -MV_EINVAL;
	}
	if (g->nr_devices == MV_GUEST_MAX_DEVICES) {
		mv_log(MV_LOG_ERR, "guest %s: more than %u devices\n", g->name,
		       MV_GUEST_MAX_DEVICES);
		return -MV_E2BIG;
	}
	ops = find_emulator(g, fdt, node, &owner, &compat);
	if (!ops) {
		mv_log(MV_LOG_ERR, "guest %s: device %s: no emulator for "
		       "\"%s\"\n", g->name, name, compat ? compat : "");
		return -MV_ENODEV;
	}
	inst = mv_zalloc(sizeof(*inst));
	if (!inst) {
		mv_module_put(owner);
		return -MV_ENOMEM;
	}
	mv_snprintf(inst->name, sizeof(inst->name), "%s", name);
	inst->ops = ops;
	inst->owner = owner;
	inst->emu.guest = g;
	inst->emu.guest_name = g->name;
	inst->emu.name = inst->name;
	inst->emu.base = cells[0];
	inst->emu.size = cells[1];
	inst->emu.irq = mv_arch_guest_irq_from_dt(fdt, node);
	errors = mv_log_errors();
	err = ops->probe ? ops->probe(&inst->emu, &dt) : 0;
	if (err) {
		/* One error a bad device: the emulator's, if it gave one. */
		if (mv_log_errors() == errors)
			mv_log(MV_LOG_ERR, "guest %s: device %s: %s refused it "
			       "(error %d)\n", g->name, name, owner->name,
			       err);
		mv_module_put(owner);
		mv_free(inst);
		return err < 0 ? err : -MV_EINVAL;
	}
	g->devices[g->nr_devices++] = inst;
	return 0;
}

int mv_emu_create_all(struct mv_guest *g)
{
	int devices = fdt_subnode_offset(g->def, 0, "devices"), node, err;

	if (devices < 0)
		return 0;
	fdt_for_each_subnode(node, g->def, devices) {
		const char *status = fdt_getprop(g->def, node, "status", NULL);

		if (status && strcmp(status, "okay") && strcmp(status, "ok"))
			continue;
		err = create_one(g, node);
		if (err)
			return err;
	}
	return 0;
}

void mv_emu_reset_all(struct mv_guest *g)
{
	for (unsigned int i = 0; i < g->nr_devices; i++)
		if (g->devices[i]->ops->reset)
			g->devices[i]->ops->reset(&g->devices[i]->emu);
}

void mv_emu_destroy_all(struct mv_guest *g)
{
	while (g->nr_devices) {
		struct mv_emu_instance *inst = g->devices[--g->nr_devices];

		if (inst->ops->remove)
			inst->ops->remove(&inst->emu);
		mv_module_put(inst->owner);
		mv_free(inst);
	}
}

/* mv_guest_mmio() failed: the device there refused it, if one is. */
void mv_guest_mmio_failed(struct mv_vcpu *v, u64 ipa, unsigned int width,
			  bool write, int err)
{
	struct mv_guest *g = v->guest;

	for (unsigned int i = 0; i < g->nr_devices; i++) {
		struct mv_emu_instance *inst = g->devices[i];

		if (ipa - inst->emu.base < inst->emu.size) {
			mv_guest_mmio_refused(v, ipa, width, write, inst->name,
					      err);
			return;
		}
	}
}

int mv_guest_mmio_refused(struct mv_vcpu *v, u64 ipa, unsigned int width,
			  bool write, const char *by, int err)
{
	if (by)
		mv_guest_warn(v->guest, "vcpu%u: %u-byte %s at 0x%lx: %s "
			      "refused it (error %d): abort injected\n",
			      v->index, width, write ? "write" : "read",
			      (unsigned long)ipa, by, err);
	else
		mv_guest_warn(v->guest, "vcpu%u: %u-byte %s at 0x%lx (pc "
			      "0x%lx): nothing there: abort injected\n",
			      v->index, width, write ? "write" : "read",
			      (unsigned long)ipa,
			      (unsigned long)v->arch.regs.pc);
	return err;
}
