// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio: the VirtIO MMIO transport for guest device nodes with
 * compatible "virtio,mmio" (transport.c), the backend registry and the
 * virtqueue library backends link against (docs/virtio.md).
 *
 * A node's virtio-device property names the backend ("console"); if no
 * loaded module registered it, the module aliased virtio:<name> is
 * loaded. A node without the property is an empty slot (DeviceID 0).
 * The instance holds a use of the backend's module while the guest
 * exists.
 *
 * Register accesses come from vCPU exit paths and take the device's
 * spinlock. Threads take it too (mv_virtio_poll_now, device reset) with
 * interrupts off, so a holder is never preempted and a vCPU spins at
 * most for one short section; mv_virtio_kick is lock-free.
 */
#include <modvisor/errno.h>
#include <modvisor/emulator.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/sched.h>
#include <modvisor/virtio.h>
#include "transport.h"


#define MAX_BACKENDS 16
#define BACKEND_NAME_MAX 32

struct backend {
	char name[BACKEND_NAME_MAX];
	const struct mv_virtio_backend_ops *ops;
};

static struct backend backends[MAX_BACKENDS];
static int registry_lock;

struct vmmio_dev {
	struct mv_virtio_transport t;	/* first: dev->transport is &t */
	struct mv_emu *emu;
	struct mv_module *owner;	/* the backend's module, held */
	int lock;
};

static void cpu_relax(void)
{
#if defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

static void spin_lock(int *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(lock, __ATOMIC_RELAXED))
			cpu_relax();
}

static void spin_unlock(int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* A device's lock: from threads too, so interrupts go off first. */
static unsigned long dev_lock(struct vmmio_dev *d)
{
	unsigned long flags = mv_irq_save();

	spin_lock(&d->lock);
	return flags;
}

static void dev_unlock(struct vmmio_dev *d, unsigned long flags)
{
	spin_unlock(&d->lock);
	mv_irq_restore(flags);
}

int mv_virtio_backend_register(const char *name,
			       const struct mv_virtio_backend_ops *ops)
{
	struct backend *free_slot = NULL;
	int err = 0;

	if (!name || !name[0] || strlen(name) >= BACKEND_NAME_MAX || !ops ||
	    !ops->num_queues || ops->num_queues > MV_VIRTIO_MAX_QUEUES ||
	    !ops->queue_max || ops->queue_max > 32768) {
		mv_log(MV_LOG_ERR, "virtio-mmio: backend \"%s\": bad "
		       "registration (name, queues 1..%u, queue size "
		       "1..32768)\n", name ? name : "", MV_VIRTIO_MAX_QUEUES);
		return -MV_EINVAL;
	}
	spin_lock(&registry_lock);
	for (int i = 0; i < MAX_BACKENDS; i++) {
		if (backends[i].ops && !strcmp(backends[i].name, name))
			err = -MV_EEXIST;
		if (!backends[i].ops && !free_slot)
			free_slot = &backends[i];
	}
	if (!err && !free_slot)
		err = -MV_ENOSPC;
	if (!err) {
		memcpy(free_slot->name, name, strlen(name) + 1);
		free_slot->ops = ops;
	}
	spin_unlock(&registry_lock);
	if (err)
		mv_log(MV_LOG_ERR, "virtio-mmio: backend \"%s\": %s\n", name,
		       err == -MV_EEXIST ? "already registered" :
					   "registry full");
	return err;
}

void mv_virtio_backend_unregister(const struct mv_virtio_backend_ops *ops)
{
	spin_lock(&registry_lock);
	for (int i = 0; i < MAX_BACKENDS; i++)
		if (backends[i].ops == ops)
			backends[i].ops = NULL;
	spin_unlock(&registry_lock);
}

/* The backend registered as name, its module held; NULL if none. */
static const struct mv_virtio_backend_ops *claim(const char *name,
						 struct mv_module **owner)
{
	const struct mv_virtio_backend_ops *ops = NULL;

	spin_lock(&registry_lock);
	for (int i = 0; i < MAX_BACKENDS; i++)
		if (backends[i].ops && !strcmp(backends[i].name, name))
			ops = backends[i].ops;
	*owner = NULL;
	if (ops && ops->module) {
		*owner = mv_module_find(ops->module);
		if (*owner)
			mv_module_get(*owner);
	}
	spin_unlock(&registry_lock);
	return ops;
}

static void *map_ram(void *ctx, uint64_t ipa, uint64_t len)
{
	struct vmmio_dev *d = ctx;

	return mv_emu_guest_ram(d->emu, ipa, len);
}

static void irq_line(void *ctx, bool level)
{
	struct vmmio_dev *d = ctx;

	if (d->emu->irq >= 0)
		mv_emu_irq_set(d->emu, level);
}

static int vmmio_probe(struct mv_emu *emu, const struct mv_dt_node *node)
{
	const char *name = mv_dt_string(node, "virtio-device");
	const struct mv_virtio_backend_ops *ops = NULL;
	struct mv_module *owner = NULL;
	struct vmmio_dev *d;
	int err;

	if (emu->size < 0x200) {
		mv_log(MV_LOG_ERR, "virtio-mmio: guest %s: device %s: reg size "
		       "0x%lx is smaller than 0x200\n", emu->guest_name,
		       emu->name, (unsigned long)emu->size);
		return -MV_EINVAL;
	}
	if (name) {
		char alias[48], reason[96];

		ops = claim(name, &owner);
		if (!ops) {
			mv_snprintf(alias, sizeof(alias), "virtio:%s", name);
			mv_snprintf(reason, sizeof(reason), "for %s/%s",
				    emu->guest_name, emu->name);
			if (mv_module_request(alias, reason) == 0)
				ops = claim(name, &owner);
		}
		if (!ops) {
			mv_log(MV_LOG_ERR, "virtio-mmio: guest %s: device %s: "
			       "no backend for virtio-device \"%s\" (module "
			       "virtio:%s)\n", emu->guest_name, emu->name,
			       name, name);
			return -MV_ENODEV;
		}
	}
	d = mv_zalloc(sizeof(*d));
	if (!d) {
		if (owner)
			mv_module_put(owner);
		return -MV_ENOMEM;
	}
	d->emu = emu;
	d->owner = owner;
	vmmio_init(&d->t, ops, map_ram, irq_line, d);
	d->t.now_ns = mv_time_ns;
	d->t.dev.emu = emu;
	d->t.dev.guest_name = emu->guest_name;
	d->t.dev.name = emu->name;
	if (ops && ops->probe) {
		err = ops->probe(&d->t.dev, node);
		if (err) {
			if (owner)
				mv_module_put(owner);
			mv_free(d);
			return err;
		}
	}
	emu->priv = d;
	return 0;
}

static int vmmio_emu_read(struct mv_emu *emu, uint64_t offset,
			  unsigned int width, uint64_t *val)
{
	struct vmmio_dev *d = emu->priv;
	unsigned long flags = dev_lock(d);
	int err;

	vmmio_settle(&d->t);	/* InterruptStatus sees kicked work */
	err = vmmio_read(&d->t, offset, width, val);
	dev_unlock(d, flags);
	return err ? -MV_EINVAL : 0;
}

static int vmmio_emu_write(struct mv_emu *emu, uint64_t offset,
			   unsigned int width, uint64_t val)
{
	struct vmmio_dev *d = emu->priv;
	unsigned long flags = dev_lock(d);
	int err;

	err = vmmio_write(&d->t, offset, width, val);
	vmmio_settle(&d->t);
	dev_unlock(d, flags);
	return err ? -MV_EINVAL : 0;
}

static void vmmio_emu_reset(struct mv_emu *emu)
{
	struct vmmio_dev *d = emu->priv;
	unsigned long flags = dev_lock(d);

	vmmio_reset(&d->t);
	d->t.line = false;
	__atomic_store_n(&d->t.kicked, 0, __ATOMIC_SEQ_CST);
	irq_line(d, false);
	dev_unlock(d, flags);
}

static void vmmio_emu_remove(struct mv_emu *emu)
{
	struct vmmio_dev *d = emu->priv;

	if (d->t.ops && d->t.ops->remove)
		d->t.ops->remove(&d->t.dev);
	if (d->owner)
		mv_module_put(d->owner);
	emu->priv = NULL;
	mv_free(d);
}

void mv_virtio_poll_now(struct mv_virtio_dev *dev)
{
	struct vmmio_dev *d = (struct vmmio_dev *)dev->transport;
	unsigned long flags;

	__atomic_store_n(&d->t.pending, 1, __ATOMIC_SEQ_CST);
	flags = dev_lock(d);
	vmmio_settle(&d->t);
	dev_unlock(d, flags);
}

static const struct mv_emu_ops vmmio_ops = {
	.probe = vmmio_probe,
	.read = vmmio_emu_read,
	.write = vmmio_emu_write,
	.reset = vmmio_emu_reset,
	.remove = vmmio_emu_remove,
};

MV_MODULE(virtio-mmio, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("VirtIO MMIO transport (version 2) and virtqueues");
MV_EMULATOR("virtio,mmio", vmmio_ops);
MV_EXPORT(mv_virtio_backend_register);
MV_EXPORT(mv_virtio_backend_unregister);
MV_EXPORT(mv_virtio_queue);
MV_EXPORT(mv_virtq_pop);
MV_EXPORT(mv_virtq_push);
MV_EXPORT(mv_virtq_done);
MV_EXPORT(mv_virtq_notify_enable);
MV_EXPORT(mv_virtq_chain_write);
MV_EXPORT(mv_virtio_config_changed);
MV_EXPORT(mv_virtio_fail);
MV_EXPORT(mv_virtio_kick);
MV_EXPORT(mv_virtio_poll_now);
