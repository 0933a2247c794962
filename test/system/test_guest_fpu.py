#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""FP/SIMD state across vCPU switches: two 1-vCPU guests run the test
guest's "fpu" test with different fpu-seed values, so different patterns
in v0-v31, FPCR and FPSR, and a third guest beats ("heartbeat"), all
pinned to host CPU 0 (host-cpus = <0>): whenever one sleeps in WFI
another runs there. Each fpu round leaves the CPU through an HVC, an MMIO
read and, every 10th round, a 200 us WFI sleep, and checks every
register after each (both start before either ends: they share the
CPU). While they run, the terminal runs vcpu list (the
nucleus switches to its own thread) until both have finished. Both fpu
tests PASS all their rounds with their own seeds; the vcpu list taken
during the run shows the three vCPUs on CPU 0 with the fpu guests'
hvc, mmio and wfi exits; the heartbeat goes on, in order, during the run;
no warning, no error line."""

import re
import tempfile

import mvtest
from mvtest import check

ROUNDS = 20000
FPU = {"fa": 1, "fb": 2}
START = re.compile(r"tg: fpu: seed (0x[0-9a-f]+) fpcr 0x[0-9a-f]+ fpsr "
                   r"0x[0-9a-f]+ rounds (\d+)$")
RESULT = re.compile(r"tg: fpu: (PASS|FAIL)( .*)?$")


def fpu_lines(text, guest):
    return [l for _, l in mvtest.guest_lines(text, guest)
            if l.startswith("tg: fpu")]


def done(text, guest):
    return any(RESULT.match(l) for l in fpu_lines(text, guest))


def finished(text):
    return all(done(text, g) for g in FPU)


def test(args):
    nodes = [mvtest.guest_node(g, "fpu fpu-seed=%d fpu-rounds=%d"
                               % (seed, ROUNDS), host_cpus=[0])
             for g, seed in sorted(FPU.items())]
    nodes.append(mvtest.guest_node("hb", "heartbeat", host_cpus=[0]))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, mvtest.guests_fragment(*nodes))
        t = mvtest.Terminal(m)
        try:
            m.read_until(lambda s: all(any(START.match(l) for l in
                                           fpu_lines(s, g)) for g in FPU),
                         30, "both fpu tests to start")
            seeds = {}
            for g in FPU:
                start = next(START.match(l) for l in fpu_lines(m.console(), g)
                             if START.match(l))
                seeds[g] = start.group(1)
                check(int(start.group(2)) == ROUNDS,
                      "%s runs %s rounds, not %d" % (g, start.group(2),
                                                     ROUNDS))
            check(seeds["fa"] != seeds["fb"],
                  "both fpu guests use seed %s" % seeds["fa"])

            # vcpu list while the fpu tests run, until both are done.
            lists = []
            while not finished(m.console()) and len(lists) < 200:
                running = not any(done(m.console(), g) for g in FPU)
                lists.append((running, mvtest.vcpu_list(t)))
            during = [v for running, v in lists if running]
            m.read_until(finished, 120, "both fpu results")
            text = m.console()
            check(during, "no vcpu list completed while the fpu tests ran")

            for g in FPU:
                res = [l for l in fpu_lines(text, g) if RESULT.match(l)]
                check(len(res) == 1 and re.match(
                    r"tg: fpu: PASS %d rounds %d sleeps seed %s$"
                    % (ROUNDS, ROUNDS // 10, seeds[g]), res[0]),
                      "%s: want one PASS of %d rounds with seed %s, got:\n%s"
                      % (g, ROUNDS, seeds[g], "\n".join(
                          fpu_lines(text, g))))
                check(not [l for _, l in mvtest.guest_lines(text, g)
                           if "unexpected" in l or "FAIL" in l],
                      "%s reports trouble" % g)

            first = during[0]
            check(sorted(first) == [("fa", 0), ("fb", 0), ("hb", 0)],
                  "vcpu list: want one vCPU of fa, fb and hb, got %s"
                  % sorted(first))
            for key, v in sorted(first.items()):
                check(v["pin"] == "0" and v["cpu"] == "0",
                      "%s is not on and pinned to CPU 0: %s" % (key, v))
                check(sum(v["reasons"].values()) == v["exits"],
                      "%s: exits by reason do not add up: %s" % (key, v))
            last = mvtest.vcpu_list(t)
            for g in FPU:
                # A sleep whose timer fires before its WFI takes no wfi
                # exit (the vCPU was preempted in between).
                for reason, least in (("hvc", ROUNDS), ("mmio", ROUNDS),
                                      ("wfi", 1)):
                    check(last[(g, 0)]["reasons"].get(reason, 0) >= least,
                          "%s has fewer than %d %s exits: %s"
                          % (g, least, reason, last[(g, 0)]))

            # The third guest shared the CPU meanwhile.
            starts = [ts for g in FPU for ts, l in
                      mvtest.guest_lines(text, g) if START.match(l)]
            ends = [ts for g in FPU for ts, l in
                    mvtest.guest_lines(text, g) if RESULT.match(l)]
            check(max(starts) < min(ends),
                  "one fpu test ended before the other started: they did "
                  "not share the CPU")
            beats = [n for ts, n in mvtest.beats(text, "hb")
                     if max(starts) <= ts <= min(ends)]
            mvtest.check_beats_in_order(text, "hb")
            n = mvtest.beats(text, "hb")[-1][1]
            m.read_until(lambda s: mvtest.beats(s, "hb")[-1][1] > n, 10,
                         "a beat after the fpu tests", since=0)
            check(not mvtest.warnings(text) and not mvtest.errors(text),
                  "warnings or errors in the log:\n%s" % "\n".join(
                      mvtest.warnings(text) + mvtest.errors(text)))
            print("\nfpu: %d vcpu lists during the run, %d beats between "
                  "the starts and the first result" % (len(during),
                                                       len(beats)))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
