#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The out-of-tree module flow: install the SDK to a temporary prefix,
build the installed examples/hello in a temporary directory outside the
source tree with nothing but find_package(ModvisorSDK), index and pack it
with the build's terminal and command modules into an initrd with the
installed mvmod, boot, then in the terminal `module load hello` (its init
message) and `module unload hello` (its exit message)."""

import os
import subprocess
import tempfile

import mvtest
from mvtest import check


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode:
        raise mvtest.Failure("%s failed:\n%s%s" % (" ".join(cmd), res.stdout,
                                                  res.stderr))
    return res.stdout


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "sdk")
        run(["cmake", "--install", args.build, "--prefix", prefix])
        src = os.path.join(prefix, "share", "modvisor", "examples", "hello")
        out = os.path.join(tmp, "hello-build")
        run(["cmake", "-S", src, "-B", out, "-DCMAKE_PREFIX_PATH=" + prefix])
        run(["cmake", "--build", out])
        module = os.path.join(out, "hello.mvm")
        check(os.path.exists(module), "the build made no hello.mvm")
        mvmod = os.path.join(prefix, "bin", "mvmod")
        exports = os.path.join(prefix, "share", "modvisor",
                               "nucleus-arm64.exports")
        info = run([mvmod, "info", module])
        check("name:        hello" in info, "mvmod info: %s" % info)
        built = os.path.join(args.build, "arm64", "modules")
        others = [os.path.join(built, m + ".mvm")
                  for m in ("terminal", "cmd-core", "cmd-module")]
        index = os.path.join(tmp, "modules.idx")
        run([mvmod, "index", "--exports", exports, "-o", index,
             "--prefix", "modules/", module] + others)
        initrd = os.path.join(tmp, "initrd.cpio.gz")
        run([mvmod, "pack", "--gzip", "-o", initrd,
             "modules/modules.idx=" + index, "modules/hello.mvm=" + module,
             "config/board.dtbo=" + os.path.join(args.build, "arm64",
                                                 "board.dtbo")]
            + ["modules/%s=%s" % (os.path.basename(p), p) for p in others])

        m = mvtest.Machine(args.image, ["-initrd", initrd])
        try:
            m.expect(r"modvisor> ", timeout=20, what="the terminal prompt")
            m.child.send("module load hello\r")
            m.expect(r"hello: hello from a module",
                     what="the out-of-tree module's init message")
            m.expect(r"module: hello loaded from the terminal")
            m.expect(r"modvisor> ")
            m.child.send("module unload hello\r")
            m.expect(r"hello: goodbye", what="its exit message")
            m.expect(r"module: hello unloaded")
            m.expect(r"modvisor> ")
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--build": {"required": True}})
