#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""W^X and the exception report: writing to the nucleus text or executing
its data must fault, and the fault must be reported (kind, exception class,
ESR, FAR at the address touched, ELR/SPSR/SP, all registers), then a halt."""

import mvtest
from mvtest import check

CASES = {
    "wx-write": (r"writing to nucleus text at 0x([0-9a-f]+)\r*\n",
                 "0x25", "data abort, same EL"),
    "wx-exec": (r"executing module data at 0x([0-9a-f]+)\r*\n",
                "0x21", "instruction abort, same EL"),
}


def test(args):
    where, ec, name = CASES[args.case]
    m = mvtest.Machine(args.image, ["-initrd", args.initrd, "-append",
                                    "modvisor.modules=selftest "
                                    "modvisor.selftest=" + args.case +
                                    " modvisor.noautostart"])
    try:
        m.expect(r"nucleus: ready", timeout=20)
        addr = int(m.expect(where).group(1), 16)
        m.expect(r"exception: unexpected synchronous \(EL2\) on cpu0",
                 halt_ok=True)
        exc = m.expect(r"exception: EC (0x[0-9a-f]+) \(([^)]*)\), ESR "
                       r"([0-9a-f]{8}), FAR ([0-9a-f]{16})", halt_ok=True)
        check(exc.group(1) == ec and exc.group(2) == name,
              "expected EC %s (%s), got %s (%s)"
              % (ec, name, exc.group(1), exc.group(2)))
        check(int(exc.group(4), 16) == addr,
              "FAR %s is not the address touched (%x)"
              % (exc.group(4), addr))
        m.expect(r"exception: ELR [0-9a-f]{16} SPSR [0-9a-f]+ SP [0-9a-f]{16}",
                 halt_ok=True)
        for reg in range(0, 31, 3):
            m.expect(r"x%-2d [0-9a-f]{16}" % reg, halt_ok=True,
                     what="register x%d in the dump" % reg)
        m.expect(r"nucleus: halted", halt_ok=True)
        check("FAIL" not in m.console(), "the forbidden access went through")
    finally:
        m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--case": {"required": True, "choices": sorted(CASES)},
                       "--initrd": {"required": True}})
