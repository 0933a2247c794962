// SPDX-License-Identifier: GPL-2.0
/*
 * Drivers, emulators and autoload (DESIGN §3 step 5). Modules declare
 * MV_DRIVER / MV_EMULATOR; the loader registers them after the module's
 * init. A registered driver is bound at once to every enabled node of the
 * boot device tree it matches. The autoload scan loads, for each node
 * nothing serves yet, the module aliased drv:<compatible> (host nodes) or
 * emu:<compatible> (guest device nodes), and logs once each compatible
 * nothing serves.
 */
#include <mv/console.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/mmu.h>
#include <mv/modload.h>
#include <mv/module.h>
#include <mv/mutex.h>
#include <modvisor/device.h>
#include <libfdt.h>
#include <string.h>

#define PATH_MAX_LEN 128
#define VIRTIO_MMIO_MAGIC 0x74726976	/* "virt" */

struct registered_driver {
	struct mv_list node;
	const struct mv_driver_decl *decl;
	struct mv_module *owner;
};

struct bound_device {
	struct mv_list node;
	struct mv_device dev;
	const struct mv_driver_decl *decl;
	struct mv_module *owner;
	bool irq_taken;		/* by mv_device_request_irq */
	char path[PATH_MAX_LEN];
};

struct registered_emulator {
	struct mv_list node;
	const struct mv_emulator_decl *decl;
	struct mv_module *owner;
};

static struct mv_list drivers = MV_LIST_INIT(drivers);
static struct mv_list bound = MV_LIST_INIT(bound);
static struct mv_list emulators = MV_LIST_INIT(emulators);
static struct mv_mutex device_lock = MV_MUTEX_INIT(device_lock);

static bool node_enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

static struct bound_device *find_bound(const char *path)
{
	struct mv_list *pos;

	mv_list_for_each(pos, &bound) {
		struct bound_device *b = mv_list_entry(pos, struct bound_device,
						       node);

		if (!strcmp(b->path, path))
			return b;
	}
	return NULL;
}

static bool empty_virtio_slot(const void *fdt, int node)
{
	volatile u32 *regs;
	u64 addr, size;

	if (fdt_node_check_compatible(fdt, node, "virtio,mmio"))
		return false;
	if (mv_dt_reg(fdt, node, 0, &addr, &size) || size < 0x100)
		return true;
	regs = mv_ioremap(addr, size);
	return !regs || regs[0] != VIRTIO_MMIO_MAGIC || regs[2] == 0;
}

int mv_device_request_irq(struct mv_device *dev, void (*fn)(void *arg),
			  void *arg)
{
	struct bound_device *b = MV_CONTAINER_OF(dev, struct bound_device, dev);
	int err;

	if (dev->irq < 0)
		return -MV_ENOENT;
	if (b->irq_taken)
		return -MV_EBUSY;
	err = mv_arch_irq_request((unsigned int)dev->irq, fn, arg);
	if (err) {
		mv_log(MV_LOG_ERR, "driver: %s: cannot take interrupt %d (%d)\n",
		       dev->path, dev->irq, err);
		return err;
	}
	b->irq_taken = true;
	return 0;
}

static void release_irq(struct bound_device *b)
{
	if (b->irq_taken)
		mv_arch_irq_free((unsigned int)b->dev.irq);
	b->irq_taken = false;
}

static void try_bind(const void *fdt, int node, const struct mv_driver_decl *d,
		     struct mv_module *owner)
{
	struct bound_device *b;
	unsigned long errors;
	u64 addr, size;
	int err;

	/* An empty slot of a virtio-mmio bank is no device to drive. */
	if (empty_virtio_slot(fdt, node))
		return;
	b = mv_zalloc(sizeof(*b));
	if (!b)
		return;
	if (fdt_get_path(fdt, node, b->path, sizeof(b->path)) < 0 ||
	    find_bound(b->path)) {
		mv_free(b);
		return;
	}
	b->decl = d;
	b->owner = owner;
	b->dev.path = b->path;
	b->dev.compatible = d->compatible;
	b->dev.irq = mv_arch_irq_from_dt(fdt, node, 0);
	b->dev.node.fdt = fdt;
	b->dev.node.offset = node;
	if (mv_dt_reg(fdt, node, 0, &addr, &size) == 0 && size) {
		b->dev.reg_addr = addr;
		b->dev.reg_size = size;
		b->dev.regs = mv_ioremap(addr, size);
	}
	errors = mv_log_errors();
	err = d->ops->probe(&b->dev);
	if (err) {
		release_irq(b);
		/*
		 * -MV_ENODEV: the node is not one this driver serves. A driver
		 * that said what went wrong needs no second line.
		 */
		if (err != -MV_ENODEV && mv_log_errors() == errors)
			mv_log(MV_LOG_ERR, "driver: %s: probe of %s failed "
			       "(%d)\n", owner->name, b->path, err);
		mv_free(b);
		return;
	}
	mv_list_add_tail(&b->node, &bound);
	mv_log(MV_LOG_INFO, "driver: %s bound to %s\n", owner->name, b->path);
}

int mv_driver_register_module(struct mv_module *m,
			      const struct mv_driver_decl *decls, size_t n)
{
	const void *fdt = mv_boot_fdt;

	for (size_t i = 0; i < n; i++) {
		if (!decls[i].compatible || !decls[i].ops ||
		    !decls[i].ops->probe) {
			mv_log(MV_LOG_ERR, "module: %s: driver %zu has no "
			       "compatible or probe\n", m->name, i);
			return -MV_EINVAL;
		}
	}
	mv_mutex_lock(&device_lock);
	for (size_t i = 0; i < n; i++) {
		struct registered_driver *r = mv_zalloc(sizeof(*r));
		int node;

		if (!r) {
			mv_mutex_unlock(&device_lock);
			mv_driver_unregister_module(m);
			return -MV_ENOMEM;
		}
		r->decl = &decls[i];
		r->owner = m;
		mv_list_add_tail(&r->node, &drivers);
		for (node = fdt_node_offset_by_compatible(fdt, -1,
							  decls[i].compatible);
		     node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node,
							  decls[i].compatible))
			if (node_enabled(fdt, node))
				try_bind(fdt, node, &decls[i], m);
	}
	mv_mutex_unlock(&device_lock);
	return 0;
}

void mv_driver_unregister_module(struct mv_module *m)
{
	struct mv_list *pos, *tmp;

	mv_mutex_lock(&device_lock);
	mv_list_for_each_safe(pos, tmp, &bound) {
		struct bound_device *b = mv_list_entry(pos, struct bound_device,
						       node);

		if (b->owner != m)
			continue;
		/* No handler may run once remove() has torn the driver down. */
		release_irq(b);
		if (b->decl->ops->remove)
			b->decl->ops->remove(&b->dev);
		mv_list_del(&b->node);
		mv_log(MV_LOG_INFO, "driver: %s unbound from %s\n", m->name,
		       b->path);
		mv_free(b);
	}
	mv_list_for_each_safe(pos, tmp, &drivers) {
		struct registered_driver *r =
			mv_list_entry(pos, struct registered_driver, node);

		if (r->owner == m) {
			mv_list_del(&r->node);
			mv_free(r);
		}
	}
	mv_list_for_each_safe(pos, tmp, &emulators) {
		struct registered_emulator *r =
			mv_list_entry(pos, struct registered_emulator, node);

		if (r->owner == m) {
			mv_list_del(&r->node);
			mv_free(r);
		}
	}
	mv_mutex_unlock(&device_lock);
}

int mv_emulator_register_module(struct mv_module *m,
				const struct mv_emulator_decl *decls, size_t n)
{
	mv_mutex_lock(&device_lock);
	for (size_t i = 0; i < n; i++) {
		struct registered_emulator *r = mv_zalloc(sizeof(*r));

		if (!r || !decls[i].compatible || !decls[i].ops) {
			mv_free(r);
			mv_mutex_unlock(&device_lock);
			mv_driver_unregister_module(m);
			if (!r)
				return -MV_ENOMEM;
			mv_log(MV_LOG_ERR, "module: %s: emulator %zu has no "
			       "compatible or ops\n", m->name, i);
			return -MV_EINVAL;
		}
		r->decl = &decls[i];
		r->owner = m;
		mv_list_add_tail(&r->node, &emulators);
	}
	mv_mutex_unlock(&device_lock);
	return 0;
}

const struct mv_emu_ops *mv_emulator_claim(const char *compatible,
					   struct mv_module **owner)
{
	const struct mv_emu_ops *ops = NULL;
	struct mv_list *pos;

	mv_mutex_lock(&device_lock);
	mv_list_for_each(pos, &emulators) {
		struct registered_emulator *r =
			mv_list_entry(pos, struct registered_emulator, node);

		if (!strcmp(r->decl->compatible, compatible)) {
			ops = r->decl->ops;
			*owner = r->owner;
			mv_module_get(r->owner);
			break;
		}
	}
	mv_mutex_unlock(&device_lock);
	return ops;
}

bool mv_emulator_available(const char *compatible)
{
	struct mv_list *pos;
	bool found = false;

	mv_mutex_lock(&device_lock);
	mv_list_for_each(pos, &emulators)
		if (!strcmp(mv_list_entry(pos, struct registered_emulator,
					  node)->decl->compatible, compatible))
			found = true;
	mv_mutex_unlock(&device_lock);
	return found;
}

/* Nodes the nucleus drives itself, or that describe rather than are. */
static bool nucleus_node(const void *fdt, int node, const char *path)
{
	static const char *const own[] = {
		"arm,gic-v3", "arm,armv8-timer", "arm,armv7-timer",
		"arm,psci", "arm,psci-0.2", "arm,psci-1.0",
	};
	static const char *const skip[] = {
		"/chosen", "/aliases", "/cpus", "/memory", "/reserved-memory",
		"/guests", "/__symbols__", "/__fixups__",
		"/__local_fixups__",
	};

	for (size_t i = 0; i < MV_ARRAY_SIZE(skip); i++) {
		size_t n = strlen(skip[i]);

		if (!strncmp(path, skip[i], n) &&
		    (path[n] == '\0' || path[n] == '/' || path[n] == '@'))
			return true;
	}
	for (size_t i = 0; i < MV_ARRAY_SIZE(own); i++)
		if (fdt_node_check_compatible(fdt, node, own[i]) == 0)
			return true;
	return !strcmp(path, mv_console_name());
}

/* QEMU's virt has 32 virtio-mmio slots; an empty one has device ID 0. */
/* Log each compatible nothing serves once, however many nodes have it. */
static bool first_time(const char *compat)
{
	static char seen[1024];
	static size_t used;
	size_t n = strlen(compat) + 1;

	for (size_t off = 0; off < used; off += strlen(seen + off) + 1)
		if (!strcmp(seen + off, compat))
			return false;
	if (used + n <= sizeof(seen)) {
		memcpy(seen + used, compat, n);
		used += n;
	}
	return true;
}

static void request_for(const void *fdt, int node, const char *path,
			const char *ns, const char *what)
{
	const char *compat;
	char alias[96], reason[PATH_MAX_LEN + 8];
	int len, off;

	compat = fdt_getprop(fdt, node, "compatible", &len);
	if (!compat || len < 2 || compat[len - 1])
		return;
	mv_snprintf(reason, sizeof(reason), "for %s", path);
	for (off = 0; off < len; off += strlen(compat + off) + 1) {
		mv_snprintf(alias, sizeof(alias), "%s:%s", ns, compat + off);
		if (mv_modindex_resolve(alias)) {
			mv_module_request(alias, reason);
			return;
		}
	}
	if (first_time(compat))
		mv_log(MV_LOG_INFO, "devtree: no %s for %s (%s)\n", what,
		       compat, path);
}

void mv_autoload(const void *fdt)
{
	char path[PATH_MAX_LEN];
	int node, guests, guest;

	for (node = fdt_next_node(fdt, 0, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		bool served;

		if (!fdt_getprop(fdt, node, "compatible", NULL) ||
		    !node_enabled(fdt, node) ||
		    fdt_get_path(fdt, node, path, sizeof(path)) < 0 ||
		    nucleus_node(fdt, node, path) ||
		    empty_virtio_slot(fdt, node))
			continue;
		mv_mutex_lock(&device_lock);
		served = find_bound(path) != NULL;
		mv_mutex_unlock(&device_lock);
		if (!served)
			request_for(fdt, node, path, "drv", "driver");
	}
	guests = fdt_path_offset(fdt, "/guests");
	if (guests < 0)
		return;
	fdt_for_each_subnode(guest, fdt, guests) {
		int devices = fdt_subnode_offset(fdt, guest, "devices");
		int dev;

		if (devices < 0 || !node_enabled(fdt, guest))
			continue;
		fdt_for_each_subnode(dev, fdt, devices) {
			const char *vdev;

			if (!node_enabled(fdt, dev) ||
			    fdt_get_path(fdt, dev, path, sizeof(path)) < 0)
				continue;
			request_for(fdt, dev, path, "emu", "emulator");
			vdev = fdt_getprop(fdt, dev, "virtio-device", NULL);
			if (vdev) {
				char alias[48], reason[PATH_MAX_LEN + 8];

				mv_snprintf(alias, sizeof(alias), "virtio:%s",
					    vdev);
				mv_snprintf(reason, sizeof(reason), "for %s",
					    path);
				if (mv_modindex_resolve(alias))
					mv_module_request(alias, reason);
				else if (first_time(alias))
					mv_log(MV_LOG_INFO, "devtree: no "
					       "backend for %s (%s)\n", alias,
					       path);
			}
		}
	}
}
