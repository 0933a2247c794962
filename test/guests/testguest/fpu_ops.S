/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fpu test's register work, in assembly so that no compiled code
 * runs between filling the SIMD registers and checking them (the C files
 * are built with -mgeneral-regs-only as well, so calls in between leave
 * v0-v31 alone too).
 *
 * The pattern: x3 = seed, then for v0, v1, ... v31 the next two values of
 * the 64-bit LCG x3 = x3 * A + C are the register's low and high halves.
 * fpu.c computes the same sequence to name what it expected.
 */

#define LCG_A	0x5851f42d4c957f2d
#define LCG_C	0x14057b7ef767814f

	.macro	lcg_init
	mov	x3, x0
	ldr	x5, =LCG_A
	ldr	x6, =LCG_C
	.endm

	.macro	lcg
	madd	x3, x3, x5, x6
	.endm

	.text

/* void fpu_fill(u64 seed, u64 fpcr, u64 fpsr) */
	.globl	fpu_fill
fpu_fill:
	msr	fpcr, x1
	msr	fpsr, x2
	isb
	lcg_init
	.irp	i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	lcg
	fmov	d\i, x3			/* low half; the high half is zeroed */
	lcg
	mov	v\i\().d[1], x3
	.endr
	ret

/*
 * int fpu_check(u64 seed, u64 fpcr, u64 fpsr): -1 if every register holds
 * its pattern, else the first that does not: 0-31 for v0-v31, 32 for
 * FPCR, 33 for FPSR. Reads the registers only.
 */
	.globl	fpu_check
fpu_check:
	lcg_init
	.irp	i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	lcg
	fmov	x4, d\i
	eor	x4, x4, x3
	lcg
	mov	x7, v\i\().d[1]
	eor	x7, x7, x3
	orr	x4, x4, x7
	mov	x0, #\i
	cbnz	x4, 1f
	.endr
	mrs	x4, fpcr
	mov	x0, #32
	cmp	x4, x1
	b.ne	1f
	mrs	x4, fpsr
	mov	x0, #33
	cmp	x4, x2
	b.ne	1f
	mov	x0, #-1
1:	ret

/* void fpu_dump(u64 regs[66]): q0..q31 (low, high), FPCR, FPSR */
	.globl	fpu_dump
fpu_dump:
	stp	q0, q1, [x0], #32
	stp	q2, q3, [x0], #32
	stp	q4, q5, [x0], #32
	stp	q6, q7, [x0], #32
	stp	q8, q9, [x0], #32
	stp	q10, q11, [x0], #32
	stp	q12, q13, [x0], #32
	stp	q14, q15, [x0], #32
	stp	q16, q17, [x0], #32
	stp	q18, q19, [x0], #32
	stp	q20, q21, [x0], #32
	stp	q22, q23, [x0], #32
	stp	q24, q25, [x0], #32
	stp	q26, q27, [x0], #32
	stp	q28, q29, [x0], #32
	stp	q30, q31, [x0], #32
	mrs	x1, fpcr
	mrs	x2, fpsr
	stp	x1, x2, [x0]
	ret

	.ltorg
