/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests and vCPUs inside the nucleus (DESIGN §5, §6): a guest is a
 * definition (its own small FDT, copied from the boot DT or a file), RAM
 * regions mapped at stage 2, emulated devices and vCPUs, each vCPU a
 * scheduler thread running the trap loop of nucleus/vcpu.c.
 */
#ifndef MV_GUEST_H
#define MV_GUEST_H

#include <mv/arch_guest.h>
#include <mv/errno.h>
#include <mv/list.h>
#include <mv/mutex.h>
#include <mv/sched.h>
#include <modvisor/emulator.h>
#include <modvisor/guest.h>

#define MV_GUEST_NAME_MAX 32
#define MV_GUEST_MAX_VCPUS 8
#define MV_GUEST_MAX_REGIONS 4
#define MV_GUEST_MAX_DEVICES 16

/* Host RAM behind a guest RAM region, in naturally aligned blocks. */
struct mv_ram_block {
	paddr_t pa;
	unsigned int order;
};

struct mv_guest_region {
	u64 ipa, size;
	/* Eager: the blocks in IPA order. Lazy: one 2 MiB granule each,
	 * pa 0 until first touched. */
	struct mv_ram_block *blocks;
	unsigned int nr_blocks;
	bool lazy;
};

struct mv_emu_instance {
	struct mv_emu emu;
	const struct mv_emu_ops *ops;
	struct mv_module *owner;
	char name[48];
};

/* Requests to a vCPU's loop, set by other threads (bit numbers). */
#define MV_VCPU_REQ_STOP 0	/* leave the guest: stop, pause, destroy */

struct mv_vcpu {
	struct mv_arch_vcpu arch;	/* first: the entry code uses it */
	struct mv_guest *guest;
	unsigned int index;
	struct mv_thread *thread;
	struct mv_waitq wq;		/* WFI, powered off, paused */
	enum mv_vcpu_state state;	/* as `vcpu list` shows it */
	bool powered;			/* PSCI: on */
	bool on_pending;		/* CPU_ON accepted, not yet running */
	u64 boot_pc, boot_arg;
	unsigned long requests;
	int pinned;			/* host CPU, or -1 */
	int host_cpu;			/* where it runs or last ran */
	u64 moves;			/* loads on another CPU than before */
	bool exit_thread;		/* destroy: leave the loop for good */
	unsigned int thread_alive;	/* 1 until the thread is gone */
	u64 exits[MV_EXIT_REASONS];
};

struct mv_guest {
	struct mv_list node;
	char name[MV_GUEST_NAME_MAX];
	enum mv_guest_state state;
	void *def;			/* the definition: one guest node */
	int def_node;
	unsigned int nr_vcpus;
	struct mv_vcpu *vcpus[MV_GUEST_MAX_VCPUS];
	struct mv_guest_region regions[MV_GUEST_MAX_REGIONS];
	unsigned int nr_regions;
	u64 ipa_top;			/* end of its highest RAM or device */
	struct mv_emu_instance *devices[MV_GUEST_MAX_DEVICES];
	unsigned int nr_devices;
	char kernel[64];
	u64 entry, dtb_ipa;		/* where vCPU 0 starts, and x0 */
	u64 resets;
	unsigned int running_vcpus;	/* threads inside the run loop */
	struct mv_waitq state_wq;	/* vCPU threads parked or gone */
	u64 warn_window, warn_count;	/* rate limit of guest misdeeds */
	struct mv_spinlock ram_lock;	/* backing lazy RAM granules */
	struct mv_arch_guest arch;
};

/* Boot: virtualization support (CPU 0, before the secondaries start),
 * then, once modules are loaded, the guests of /guests. */
void mv_guests_init(void);
void mv_guests_boot(const void *fdt);
/*
 * The DTB a guest boots with, generated from its definition (nucleus/
 * guest_fdt.c): 0 and a heap buffer in *out, or a libfdt error.
 */
int mv_guest_fdt_build(const struct mv_guest *g, const char *bootargs,
		       u64 initrd_start, u64 initrd_end, void **out,
		       size_t *size);
/* Bytes of host RAM backing guest RAM (not the hypervisor's own). */
u64 mv_guest_ram_allocated(void);

/* The trap loop's view of guest memory and devices (nucleus/guest.c). */
static inline bool mv_guest_ram_contains(const struct mv_guest *g, u64 ipa,
					 u64 size)
{
	for (unsigned int i = 0; i < g->nr_regions; i++) {
		const struct mv_guest_region *r = &g->regions[i];

		if (ipa >= r->ipa && size <= r->size &&
		    ipa - r->ipa <= r->size - size)
			return true;
	}
	return false;
}
/*
 * Host address of guest RAM at ipa if size bytes lie in one host block
 * (backing it first if needed), else NULL.
 */
void *mv_guest_ram_ptr(struct mv_guest *g, u64 ipa, u64 size);
/*
 * A stage-2 translation fault at ipa: 0 if it is RAM not backed yet and
 * now is (the access is retried), -MV_ENOENT if it is not lazy RAM, or
 * -MV_ENOMEM (logged) if the host ran out.
 */
int mv_guest_ram_fault(struct mv_guest *g, u64 ipa);
/* The same for emulators (module ABI, modvisor/emulator.h). */
void *mv_emu_guest_ram(struct mv_emu *emu, uint64_t ipa, uint64_t size);
/*
 * A trapped access that is not the arch's own: the emulator of the
 * device there handles it. 0, the emulator's error, or -MV_ENOENT when no
 * device is there (it may be RAM backed on first touch). Inline, and
 * nothing but the call: it is on every MMIO trap, and all the caller
 * keeps across it is its own state. On an error the caller reports the
 * refusal with mv_guest_mmio_failed() (the arch injects an abort);
 * mv_guest_mmio_refused() logs one (by NULL: nothing there).
 */
__attribute__((cold))
int mv_guest_mmio_refused(struct mv_vcpu *v, u64 ipa, unsigned int width,
			  bool write, const char *by, int err);
__attribute__((cold))
void mv_guest_mmio_failed(struct mv_vcpu *v, u64 ipa, unsigned int width,
			  bool write, int err);

static inline __attribute__((always_inline))
int mv_guest_mmio(struct mv_vcpu *v, u64 ipa, unsigned int width, bool write,
		  u64 *val)
{
	struct mv_guest *g = v->guest;

	for (unsigned int i = 0; i < g->nr_devices; i++) {
		struct mv_emu_instance *inst = g->devices[i];
		struct mv_emu *emu = &inst->emu;
		u64 off = ipa - emu->base;

		if (off >= emu->size)
			continue;
		if (write)
			return inst->ops->write ?
				inst->ops->write(emu, off, width, *val) :
				-MV_EINVAL;
		return inst->ops->read ? inst->ops->read(emu, off, width, val) :
					 -MV_EINVAL;
	}
	return -MV_ENOENT;	/* the caller says so if it is not RAM */
}

/* Log a guest's misdeed, rate-limited per guest. */
__attribute__((format(printf, 2, 3)))
void mv_guest_warn(struct mv_guest *g, const char *fmt, ...);

/* vCPUs (nucleus/vcpu.c). */
struct mv_vcpu *mv_vcpu_create(struct mv_guest *g, unsigned int index,
			       int pin);
void mv_vcpu_destroy(struct mv_vcpu *v);
/* Make the loop look at its requests (IPI if it is in the guest). */
void mv_vcpu_kick(struct mv_vcpu *v);
/* From the vCPU itself. */
struct mv_vcpu *mv_vcpu_current(void);
/* PSCI, from the arch's hypercall handler (return PSCI codes). */
#define MV_PSCI_SUCCESS 0
#define MV_PSCI_NOT_SUPPORTED (-1)
#define MV_PSCI_INVALID_PARAMETERS (-2)
#define MV_PSCI_DENIED (-3)
#define MV_PSCI_ALREADY_ON (-4)
#define MV_PSCI_ON_PENDING (-5)
#define MV_PSCI_INVALID_ADDRESS (-9)
int mv_vcpu_psci_cpu_on(struct mv_vcpu *caller, u64 target_mpidr, u64 pc,
			u64 arg);
/* AFFINITY_INFO level 0: 0 on, 1 off, 2 on pending, or an error. */
int mv_vcpu_psci_affinity(struct mv_vcpu *caller, u64 target_mpidr);
/* SYSTEM_OFF / SYSTEM_RESET: only this guest. */
void mv_vcpu_psci_system(struct mv_vcpu *caller, bool reset);
/* A vCPU by its MPIDR (arch's affinity value), or NULL. */
struct mv_vcpu *mv_vcpu_by_mpidr(struct mv_guest *g, u64 mpidr);

/* Start, pause... the vCPU threads of a guest (nucleus/vcpu.c). */
void mv_vcpus_power_on_boot(struct mv_guest *g);
void mv_vcpus_park(struct mv_guest *g);	/* returns when all are out */
void mv_vcpus_unpark(struct mv_guest *g);

/* Emulators (nucleus/driver.c): the ops serving compatible, with a use
 * taken on the owner module; NULL if none is loaded. */
const struct mv_emu_ops *mv_emulator_claim(const char *compatible,
					   struct mv_module **owner);

#endif
