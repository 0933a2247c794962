/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module loader needs from the architecture: which ELF machine
 * it loads, and how to apply one relocation. Pure arithmetic on a buffer,
 * so host unit tests check it against the cross linker's results.
 */
#ifndef MV_MODULE_ARCH_H
#define MV_MODULE_ARCH_H

#include <mv/types.h>

/* ELF e_machine of modules for this architecture, and its name. */
extern const u16 mv_arch_module_machine;
extern const char *const mv_arch_module_machine_name;

/*
 * Apply relocation 'type' at 'loc' (whose run-time address is 'place'),
 * for symbol value S and addend A. Returns 0, or -MV_ENOEXEC for a type the
 * loader does not support, or -MV_ERANGE when the result does not fit;
 * *why then says what went wrong. 'room' is how many bytes may be written
 * at loc.
 */
int mv_arch_module_reloc(u32 type, void *loc, size_t room, u64 place, u64 S,
			 s64 A, const char **why);
/* The relocation type's name, or NULL if unknown. */
const char *mv_arch_module_reloc_name(u32 type);

#endif
