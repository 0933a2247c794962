#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Guest exit-cost benchmark: the bare-metal test guest (test/guests/
testguest, bootargs "bench") times 1,000 round trips of each kind of exit
with the virtual counter under QEMU -icount shift=0,sleep=off (idle time
skipped, not slept), where every guest
instruction takes 1 ns and a tick of the 62.5 MHz counter is 16
instructions, so the figures are deterministic instruction budgets:
a null hypercall (PSCI_VERSION), an emulated PL011 register read, a
trapped system-register read (ACTLR_EL1), a WFI wake-up by the virtual
timer, and an SGI round trip between two vCPUs, once on two host CPUs and
once with both vCPUs pinned to one host CPU (two vCPU switches a round
trip). Prints each figure beside its target and Xvisor's; asserts
nothing."""

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "system"))
import mvtest  # noqa: E402

# name: (target ticks, Xvisor ticks on the same QEMU)
TARGETS = {
    "hvc": (8, 25.0),
    "mmio": (12, 39.8),
    "sysreg": (8, 23.9),
}

GUEST = """
&{/} {
	guests {
		bench {
			compatible = "modvisor,guest";
			vcpus = <2>;
			%s
			memory = <0x0 0x40000000 0x0 0x1000000>;
			kernel = "guests/testguest.bin";
			bootargs = "bench";
			autostart;
			devices {
				uart@9000000 {
					compatible = "arm,pl011";
					reg = <0x0 0x9000000 0x0 0x1000>;
					interrupts = <0 1 4>;
				};
			};
		};
	};
};
"""

FIGURE = re.compile(r"tg: bench: (\S+) ([0-9.]+) ticks")


def run_bench(args, pin):
    with tempfile.TemporaryDirectory() as tmp:
        dtbo = mvtest.board_overlay(tmp, GUEST % pin)
        guest = os.path.join(args.build, "arm64", "guests", "testguest.bin")
        initrd = mvtest.pack_initrd(tmp, args.build, args.mvmod, dtbo,
                                    files={"guests/testguest.bin": guest})
        m = mvtest.Machine(os.path.join(args.build, "arm64", "nucleus.bin"),
                           ["-initrd", initrd, "-icount", "shift=0,sleep=off"],
                           timeout=120)
        m.child.logfile_read = None     # keep the console quiet
        try:
            m.expect(r"tg: bench: (PASS|FAIL)[^\r\n]*", what="bench results")
            text = m.child.before
            if m.child.match.group(1) != "PASS":
                raise mvtest.Failure("the guest's bench failed:\n" + text)
        finally:
            m.close()
    return {name: float(value) for name, value in FIGURE.findall(text)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=1,
                        help="ignored: under -icount the figures repeat")
    args = parser.parse_args()
    args.mvmod = os.path.join(args.build, "module-sdk", "mvmod", "mvmod")
    try:
        spread = run_bench(args, "")
        pinned = run_bench(args, "host-cpus = <0 0>;")
    except mvtest.Failure as err:
        print("bench failed: %s" % err)
        return 1
    print("exit round trips, guest ticks of 16 instructions (QEMU -icount "
          "shift=0,sleep=off), 1,000 each, empty-loop cost %.2f ticks "
          "subtracted:"
          % spread.get("empty-loop", 0))
    for name, (target, xvisor) in TARGETS.items():
        value = spread.get(name)
        print("  %-8s %7.2f ticks  (target <= %d, Xvisor %.1f)%s"
              % (name, value, target, xvisor,
                 "" if value <= target else "  ABOVE TARGET"))
    print("  %-8s %7.2f ticks  (virtual timer expiry to the guest's "
          "handler, after WFI)" % ("wfi", spread.get("wfi")))
    print("  %-8s %7.2f ticks  (SGI round trip, vCPUs on two host CPUs)"
          % ("sgi", spread.get("sgi-roundtrip")))
    print("  %-8s %7.2f ticks  (SGI round trip, both vCPUs on host CPU 0: "
          "2 vCPU switches)" % ("switch", pinned.get("sgi-roundtrip")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
