/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a guest. mv_arm64_guest_loop(v) saves the host's callee-saved
 * registers and v on the EL2 stack once, loads the guest's registers and
 * erets. An exception from the guest lands in the lower-EL vectors
 * (vectors.S), which branch to mv_arm64_guest_exit with the kind, and
 * mv_arm64_handle_exit(v, kind) decides in C. If it returns -1 the guest
 * continues at once; any other value leaves the loop and is returned.
 *
 * To keep a trap short only what C may clobber is saved on the way out:
 * x0-x18, x30, PC and PSTATE. The guest's x19-x29 stay in the CPU (C
 * preserves them) unless the handler asks for them (-2: it needs one as
 * an operand), or the loop is left; GUEST_FULL then says that
 * v->arch.regs holds them and they are loaded from there on the way in.
 * Everything else of the guest (EL1 system registers, FP, timer, vGIC)
 * stays in the CPU throughout.
 */
#include "asm_defs.h"

#define GUEST_PC (31 * 8)
#define GUEST_FULL (33 * 8)
#define HOST_FRAME 112			/* x19-x30, v, the exit kind */
#define HOST_VCPU 96
#define HOST_KIND 104
#define RESUME (-1)
#define NEED_REGS (-2)

.macro save_callee_saved_guest_regs
	stp	x19, x20, [x0, #16 * 9 + 8]
	stp	x21, x22, [x0, #16 * 10 + 8]
	stp	x23, x24, [x0, #16 * 11 + 8]
	stp	x25, x26, [x0, #16 * 12 + 8]
	stp	x27, x28, [x0, #16 * 13 + 8]
	str	x29, [x0, #16 * 14 + 8]
	mov	x1, #1
	str	x1, [x0, #GUEST_FULL]
.endm

/* Into the guest: x0 = v (its registers are v's first member). */
.macro enter_guest
	ldr	x1, [x0, #GUEST_FULL]
	cbz	x1, .Lloaded\@
	ldp	x19, x20, [x0, #16 * 9 + 8]
	ldp	x21, x22, [x0, #16 * 10 + 8]
	ldp	x23, x24, [x0, #16 * 11 + 8]
	ldp	x25, x26, [x0, #16 * 12 + 8]
	ldp	x27, x28, [x0, #16 * 13 + 8]
	ldr	x29, [x0, #16 * 14 + 8]
	str	xzr, [x0, #GUEST_FULL]
.Lloaded\@:	ldp	x1, x2, [x0, #GUEST_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldr	x18, [x0, #16 * 9]
	ldr	x30, [x0, #16 * 15]
	ldp	x0, x1, [x0]
	eret
.endm

	.text
	.globl	mv_arm64_guest_loop
mv_arm64_guest_loop:			/* x0 = struct mv_vcpu * */
	stp	x29, x30, [sp, #-HOST_FRAME]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x0, [sp, #HOST_VCPU]
	enter_guest

/* From the vectors, with the guest's x0 and x1 pushed and x1 = kind. */
	.globl	mv_arm64_guest_exit
mv_arm64_guest_exit:
	ldr	x0, [sp, #16 + HOST_VCPU]
	str	x1, [sp, #16 + HOST_KIND]
	stp	x2, x3, [x0, #16 * 1]
	stp	x4, x5, [x0, #16 * 2]
	stp	x6, x7, [x0, #16 * 3]
	stp	x8, x9, [x0, #16 * 4]
	stp	x10, x11, [x0, #16 * 5]
	stp	x12, x13, [x0, #16 * 6]
	stp	x14, x15, [x0, #16 * 7]
	stp	x16, x17, [x0, #16 * 8]
	str	x18, [x0, #16 * 9]
	str	x30, [x0, #16 * 15]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GUEST_PC]
2:	bl	mv_arm64_handle_exit		/* x0 = v, x1 = kind */
	cmn	x0, #-RESUME
	b.ne	3f
	ldr	x0, [sp, #HOST_VCPU]
	enter_guest

3:	mov	x2, x0
	ldr	x0, [sp, #HOST_VCPU]
	ldr	x1, [x0, #GUEST_FULL]
	cbnz	x1, 4f
	save_callee_saved_guest_regs
4:	cmn	x2, #-NEED_REGS
	ldr	x1, [sp, #HOST_KIND]
	b.eq	2b
	mov	x0, x2
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #HOST_FRAME
	ret

/* FP/SIMD state of a vCPU (struct mv_arm64_fp). */
	.globl	mv_arm64_fp_save
mv_arm64_fp_save:
	stp	q0, q1, [x0, #32 * 0]
	stp	q2, q3, [x0, #32 * 1]
	stp	q4, q5, [x0, #32 * 2]
	stp	q6, q7, [x0, #32 * 3]
	stp	q8, q9, [x0, #32 * 4]
	stp	q10, q11, [x0, #32 * 5]
	stp	q12, q13, [x0, #32 * 6]
	stp	q14, q15, [x0, #32 * 7]
	stp	q16, q17, [x0, #32 * 8]
	stp	q18, q19, [x0, #32 * 9]
	stp	q20, q21, [x0, #32 * 10]
	stp	q22, q23, [x0, #32 * 11]
	stp	q24, q25, [x0, #32 * 12]
	stp	q26, q27, [x0, #32 * 13]
	stp	q28, q29, [x0, #32 * 14]
	stp	q30, q31, [x0, #32 * 15]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #512
	stp	x1, x2, [x0]
	ret

	.globl	mv_arm64_fp_restore
mv_arm64_fp_restore:
	ldp	q0, q1, [x0, #32 * 0]
	ldp	q2, q3, [x0, #32 * 1]
	ldp	q4, q5, [x0, #32 * 2]
	ldp	q6, q7, [x0, #32 * 3]
	ldp	q8, q9, [x0, #32 * 4]
	ldp	q10, q11, [x0, #32 * 5]
	ldp	q12, q13, [x0, #32 * 6]
	ldp	q14, q15, [x0, #32 * 7]
	ldp	q16, q17, [x0, #32 * 8]
	ldp	q18, q19, [x0, #32 * 9]
	ldp	q20, q21, [x0, #32 * 10]
	ldp	q22, q23, [x0, #32 * 11]
	ldp	q24, q25, [x0, #32 * 12]
	ldp	q26, q27, [x0, #32 * 13]
	ldp	q28, q29, [x0, #32 * 14]
	ldp	q30, q31, [x0, #32 * 15]
	add	x0, x0, #512
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
