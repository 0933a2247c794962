#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The scheduler self-test (modvisor.selftest=sched), its figures checked
here: 10,000 cross-CPU wait-queue round trips carried by IPIs, preemption
between two spinning threads, 100 ms sleeps waking within 2 ms, and no
timer interrupt on an idle CPU for one second."""

import mvtest
from mvtest import check


def test(args):
    m = mvtest.Machine(args.image, ["-initrd", args.initrd, "-append",
                                    "modvisor.modules=selftest "
                                    "modvisor.selftest=sched "
                                    "modvisor.noautostart"], timeout=120)
    try:
        m.expect(r"nucleus: ready", timeout=20)
        pp = m.expect(r"selftest: pingpong: (\d+) round trips across cpu0 "
                      r"and cpu1 in (\d+) ms, (\d+) IPIs sent, (\d+) "
                      r"received: (PASS|FAIL)", what="the pingpong result")
        rounds, sent, received = (int(pp.group(i)) for i in (1, 3, 4))
        check(rounds == 10000, "pingpong ran %d round trips" % rounds)
        check(received > 0, "no cross-CPU wake-up came by IPI")
        check(sent >= received, "more IPIs received (%d) than sent (%d)"
              % (received, sent))
        check(pp.group(5) == "PASS", "pingpong reported %s" % pp.group(5))

        pre = m.expect(r"selftest: preemption: two spinning threads on cpu1 "
                       r"both advanced in (\d+) of (\d+) 100 ms windows "
                       r"\(counts (\d+), (\d+)\): (PASS|FAIL)")
        check(pre.group(1) == pre.group(2),
              "spinners shared the CPU in only %s of %s windows"
              % (pre.group(1), pre.group(2)))
        check(int(pre.group(3)) > 0 and int(pre.group(4)) > 0,
              "a spinner never ran")

        sl = m.expect(r"selftest: sleep: (\d+) sleeps of (\d+) ms, latest "
                      r"wake-up (\d+) us after the deadline, (\d+) early: "
                      r"(PASS|FAIL)")
        check(int(sl.group(4)) == 0, "%s sleeps woke early" % sl.group(4))
        check(int(sl.group(3)) <= 2000,
              "a 100 ms sleep woke %s us late (bound 2000 us)" % sl.group(3))

        tl = m.expect(r"selftest: tickless: idle cpu1 took (\d+) timer "
                      r"interrupts \((\d+) interrupts in all\) in 1 s: (PASS|FAIL)")
        check(int(tl.group(1)) == 0,
              "idle cpu1 took %s timer interrupts" % tl.group(1))

        res = m.expect(r"selftest: sched: (\w+) \((\d+) failed\)")
        check(res.group(1) == "PASS", "self-test verdict %s" % res.group(1))
        errors = mvtest.ERROR_LINE.findall(m.console())
        check(not errors, "errors logged: %s" % errors)
    finally:
        m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--initrd": {"required": True}})
