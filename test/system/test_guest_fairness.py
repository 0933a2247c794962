#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A guest spinning with interrupts masked ("spin") and a heartbeat guest
("heartbeat", 20 beats a second alone), both pinned to host CPU 0 with
host-cpus = <0>, where the terminal thread runs too. In the 5 s after
tg: spinning the heartbeat guest logs at least 5 beats, in order, in at
least 4 of the five 1-second windows of the log's clock (a single
catch-up burst after starvation does not pass); the spinner is preempted
(its irq exits grow), vcpu list shows both pinned to CPU 0, host info's
idle time shows CPU 0 busy (under a tenth of the window idle) and CPU 1
mostly idle (over half), the terminal answers; no warning, no error
line."""

import re
import tempfile

import mvtest
from mvtest import check

WINDOW = 5


def idle(t):
    """Each CPU's idle seconds and the uptime, from host info."""
    out = t.run("host info", r"idle: ")
    up = re.search(r"uptime: +(\d+):(\d+):(\d+)\.(\d+)", out)
    secs = (int(up.group(1)) * 3600 + int(up.group(2)) * 60 +
            int(up.group(3)) + int(up.group(4)) / 1000)
    return {int(c): float(v) for c, v in
            re.findall(r"cpu(\d+) (\d+\.\d+) s", out)}, secs


def test(args):
    frag = mvtest.guests_fragment(
        mvtest.guest_node("spinner", "spin", host_cpus=[0]),
        mvtest.guest_node("hb", "heartbeat", host_cpus=[0]))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, frag)
        t = mvtest.Terminal(m)
        try:
            m.expect(r"\[spinner/uart\] tg: spinning", timeout=20,
                     what="the spinner's tg: spinning")
            start = m.console()
            spin_at = mvtest.guest_lines(start, "spinner")[-1][0]
            before = mvtest.vcpu_list(t)
            idle0, up0 = idle(t)
            for g in ("spinner", "hb"):
                check(before[(g, 0)]["state"] != "off",
                      "%s's vCPU is off" % g)
            m.read_for(WINDOW)
            seen = [(ts, n) for ts, n in mvtest.beats(m.console(), "hb")
                    if ts >= spin_at]
            window = [(ts, n) for ts, n in seen if ts < spin_at + WINDOW]
            check(len(window) >= 5,
                  "hb logged %d beats in the %d s after tg: spinning"
                  % (len(window), WINDOW))
            seconds = {int(ts - spin_at) for ts, _ in window}
            check(len(seconds) >= 4,
                  "hb's beats came in bursts: in %d of the %d 1-s windows "
                  "after tg: spinning (%s)" % (len(seconds), WINDOW,
                                               sorted(seconds)))
            mvtest.check_beats_in_order(m.console(), "hb")

            after = mvtest.vcpu_list(t)
            check(sorted(after) == [("hb", 0), ("spinner", 0)],
                  "vcpu list: want one vCPU each, got %s" % sorted(after))
            check(after[("spinner", 0)]["reasons"].get("irq", 0) >
                  before[("spinner", 0)]["reasons"].get("irq", 0),
                  "the spinner was never interrupted: %s then %s"
                  % (before[("spinner", 0)], after[("spinner", 0)]))
            for g in ("spinner", "hb"):
                check(after[(g, 0)]["cpu"] == "0" and
                      after[(g, 0)]["pin"] == "0",
                      "%s's vCPU is not on and pinned to CPU 0: %s"
                      % (g, after[(g, 0)]))
            t.run("host info", r"CPUs: +2 online of 2")
            idle1, up1 = idle(t)
            span = up1 - up0
            check(sorted(idle1) == [0, 1] and
                  idle1[0] - idle0[0] < span / 10 and
                  idle1[1] - idle0[1] > span / 2,
                  "idle time over %.1f s: CPU 0 should be busy, CPU 1 "
                  "mostly idle: %s then %s" % (span, idle0, idle1))
            n = mvtest.beats(m.console(), "hb")[-1][1]
            m.read_until(lambda s: mvtest.beats(s, "hb")[-1][1] > n, 10,
                         "a beat after the commands", since=0)
            text = m.console()
            check(not mvtest.warnings(text) and not mvtest.errors(text),
                  "warnings or errors in the log:\n%s" % "\n".join(
                      mvtest.warnings(text) + mvtest.errors(text)))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
