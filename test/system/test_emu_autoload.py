#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Autoload of guest device emulators: a test overlay (the board overlay
plus a guest with three devices) and a test module declaring
MV_EMULATOR("modvisor,test-emu"), built at test time with the SDK's flags
and packed with the build's modules. The emulator's node loads its module
by alias emu:<compatible> (the virtio,mmio node loads the virtio-mmio
transport); a compatible nothing serves and a virtio backend nothing
provides are each logged exactly once; the guest itself,
which has no memory, is refused with one message; the terminal still
prompts, module list shows the module and the guest node is in the boot
device tree."""

import os
import re
import tempfile

import mvtest
from mvtest import check

PROMPT = r"modvisor> "

GUEST_FRAGMENT = """
&{/} {
	guests {
		g0 {
			compatible = "modvisor,guest";
			devices {
				uart@9000000 {
					compatible = "modvisor,test-emu";
				};
				blk@a000000 {
					compatible = "modvisor,test-missing";
				};
				net@a001000 {
					compatible = "virtio,mmio";
					virtio-device = "testnet";
				};
			};
		};
	};
};
"""

MODULE_SOURCE = """
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/device.h>

/* The SDK leaves the emulator ops incomplete until guest support. */
struct mv_emu_ops { int unused; };
static const struct mv_emu_ops test_emu_ops = { 0 };

static int test_emu_init(void)
{
	mv_log(MV_LOG_INFO, "test-emu: emulator module up\\n");
	return 0;
}

MV_MODULE(test-emu, test_emu_init, NULL);
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("system test: an emulator autoloaded by compatible");
MV_EMULATOR("modvisor,test-emu", test_emu_ops);
"""


def module_cflags():
    """MODVISOR_MODULE_CFLAGS_arm64 from the SDK, so the test cannot drift."""
    path = os.path.join(mvtest.TOP, "module-sdk", "cmake",
                        "ModvisorFlags.cmake")
    text = open(path).read()
    sets = dict(re.findall(r"set\((\w+)\s+([^)]*)\)", text))
    flags = []
    for word in sets["MODVISOR_MODULE_CFLAGS_arm64"].split():
        ref = re.fullmatch(r"\$\{(\w+)\}", word)
        flags += sets[ref.group(1)].split() if ref else [word]
    return flags


def build_module(tmp):
    cc = "aarch64-linux-gnu-gcc"
    inc = os.path.join(mvtest.TOP, "module-sdk", "include")
    src = os.path.join(tmp, "test_emu.c")
    with open(src, "w") as f:
        f.write(MODULE_SOURCE)
    obj = os.path.join(tmp, "test_emu.o")
    cc_include = mvtest.run([cc, "-print-file-name=include"]).strip()
    mvtest.run([cc] + module_cflags() +
               ["-nostdinc", "-isystem", cc_include,
                "-I", os.path.join(inc, "libc"), "-I", inc,
                "-c", src, "-o", obj])
    mvm = os.path.join(tmp, "test-emu.mvm")
    mvtest.run([cc, "-nostdlib", "-r", "-o", mvm, obj])
    return mvm


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        dtbo = mvtest.board_overlay(tmp, GUEST_FRAGMENT)
        initrd = mvtest.pack_initrd(tmp, args.build, args.mvmod, dtbo,
                                    {"test-emu.mvm": build_module(tmp)})

        m = mvtest.Machine(args.image, ["-initrd", initrd])
        try:
            m.expect(r"module: test-emu loaded for "
                     r"/guests/g0/devices/uart@9000000", timeout=20,
                     what="the emulator module autoloaded for its node")
            m.expect(r"nucleus: ready", what="nucleus: ready")
            m.expect(PROMPT, what="the first prompt")
            boot = m.console()

            check("test-emu: emulator module up" in boot,
                  "the emulator module's init did not run")
            check(boot.count("module: test-emu loaded") == 1,
                  "test-emu loaded more than once")
            for line in ("devtree: no emulator for modvisor,test-missing "
                         "(/guests/g0/devices/blk@a000000)",
                         "module: virtio-mmio loaded for "
                         "/guests/g0/devices/net@a001000",
                         "devtree: no backend for virtio:testnet "
                         "(/guests/g0/devices/net@a001000)"):
                n = boot.count(line)
                check(n == 1, "expected %r once, seen %d times" % (line, n))
            check("no emulator for modvisor,test-emu" not in boot,
                  "modvisor,test-emu logged as unserved")
            unserved = re.findall(r"devtree: no emulator for (\S+) ", boot)
            check(len(unserved) == len(set(unserved)),
                  "unserved emulators not logged once each: %s" % unserved)
            # g0 only names devices: creating it fails, once, clearly.
            errors = mvtest.ERROR_LINE.findall(boot)
            check(len(errors) == 1 and
                  errors[0].rstrip().endswith(
                      "error: guest g0: no memory property"),
                  "expected one error, for g0's missing memory: %s" % errors)

            m.child.send("module list\r")
            m.expect(PROMPT, what="the prompt after module list")
            out = m.child.before
            check(re.search(r"^test-emu\s+\d+ K", out, re.M),
                  "module list lacks test-emu:\n%s" % out)

            m.child.send("devtree print /guests\r")
            m.expect(PROMPT, what="the prompt after devtree print")
            out = m.child.before
            for want in (r"g0\s*\{", r"modvisor,guest", r"uart@9000000",
                         r"modvisor,test-missing", r"testnet"):
                check(re.search(want, out),
                      "devtree print /guests lacks %r:\n%s" % (want, out))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--build": {"required": True},
                       "--mvmod": {"required": True}})
