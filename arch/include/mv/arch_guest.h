/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the nucleus's guest manager (nucleus/guest.c, vcpu.c) asks of the
 * architecture: stage-2 memory, vCPU contexts and the trap loop, the
 * virtual interrupt controller, and the arch part of a guest's DTB.
 */
#ifndef MV_ARCH_GUEST_H
#define MV_ARCH_GUEST_H

#include <mv/types.h>
#include <arch_guest.h>

struct mv_guest;
struct mv_vcpu;

/* Once at boot, after the host interrupt controller: 0 if guests can run. */
int mv_arch_virt_init(void);
/* Per host CPU, on that CPU. */
void mv_arch_virt_init_cpu(void);

int mv_arch_guest_init(struct mv_guest *g);
void mv_arch_guest_free(struct mv_guest *g);
/* Map [ipa, ipa+size) to host RAM at pa (page aligned), read-write-exec. */
int mv_arch_stage2_map(struct mv_guest *g, u64 ipa, paddr_t pa, u64 size);
/* Make what the nucleus wrote to guest RAM visible to a guest whose
 * caches and MMU are still off (clean to the point of coherency). */
void mv_arch_guest_mem_sync(void *host, size_t size);
/* Largest guest physical address + 1 the hardware supports. */
u64 mv_arch_ipa_limit(void);
/* A guest's stage-2 layout: IPA bits, translation levels, table pages. */
void mv_arch_stage2_layout(const struct mv_guest *g, unsigned int *ipa_bits,
			   unsigned int *levels, u64 *tables);
/* The IPA ranges the arch emulates itself (the vGIC), for overlap checks. */
unsigned int mv_arch_guest_reserved(const struct mv_guest *g,
				    u64 base[], u64 size[], unsigned int max);
/* Add the interrupt controller, timer, PSCI and CPU nodes to a guest DTB. */
int mv_arch_guest_fdt(const struct mv_guest *g, void *fdt);
/* Guest interrupt number of a device node's interrupts entry, or < 0. */
int mv_arch_guest_irq_from_dt(const void *fdt, int node);

/* A vCPU: reset it to start at pc with arg in the first argument register. */
void mv_arch_vcpu_init(struct mv_vcpu *v);
void mv_arch_vcpu_reset(struct mv_vcpu *v, u64 pc, u64 arg);
/* Put its state on this host CPU / take it off (save). IRQs masked. */
void mv_arch_vcpu_load(struct mv_vcpu *v);
void mv_arch_vcpu_put(struct mv_vcpu *v);
void mv_arch_vcpu_free(struct mv_vcpu *v);

/* What the run loop must do after mv_arch_vcpu_run returns. */
enum mv_run_action {
	MV_RUN_CHECK,		/* requests, rescheduling: look and re-enter */
	MV_RUN_IRQ,		/* a host interrupt is waiting: take it */
	MV_RUN_WFI,		/* block until an interrupt is pending */
	MV_RUN_WFE,		/* yield the host CPU */
	MV_RUN_OFF,		/* PSCI CPU_OFF */
};
/* Run the loaded vCPU until something needs the nucleus. IRQs masked. */
enum mv_run_action mv_arch_vcpu_run(struct mv_vcpu *v);
/* Whether an interrupt is pending for it (WFI wake-up condition). */
bool mv_arch_vcpu_has_pending(struct mv_vcpu *v);

/* Drive a guest interrupt line (level) or make an edge one pending. */
void mv_arch_guest_irq_set(struct mv_guest *g, unsigned int intid,
			   bool level);
/* Reset the vGIC to power-on state (guest reset). */
void mv_arch_guest_irq_reset(struct mv_guest *g);

#endif
