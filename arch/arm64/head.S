/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 entry. The boot loader enters at EL2 with the MMU off, x0 = DTB,
 * anywhere in RAM (Linux arm64 boot protocol). Before any C runs we build
 * a coarse identity map (1 GiB blocks: the blocks holding the image and the
 * DTB as normal memory, every other block as device memory) so that C code
 * and libfdt run with caches on and may make unaligned accesses, then apply
 * our own R_AARCH64_RELATIVE relocations, clear .bss and call C.
 */
#include "asm_defs.h"

	.section .head.text, "ax"
	.globl	_start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	/* text_offset, image_size, flags, magic follow: nucleus.lds */

	.section .text.boot, "ax"
primary_entry:
	msr	daifset, #0xf
	msr	spsel, #1			/* run on SP_EL2 */
	mov	x19, x0				/* DTB */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_el2

	/* Early L1 table: 512 x 1 GiB, 39-bit identity map. */
	adrp	x20, early_l1
	add	x20, x20, :lo12:early_l1
	ldr	x2, =EARLY_DEVICE_BLOCK
	mov	x3, #0
1:	orr	x4, x2, x3, lsl #30
	str	x4, [x20, x3, lsl #3]
	add	x3, x3, #1
	cmp	x3, #512
	b.lo	1b
	ldr	x2, =EARLY_NORMAL_BLOCK
	adr	x1, _start
	bl	early_map_normal
	mov	x1, x19
	bl	early_map_normal

	mov	x0, x20
	ldr	x1, =TCR_EL2_EARLY
	bl	mmu_enable

	/* Relocate: link base is 0, so the load address is the delta. */
	adr	x0, _start
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
2:	cmp	x1, x2
	b.hs	3f
	ldp	x3, x4, [x1], #16		/* r_offset, r_info */
	ldr	x5, [x1], #8			/* r_addend */
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	not_el2				/* the build refuses others */
	add	x5, x5, x0
	str	x5, [x3, x0]
	b	2b
3:
	/* Clear .bss (page aligned, whole pages). */
	adrp	x1, _bss
	add	x1, x1, :lo12:_bss
	adrp	x2, _ebss
	add	x2, x2, :lo12:_ebss
4:	cmp	x1, x2
	b.hs	5f
	stp	xzr, xzr, [x1], #16
	b	4b
5:
	adrp	x1, boot_stack_top
	add	x1, x1, :lo12:boot_stack_top
	mov	sp, x1
	adrp	x1, mv_arm64_vectors
	add	x1, x1, :lo12:mv_arm64_vectors
	msr	vbar_el2, x1
	isb
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	bl	mv_arm64_primary_main
	b	not_el2

/* x1 = address, x2 = descriptor template: make its 1 GiB block normal. */
early_map_normal:
	lsr	x3, x1, #30
	cmp	x3, #512
	b.hs	6f
	orr	x4, x2, x3, lsl #30
	str	x4, [x20, x3, lsl #3]
6:	ret

/* x0 = TTBR0_EL2, x1 = TCR_EL2 (PS filled in here). Clobbers x2-x4. */
mmu_enable:
	mrs	x2, id_aa64mmfr0_el1
	and	x2, x2, #0xf			/* PARange */
	cmp	x2, #5
	mov	x3, #5
	csel	x2, x2, x3, ls			/* cap at 48 bits */
	bfi	x1, x2, #16, #3
	ldr	x2, =MAIR_EL2_VALUE
	msr	mair_el2, x2
	msr	tcr_el2, x1
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	ic	iallu
	dsb	ish
	isb
	ldr	x2, =SCTLR_EL2_MMU_ON
	msr	sctlr_el2, x2
	isb
	ret

/*
 * Secondary CPUs enter here from PSCI CPU_ON with the MMU off and
 * x0 = struct mv_arm64_boot_args (identity mapped, cleaned to memory).
 */
	.globl	mv_arm64_secondary_entry
mv_arm64_secondary_entry:
	msr	daifset, #0xf
	msr	spsel, #1			/* PSCI may enter in EL2t */
	mov	x19, x0
	ldr	x2, [x19, #BOOT_ARGS_MAIR]
	msr	mair_el2, x2
	ldr	x2, [x19, #BOOT_ARGS_TCR]
	msr	tcr_el2, x2
	ldr	x2, [x19, #BOOT_ARGS_TTBR0]
	msr	ttbr0_el2, x2
	isb
	tlbi	alle2
	dsb	ish
	ic	iallu
	dsb	ish
	isb
	ldr	x2, [x19, #BOOT_ARGS_SCTLR]
	msr	sctlr_el2, x2
	isb
	ldr	x2, [x19, #BOOT_ARGS_STACK]
	mov	sp, x2
	adrp	x1, mv_arm64_vectors
	add	x1, x1, :lo12:mv_arm64_vectors
	msr	vbar_el2, x1
	isb
	mov	x29, xzr
	mov	x30, xzr
	ldr	x0, [x19, #BOOT_ARGS_CPU]
	bl	mv_arm64_secondary_main
	b	not_el2

/* Nothing to print with: park the CPU. */
not_el2:
	wfe
	b	not_el2

	.ltorg

	.section .bss.early, "aw", %nobits
	.balign	4096
early_l1:
	.space	4096
	.balign	16
boot_stack:
	.space	BOOT_STACK_SIZE
boot_stack_top:

/*
 * Switch to the final tables: x0 = TTBR0_EL2, x1 = TCR_EL2, x2 = SCTLR_EL2.
 * The MMU is off for a few instructions: the code runs identity mapped in
 * both maps and touches no memory meanwhile.
 */
	.text
	.globl	mv_arm64_mmu_switch
mv_arm64_mmu_switch:
	mrs	x3, sctlr_el2
	bic	x3, x3, #1
	msr	sctlr_el2, x3
	isb
	msr	tcr_el2, x1
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	ic	iallu
	dsb	ish
	isb
	msr	sctlr_el2, x2
	isb
	ret
