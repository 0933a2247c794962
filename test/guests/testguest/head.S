/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test guest entry: the arm64 Image header, the boot and secondary entry
 * points, the EL1 vector table, setjmp/longjmp and the timed loops of the
 * bench test.
 *
 * Boot protocol: x0 = guest DTB, MMU and caches off, EL1h (EL2 is dropped
 * to EL1 when the guest runs natively with virtualization=on).
 */

#define TG_STACK_SIZE	16384
#define TG_MAX_CPUS	8

/* SCTLR_EL1: RES1 bits of ARMv8.0 plus M, C, SA, SA0, I. */
#define SCTLR_EL1_VAL	(0x30d00800 | (1 << 0) | (1 << 2) | (1 << 3) | \
			 (1 << 4) | (1 << 12))
#define SCTLR_EL1_OFF	0x30d00800
#define CPACR_FPEN	(3 << 20)
#define FRAME_SIZE	(34 * 8)

	.section .head.text, "ax"
	.globl	_start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x80000				/* text_offset */
	.quad	__image_size			/* image_size */
	.quad	0xa				/* LE, 4K pages, anywhere */
	.quad	0				/* res2 */
	.quad	0				/* res3 */
	.quad	0				/* res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

	.text
primary_entry:
	msr	daifset, #0xf
	mov	x19, x0				/* DTB */

	/* Running where linked? */
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.eq	1f
	adr	x0, msg_wrong_addr
	b	early_die
1:
	mrs	x1, CurrentEL
	lsr	x1, x1, #2
	cmp	x1, #2
	b.ne	2f
	bl	drop_el2
2:
	cmp	x1, #1
	b.eq	3f
	adr	x0, msg_wrong_el
	b	early_die
3:
	/* Zero the bss (stacks, page tables), no cache involved yet. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
4:	cmp	x1, x2
	b.hs	5f
	stp	xzr, xzr, [x1], #16
	b	4b
5:	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
	bl	inval_dcache_range

	ldr	x1, =tg_stacks + TG_STACK_SIZE
	mov	sp, x1
	mov	x0, #CPACR_FPEN			/* libfdt uses SIMD registers */
	msr	cpacr_el1, x0
	isb

	mov	x0, x19
	bl	mmu_build
	cbz	x0, 6f
	adr	x0, msg_no_dtb
	b	early_die
6:
	bl	enable_mmu
	mov	x0, #0
	bl	cpu_setup
	mov	x0, x19
	bl	tg_main
	b	tg_halt

/*
 * Secondary CPUs enter here from PSCI CPU_ON with x0 = context id = the
 * guest's index of the CPU.
 */
	.globl	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mrs	x1, CurrentEL
	lsr	x1, x1, #2
	cmp	x1, #2
	b.ne	1f
	bl	drop_el2
1:
	cmp	x19, #TG_MAX_CPUS		/* 1 .. TG_MAX_CPUS - 1 */
	ccmp	x19, #0, #4, lo
	b.ne	2f
	adr	x0, msg_bad_ctx
	b	early_die
2:
	ldr	x1, =tg_stacks + TG_STACK_SIZE
	mov	x2, #TG_STACK_SIZE
	madd	x1, x19, x2, x1
	mov	sp, x1
	mov	x0, #CPACR_FPEN
	msr	cpacr_el1, x0
	isb
	bl	enable_mmu
	mov	x0, x19
	bl	cpu_setup
	mov	x0, x19
	bl	secondary_main
	b	tg_halt

/*
 * A CPU_SUSPEND with a standby power state must return in place; if the
 * PSCI implementation treats it as a power-down it resumes here.
 */
	.globl	suspend_resume_trap
suspend_resume_trap:
	msr	daifset, #0xf
	adr	x0, msg_resumed
	b	early_die

/* The tables were built by mmu_build; boot_* hold the register values. */
enable_mmu:
	ldr	x1, =boot_mair
	ldr	x1, [x1]
	msr	mair_el1, x1
	ldr	x1, =boot_tcr
	ldr	x1, [x1]
	msr	tcr_el1, x1
	ldr	x1, =boot_ttbr0
	ldr	x1, [x1]
	msr	ttbr0_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x1, =SCTLR_EL1_VAL
	msr	sctlr_el1, x1
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

/* Invalidate [x0, x1) from the data cache to PoC (MMU off). */
inval_dcache_range:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x2, #4
	lsl	x2, x2, x3			/* line size */
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	cmp	x0, x1
	b.hs	2f
	dc	ivac, x0
	add	x0, x0, x2
	b	1b
2:	dsb	sy
	ret

/*
 * Run natively at EL2 (QEMU virtualization=on): drop to EL1h with no
 * traps, the EL1 timers and the GIC system registers usable, HVC
 * UNDEFINED (there is no EL2 software to answer it). x1 = 1 after.
 */
drop_el2:
	mov	x1, #(1 << 31)			/* HCR_EL2.RW */
	orr	x1, x1, #(1 << 29)		/* HCD: HVC is UNDEFINED */
	msr	hcr_el2, x1
	mov	x1, #3				/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #24, #4			/* GIC system registers? */
	cbz	x1, 1f
	mrs	x1, s3_4_c12_c9_5		/* ICC_SRE_EL2 */
	orr	x1, x1, #0xf			/* Enable | DIB | DFB | SRE */
	msr	s3_4_c12_c9_5, x1
	isb
1:	mov	x1, #0x33ff
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	ldr	x1, =SCTLR_EL1_OFF
	msr	sctlr_el1, x1
	mrs	x1, midr_el1
	msr	vpidr_el2, x1
	mrs	x1, mpidr_el1
	msr	vmpidr_el2, x1
	mov	x1, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x1
	msr	elr_el2, x30
	mov	x1, #1
	eret

/*
 * x0 = message; print it on the console UART, stop. The MMU may be off
 * and the image may sit elsewhere than linked: tg_uart_base is reached
 * PC-relative and holds the fallback UART until the DT has been read
 * (console_init cleans it to the point of coherency).
 */
early_die:
	adrp	x1, tg_uart_base
	ldr	x1, [x1, :lo12:tg_uart_base]
1:	ldrb	w2, [x0], #1
	cbz	w2, tg_halt
2:	ldr	w3, [x1, #0x18]
	tbnz	w3, #5, 2b
	str	w2, [x1]
	b	1b

	.globl	tg_halt
tg_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b

	.ltorg

msg_wrong_addr:
	.asciz	"tg: FATAL: not loaded at the link address 0x40080000\r\n"
msg_wrong_el:
	.asciz	"tg: FATAL: not entered at EL1\r\n"
msg_no_dtb:
	.asciz	"tg: FATAL: no valid DTB in x0\r\n"
msg_bad_ctx:
	.asciz	"tg: FATAL: secondary entered with a bad context id\r\n"
msg_resumed:
	.asciz	"tg: FATAL: CPU_SUSPEND standby resumed at the entry point\r\n"
	.align	2

/* ---------------------------------------------------------------------- */
/* Exception vectors: frame = x0..x30, elr, spsr, pad (34 * 8 bytes). */

	.macro	save_frame
	sub	sp, sp, #FRAME_SIZE
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
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #16 * 15]
	str	x1, [sp, #16 * 16]
	.endm

	.macro	restore_frame
	ldp	x30, x0, [sp, #16 * 15]
	ldr	x1, [sp, #16 * 16]
	msr	elr_el1, x0
	msr	spsr_el1, x1
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
	add	sp, sp, #FRAME_SIZE
	.endm

	.macro	ventry kind
	.align	7
	save_frame
	mov	x0, sp
	mov	x1, #\kind
	b	exc_common
	.endm

	.align	11
	.globl	vectors
vectors:
	ventry	4	/* current EL, SP0: sync */
	ventry	4	/* irq */
	ventry	4	/* fiq */
	ventry	4	/* serror */
	ventry	0	/* current EL, SPx: sync */
	ventry	1	/* irq */
	ventry	2	/* fiq */
	ventry	3	/* serror */
	ventry	5	/* lower EL, AArch64 */
	ventry	5
	ventry	5
	ventry	5
	ventry	5	/* lower EL, AArch32 */
	ventry	5
	ventry	5
	ventry	5

exc_common:
	bl	exc_handler
	restore_frame
	eret

/* ---------------------------------------------------------------------- */

	.globl	tg_setjmp
tg_setjmp:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x1, sp
	str	x1, [x0, #96]
	mov	x0, #0
	ret

	.globl	tg_longjmp
tg_longjmp:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x2, [x0, #96]
	mov	sp, x2
	cmp	w1, #0
	csinc	w0, w1, wzr, ne
	ret

/* ---------------------------------------------------------------------- */
/*
 * Timed loops of the bench test: x0 = iterations; returns the CNTVCT
 * delta. Every loop has the same shape; only the middle instruction
 * differs. x19/x20 hold state across calls that may clobber x0-x17.
 */
	.macro	bench_loop name, insn
	.globl	\name
\name:
	stp	x19, x20, [sp, #-16]!
	mov	x19, x0
	isb
	mrs	x20, cntvct_el0
	isb
1:	mov	w0, #0x84000000
	\insn
	subs	x19, x19, #1
	b.ne	1b
	isb
	mrs	x0, cntvct_el0
	isb
	sub	x0, x0, x20
	ldp	x19, x20, [sp], #16
	ret
	.endm

	bench_loop bench_empty, nop
	bench_loop bench_hvc, "hvc #0"
	bench_loop bench_smc, "smc #0"
	bench_loop bench_sysreg, "mrs x2, actlr_el1"

	/* x0 = iterations, x1 = address of a 32-bit register */
	.globl	bench_mmio
bench_mmio:
	stp	x19, x20, [sp, #-16]!
	mov	x19, x0
	isb
	mrs	x20, cntvct_el0
	isb
1:	mov	w0, #0x84000000
	ldr	w2, [x1]
	subs	x19, x19, #1
	b.ne	1b
	isb
	mrs	x0, cntvct_el0
	isb
	sub	x0, x0, x20
	ldp	x19, x20, [sp], #16
	ret

/* ---------------------------------------------------------------------- */

	.bss
	.align	12
	.globl	tg_stacks
tg_stacks:
	.space	TG_STACK_SIZE * TG_MAX_CPUS
