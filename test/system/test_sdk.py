#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The out-of-tree module flow: install the SDK to a temporary prefix,
build the installed examples/hello in a temporary directory outside the
source tree with nothing but find_package(ModvisorSDK), index and pack it
into an initrd with the installed mvmod, boot, and see the module load and
greet."""

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
        index = os.path.join(tmp, "modules.idx")
        run([mvmod, "index", "--exports", exports, "-o", index,
             "--prefix", "modules/", module])
        initrd = os.path.join(tmp, "initrd.cpio.gz")
        run([mvmod, "pack", "--gzip", "-o", initrd,
             "modules/modules.idx=" + index, "modules/hello.mvm=" + module])

        m = mvtest.Machine(args.image, ["-initrd", initrd, "-append",
                                        "modvisor.modules=hello"])
        try:
            m.expect(r"hello: hello from a module", timeout=20,
                     what="the out-of-tree module's init message")
            m.expect(r"module: hello loaded from the boot arguments")
            m.expect(r"nucleus: ready")
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--build": {"required": True}})
