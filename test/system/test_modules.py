#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Modules at boot: the initrd (gzip-compressed cpio built by mvmod pack)
is opened, a module named in the boot arguments is loaded from it, its
init runs and the load is logged with its reason; a module that is not
there, and a corrupt initrd, get one clear message each and the boot
still reaches 'nucleus: ready'."""

import os
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


if __name__ == "__main__":
    mvtest.main(test, {"--initrd": {"required": True}})
