#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Two test guests at the same guest-physical base with different RAM:
ga (16 MiB) runs "abort heartbeat" and reads 0x42000000, which is RAM in
gb (64 MiB) but nothing in ga; gb runs "heartbeat". Each guest sees its
own RAM size; the read faults in ga (abort PASS with FAR = the address);
exactly one warning, naming ga and the address; vcpu list books the
abort to ga only; gb (and ga) keep beating, in order, for 3 s afterwards;
the terminal answers; no error line. A third guest, gc, has 2 MiB more
at 16 GiB (its DT shows that region), so its stage 2 is the 40-bit one
walked from level 1 where ga's and gb's are the 34-bit one from level 2:
the layouts take turns on the host CPUs (a vCPU load sets VTCR_EL2 with
VTTBR_EL2), and gc beats in order beside them. A fourth guest, gd (16
MiB, level 2), reads 20 GiB, beyond its 34-bit space: the read still
exits to the hypervisor, which injects an abort (FAR = the address) and
warns once, naming gd; gd keeps beating. guest info shows each guest's
layout."""

import re
import tempfile

import mvtest
from mvtest import check

ADDR = 0x42000000
HIGH_RAM = 0x400000000	# 16 GiB: beyond the level-2 layout's reach
BEYOND = 0x500000000	# 20 GiB: outside a level-2 guest's IPA space


def test(args):
    frag = mvtest.guests_fragment(
        mvtest.guest_node("ga", "abort heartbeat abort-addr=0x%x" % ADDR),
        mvtest.guest_node("gb", "heartbeat",
                          memory=((0x40000000, 0x4000000),)),
        mvtest.guest_node("gc", "heartbeat",
                          memory=((0x40000000, 0x1000000),
                                  (HIGH_RAM, 0x200000))),
        mvtest.guest_node("gd", "abort heartbeat abort-addr=0x%x" % BEYOND))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, frag)
        t = mvtest.Terminal(m)
        try:
            m.read_until(lambda s: "[ga/uart] tg: abort: " in s and
                         "[gd/uart] tg: abort: " in s and
                         mvtest.beats(s, "ga") and mvtest.beats(s, "gb"),
                         30, "ga's abort result and both heartbeats")
            text = m.console()
            for g, size in (("ga", 0x1000000), ("gb", 0x4000000)):
                check("tg: cpus 1 ram 0x40000000+0x%x " % size in
                      "\n".join(l for _, l in mvtest.guest_lines(text, g)),
                      "%s does not see its own RAM (0x%x bytes)" % (g, size))
            check("tg: cpus 1 ram 0x%x+0x200000 " % HIGH_RAM in
                  "\n".join(l for _, l in mvtest.guest_lines(text, "gc")),
                  "gc's DT lacks its RAM at 16 GiB")
            check(re.search(r"\[ga/uart\] tg: abort: PASS ESR=0x\w+ "
                            r"FAR=0x%x\r" % ADDR, text),
                  "ga's read of 0x%x did not fault in ga" % ADDR)
            check(re.search(r"\[gd/uart\] tg: abort: PASS ESR=0x\w+ "
                            r"FAR=0x%x\r" % BEYOND, text),
                  "gd's read of 0x%x did not fault in gd" % BEYOND)
            before = mvtest.beats(text, "gb")[-1][1]

            text = m.console() + m.read_for(3)
            warns = mvtest.warnings(text)
            want = [r"guest %s: vcpu0: 4-byte read at 0x%x \(pc 0x\w+\): "
                    r"nothing there: abort injected" % read
                    for read in (("ga", ADDR), ("gd", BEYOND))]
            check(len(warns) == 2 and
                  all(any(re.fullmatch(w, x) for x in warns) for w in want),
                  "want two warnings, about ga's and gd's reads:\n%s"
                  % "\n".join(warns))
            n_b = mvtest.check_beats_in_order(text, "gb")
            n_a = mvtest.check_beats_in_order(text, "ga")
            check(n_b >= before + 10,
                  "gb stalled after ga's abort: beat %d, then %d beats in "
                  "3 s" % (before, n_b - before))
            check(n_a >= 10, "ga stopped beating after its abort (%d)" % n_a)
            for g in ("gc", "gd"):
                n = mvtest.check_beats_in_order(text, g)
                check(n >= 10, "%s beat only %d times" % (g, n))

            vcpus = mvtest.vcpu_list(t)
            check(vcpus[("ga", 0)]["reasons"].get("abort") == 1 and
                  "abort" not in vcpus[("gb", 0)]["reasons"] and
                  "abort" not in vcpus[("gc", 0)]["reasons"] and
                  vcpus[("gd", 0)]["reasons"].get("abort") == 1,
                  "the aborts are not booked to ga and gd alone: %s" % vcpus)
            mvtest.free_kib(t)
            out = t.run("guest list", r"^4 guests$")
            for want in (r"^ga +running +1 +16 ", r"^gb +running +1 +64 ",
                         r"^gc +running +1 +18 ", r"^gd +running +1 +16 "):
                check(re.search(want, out, re.M),
                      "guest list lacks %r:\n%s" % (want, out))
            # The layout each guest got, and at least its root tables.
            for g, bits, levels, root_kib in (("ga", 34, 2, 64),
                                              ("gb", 34, 2, 64),
                                              ("gc", 40, 3, 8),
                                              ("gd", 34, 2, 64)):
                out = t.run("guest info %s" % g)
                got = re.search(r"^stage 2: +(\d+)-bit IPA space, (\d) "
                                r"levels, (\d+) KiB of tables$", out, re.M)
                check(got and int(got.group(1)) == bits and
                      int(got.group(2)) == levels and
                      int(got.group(3)) >= root_kib,
                      "%s: want a %d-bit, %d-level stage 2 with at least "
                      "%d KiB of tables:\n%s" % (g, bits, levels, root_kib,
                                                  out))
            text = m.console()
            check(mvtest.beats(text, "gb")[-1][1] > n_b,
                  "gb stopped beating while the terminal ran commands")
            check(not mvtest.errors(text), "error lines in the log:\n%s"
                  % "\n".join(mvtest.errors(text)))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
