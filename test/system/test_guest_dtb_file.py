#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""`guest create <dtb-file>`: guests defined in DTB files of the initrd
rather than in the boot device tree. No guest is defined at boot. A DTB
holding /guests/x0 creates guest x0; a DTB whose root is the guest node
creates a guest named after the file (guests/solo.dtb: solo); both start
and run the test guest. A file that is not a DTB, a name that is neither
a node nor a file, and a second create of x0 get one error each and
create nothing; the good guests keep running."""

import os
import tempfile

import mvtest
from mvtest import check

UART = mvtest.UART


def dts_file(tmp, name, text):
    src = os.path.join(tmp, name + ".dts")
    with open(src, "w") as f:
        f.write("/dts-v1/;\n" + text)
    out = os.path.join(tmp, name + ".dtb")
    mvtest.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, src])
    return out


def test(args):
    x0 = mvtest.guest_node("x0", "uart", autostart=False)
    solo = mvtest.guest_node("solo", "uart", autostart=False)
    # The node's body, at the root of its own tree.
    solo_root = "/ {\n" + solo.split("{\n", 1)[1].rsplit("};", 1)[0] + "};\n"
    with tempfile.TemporaryDirectory() as tmp:
        junk = os.path.join(tmp, "junk.dtb")
        with open(junk, "wb") as f:
            f.write(b"\xd0\x0d\xfe\xed" + b"\xff" * 60)
        files = {
            "guests/x0.dtb": dts_file(tmp, "x0", "/ {\n\tguests {\n%s\t};\n};\n"
                                      % x0),
            "guests/solo.dtb": dts_file(tmp, "solo", solo_root),
            "guests/junk.dtb": junk,
        }
        m = mvtest.boot_guests(tmp, args, "", files=files)
        t = mvtest.Terminal(m)
        try:
            t.run("guest list", r"^0 guests")
            t.run("guest create guests/x0.dtb", r"x0")
            t.run("guest create guests/solo.dtb", r"solo")
            t.run("guest list", r"^2 guests")
            t.run("guest start x0")
            t.run("guest start solo")
            m.read_until(lambda s: "[x0/uart] tg: done" in s and
                         "[solo/uart] tg: done" in s, 30,
                         "both guests' tg: done")
            before = m.console()
            t.run("guest create guests/junk.dtb")
            t.run("guest create nosuchguest")
            t.run("guest create guests/x0.dtb")
            t.run("guest list", r"^2 guests")
            text = m.console()[len(before):]
            errs = mvtest.errors(text)
            want = ("guest: guests/junk.dtb is not a valid DTB",
                    "guest: nosuchguest: no such guest node in the boot DT, "
                    "nor a DTB file in the initrd",
                    "guest x0: already exists")
            check(len(errs) == len(want) and
                  all(e == w for e, w in zip(errs, want)),
                  "expected the errors %s, got %s" % (want, errs))
            check(not mvtest.errors(before), "errors before the bad "
                  "creates: %s" % mvtest.errors(before))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
