// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 relocations for loadable modules: every type the SDK's flags can
 * emit (docs/module-format.md), with range checks. Instruction fields are
 * patched little-endian through memcpy, as loc may be unaligned in a
 * corrupt file.
 */
#include <mv/errno.h>
#include <mv/module_arch.h>
#include <string.h>

#define EM_AARCH64 183

const u16 mv_arch_module_machine = EM_AARCH64;
const char *const mv_arch_module_machine_name = "AArch64";

enum {
	R_NONE = 0,
	R_ABS64 = 257,
	R_ABS32 = 258,
	R_ABS16 = 259,
	R_PREL64 = 260,
	R_PREL32 = 261,
	R_PREL16 = 262,
	R_LD_PREL_LO19 = 273,
	R_ADR_PREL_LO21 = 274,
	R_ADR_PREL_PG_HI21 = 275,
	R_ADR_PREL_PG_HI21_NC = 276,
	R_ADD_ABS_LO12_NC = 277,
	R_LDST8_ABS_LO12_NC = 278,
	R_TSTBR14 = 279,
	R_CONDBR19 = 280,
	R_JUMP26 = 282,
	R_CALL26 = 283,
	R_LDST16_ABS_LO12_NC = 284,
	R_LDST32_ABS_LO12_NC = 285,
	R_LDST64_ABS_LO12_NC = 286,
	R_LDST128_ABS_LO12_NC = 299,
};

static const struct {
	u32 type;
	const char *name;
} reloc_names[] = {
	{ R_NONE, "R_AARCH64_NONE" },
	{ R_ABS64, "R_AARCH64_ABS64" },
	{ R_ABS32, "R_AARCH64_ABS32" },
	{ R_ABS16, "R_AARCH64_ABS16" },
	{ R_PREL64, "R_AARCH64_PREL64" },
	{ R_PREL32, "R_AARCH64_PREL32" },
	{ R_PREL16, "R_AARCH64_PREL16" },
	{ R_LD_PREL_LO19, "R_AARCH64_LD_PREL_LO19" },
	{ R_ADR_PREL_LO21, "R_AARCH64_ADR_PREL_LO21" },
	{ R_ADR_PREL_PG_HI21, "R_AARCH64_ADR_PREL_PG_HI21" },
	{ R_ADR_PREL_PG_HI21_NC, "R_AARCH64_ADR_PREL_PG_HI21_NC" },
	{ R_ADD_ABS_LO12_NC, "R_AARCH64_ADD_ABS_LO12_NC" },
	{ R_LDST8_ABS_LO12_NC, "R_AARCH64_LDST8_ABS_LO12_NC" },
	{ R_TSTBR14, "R_AARCH64_TSTBR14" },
	{ R_CONDBR19, "R_AARCH64_CONDBR19" },
	{ R_JUMP26, "R_AARCH64_JUMP26" },
	{ R_CALL26, "R_AARCH64_CALL26" },
	{ R_LDST16_ABS_LO12_NC, "R_AARCH64_LDST16_ABS_LO12_NC" },
	{ R_LDST32_ABS_LO12_NC, "R_AARCH64_LDST32_ABS_LO12_NC" },
	{ R_LDST64_ABS_LO12_NC, "R_AARCH64_LDST64_ABS_LO12_NC" },
	{ R_LDST128_ABS_LO12_NC, "R_AARCH64_LDST128_ABS_LO12_NC" },
};

const char *mv_arch_module_reloc_name(u32 type)
{
	for (size_t i = 0; i < MV_ARRAY_SIZE(reloc_names); i++)
		if (reloc_names[i].type == type)
			return reloc_names[i].name;
	return NULL;
}

static bool fits_signed(s64 v, unsigned int bits)
{
	return v >= -(1LL << (bits - 1)) && v < (1LL << (bits - 1));
}

/* Replace 'bits' bits at 'shift' of the instruction with field. */
static void insn_patch(void *loc, unsigned int shift, unsigned int bits,
		       u64 field)
{
	u32 insn, mask = (bits == 32 ? ~0U : ((1U << bits) - 1)) << shift;

	memcpy(&insn, loc, 4);
	insn = (insn & ~mask) | (((u32)field << shift) & mask);
	memcpy(loc, &insn, 4);
}

/* ADR/ADRP immediate: immlo in bits 29-30, immhi in bits 5-23. */
static void insn_patch_adr(void *loc, u64 imm)
{
	insn_patch(loc, 29, 2, imm & 3);
	insn_patch(loc, 5, 19, (imm >> 2) & 0x7ffff);
}

int mv_arch_module_reloc(u32 type, void *loc, size_t room, u64 place, u64 S,
			 s64 A, const char **why)
{
	u64 X = S + (u64)A;
	s64 rel = (s64)(X - place);
	s64 pages = (s64)((X & ~0xfffULL) - (place & ~0xfffULL)) >> 12;
	size_t need;
	unsigned int lo12_shift = 0;

	switch (type) {
	case R_NONE:
		return 0;
	case R_ABS64:
	case R_PREL64:
		need = 8;
		break;
	case R_ABS32:
	case R_PREL32:
		need = 4;
		break;
	case R_ABS16:
	case R_PREL16:
		need = 2;
		break;
	default:
		if (!mv_arch_module_reloc_name(type)) {
			*why = "unsupported relocation type";
			return -MV_ENOEXEC;
		}
		need = 4;	/* an instruction */
		break;
	}
	if (room < need) {
		*why = "relocation runs past the end of its section";
		return -MV_EINVAL;
	}

	switch (type) {
	case R_ABS64:
		memcpy(loc, &X, 8);
		return 0;
	case R_PREL64:
		memcpy(loc, &rel, 8);
		return 0;
	case R_ABS32: {
		u32 v = (u32)X;

		/* Fits as signed or unsigned 32-bit (AArch64 ELF ABI). */
		if ((s64)X < -(1LL << 31) || (s64)X >= (1LL << 32))
			goto overflow;
		memcpy(loc, &v, 4);
		return 0;
	}
	case R_PREL32: {
		s32 v = (s32)rel;

		if (rel < -(1LL << 31) || rel >= (1LL << 32))
			goto overflow;
		memcpy(loc, &v, 4);
		return 0;
	}
	case R_ABS16: {
		u16 v = (u16)X;

		if ((s64)X < -(1LL << 15) || (s64)X >= (1LL << 16))
			goto overflow;
		memcpy(loc, &v, 2);
		return 0;
	}
	case R_PREL16: {
		u16 v = (u16)rel;

		if (rel < -(1LL << 15) || rel >= (1LL << 16))
			goto overflow;
		memcpy(loc, &v, 2);
		return 0;
	}
	case R_LD_PREL_LO19:
	case R_CONDBR19:
		if ((rel & 3) || !fits_signed(rel, 21))
			goto overflow;
		insn_patch(loc, 5, 19, (u64)rel >> 2);
		return 0;
	case R_TSTBR14:
		if ((rel & 3) || !fits_signed(rel, 16))
			goto overflow;
		insn_patch(loc, 5, 14, (u64)rel >> 2);
		return 0;
	case R_JUMP26:
	case R_CALL26:
		if ((rel & 3) || !fits_signed(rel, 28))
			goto overflow;
		insn_patch(loc, 0, 26, (u64)rel >> 2);
		return 0;
	case R_ADR_PREL_LO21:
		if (!fits_signed(rel, 21))
			goto overflow;
		insn_patch_adr(loc, (u64)rel);
		return 0;
	case R_ADR_PREL_PG_HI21:
		if (!fits_signed(pages, 21))
			goto overflow;
		/* fall through */
	case R_ADR_PREL_PG_HI21_NC:
		insn_patch_adr(loc, (u64)pages);
		return 0;
	case R_LDST128_ABS_LO12_NC:
		lo12_shift++;
		/* fall through */
	case R_LDST64_ABS_LO12_NC:
		lo12_shift++;
		/* fall through */
	case R_LDST32_ABS_LO12_NC:
		lo12_shift++;
		/* fall through */
	case R_LDST16_ABS_LO12_NC:
		lo12_shift++;
		/* fall through */
	case R_LDST8_ABS_LO12_NC:
	case R_ADD_ABS_LO12_NC:
		if ((X & 0xfff) & ((1U << lo12_shift) - 1)) {
			*why = "misaligned target for a scaled load/store";
			return -MV_ERANGE;
		}
		insn_patch(loc, 10, 12, (X & 0xfff) >> lo12_shift);
		return 0;
	}
	*why = "unsupported relocation type";
	return -MV_ENOEXEC;

overflow:
	*why = "relocation target out of range";
	return -MV_ERANGE;
}
