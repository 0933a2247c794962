// SPDX-License-Identifier: GPL-2.0
/*
 * nucleus/module.c as fuzz_module builds it: the file itself, unchanged,
 * with three calls redirected by macros that exist only in this
 * translation unit:
 *
 *   m->desc.init()   ->  m->desc.init ? fuzz_module_init() : 0
 *   m->desc.exit()   ->  m->desc.exit ? fuzz_module_exit() : (void)0
 *   mv_command_register_module(m, cmds, n)
 *                    ->  fuzz_module_register_commands(m, cmds, n)
 *
 * A module's init and exit are whatever 8 bytes the image (and its
 * relocations) put into .mv_module: arm64 code in module memory, a
 * nucleus function, or any address at all. The loader calls them; the
 * host must never. The stand-ins keep the loader's control flow (init's
 * result, exit only when it exists) while the pointers stay as loaded, for
 * the harness to check. The third lets the harness see the command table
 * before nucleus/command.c reads the strings it points to.
 *
 * Should module.c stop calling init and exit in this form, the macros do
 * nothing and the loader calls the real pointers: for every seed with an
 * init those point into module memory or the fake nucleus, which are
 * never executable on the host (module_stubs.c), so that fails at once
 * with a SEGV rather than silently running anything.
 */
#include <mv/elf.h>
#include <mv/errno.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/module.h>
#include <mv/module_arch.h>
#include <mv/mutex.h>
#include <mv/time.h>
#include <modvisor/command.h>
#include <modvisor/device.h>
#include <string.h>

#include "module_stubs.h"

#define init() init ? fuzz_module_init() : 0
#define exit() exit ? fuzz_module_exit() : (void)0
#define mv_command_register_module(m, cmds, n) \
	fuzz_module_register_commands(m, cmds, n)

#include "../../nucleus/module.c"
