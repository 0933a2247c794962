/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modvisor module ABI (docs/module-format.md). A module is an ELF
 * relocatable object (<name>.mvm) built with the SDK's flags, with:
 *   .modinfo     NUL-terminated "key=value" strings: abi, name, version,
 *                license, description, alias (any number), softdep (any)
 *   .mv_module   one struct mv_module_desc (init and exit)
 *   .mv_exports  NUL-terminated names of the symbols it exports
 * Everything here is plain data, so host tools read it without applying
 * relocations, and the loader finds exported addresses in the symbol table.
 */
#ifndef MODVISOR_MODULE_H
#define MODVISOR_MODULE_H

#include <stddef.h>
#include <stdint.h>

/* Bumped whenever the nucleus's exported ABI changes incompatibly. */
#define MV_ABI_MAGIC 0x4d560008
#define MV_ABI_MAGIC_STR "4d560008"

#define MV_MODULE_NAME_MAX 32

#define __MV_STR(x) #x
#define __MV_XSTR(x) __MV_STR(x)
#define __MV_CAT2(a, b) a##b
#define __MV_CAT(a, b) __MV_CAT2(a, b)
#define __MV_UNIQUE(prefix) __MV_CAT(prefix, __COUNTER__)

/* One "key=value" string in .modinfo. */
#define __MV_MODINFO(key, value) \
	static const char __MV_UNIQUE(__mv_modinfo_)[] \
		__attribute__((section(".modinfo"), used, aligned(1))) = \
			key "=" value

struct mv_module_desc {
	int (*init)(void);
	void (*exit)(void);
};

#ifdef MV_NUCLEUS
/*
 * In the nucleus, MV_EXPORT puts a {name, address} pair into .mv_exports,
 * which the loader searches; the build lists the names for mvmod. Both
 * are stored as 32-bit offsets from the entry itself, resolved when the
 * nucleus is linked, so the table needs no run-time relocation.
 */
struct mv_export {
	int32_t name;		/* offset of the name from this field */
	int32_t addr;		/* offset of the symbol from this field */
};

#define MV_EXPORT(sym) \
	__asm__(".pushsection .mv_exports, \"a\"\n" \
		".balign 4\n" \
		"__mv_export_" #sym ":\n" \
		".word __mv_export_name_" #sym " - .\n" \
		".word " #sym " - .\n" \
		".popsection\n" \
		".pushsection .rodata.mv_export_names, \"a\"\n" \
		"__mv_export_name_" #sym ": .asciz \"" #sym "\"\n" \
		".popsection\n")
#else
/* In a module, MV_EXPORT names sym in .mv_exports. */
#define MV_EXPORT(sym) \
	static const char __mv_export_##sym[] \
		__attribute__((section(".mv_exports"), used, aligned(1))) = #sym

/*
 * The module's identity and entry points; init and exit may be NULL.
 * init returns 0 or a negative MV_E* code (the load is then undone).
 */
#define MV_MODULE(modname, initfn, exitfn) \
	__MV_MODINFO("abi", MV_ABI_MAGIC_STR); \
	__MV_MODINFO("name", #modname); \
	static const struct mv_module_desc __mv_module_desc \
		__attribute__((section(".mv_module"), used)) = { initfn, exitfn }

#define MV_MODULE_VERSION(v) __MV_MODINFO("version", v)
#define MV_MODULE_LICENSE(l) __MV_MODINFO("license", l)
#define MV_MODULE_DESCRIPTION(d) __MV_MODINFO("description", d)
/* An extra alias, e.g. MV_MODULE_ALIAS("drv:arm,pl011"). */
#define MV_MODULE_ALIAS(a) __MV_MODINFO("alias", a)
/* Load this module first if it exists (no symbol link required). */
#define MV_MODULE_SOFTDEP(m) __MV_MODINFO("softdep", m)
#endif

#endif
