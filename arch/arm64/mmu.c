// SPDX-License-Identifier: GPL-2.0
/*
 * EL2 stage-1 page tables: 48-bit identity map, 4 KiB granule. RAM is
 * normal memory, read-write and never executable; the nucleus image is
 * mapped with W^X (text RX, read-only data R, data and bss RW); devices
 * are mapped on demand as device memory. SCTLR_EL2.WXN backs it up.
 */
#include <mv/arch.h>
#include <mv/errno.h>
#include <mv/log.h>
#include <mv/memmap.h>
#include <mv/module.h>
#include <mv/mmu.h>
#include <mv/page_alloc.h>
#include <mv/spinlock.h>
#include <arm64.h>
#include <string.h>

#define PT_ENTRIES 512
#define PT_ADDR_MASK 0x0000fffffffff000UL
#define BOOT_TABLES 12

#define PROT_RAM (PTE_ATTR(MT_NORMAL) | PTE_AP_RW_EL2 | PTE_SH_INNER | \
		  PTE_AF | PTE_XN)
#define PROT_TEXT (PTE_ATTR(MT_NORMAL) | PTE_AP_RO_EL2 | PTE_SH_INNER | PTE_AF)
#define PROT_RODATA (PROT_RAM | PTE_AP_RO_EL2)
#define PROT_DEVICE (PTE_ATTR(MT_DEVICE_nGnRE) | PTE_AP_RW_EL2 | PTE_AF | \
		     PTE_XN)

extern char _start[], _etext[], _erodata[], _end[];

static u64 root_table[PT_ENTRIES] __mv_aligned(4096);
static u64 boot_tables[BOOT_TABLES][PT_ENTRIES] __mv_aligned(4096);
static unsigned int boot_tables_used;
static struct mv_spinlock map_lock = MV_SPINLOCK_INIT;
static bool mmu_final;
/* Devices used before the switch (the console), mapped into the final map. */
static struct { u64 start, end; } early_devices[4];
static unsigned int nr_early_devices;

static u64 *table_alloc(void)
{
	u64 *t;

	if (boot_tables_used < BOOT_TABLES)
		t = boot_tables[boot_tables_used++];
	else
		t = mv_page_alloc(0);
	if (t)
		memset(t, 0, 4096);
	return t;
}

static inline u64 level_size(int level)
{
	return 1UL << (12 + 9 * (3 - level));
}

static inline unsigned int level_index(u64 va, int level)
{
	return (va >> (12 + 9 * (3 - level))) & (PT_ENTRIES - 1);
}

/* Turn a block into a table of the same mapping one level down. */
static int split_block(u64 *entry, int level)
{
	u64 *t = table_alloc();
	u64 attrs = *entry & ~PT_ADDR_MASK & ~3UL;
	u64 pa = *entry & PT_ADDR_MASK & ~(level_size(level) - 1);
	u64 step = level_size(level + 1);

	if (!t)
		return -MV_ENOMEM;
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = (pa + i * step) | attrs | PTE_VALID |
		       (level + 1 == 3 ? PTE_PAGE : 0);
	mv_dsb(ishst);
	/* Break-before-make only matters once this table is live. */
	if (mmu_final) {
		*entry = 0;
		mv_dsb(ishst);
		__asm__ volatile("tlbi alle2is" : : : "memory");
		mv_dsb(ish);
	}
	*entry = (u64)t | PTE_TABLE | PTE_VALID;
	return 0;
}

static int map_range_gran(u64 va, u64 pa, u64 size, u64 prot, bool pages)
{
	while (size) {
		u64 *table = root_table;
		int level;

		for (level = 0; level < 3; level++) {
			u64 *entry = &table[level_index(va, level)];
			u64 bsize = level_size(level);

			/* 1 GiB and 2 MiB blocks where alignment allows. */
			if (level >= 1 && !pages && !(va & (bsize - 1)) &&
			    !(pa & (bsize - 1)) && size >= bsize &&
			    !(*entry & PTE_VALID)) {
				*entry = pa | prot | PTE_VALID;
				break;
			}
			if (!(*entry & PTE_VALID)) {
				u64 *t = table_alloc();

				if (!t)
					return -MV_ENOMEM;
				*entry = (u64)t | PTE_TABLE | PTE_VALID;
			} else if (!(*entry & PTE_TABLE)) {
				if (split_block(entry, level) < 0)
					return -MV_ENOMEM;
			}
			table = (u64 *)(*entry & PT_ADDR_MASK);
		}
		if (level == 3)
			table[level_index(va, 3)] = pa | prot | PTE_VALID |
						    PTE_PAGE;
		va += level_size(level);
		pa += level_size(level);
		size -= level_size(level);
	}
	return 0;
}

static int map_range(u64 va, u64 pa, u64 size, u64 prot)
{
	return map_range_gran(va, pa, size, prot, false);
}

static u64 tcr_final(void)
{
	u64 parange = mv_read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (parange > 5)
		parange = 5;
	return TCR_EL2_FINAL | (parange << 16);
}

void mv_arm64_mmu_boot_args(struct mv_arm64_boot_args *args)
{
	args->ttbr0 = (u64)root_table;
	args->tcr = tcr_final();
	args->mair = MAIR_EL2_VALUE;
	args->sctlr = SCTLR_EL2_MMU_ON | SCTLR_EL2_WXN;
}

void mv_arm64_dcache_clean(const void *addr, size_t size)
{
	u64 line = 4 << ((mv_read_sysreg(ctr_el0) >> 16) & 0xf);
	u64 p = (u64)addr & ~(line - 1);

	for (; p < (u64)addr + size; p += line)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
	mv_dsb(ish);
}

int mv_arch_mmu_init(const struct mv_memmap *map)
{
	u64 image = (u64)_start;
	int err = 0;

	for (unsigned int i = 0; i < map->nr_ram && !err; i++)
		err = map_range(map->ram[i].start, map->ram[i].start,
				MV_ALIGN_UP(map->ram[i].size, MV_PAGE_SIZE),
				PROT_RAM);
	if (!err)
		err = map_range(image, image, (u64)_etext - image, PROT_TEXT);
	if (!err)
		err = map_range((u64)_etext, (u64)_etext,
				(u64)_erodata - (u64)_etext, PROT_RODATA);
	if (!err)
		err = map_range((u64)_erodata, (u64)_erodata,
				MV_ALIGN_UP((u64)_end, MV_PAGE_SIZE) -
					(u64)_erodata, PROT_RAM);
	/* Module memory gets pages, so permissions can change per page. */
	if (!err && mv_module_arena.size)
		err = map_range_gran(mv_module_arena.start,
				     mv_module_arena.start,
				     mv_module_arena.size, PROT_RAM, true);
	for (unsigned int i = 0; i < nr_early_devices && !err; i++)
		err = map_range(early_devices[i].start, early_devices[i].start,
				early_devices[i].end - early_devices[i].start,
				PROT_DEVICE);
	if (err) {
		mv_log(MV_LOG_ERR, "mmu: out of boot page tables while mapping "
		       "RAM\n");
		return err;
	}
	mv_dsb(ishst);
	mv_arm64_mmu_switch((u64)root_table, tcr_final(),
			    SCTLR_EL2_MMU_ON | SCTLR_EL2_WXN);
	mmu_final = true;
	return 0;
}

static u64 *leaf_entry(u64 va)
{
	u64 *table = root_table;

	for (int level = 0; level < 3; level++) {
		u64 e = table[level_index(va, level)];

		if ((e & (PTE_VALID | PTE_TABLE)) != (PTE_VALID | PTE_TABLE))
			return NULL;
		table = (u64 *)(e & PT_ADDR_MASK);
	}
	return &table[level_index(va, 3)];
}

int mv_module_mem_protect(void *mem, size_t pages, enum mv_module_prot prot)
{
	static const u64 prots[] = {
		[MV_MODULE_RX] = PROT_TEXT,
		[MV_MODULE_RO] = PROT_RODATA,
		[MV_MODULE_RW] = PROT_RAM,
	};
	u64 va = (u64)mem;
	unsigned long flags;

	if (prot == MV_MODULE_RX) {
		/* New code must reach the instruction side. */
		u64 line = 4 << (mv_read_sysreg(ctr_el0) & 0xf);

		for (u64 p = va; p < va + pages * MV_PAGE_SIZE; p += line)
			__asm__ volatile("dc cvau, %0" : : "r"(p) : "memory");
		mv_dsb(ish);
		for (u64 p = va; p < va + pages * MV_PAGE_SIZE; p += line)
			__asm__ volatile("ic ivau, %0" : : "r"(p) : "memory");
		mv_dsb(ish);
	}
	flags = mv_spin_lock_irqsave(&map_lock);
	for (size_t i = 0; i < pages; i++) {
		u64 *e = leaf_entry(va + i * MV_PAGE_SIZE);

		if (!e || !(*e & PTE_VALID)) {
			mv_spin_unlock_irqrestore(&map_lock, flags);
			return -MV_EINVAL;
		}
		*e = (*e & PT_ADDR_MASK) | prots[prot] | PTE_VALID | PTE_PAGE;
	}
	/* One broadcast invalidation: each is costly, per page or not. */
	mv_dsb(ishst);
	__asm__ volatile("tlbi alle2is" : : : "memory");
	mv_dsb(ish);
	mv_isb();
	mv_spin_unlock_irqrestore(&map_lock, flags);
	return 0;
}

void *mv_ioremap(paddr_t pa, u64 size)
{
	u64 start = MV_ALIGN_DOWN(pa, MV_PAGE_SIZE);
	u64 end = MV_ALIGN_UP(pa + size, MV_PAGE_SIZE);
	unsigned long flags;
	int err = 0;

	/* Before the switch the early map covers devices; remember them. */
	if (!mmu_final) {
		if (nr_early_devices == MV_ARRAY_SIZE(early_devices))
			return NULL;
		early_devices[nr_early_devices].start = start;
		early_devices[nr_early_devices++].end = end;
		return (void *)(uintptr_t)pa;
	}
	flags = mv_spin_lock_irqsave(&map_lock);
	for (u64 va = start; va < end && !err; va += MV_PAGE_SIZE) {
		u64 *table = root_table;
		int level;
		bool mapped = false;

		for (level = 0; level < 3; level++) {
			u64 e = table[level_index(va, level)];

			if (!(e & PTE_VALID))
				break;
			if (!(e & PTE_TABLE)) {
				mapped = true;
				break;
			}
			table = (u64 *)(e & PT_ADDR_MASK);
		}
		if (level == 3 && (table[level_index(va, 3)] & PTE_VALID))
			mapped = true;
		if (!mapped)
			err = map_range(va, va, MV_PAGE_SIZE, PROT_DEVICE);
	}
	mv_dsb(ishst);
	mv_isb();
	mv_spin_unlock_irqrestore(&map_lock, flags);
	if (err) {
		mv_log(MV_LOG_ERR, "mmu: no memory to map device %lx+%lx\n",
		       (unsigned long)pa, (unsigned long)size);
		return NULL;
	}
	return (void *)(uintptr_t)pa;
}
