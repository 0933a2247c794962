// SPDX-License-Identifier: GPL-2.0
/* Machines and relocation types, by number and by name. */
#include "mvmod.h"

#include <string.h>

struct name_of {
	uint32_t num;
	const char *name;
};

/* Names come from the elf.h constants themselves, so they cannot drift. */
#define A(x) { R_AARCH64_##x, "R_AARCH64_" #x }
static const struct name_of aarch64_relocs[] = {
	A(NONE), A(ABS64), A(ABS32), A(ABS16), A(PREL64), A(PREL32),
	A(PREL16), A(MOVW_UABS_G0), A(MOVW_UABS_G0_NC), A(MOVW_UABS_G1),
	A(MOVW_UABS_G1_NC), A(MOVW_UABS_G2), A(MOVW_UABS_G2_NC),
	A(MOVW_UABS_G3), A(MOVW_SABS_G0), A(MOVW_SABS_G1), A(MOVW_SABS_G2),
	A(LD_PREL_LO19), A(ADR_PREL_LO21), A(ADR_PREL_PG_HI21),
	A(ADR_PREL_PG_HI21_NC), A(ADD_ABS_LO12_NC), A(LDST8_ABS_LO12_NC),
	A(TSTBR14), A(CONDBR19), A(JUMP26), A(CALL26),
	A(LDST16_ABS_LO12_NC), A(LDST32_ABS_LO12_NC), A(LDST64_ABS_LO12_NC),
	A(MOVW_PREL_G0), A(MOVW_PREL_G0_NC), A(MOVW_PREL_G1),
	A(MOVW_PREL_G1_NC), A(MOVW_PREL_G2), A(MOVW_PREL_G2_NC),
	A(MOVW_PREL_G3), A(LDST128_ABS_LO12_NC), A(MOVW_GOTOFF_G0),
	A(MOVW_GOTOFF_G0_NC), A(MOVW_GOTOFF_G1), A(MOVW_GOTOFF_G1_NC),
	A(MOVW_GOTOFF_G2), A(MOVW_GOTOFF_G2_NC), A(MOVW_GOTOFF_G3),
	A(GOTREL64), A(GOTREL32), A(GOT_LD_PREL19), A(LD64_GOTOFF_LO15),
	A(ADR_GOT_PAGE), A(LD64_GOT_LO12_NC), A(LD64_GOTPAGE_LO15),
	A(TLSGD_ADR_PREL21), A(TLSGD_ADR_PAGE21), A(TLSGD_ADD_LO12_NC),
	A(TLSGD_MOVW_G1), A(TLSGD_MOVW_G0_NC), A(TLSLD_ADR_PREL21),
	A(TLSLD_ADR_PAGE21), A(TLSLD_ADD_LO12_NC), A(TLSLD_MOVW_G1),
	A(TLSLD_MOVW_G0_NC), A(TLSLD_LD_PREL19), A(TLSLD_MOVW_DTPREL_G2),
	A(TLSLD_MOVW_DTPREL_G1), A(TLSLD_MOVW_DTPREL_G1_NC),
	A(TLSLD_MOVW_DTPREL_G0), A(TLSLD_MOVW_DTPREL_G0_NC),
	A(TLSLD_ADD_DTPREL_HI12), A(TLSLD_ADD_DTPREL_LO12),
	A(TLSLD_ADD_DTPREL_LO12_NC), A(TLSIE_MOVW_GOTTPREL_G1),
	A(TLSIE_MOVW_GOTTPREL_G0_NC), A(TLSIE_ADR_GOTTPREL_PAGE21),
	A(TLSIE_LD64_GOTTPREL_LO12_NC), A(TLSIE_LD_GOTTPREL_PREL19),
	A(TLSLE_MOVW_TPREL_G2), A(TLSLE_MOVW_TPREL_G1),
	A(TLSLE_MOVW_TPREL_G1_NC), A(TLSLE_MOVW_TPREL_G0),
	A(TLSLE_MOVW_TPREL_G0_NC), A(TLSLE_ADD_TPREL_HI12),
	A(TLSLE_ADD_TPREL_LO12), A(TLSLE_ADD_TPREL_LO12_NC),
	A(TLSDESC_LD_PREL19), A(TLSDESC_ADR_PREL21), A(TLSDESC_ADR_PAGE21),
	A(TLSDESC_LD64_LO12), A(TLSDESC_ADD_LO12), A(TLSDESC_OFF_G1),
	A(TLSDESC_OFF_G0_NC), A(TLSDESC_LDR), A(TLSDESC_ADD),
	A(TLSDESC_CALL), A(COPY), A(GLOB_DAT), A(JUMP_SLOT), A(RELATIVE),
	A(TLS_DTPMOD), A(TLS_DTPREL), A(TLS_TPREL), A(TLSDESC),
	A(IRELATIVE),
};
#undef A

/* Enough to name what a module built by the wrong compiler contains. */
#define X(x) { R_X86_64_##x, "R_X86_64_" #x }
static const struct name_of x86_64_relocs[] = {
	X(NONE), X(64), X(PC32), X(GOT32), X(PLT32), X(32), X(32S), X(16),
	X(PC16), X(8), X(PC8), X(PC64), X(GOTPCREL), X(GOTPCRELX),
	X(REX_GOTPCRELX), X(TPOFF32), X(GOTTPOFF), X(TLSGD), X(TLSLD),
	X(DTPOFF32),
};
#undef X

/* docs/module-format.md, "arm64 relocations the loader applies". */
static const uint32_t aarch64_supported[] = {
	R_AARCH64_NONE, R_AARCH64_ABS64, R_AARCH64_ABS32, R_AARCH64_ABS16,
	R_AARCH64_PREL64, R_AARCH64_PREL32, R_AARCH64_PREL16,
	R_AARCH64_ADR_PREL_LO21, R_AARCH64_ADR_PREL_PG_HI21,
	R_AARCH64_ADR_PREL_PG_HI21_NC, R_AARCH64_ADD_ABS_LO12_NC,
	R_AARCH64_LDST8_ABS_LO12_NC, R_AARCH64_LDST16_ABS_LO12_NC,
	R_AARCH64_LDST32_ABS_LO12_NC, R_AARCH64_LDST64_ABS_LO12_NC,
	R_AARCH64_LDST128_ABS_LO12_NC, R_AARCH64_LD_PREL_LO19,
	R_AARCH64_CONDBR19, R_AARCH64_TSTBR14, R_AARCH64_JUMP26,
	R_AARCH64_CALL26,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct mv_machine machines[] = {
	{ "aarch64", EM_AARCH64, R_AARCH64_ABS64, aarch64_supported,
	  ARRAY_SIZE(aarch64_supported) },
};

static const struct name_of machine_names[] = {
	{ EM_AARCH64, "aarch64" }, { EM_X86_64, "x86_64" },
	{ EM_RISCV, "riscv" }, { EM_ARM, "arm" }, { EM_386, "i386" },
	{ EM_PPC64, "ppc64" }, { EM_S390, "s390" }, { EM_NONE, "none" },
};

static const char *lookup(const struct name_of *t, size_t n, uint32_t num)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

const struct mv_machine *mv_machine_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (!strcmp(machines[i].name, name))
			return &machines[i];
	return NULL;
}

const char *mv_machine_name(unsigned int em, char *buf, size_t len)
{
	const char *s = lookup(machine_names, ARRAY_SIZE(machine_names), em);

	if (s)
		return s;
	snprintf(buf, len, "machine %u", em);
	return buf;
}

const char *mv_reloc_name(unsigned int em, uint32_t type, char *buf,
			  size_t len)
{
	const char *s = NULL;

	if (em == EM_AARCH64)
		s = lookup(aarch64_relocs, ARRAY_SIZE(aarch64_relocs), type);
	else if (em == EM_X86_64)
		s = lookup(x86_64_relocs, ARRAY_SIZE(x86_64_relocs), type);
	if (s)
		return s;
	snprintf(buf, len, "relocation type %u", type);
	return buf;
}

int mv_reloc_supported(const struct mv_machine *mach, uint32_t type)
{
	for (size_t i = 0; i < mach->nsupported; i++)
		if (mach->supported[i] == type)
			return 1;
	return 0;
}
