/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EL2 exception vectors. IRQs taken at EL2 go to the nucleus interrupt
 * path; anything from a guest (lower EL, AArch64 or AArch32 EL0) leaves
 * the guest through guest_entry.S; any other exception at EL2 saves the
 * full frame and reports it.
 */
#include "asm_defs.h"

.macro save_frame
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	add	x0, sp, #REGS_SIZE
	stp	x30, x0, [sp, #16 * 15]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #16 * 16]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #16 * 17]
.endm

.macro restore_frame_eret
	ldp	x0, x1, [sp, #16 * 16]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #REGS_SIZE
	eret
.endm

.macro ventry target
	.balign	128
	b	\target
.endm

.macro guest_exit kind
	.balign	128
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	mv_arm64_guest_exit
.endm

.macro unexpected kind
unexpected_\kind:
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	unexpected_common
.endm

	.text
	.balign	2048
	.globl	mv_arm64_vectors
mv_arm64_vectors:
	ventry	unexpected_0		/* current EL, SP_EL0: sync */
	ventry	unexpected_1		/* irq */
	ventry	unexpected_2		/* fiq */
	ventry	unexpected_3		/* serror */
	ventry	unexpected_4		/* current EL, SP_EL2: sync */
	ventry	el2_irq
	ventry	unexpected_6
	ventry	unexpected_7
	guest_exit GUEST_EXIT_SYNC	/* lower EL, AArch64 */
	guest_exit GUEST_EXIT_IRQ
	guest_exit GUEST_EXIT_FIQ
	guest_exit GUEST_EXIT_SERROR
	guest_exit GUEST_EXIT_SYNC	/* lower EL, AArch32 */
	guest_exit GUEST_EXIT_IRQ
	guest_exit GUEST_EXIT_FIQ
	guest_exit GUEST_EXIT_SERROR

el2_irq:
	save_frame
	mov	x0, sp
	bl	mv_arm64_handle_irq
	restore_frame_eret

/*
 * Fatal, one frame for all kinds: the frame gets the x0/x1 and SP of the
 * exception, not those of the stub that pushed them.
 */
unexpected_common:
	save_frame
	ldr	x19, [sp, #8]			/* the kind */
	ldp	x0, x1, [sp, #REGS_SIZE]
	stp	x0, x1, [sp]
	ldr	x0, [sp, #16 * 15 + 8]
	add	x0, x0, #16
	str	x0, [sp, #16 * 15 + 8]
	mov	x0, sp
	mov	x1, x19
	bl	mv_arm64_unexpected_exception
	b	.

	unexpected 0
	unexpected 1
	unexpected 2
	unexpected 3
	unexpected 4
	unexpected 6
	unexpected 7
