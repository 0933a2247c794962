// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 translation: each guest has its own tables and VMID. The IPA
 * space is 40 bits (or less if the CPU offers less), walked from level 1
 * with two concatenated root tables. A guest whose RAM and devices all
 * lie below 16 GiB gets a 34-bit space walked from level 2 instead, with
 * up to 16 concatenated root tables: one table read less for every
 * stage-2 translation, and a TLB refill translates the guest's five
 * table and final addresses (QEMU's TCG keeps no walk cache, so that is
 * about a quarter of a refill's reads). Guest RAM is mapped with 4 KiB
 * pages, or with 2 MiB blocks where host and guest addresses allow it if
 * the boot argument modvisor.s2-blocks asks for them. Anything unmapped
 * faults to EL2, which emulates or injects an abort.
 */
#include <mv/arch.h>
#include <mv/cpu.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/devtree.h>
#include <mv/log.h>
#include <mv/nucleus.h>
#include <mv/page_alloc.h>
#include <mv/spinlock.h>
#include <arm64.h>
#include <string.h>

#define S2_ENTRIES 512u
#define S2_ADDR_MASK 0x0000fffffffff000UL
#define S2_VALID (1UL << 0)
#define S2_TABLE (1UL << 1)
#define S2_PAGE (1UL << 1)
#define S2_MEMATTR_NORMAL_WB (0xfUL << 2)
#define S2_AP_RW (3UL << 6)
#define S2_SH_INNER (3UL << 8)
#define S2_AF (1UL << 10)
#define S2_RAM (S2_MEMATTR_NORMAL_WB | S2_AP_RW | S2_SH_INNER | S2_AF)

#define MAX_VMIDS 256

static unsigned int ipa_bits;		/* the wide layout's */
static unsigned int narrow_bits;	/* from level 2: at most 34 */
static u64 vtcr_base;			/* VTCR_EL2 but T0SZ and SL0 */
/*
 * 2 MiB blocks save TLB reach on hardware, but QEMU's TCG files every
 * translation under the larger of the stage-1 and stage-2 sizes and
 * empties its whole TLB for any single-page TLBI that hits a "large
 * page": with blocks, each of Linux's page invalidations is a full flush
 * (about 10% of a guest's boot under TCG). Pages by default.
 */
static bool s2_blocks;
static u8 vmid_used[MAX_VMIDS / 8];
static struct mv_spinlock vmid_lock = MV_SPINLOCK_INIT;

u64 mv_arch_ipa_limit(void)
{
	return 1UL << ipa_bits;
}

/* VTCR_EL2's common part; the PA size the CPU has caps the IPA size. */
void mv_arm64_stage2_init(void)
{
	static const unsigned int pa_range_bits[] = { 32, 36, 40, 42, 44, 48 };
	unsigned int range = mv_read_sysreg(id_aa64mmfr0_el1) & 0xf;
	unsigned int ps;

	if (range > 5)
		range = 5;
	ps = range < 2 ? range : 2;
	ipa_bits = pa_range_bits[ps];
	narrow_bits = MV_MIN(ipa_bits, 34u);
	/* WB walks, inner shareable, 4 KiB granule. */
	vtcr_base = (1UL << 31) | ((u64)ps << 16) | (3UL << 12) |
		    (1UL << 10) | (1UL << 8);
	s2_blocks = mv_bootarg_has(mv_boot_bootargs, "modvisor.s2-blocks");
}

/* T0SZ and SL0 (0: start at level 2, 1: at level 1). */
static u64 layout_vtcr(unsigned int bits, unsigned int level)
{
	return vtcr_base | ((u64)(2 - level) << 6) | (64 - bits);
}

void mv_arm64_stage2_init_cpu(void)
{
	mv_write_sysreg(vtcr_el2, layout_vtcr(ipa_bits, 1));
	mv_isb();
}

static int vmid_alloc(void)
{
	unsigned long flags = mv_spin_lock_irqsave(&vmid_lock);
	int vmid = -MV_ENOSPC;

	/* VMID 0 stays unused: it is what the host's VTTBR holds. */
	for (unsigned int i = 1; i < MAX_VMIDS; i++) {
		if (!(vmid_used[i / 8] & (1 << (i % 8)))) {
			vmid_used[i / 8] |= 1 << (i % 8);
			vmid = i;
			break;
		}
	}
	mv_spin_unlock_irqrestore(&vmid_lock, flags);
	return vmid;
}

static void vmid_free(unsigned int vmid)
{
	unsigned long flags = mv_spin_lock_irqsave(&vmid_lock);

	vmid_used[vmid / 8] &= ~(1 << (vmid % 8));
	mv_spin_unlock_irqrestore(&vmid_lock, flags);
}

void mv_arch_stage2_layout(const struct mv_guest *g, unsigned int *ipa_bits,
			   unsigned int *levels, u64 *tables)
{
	*ipa_bits = g->arch.s2_bits;
	*levels = 4 - g->arch.s2_level;
	*tables = g->arch.s2_tables;
}

/* Root tables of a layout: 2 at level 1, 2^(bits - 30) at level 2. */
static unsigned int root_order(const struct mv_arch_guest *a)
{
	return a->s2_level == 1 ? 1 : a->s2_bits - 30;
}

int mv_arm64_stage2_create(struct mv_arch_guest *a, u64 ipa_top)
{
	int vmid = vmid_alloc();

	if (vmid < 0) {
		mv_log(MV_LOG_ERR, "stage2: all %u VMIDs are in use\n",
		       MAX_VMIDS - 1);
		return vmid;
	}
	if (ipa_top <= 1UL << narrow_bits)
		a->s2_level = 2, a->s2_bits = narrow_bits;
	else
		a->s2_level = 1, a->s2_bits = ipa_bits;
	/* Concatenated root tables, aligned on their size. */
	a->s2_root = mv_page_alloc_zeroed(root_order(a));
	if (!a->s2_root) {
		vmid_free(vmid);
		return -MV_ENOMEM;
	}
	a->s2_tables = 1UL << root_order(a);
	a->vmid = vmid;
	a->vttbr = (u64)a->s2_root | ((u64)vmid << 48);
	a->vtcr = layout_vtcr(a->s2_bits, a->s2_level);
	return 0;
}

static u64 *next_table(struct mv_arch_guest *a, u64 *entry)
{
	u64 *t;

	if (*entry & S2_VALID)
		return (u64 *)(*entry & S2_ADDR_MASK);
	t = mv_page_alloc_zeroed(0);
	if (!t)
		return NULL;
	a->s2_tables++;
	mv_dsb(ishst);
	*entry = (u64)t | S2_TABLE | S2_VALID;
	return t;
}

/* The level-2 entry for ipa, making the level-2 table if need be. */
static u64 *level2_entry(struct mv_arch_guest *a, u64 ipa)
{
	u64 *l2;

	if (a->s2_level == 2)	/* the root spans all its tables */
		return &a->s2_root[(ipa >> 21) &
				   ((S2_ENTRIES << root_order(a)) - 1)];
	l2 = next_table(a, &a->s2_root[(ipa >> 30) & (2 * S2_ENTRIES - 1)]);
	return l2 ? &l2[(ipa >> 21) & (S2_ENTRIES - 1)] : NULL;
}

int mv_arch_stage2_map(struct mv_guest *g, u64 ipa, paddr_t pa, u64 size)
{
	struct mv_arch_guest *a = &g->arch;

	if ((ipa | pa | size) & 0xfff || ipa + size > 1UL << a->s2_bits ||
	    ipa + size < ipa)
		return -MV_EINVAL;
	while (size) {
		u64 *l3, *e = level2_entry(a, ipa);

		if (!e)
			return -MV_ENOMEM;
		if (s2_blocks && !((ipa | pa) & 0x1fffff) && size >= 0x200000 &&
		    !(*e & S2_VALID)) {
			*e = pa | S2_RAM | S2_VALID;
			ipa += 0x200000, pa += 0x200000, size -= 0x200000;
			continue;
		}
		if ((*e & (S2_VALID | S2_TABLE)) == S2_VALID)
			return -MV_EEXIST;	/* already a block */
		l3 = next_table(a, e);
		if (!l3)
			return -MV_ENOMEM;
		e = &l3[(ipa >> 12) & (S2_ENTRIES - 1)];
		if (*e & S2_VALID)
			return -MV_EEXIST;
		*e = pa | S2_RAM | S2_PAGE | S2_VALID;
		ipa += 0x1000, pa += 0x1000, size -= 0x1000;
	}
	mv_dsb(ishst);
	return 0;
}

static void free_tables(u64 *table, int level)
{
	for (unsigned int i = 0; level < 3 && i < S2_ENTRIES; i++)
		if ((table[i] & (S2_VALID | S2_TABLE)) ==
		    (S2_VALID | S2_TABLE))
			free_tables((u64 *)(table[i] & S2_ADDR_MASK),
				    level + 1);
	mv_page_free(table, 0);
}

/* Forget the VMID's translations everywhere, then free the tables. */
void mv_arm64_stage2_destroy(struct mv_arch_guest *a)
{
	unsigned long flags;
	u64 host_vttbr;

	if (!a->s2_root)
		return;
	flags = mv_arch_irq_save();
	host_vttbr = mv_read_sysreg(vttbr_el2);
	mv_write_sysreg(vttbr_el2, a->vttbr);
	mv_isb();
	__asm__ volatile("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish\n\tisb"
			 : : : "memory");
	mv_write_sysreg(vttbr_el2, host_vttbr);
	mv_isb();
	mv_arch_irq_restore(flags);
	for (unsigned int i = 0; i < S2_ENTRIES << root_order(a); i++)
		if ((a->s2_root[i] & (S2_VALID | S2_TABLE)) ==
		    (S2_VALID | S2_TABLE))
			free_tables((u64 *)(a->s2_root[i] & S2_ADDR_MASK),
				    a->s2_level + 1);
	mv_page_free(a->s2_root, root_order(a));
	a->s2_root = NULL;
	vmid_free(a->vmid);
}
