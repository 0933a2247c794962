#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Modules at boot: the initrd (gzip-compressed cpio built by mvmod pack)
is opened, a module named in the boot arguments is loaded from it, its
init runs and the load is logged with its reason; a module that is not
there, and a corrupt initrd, get one clear message each and the boot
still reaches 'nucleus: ready'; so does a broken board overlay."""

import os
import subprocess
import tempfile

import mvtest
from mvtest import check


def boot(image, initrd, args):
    return mvtest.Machine(image, ["-initrd", initrd, "-append", args])


def test(args):
    m = boot(args.image, args.initrd, "modvisor.modules=hello,nosuchmod")
    try:
        ird = m.expect(r"initrd: (\d+) entries, (\d+) KiB", timeout=20)
        check(int(ird.group(1)) >= 2, "the initrd lists %s entries"
              % ird.group(1))
        m.expect(r"hello: hello from a module", what="hello's init message")
        m.expect(r"module: hello loaded from the boot arguments "
                 r"\(\d+ KiB, \d+ us\)")
        m.expect(r"error: module: no module named or aliased 'nosuchmod'")
        m.expect(r"nucleus: ready")
    finally:
        m.close()

    # A corrupt initrd: one message, no modules, the nucleus carries on.
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "bad.cpio")
        with open(args.initrd, "rb") as f:
            data = bytearray(f.read())
        data[len(data) // 2] ^= 0xff      # breaks the gzip stream's CRC
        with open(bad, "wb") as f:
            f.write(data)
        m = boot(args.image, bad, "modvisor.modules=hello")
        try:
            m.expect(r"error: initrd: [^\n]*(gzip|inflate|corrupt|CRC)",
                     timeout=20, what="the corrupt-initrd message")
            m.expect(r"nucleus: ready")
            check("hello from a module" not in m.console(),
                  "a module loaded from a corrupt initrd")
        finally:
            m.close()

        # A broken board overlay: one message, the DTB as QEMU passed it,
        # modules named in the boot arguments still load.
        arm64 = os.path.dirname(args.initrd)
        overlay = os.path.join(tmp, "board.dtbo")
        with open(os.path.join(arm64, "board.dtbo"), "rb") as f:
            dtbo = bytearray(f.read())
        dtbo[0:4] = b"\xde\xad\xbe\xef"
        with open(overlay, "wb") as f:
            f.write(dtbo)
        initrd = os.path.join(tmp, "bad-overlay.cpio.gz")
        subprocess.run([args.mvmod, "pack", "--gzip", "-o", initrd,
                        "config/board.dtbo=" + overlay,
                        "modules/modules.idx=" +
                        os.path.join(arm64, "modules.idx"),
                        "modules/hello.mvm=" +
                        os.path.join(arm64, "modules", "hello.mvm")],
                       check=True)
        m = boot(args.image, initrd, "modvisor.modules=hello")
        try:
            m.expect(r"error: devtree: config/board.dtbo is not a valid DTB "
                     r"overlay; using the DTB as passed", timeout=20)
            m.expect(r"hello: hello from a module")
            m.expect(r"nucleus: ready")
            check("terminal loaded" not in m.console(),
                  "modules of the broken overlay were loaded")
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--initrd": {"required": True},
                       "--mvmod": {"required": True}})
