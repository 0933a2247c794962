/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests and their vCPUs, as the management commands see them
 * (DESIGN §5). Guests are named; every call takes the name.
 */
#ifndef MODVISOR_GUEST_H
#define MODVISOR_GUEST_H

#include <stdint.h>

enum mv_guest_state {
	MV_GUEST_LOADED,	/* created, not started */
	MV_GUEST_RUNNING,
	MV_GUEST_PAUSED,
	MV_GUEST_STOPPED,	/* stopped by the user or SYSTEM_OFF */
};

/* Why a vCPU left the guest; counted per vCPU. */
enum mv_exit_reason {
	MV_EXIT_HVC,		/* hypercall (PSCI) */
	MV_EXIT_SMC,
	MV_EXIT_MMIO,		/* emulated device access */
	MV_EXIT_SYSREG,		/* trapped system register */
	MV_EXIT_WFI,
	MV_EXIT_WFE,
	MV_EXIT_IRQ,		/* host interrupt while in the guest */
	MV_EXIT_ABORT,		/* access outside the guest: abort injected */
	MV_EXIT_RAM,		/* first touch of a RAM granule: backed */
	MV_EXIT_OTHER,
	MV_EXIT_REASONS
};

struct mv_guest_info {
	char name[32];
	enum mv_guest_state state;
	unsigned int vcpus;
	uint64_t ram_base, ram_size;	/* first region; ram_total: all */
	uint64_t ram_total;
	unsigned int regions, devices;
	char kernel[64];
	uint64_t resets;
	/* Stage 2: guest physical address bits, walk levels, table bytes. */
	unsigned int ipa_bits, s2_levels;
	uint64_t s2_table_bytes;
};

enum mv_vcpu_state {
	MV_VCPU_OFF,		/* not started, or CPU_OFF */
	MV_VCPU_RUNNABLE,	/* in the guest or waiting for a host CPU */
	MV_VCPU_BLOCKED,	/* WFI with nothing pending */
	MV_VCPU_PAUSED,
};

struct mv_vcpu_info {
	char guest[32];
	unsigned int index;
	enum mv_vcpu_state state;
	int host_cpu;		/* last host CPU it ran on, -1 never */
	int pinned;		/* host CPU it is pinned to, or -1 */
	uint64_t moves;		/* loads on another CPU than the last */
	uint64_t exits[MV_EXIT_REASONS];
};

const char *mv_guest_state_name(enum mv_guest_state s);
const char *mv_vcpu_state_name(enum mv_vcpu_state s);
const char *mv_exit_reason_name(enum mv_exit_reason r);

/* Number of guests, and the n-th (0-based, stable between changes). */
unsigned int mv_guest_count(void);
int mv_guest_info_at(unsigned int n, struct mv_guest_info *info);
int mv_guest_info(const char *name, struct mv_guest_info *info);
int mv_vcpu_info(const char *guest, unsigned int index,
		 struct mv_vcpu_info *info);

/*
 * Create a guest from a node of the boot device tree ("/guests/tg0" or
 * just "tg0"), or from a DTB file in the initrd holding one guest node
 * (the root, or the single child of /guests).
 */
int mv_guest_create(const char *spec);
int mv_guest_start(const char *name);
int mv_guest_stop(const char *name);
int mv_guest_pause(const char *name);
int mv_guest_resume(const char *name);
int mv_guest_reset(const char *name);
int mv_guest_destroy(const char *name);

#endif
