#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A malicious 2-vCPU test guest next to a good heartbeat guest. bad runs
"psci abort malicious rounds=300 spin": the psci and abort tests commit
one unknown hypercall, one bogus CPU_ON and one unmapped read
(deterministically, at the start of the first 1-second warning window),
then 300 rounds of random system-register, MMIO, HVC/SMC, SGI and PSCI
abuse, then a spin with interrupts masked. Checked: bad's PASS lines;
warnings naming bad for the unknown hypercall and the unmapped access;
the rate limit (at most 8 warnings a window and a notice, though bad commits
thousands: a later window, if any, starts with "N more messages
suppressed"); no warning names good, no error line; good's beats keep
coming, in order, during the abuse and after it; the terminal answers
during and after, and vcpu list books bad's exits by reason.

Not checked: the warning for an undefined system register (QEMU 7.2
ignores HCR_EL2.TIDCP, so the implementation-defined registers the test
guest tries never trap to the hypervisor: they UNDEF at EL1 or work)."""

import re
import tempfile

import mvtest
from mvtest import check

ROUNDS = 300


def test(args):
    frag = mvtest.guests_fragment(
        mvtest.guest_node("good", "heartbeat"),
        mvtest.guest_node("bad", "psci abort malicious rounds=%d spin"
                          % ROUNDS, vcpus=2))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, frag)
        t = mvtest.Terminal(m)
        try:
            m.expect(r"\[bad/uart\] tg: malicious: seed", timeout=30,
                     what="the start of bad's malicious test")
            # The terminal answers while bad is at it.
            during = mvtest.vcpu_list(t)
            check(("bad", 0) in during and ("good", 0) in during,
                  "vcpu list lacks a guest: %s" % sorted(during))
            try:
                m.read_until(lambda s: "[bad/uart] tg: spinning" in s, 60,
                             "bad's tg: spinning")
            except mvtest.Failure as err:
                raise mvtest.Failure("%s; then:\n%s" % (
                    err, t.run("vcpu list", timeout=10)))
            spin = mvtest.guest_lines(m.console(), "bad")[-1][0]
            m.read_for(3)
            text = m.console()

            out = [l for _, l in mvtest.guest_lines(text, "bad")]
            results = [l for l in out if re.match(r"tg: \w+: (PASS|FAIL)", l)]
            check(len(results) == 3 and
                  results[0].startswith("tg: psci: PASS") and
                  results[1].startswith("tg: abort: PASS") and
                  results[2].startswith("tg: malicious: PASS rounds=%d "
                                        % ROUNDS),
                  "bad's results:\n%s" % "\n".join(results))
            check(not [l for l in out if "unexpected" in l or
                       "succeeded" in l],
                  "bad reports trouble:\n%s" % "\n".join(out))

            warns = mvtest.warnings(text)
            check(not [w for w in warns if "good" in w],
                  "a warning names good:\n%s" % "\n".join(
                      w for w in warns if "good" in w))
            bad = mvtest.warnings(text, "bad")
            check(len(bad) == len(warns), "warnings about nobody:\n%s"
                  % "\n".join(w for w in warns if w not in bad))
            for what, pattern in (
                    ("an unknown hypercall", r"guest bad: vcpu\d: unknown "
                     r"(HVC|SMC) function 0x\w+: NOT_SUPPORTED"),
                    ("an unmapped access", r"guest bad: vcpu\d: \d-byte "
                     r"(read|write) at 0x\w+ \(pc 0x\w+\): nothing there: "
                     r"abort injected"),
                    ("a bogus CPU_ON", r"guest bad: vcpu\d: CPU_ON of ")):
                check([w for w in bad if re.match(pattern, w)],
                      "no warning about %s by bad:\n%s"
                      % (what, "\n".join(bad)))
            # Each window: 8 warnings, a notice that the rest of that
            # second goes unlogged, and the next window starts by counting
            # what was left out.
            burst = windows = 0
            noticed = False
            for w in bad:
                m_ = re.fullmatch(r"guest bad: (\d+) more messages "
                                  r"suppressed", w)
                if m_:
                    check(burst == 8 and noticed and int(m_.group(1)) > 0,
                          "%s after %d warnings" % (w, burst))
                    burst, windows, noticed = 0, windows + 1, False
                elif w == ("guest bad: more of its misdeeds this second "
                           "are not logged"):
                    check(burst == 8 and not noticed,
                          "the not-logged notice after %d warnings" % burst)
                    noticed = True
                else:
                    burst += 1
                check(burst <= 8, "more than 8 warnings about bad in a "
                      "window:\n%s" % "\n".join(bad))
            check(windows or (len(bad) == 9 and noticed),
                  "want 8 warnings and the notice about bad in its one "
                  "window, got:\n%s" % "\n".join(bad))

            lines = mvtest.guest_lines(text, "bad")
            t0 = next(ts for ts, l in lines if "malicious: seed" in l)
            t1 = next(ts for ts, l in lines if "malicious: PASS" in l)
            beats = mvtest.beats(text, "good")
            n_during = len([1 for ts, _ in beats if t0 <= ts <= t1])
            n_after = len([1 for ts, _ in beats if ts > spin])
            mvtest.check_beats_in_order(text, "good")
            check(n_during >= 2, "good logged %d beats in bad's %.2f s of "
                  "abuse" % (n_during, t1 - t0))
            check(n_after >= 10, "good logged %d beats in the 3 s after bad "
                  "began to spin" % n_after)

            vcpus = mvtest.vcpu_list(t)
            b0 = vcpus[("bad", 0)]["reasons"]
            for reason in ("hvc", "smc", "mmio", "sysreg", "abort", "irq"):
                check(b0.get(reason, 0) > 0,
                      "bad's vcpu0 has no %s exits: %s" % (reason, b0))
            check(b0["abort"] > 1000 and
                  b0["hvc"] + b0["smc"] > 1000,
                  "bad's exit counts do not show its abuse: %s" % b0)
            # Thousands of misdeeds, at most 8 warnings a window (and
            # its notice; each later window begins with the count).
            check(len(bad) <= 9 * (windows + 1) + windows and
                  b0["abort"] + b0["hvc"] > 100 * len(bad),
                  "%d warnings about bad in %d window(s) for %s"
                  % (len(bad), windows + 1, b0))
            check("abort" not in vcpus[("good", 0)]["reasons"],
                  "good has aborts: %s" % vcpus[("good", 0)])
            t.run("host info", r"CPUs: +2 online of 2")
            n = mvtest.beats(m.console(), "good")[-1][1]
            m.read_until(lambda s: mvtest.beats(s, "good")[-1][1] > n, 10,
                         "a beat of good after the commands")
            errs = mvtest.errors(m.console())
            check(not errs, "error lines in the log:\n%s" % "\n".join(errs))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
