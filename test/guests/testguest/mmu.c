// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-1 identity map, built with the MMU off (aligned stores only).
 *
 * Debian's libfdt does unaligned loads, which fault on the Device memory
 * that every data access is while the MMU is off, so the guest maps
 * itself before it reads the DT. 4 KiB granule, 40-bit VA from level 0:
 * 1 GiB Device-nGnRE blocks everywhere below the CPU's PA limit, except
 * the gigabytes holding the image and the DTB, which are split into 2 MiB
 * blocks: Normal write-back for the image and DTB, Device for the rest.
 * The rest of guest RAM stays Device: nothing but the reset-count word
 * (aligned 32-bit accesses) lives there, and Normal memory could be
 * fetched speculatively from holes in RAM.
 */
#include "tg.h"

#define VA_BITS		40
#define PTE_VALID	(1UL << 0)
#define PTE_TABLE	(1UL << 1)
#define PTE_ATTR(i)	((u64)(i) << 2)
#define PTE_SH_INNER	(3UL << 8)
#define PTE_AF		(1UL << 10)
#define PTE_PXN		(1UL << 53)
#define PTE_UXN		(1UL << 54)

#define ATTR_DEVICE	0	/* MAIR attr0: Device-nGnRE */
#define ATTR_NORMAL	1	/* MAIR attr1: Normal WB RW-allocate */
#define MAIR_VALUE	((0x04UL << 0) | (0xffUL << 8))

#define BLOCK_DEVICE	(PTE_VALID | PTE_ATTR(ATTR_DEVICE) | PTE_AF | \
			 PTE_PXN | PTE_UXN)
#define BLOCK_NORMAL	(PTE_VALID | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | \
			 PTE_AF | PTE_UXN)

#define SZ_2M		(1UL << 21)
#define SZ_1G		(1UL << 30)

static u64 l0[512] __attribute__((aligned(4096)));
static u64 l1[2][512] __attribute__((aligned(4096)));
static u64 l2[2][512] __attribute__((aligned(4096)));
static u64 l2_gb[2] = { ~0UL, ~0UL };

u64 boot_ttbr0, boot_tcr, boot_mair;
u64 pa_limit;

static u32 be32_at(u64 addr)
{
	return __builtin_bswap32(*(volatile u32 *)addr);
}

static u64 *l2_for(u64 gb)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (l2_gb[i] == gb)
			return l2[i];
		if (l2_gb[i] == ~0UL) {
			u64 j;

			l2_gb[i] = gb;
			for (j = 0; j < 512; j++)
				l2[i][j] = (gb * SZ_1G + j * SZ_2M) |
					   BLOCK_DEVICE;
			l1[gb / 512][gb % 512] = (u64)l2[i] | PTE_VALID |
						 PTE_TABLE;
			return l2[i];
		}
	}
	return NULL;
}

static int map_normal(u64 start, u64 end)
{
	u64 a;

	for (a = start & ~(SZ_2M - 1); a < end; a += SZ_2M) {
		u64 *t = l2_for(a / SZ_1G);

		if (!t || a >= pa_limit)
			return -1;
		t[(a / SZ_2M) % 512] = a | BLOCK_NORMAL;
	}
	return 0;
}

static const u8 parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

int mmu_build(u64 dtb)
{
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 0xf, ips, gb;
	u32 size;

	if (parange > 6)
		parange = 6;
	ips = parange > 2 ? 2 : parange;	/* at most 40 bits */
	pa_limit = 1UL << parange_bits[ips];

	if (!dtb || (dtb & 7) || dtb >= pa_limit)
		return -1;
	if (be32_at(dtb) != 0xd00dfeed)
		return -1;
	size = be32_at(dtb + 4);
	if (size < 40 || size > (64U << 20))
		return -1;

	for (gb = 0; gb < 1024; gb++)
		l1[gb / 512][gb % 512] = gb * SZ_1G < pa_limit ?
					 (gb * SZ_1G) | BLOCK_DEVICE : 0;
	l0[0] = (u64)l1[0] | PTE_VALID | PTE_TABLE;
	l0[1] = (u64)l1[1] | PTE_VALID | PTE_TABLE;

	if (map_normal((u64)_text, (u64)_end) ||
	    map_normal(dtb, dtb + size))
		return -1;

	boot_mair = MAIR_VALUE;
	boot_tcr = (64 - VA_BITS) |	/* T0SZ */
		   (1UL << 8) |		/* IRGN0 WBWA */
		   (1UL << 10) |	/* ORGN0 WBWA */
		   (3UL << 12) |	/* SH0 inner */
		   (0UL << 14) |	/* TG0 4K */
		   (1UL << 23) |	/* EPD1 */
		   (ips << 32);
	boot_ttbr0 = (u64)l0;
	return 0;
}

void clean_dcache_range(void *start, size_t len)
{
	u64 line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	u64 a = (u64)start & ~(line - 1), end = (u64)start + len;

	for (; a < end; a += line)
		asm volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb(sy);
}
