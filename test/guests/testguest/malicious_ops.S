/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The malicious test's system-register operations: each entry of
 * malops_table is a function of one instruction (using x0, the random
 * argument) and ret. Most UNDEF at EL1 or trap to the hypervisor; none
 * touches what the guest itself needs (SCTLR, VBAR, TCR/TTBR/MAIR,
 * TPIDR_EL1, DAIF/SPSel, the vtimer, ICC_PMR/CTLR/IGRPEN/IAR/EOIR/SRE).
 * The sync handler skips whatever faults.
 */

	.macro	op insn:vararg
	.pushsection .text.malops, "ax"
	.align	3
malop_\@:
	\insn
	ret
	.popsection
	.pushsection .rodata.malops, "a"
	.quad	malop_\@
	.popsection
	.endm

	/* read and write the same register */
	.macro	rw reg
	op	mrs x0, \reg
	op	msr \reg, x0
	.endm

	.pushsection .rodata.malops, "a"
	.align	3
	.globl	malops_table
malops_table:
	.popsection

	/* EL2 and EL3 registers: UNDEFINED at EL1 */
	rw	hcr_el2
	rw	vbar_el2
	rw	sctlr_el2
	rw	vttbr_el2
	rw	vtcr_el2
	rw	cnthctl_el2
	rw	cntvoff_el2
	rw	cnthp_ctl_el2
	rw	elr_el2
	rw	spsr_el2
	rw	esr_el2
	rw	tpidr_el2
	rw	mdcr_el2
	rw	cptr_el2
	rw	hstr_el2
	rw	vpidr_el2
	rw	vmpidr_el2
	rw	s3_4_c12_c11_0		/* ICH_HCR_EL2 */
	op	mrs x0, s3_4_c12_c11_1	/* ICH_VTR_EL2 */
	rw	s3_4_c12_c12_0		/* ICH_LR0_EL2 */
	rw	s3_4_c12_c9_5		/* ICC_SRE_EL2 */
	rw	scr_el3
	rw	sctlr_el3
	rw	vbar_el3
	rw	mdcr_el3
	rw	cptr_el3
	rw	elr_el3
	rw	s3_6_c12_c12_5		/* ICC_SRE_EL3 */
	op	at s12e1r, x0
	op	tlbi alle2
	op	tlbi ipas2e1is, x0

	/* IMPLEMENTATION DEFINED encodings (HCR_EL2.TIDCP) */
	rw	s3_0_c15_c0_0
	rw	s3_1_c15_c0_0
	rw	s3_1_c15_c2_0		/* CPUACTLR_EL1 on A57 */
	rw	s3_1_c15_c2_1		/* CPUECTLR_EL1 */
	rw	s3_1_c15_c2_2
	rw	s3_1_c15_c3_0		/* CBAR_EL1 */
	rw	s3_1_c11_c0_2		/* L2CTLR_EL1 */
	rw	s3_1_c11_c0_3		/* L2ECTLR_EL1 */
	rw	s3_2_c15_c1_7
	rw	s3_3_c15_c15_7
	rw	s3_4_c15_c0_0
	rw	s3_5_c15_c3_2
	rw	s3_6_c15_c15_6
	rw	s3_7_c15_c1_0
	rw	s3_0_c11_c0_0
	op	sys #0, c15, c0, #0, x0
	op	sys #3, c11, c1, #2, x0

	/* Debug registers (MDCR_EL2.TDA/TDOSA/TDRA); PSTATE.D stays set */
	rw	mdscr_el1
	rw	dbgbvr0_el1
	rw	dbgbcr0_el1
	rw	dbgbvr5_el1
	rw	dbgbcr15_el1
	rw	dbgwvr0_el1
	rw	dbgwcr0_el1
	rw	dbgwcr15_el1
	op	msr oslar_el1, x0
	op	mrs x0, oslsr_el1
	rw	osdlr_el1
	rw	dbgprcr_el1
	rw	mdccint_el1
	op	mrs x0, mdccsr_el0
	rw	dbgdtr_el0
	op	msr dbgdtrtx_el0, x0
	op	mrs x0, dbgdtrrx_el0
	rw	dbgclaimset_el1
	rw	dbgclaimclr_el1
	op	mrs x0, dbgauthstatus_el1
	op	mrs x0, mdrar_el1
	rw	oseccr_el1

	/* PMU (MDCR_EL2.TPM/TPMCR) */
	rw	pmcr_el0
	rw	pmcntenset_el0
	rw	pmcntenclr_el0
	rw	pmovsclr_el0
	rw	pmovsset_el0
	op	msr pmswinc_el0, x0
	rw	pmselr_el0
	rw	pmccntr_el0
	rw	pmxevtyper_el0
	rw	pmxevcntr_el0
	rw	pmuserenr_el0
	rw	pmintenset_el1
	rw	pmintenclr_el1
	op	mrs x0, pmceid0_el0
	rw	pmevcntr0_el0
	rw	pmevtyper0_el0
	rw	pmevcntr30_el0
	rw	pmccfiltr_el0

	/* GIC: SGIs with random values, read-only state */
	op	msr s3_0_c12_c11_5, x0	/* ICC_SGI1R_EL1 */
	op	msr s3_0_c12_c11_6, x0	/* ICC_ASGI1R_EL1 */
	op	msr s3_0_c12_c11_7, x0	/* ICC_SGI0R_EL1 */
	op	mrs x0, s3_0_c12_c12_2	/* ICC_HPPIR1_EL1 */
	op	mrs x0, s3_0_c12_c11_3	/* ICC_RPR_EL1 */
	op	mrs x0, s3_0_c12_c9_0	/* ICC_AP1R0_EL1 */

	/* Physical and secure timers (CNTHCTL_EL2.EL1PCEN) */
	rw	cntp_ctl_el0
	rw	cntp_cval_el0
	rw	cntp_tval_el0
	op	mrs x0, cntpct_el0
	rw	cntkctl_el1
	rw	cntps_ctl_el1
	rw	cntps_cval_el1

	/* Auxiliary control (HCR_EL2.TACR) and harmless EL1 state (TVM) */
	rw	actlr_el1
	rw	afsr0_el1
	rw	afsr1_el1
	rw	amair_el1
	rw	far_el1
	rw	esr_el1
	rw	contextidr_el1
	rw	par_el1
	rw	tpidr_el0
	rw	tpidrro_el0
	rw	csselr_el1
	op	mrs x0, ccsidr_el1
	op	mrs x0, clidr_el1
	op	mrs x0, aidr_el1
	op	mrs x0, revidr_el1

	/* ID registers: reads (HCR_EL2.TID*) and writes (UNDEFINED) */
	op	mrs x0, id_aa64pfr0_el1
	op	mrs x0, id_aa64dfr0_el1
	op	mrs x0, id_aa64isar0_el1
	op	mrs x0, id_aa64mmfr0_el1
	op	mrs x0, s3_0_c0_c3_7	/* reserved ID space */
	op	mrs x0, s3_0_c0_c7_7
	op	msr s3_0_c0_c0_0, x0	/* MIDR_EL1 */
	op	msr s3_0_c0_c0_5, x0	/* MPIDR_EL1 */
	op	msr s3_0_c0_c4_0, x0	/* ID_AA64PFR0_EL1 */
	op	msr s3_0_c0_c7_0, x0	/* ID_AA64MMFR0_EL1 */
	op	msr s3_0_c0_c6_0, x0	/* ID_AA64ISAR0_EL1 */
	op	msr s3_1_c0_c0_0, x0	/* CCSIDR_EL1 */
	op	msr s3_3_c0_c0_1, x0	/* CTR_EL0 */
	op	msr s3_3_c0_c0_7, x0	/* DCZID_EL0 */

	/* Cache, TLB and address translation operations (TSW, TPC, TTLB) */
	op	dc cisw, x0
	op	dc csw, x0
	op	dc civac, x0
	op	dc cvac, x0
	op	dc cvau, x0
	op	ic ivau, x0
	op	ic ialluis
	op	at s1e1r, x0
	op	at s1e1w, x0
	op	at s1e0r, x0
	op	tlbi vae1, x0
	op	tlbi vmalle1is
	op	tlbi aside1, x0

	/* Plain UNDEFINED instructions */
	op	udf #0
	op	hlt #0

	.pushsection .rodata.malops, "a"
	.globl	malops_table_end
malops_table_end:
	.popsection
