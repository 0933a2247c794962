// SPDX-License-Identifier: GPL-2.0
/* Test module: built against another ABI (its modinfo written by hand). */
#include <stddef.h>
#include <modvisor/module.h>

static const char abi[] __attribute__((section(".modinfo"), used)) =
	"abi=deadbeef";
static const char name[] __attribute__((section(".modinfo"), used)) =
	"name=bad_abi";
static const struct mv_module_desc desc
	__attribute__((section(".mv_module"), used)) = { NULL, NULL };
