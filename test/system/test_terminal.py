#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The terminal and the module commands, driven like a user would: the
board overlay loads terminal, cmd-core and cmd-module; then module list,
hot-load and unload of a module that is not autoloaded, refusal to unload
one in use, an unknown command, line editing (Ctrl-A/E/U/W/C, arrows,
backspace), history and tab completion; autoload of the PL031 driver by
compatible; bad modules, each with one precise message and the system
exactly as before (module list and hypervisor memory); host poweroff."""

import os
import re
import shutil
import subprocess
import tempfile
import time

import mvtest
from mvtest import check

PROMPT = r"modvisor> "
UP, LEFT, RIGHT = "\x1b[A", "\x1b[D", "\x1b[C"


class Terminal:
    def __init__(self, machine):
        self.m = machine

    def run(self, keys, want=None):
        """Type keys, press Enter, wait for the next prompt; return output."""
        self.m.child.send(keys + "\r")
        self.m.expect(PROMPT, what="the prompt after %r" % keys)
        out = self.m.child.before
        if want:
            check(re.search(want, out), "after %r expected %r, got:\n%s"
                  % (keys, want, out))
        return out


def module_list(t):
    out = t.run("module list", r"\d+ modules?")
    return sorted(re.findall(r"^(\S+)\s+\d+ K", out, re.M))


def hv_kib(t):
    return int(re.search(r"hypervisor: (\d+) KiB",
                         t.run("host info")).group(1))


def bad_modules(tmp, good, cc_host="gcc"):
    """Broken variants of a good module, named by what is wrong."""
    data = open(good, "rb").read()
    bad = {}
    bad["truncated"] = data[:len(data) // 3]
    corrupt = bytearray(data)
    corrupt[0x28:0x30] = b"\xff" * 8          # e_shoff far past the end
    bad["corrupt"] = bytes(corrupt)
    src = os.path.join(tmp, "x86.c")
    with open(src, "w") as f:
        f.write('static const char i[] __attribute__((section(".modinfo"),'
                ' used)) = "abi=4d560008\\0name=x86";\nint f(void) '
                '{ return 1; }\n')
    obj = os.path.join(tmp, "x86.o")
    subprocess.run([cc_host, "-c", src, "-o", obj], check=True)
    bad["wrong-machine"] = open(obj, "rb").read()
    abi = bytearray(data)
    pos = abi.find(b"abi=4d560008")
    check(pos >= 0, "no ABI string in hello.mvm")
    abi[pos + 4:pos + 12] = b"4d56ffff"
    bad["wrong-abi"] = bytes(abi)
    # Real modules that compile but cannot link into this nucleus.
    sdk = os.path.join(mvtest.TOP, "module-sdk", "include")
    for what, code, flags in (
            ("undefined", "int no_such_nucleus_function(void);\n"
             "static int init(void) { return no_such_nucleus_function(); }\n"
             "MV_MODULE(undefined, init, NULL);\n", []),
            ("reloc", "extern int shared_counter;\n"
             "static int init(void) { return shared_counter; }\n"
             "MV_MODULE(reloc, init, NULL);\n", ["-fPIC"])):
        src = os.path.join(tmp, what + ".c")
        with open(src, "w") as f:
            f.write("#include <modvisor/module.h>\n" + code)
        obj = os.path.join(tmp, what + ".mvm")
        subprocess.run(["aarch64-linux-gnu-gcc", "-c", "-O2", "-ffreestanding",
                        "-fno-asynchronous-unwind-tables",
                        "-fno-unwind-tables", "-I", sdk, src, "-o", obj]
                       + flags, check=True)
        bad[what] = open(obj, "rb").read()
    return bad


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        # The default initrd plus broken modules, packed by mvmod.
        modules = os.path.join(args.build, "arm64", "modules")
        hello = os.path.join(modules, "hello.mvm")
        files = ["modules/modules.idx=" + os.path.join(args.build, "arm64",
                                                       "modules.idx"),
                 "config/board.dtbo=" + os.path.join(args.build, "arm64",
                                                     "board.dtbo")]
        for name in os.listdir(modules):
            if name.endswith(".mvm"):
                files.append("modules/%s=%s"
                             % (name, os.path.join(modules, name)))
        for what, data in bad_modules(tmp, hello).items():
            path = os.path.join(tmp, "bad-%s.mvm" % what)
            with open(path, "wb") as f:
                f.write(data)
            files.append("modules/bad-%s.mvm=%s" % (what, path))
        initrd = os.path.join(tmp, "initrd.cpio.gz")
        subprocess.run([args.mvmod, "pack", "--gzip", "-o", initrd] + files,
                       check=True)

        m = mvtest.Machine(args.image, ["-initrd", initrd])
        t = Terminal(m)
        try:
            for mod in ("terminal", "cmd-core", "cmd-module"):
                m.expect(r"module: %s loaded from /chosen/modvisor,modules"
                         % mod, timeout=20)
            m.expect(PROMPT, what="the first prompt")

            # Autoload by compatible: the PL031 node pulls in its driver;
            # what nothing serves is logged once; empty virtio slots and
            # nodes the nucleus drives stay quiet.
            boot = m.console()
            check("module: pl031-rtc loaded for /pl031@9010000" in boot and
                  "driver: pl031-rtc bound to /pl031@9010000" in boot,
                  "the PL031 driver was not autoloaded and bound")
            unserved = re.findall(r"devtree: no driver for (\S+) ", boot)
            check(unserved and len(unserved) == len(set(unserved)),
                  "unserved compatibles not logged once each: %s" % unserved)
            for quiet in ("virtio,mmio", "arm,gic-v3", "arm,pl011",
                          "arm,armv8-timer"):
                check(quiet not in unserved, "%s logged as unserved" % quiet)
            year = time.gmtime().tm_year
            t.run("rtc", r"(%d|%d)-\d\d-\d\d \d\d:\d\d:\d\d UTC"
                  % (year, year + 1))
            t.run("module unload pl031-rtc", r"driver: pl031-rtc unbound from "
                  r"/pl031@9010000[\s\S]*module: pl031-rtc unloaded")
            t.run("rtc", r"unknown command 'rtc'")

            # The board's modules; cmd-net brings the network switch (the
            # base initrd defines no guest, so no emulator loads).
            check(module_list(t) == ["cmd-core", "cmd-guest", "cmd-module",
                                     "cmd-net", "netswitch", "terminal"],
                  "autoloaded modules: %s" % module_list(t))
            t.run("module load hello", r"hello: hello from a module[\s\S]*"
                  r"module: hello is loaded")
            check("hello" in module_list(t), "hello not listed after load")
            t.run("module info hello", r"load time:\s+\d+ us")
            t.run("module unload hello", r"hello: goodbye[\s\S]*"
                  r"module: hello unloaded")
            check("hello" not in module_list(t), "hello listed after unload")
            t.run("module unload terminal",
                  r"module: terminal is in use \(1 user\); not unloaded")
            t.run("bogus", r"unknown command 'bogus'")
            t.run("initrd ls", r"-  config/[\s\S]*-  modules/[\s\S]*"
                  r"0 files \(0 bytes\), 2 directories")
            t.run("initrd ls modules", r"\d+  hello\.mvm[\s\S]*"
                  r"\d+  modules\.idx")
            t.run("initrd ls nowhere", r"initrd: nowhere is not a directory")

            # Line editing and history.
            t.run("vesion\x01" + RIGHT + RIGHT + "r", r"Modvisor \S+ \(arm64")
            t.run("garbage\x15version", r"Modvisor \S+ \(arm64")
            t.run("module garbage\x17list", r"\d+ modules?")
            t.run("hots\x7f\x7fst\x05 info", r"CPUs:\s+2 online of 2")
            t.run(UP, r"CPUs:\s+2 online of 2")
            t.run("version" + LEFT * 7 + "\x05", r"Modvisor \S+ \(arm64")

            # Tab completion: commands, subcommands, module names.
            t.run("vers\t", r"Modvisor \S+ \(arm64")
            t.run("module li\t", r"\d+ modules?")
            t.run("module load hel\t", r"module: hello is loaded")
            t.run("module unload hel\t", r"module: hello unloaded")

            # Bad modules: one precise message each, nothing changed.
            before = (module_list(t), hv_kib(t))
            for what, want in (
                    ("truncated", r"module: modules/bad-truncated.mvm: "
                                  r"(section header table is truncated|"
                                  r"section \d+ runs past the end)"),
                    ("corrupt", r"module: modules/bad-corrupt.mvm: section "
                                r"header table is truncated or malformed"),
                    ("wrong-machine", r"module: modules/bad-wrong-machine.mvm:"
                                      r" built for ELF machine 62, this "
                                      r"nucleus loads AArch64"),
                    ("wrong-abi", r"module: hello: wrong module ABI: built "
                                  r"for 4d56ffff, this nucleus has 4d560008"),
                    ("undefined", r"module: undefined: undefined symbol "
                                  r"no_such_nucleus_function"),
                    ("reloc", r"module: reloc: section \.text: unsupported "
                              r"relocation type \d+ against shared_counter")):
                out = t.run("module load modules/bad-%s.mvm" % what, want)
                check(len(re.findall(r"error: ", out)) == 1,
                      "bad-%s: expected one error line:\n%s" % (what, out))
            t.run("module load nosuch", r"no module named or aliased "
                  r"'nosuch'")
            after = (module_list(t), hv_kib(t))
            check(before == after, "bad loads changed the system: %s -> %s"
                  % (before, after))

            # Ctrl-C cancels a line (QEMU does not take it); poweroff ends.
            m.child.send("module lis\x03")
            m.expect(r"\^C\r*\n" + PROMPT,
                     what="Ctrl-C cancelling the line")
            t.run("version", r"^version\r*\nModvisor \S+")
            m.child.send("host poweroff\r")
            m.expect(r"nucleus: powering off", what="the poweroff message")
            try:
                m.child.expect(mvtest.pexpect.EOF, timeout=10)
            except mvtest.pexpect.TIMEOUT:
                raise mvtest.Failure("QEMU still runs after host poweroff")
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--build": {"required": True},
                       "--mvmod": {"required": True}})
