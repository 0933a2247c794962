#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One 2-vCPU test guest (test/guests/testguest) running "uart psci trng
timer ptimer wfi smp abort": each test prints PASS, in that order, and none
FAIL; the timer test counts its 1000 interrupts, ptimer 100 interrupts of
the trapped and emulated EL1 physical timer (INTID 30 from the guest DT,
its CNTP_* accesses show as sysreg exits), smp brings cpu1 up and off;
then tg: done. The only warnings are the three misdeeds the psci and
abort tests commit on purpose, each naming the guest; no error line.
vcpu list shows both vCPUs with exit counts by reason that add up to
their totals; guest info and guest list describe the guest."""

import re
import tempfile

import mvtest
from mvtest import check

TESTS = ["uart", "psci", "trng", "timer", "ptimer", "wfi", "smp", "abort"]


def test(args):
    node = mvtest.guest_node("tg", " ".join(TESTS), vcpus=2)
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, mvtest.guests_fragment(node))
        t = mvtest.Terminal(m)
        try:
            m.read_until(lambda s: "[tg/uart] tg: done" in s, 60,
                         "the guest's tg: done")
            text = m.console()
            check("guest tg: created: 2 vCPUs, 16 MiB at 0x40000000, "
                  "1 device, kernel guests/testguest.bin" in text,
                  "no creation line for tg with 2 vCPUs and 16 MiB")
            out = [l for _, l in mvtest.guest_lines(text, "tg")]
            check("tg: cpus 2 ram 0x40000000+0x1000000" in " ".join(out),
                  "the guest does not see 2 CPUs and its 16 MiB")
            results = [l for l in out if re.match(r"tg: [\w-]+: (PASS|FAIL)",
                                                  l)]
            check([r.split(":")[1].strip() for r in results] == TESTS and
                  all(": PASS" in r for r in results),
                  "want one PASS per test in order %s, got:\n%s"
                  % (TESTS, "\n".join(results)))
            check(not [l for l in out if "unexpected" in l or "FAIL" in l],
                  "the guest reports trouble:\n%s" % "\n".join(out))
            timer = next(r for r in results if r.startswith("tg: timer:"))
            check(re.search(r"PASS 1000 irqs ", timer),
                  "the timer test did not count 1000 interrupts: " + timer)
            ptimer = next(r for r in results if r.startswith("tg: ptimer:"))
            check(re.search(r"PASS 100 irqs mean-late \d+\.\d\d ticks "
                            r"min \d+$", ptimer),
                  "the ptimer test did not count 100 interrupts: " + ptimer)
            check(re.search(r"^tg: uart 0x9000000 irq 33 .* vtimer 27 "
                            r"ptimer 30 psci hvc$", "\n".join(out), re.M),
                  "the guest's DT does not give the UART SPI 1 and the "
                  "timers PPIs 11 and 14 (INTIDs 27 and 30)")
            check("tg: cpu1 up" in out and
                  re.search(r"smp: PASS cpus=2 sgi=100 .*cpu1 off",
                            "\n".join(results)),
                  "cpu1 did not come up, ping-pong and go off")

            warns = mvtest.warnings(text)
            want = [r"guest tg: vcpu0: unknown HVC function 0x86fffff0: "
                    r"NOT_SUPPORTED",
                    r"guest tg: vcpu0: CPU_ON of MPIDR 0xff: no such vCPU",
                    r"guest tg: vcpu0: 4-byte read at 0x7f000000 \(pc 0x\w+\)"
                    r": nothing there: abort injected"]
            check(len(warns) == len(want) and
                  all(re.fullmatch(w, g) for w, g in zip(want, warns)),
                  "want exactly the psci and abort tests' warnings:\n%s"
                  % "\n".join(warns))

            vcpus = mvtest.vcpu_list(t)
            check(sorted(vcpus) == [("tg", 0), ("tg", 1)],
                  "vcpu list: want tg's vCPUs 0 and 1, got %s" % sorted(vcpus))
            for (g, i), v in sorted(vcpus.items()):
                check(v["exits"] > 0 and
                      sum(v["reasons"].values()) == v["exits"],
                      "vcpu %d: exits by reason %s do not add up to %d"
                      % (i, v["reasons"], v["exits"]))
            v0, v1 = vcpus[("tg", 0)], vcpus[("tg", 1)]
            for reason in ("hvc", "mmio", "sysreg", "wfi", "irq", "abort"):
                check(v0["reasons"].get(reason, 0) > 0,
                      "vcpu0 has no %s exits: %s" % (reason, v0))
            # ptimer: at least the deadline, CTL and the handler's CTL
            # read and write trap in each of its 100 rounds.
            check(v0["reasons"].get("sysreg", 0) >= 400,
                  "vcpu0 has too few sysreg exits for the trapped CNTP: %s"
                  % v0)
            # cpu1 ran the SGI ping-pong (sysreg to reply, wfi to wait).
            check(v1["reasons"].get("sysreg", 0) >= 100 and
                  v1["reasons"].get("wfi", 0) > 0,
                  "vcpu1 exits do not show the SGI ping-pong: %s" % v1)
            check(v1["state"] == "off",
                  "vcpu1 is %s after CPU_OFF" % v1["state"])

            info = t.run("guest info tg")
            for want_line in (r"^name: +tg$", r"^state: +running$",
                              r"^vcpus: +2$",
                              r"^memory: +16 MiB at 0x40000000; 1 region, "
                              r"16 MiB in all$", r"^devices: +1$",
                              r"^kernel: +guests/testguest.bin$",
                              r"^resets: +0$",
                              r"^vcpu 0: +\w+, host CPU \S+, pinned to -, "
                              r"\d+ moves, \d+ exits$",
                              r"^vcpu 1: +off, host CPU \S+, pinned to -, "
                              r"%d moves, %d exits$" % (v1["moves"],
                                                        v1["exits"])):
                check(re.search(want_line, info, re.M),
                      "guest info tg lacks %r:\n%s" % (want_line, info))
            t.run("guest list", r"^tg +running +2 +16 +guests/testguest.bin"
                  r"\n1 guest$")
            t.run("guest info nosuch", r"no guest named 'nosuch'")

            errs = mvtest.errors(m.console())
            check(not errs, "error lines in the log:\n%s" % "\n".join(errs))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
