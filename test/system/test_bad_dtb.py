#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A bad DTB gets a clear message and a halt, never a hang or a wild fault.
QEMU repairs or rejects bad DTBs itself, so the DTB and the nucleus are
loaded raw with -device loader and a shim enters the nucleus with x0 at the
DTB (DESIGN §9). Cases start from QEMU's own DTB for the same machine."""

import os
import shutil
import subprocess
import tempfile

import mvtest
from mvtest import check

NUCLEUS_ADDR = 0x40200000       # must match the shim (arch/arm64/target.cmake)
DTB_ADDR = 0x44000000
MACHINE = "virt,virtualization=on,gic-version=3"

CASES = {
    "corrupt-header": r"devtree: the DTB at 0x44000000 has a corrupt header: "
                      r"FDT_ERR_BADMAGIC",
    "no-memory": r"memory: the DTB has no /memory node with a usable reg: "
                 r"cannot tell where RAM is",
    "no-stdout-path": r"console: the DTB has no /chosen/stdout-path: cannot "
                      r"tell which UART is the console",
}


def make_dtb(case, workdir):
    base = os.path.join(workdir, "base.dtb")
    subprocess.run(["qemu-system-aarch64", "-M", MACHINE + ",dumpdtb=" + base,
                    "-cpu", "cortex-a57", "-smp", "2", "-m", "1G",
                    "-nic", "none", "-display", "none"],
                   check=True, capture_output=True)
    bad = os.path.join(workdir, case + ".dtb")
    shutil.copy(base, bad)
    if case == "corrupt-header":
        with open(bad, "r+b") as f:
            f.write(b"\xde\xad\xbe\xef")
    elif case == "no-memory":
        nodes = subprocess.run(["fdtget", "-l", bad, "/"], check=True,
                               capture_output=True, text=True).stdout.split()
        memory = [n for n in nodes if n.startswith("memory")]
        check(memory, "QEMU's DTB has no memory node to remove")
        for node in memory:
            subprocess.run(["fdtput", "-r", bad, "/" + node], check=True)
    elif case == "no-stdout-path":
        subprocess.run(["fdtput", "-d", bad, "/chosen", "stdout-path"],
                       check=True)
    return bad


def test(args):
    with tempfile.TemporaryDirectory() as workdir:
        dtb = make_dtb(args.case, workdir)
        m = mvtest.Machine(args.shim, [
            "-device", "loader,file=%s,addr=0x%x,force-raw=on"
            % (args.image, NUCLEUS_ADDR),
            "-device", "loader,file=%s,addr=0x%x,force-raw=on"
            % (dtb, DTB_ADDR)])
        try:
            m.expect(CASES[args.case], timeout=20, halt_ok=True,
                     what="the message for a DTB with %s" % args.case)
            m.expect(r"nucleus: cannot boot; halted", timeout=5,
                     halt_ok=True)
            # Halted for good: no further output, no fault, QEMU alive.
            try:
                m.child.expect(r"\S", timeout=2)
                raise mvtest.Failure("output after the halt: %r"
                                     % m.child.after)
            except mvtest.pexpect.TIMEOUT:
                pass
            check(m.child.isalive(), "QEMU exited instead of halting")
            check("exception:" not in m.console(),
                  "the nucleus faulted on the bad DTB")
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--case": {"required": True, "choices": sorted(CASES)},
                       "--shim": {"required": True}})
