/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test shim for bad-DTB system tests (DESIGN §9). QEMU repairs or rejects
 * a bad -dtb itself, so the test loads the bad DTB and the nucleus raw with
 * -device loader and boots this shim as the ELF kernel: it enters the
 * nucleus by the Linux boot protocol with x0 pointing at that DTB.
 * Addresses are fixed by the test (test/system/test_bad_dtb.py).
 */
	.text
	.globl	_start
_start:
	ldr	x0, =SHIM_DTB_ADDR
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	ldr	x4, =SHIM_NUCLEUS_ADDR
	br	x4
	.ltorg
