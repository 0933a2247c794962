/* SPDX-License-Identifier: GPL-2.0 */
/* The few ELF64 definitions the module loader needs (ELF gABI). */
#ifndef MV_ELF_H
#define MV_ELF_H

#include <mv/types.h>

#define MV_EI_NIDENT 16
#define MV_ELFCLASS64 2
#define MV_ELFDATA2LSB 1
#define MV_ET_REL 1

#define MV_SHT_NULL 0
#define MV_SHT_PROGBITS 1
#define MV_SHT_SYMTAB 2
#define MV_SHT_STRTAB 3
#define MV_SHT_RELA 4
#define MV_SHT_NOBITS 8
#define MV_SHT_REL 9

#define MV_SHF_WRITE 0x1
#define MV_SHF_ALLOC 0x2
#define MV_SHF_EXECINSTR 0x4

#define MV_SHN_UNDEF 0
#define MV_SHN_LORESERVE 0xff00
#define MV_SHN_ABS 0xfff1
#define MV_SHN_COMMON 0xfff2

#define MV_STB_LOCAL 0
#define MV_STB_GLOBAL 1
#define MV_STB_WEAK 2

struct mv_elf64_ehdr {
	u8 e_ident[MV_EI_NIDENT];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};

struct mv_elf64_shdr {
	u32 sh_name;
	u32 sh_type;
	u64 sh_flags;
	u64 sh_addr;
	u64 sh_offset;
	u64 sh_size;
	u32 sh_link;
	u32 sh_info;
	u64 sh_addralign;
	u64 sh_entsize;
};

struct mv_elf64_sym {
	u32 st_name;
	u8 st_info;
	u8 st_other;
	u16 st_shndx;
	u64 st_value;
	u64 st_size;
};

struct mv_elf64_rela {
	u64 r_offset;
	u64 r_info;
	s64 r_addend;
};

#define MV_ELF64_R_SYM(i) ((u32)((i) >> 32))
#define MV_ELF64_R_TYPE(i) ((u32)(i))
#define MV_ELF64_ST_BIND(i) ((i) >> 4)

#endif
