#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The life cycle of a heartbeat test guest from the terminal: pause (no
beat for 1 s after the state line, state paused), resume (beats go on,
none lost), stop (silence) and start (boots again: banner, beat 1,
resets 1), reset (banner, beat 1, resets 2). Then memory: destroy, free
host memory recorded; create takes the RAM its images are loaded into
(2 MiB granules, backed on first touch: not all 16 MiB); a guest that ran and is destroyed gives back every KiB; 50 create + destroy
rounds end with exactly the recorded free memory (and each create with
the same as the first); a 51st create boots when started. No error."""

import re
import tempfile

import mvtest
from mvtest import check

G = "lc"
BANNER = "[%s/uart] tg: Modvisor test guest" % G
ROUNDS = 50


def state_line(m, state):
    """Wait for the nucleus's state line; return where it ends."""
    m.read_until(lambda s: "guest %s: %s" % (G, state) in s, 10,
                 "guest %s: %s" % (G, state))
    return m.console().rindex("guest %s: %s" % (G, state))


def last_beat(m):
    b = mvtest.beats(m.console(), G)
    return b[-1][1] if b else 0


def wait_beat(m, n, since=0, what=None):
    """Wait until beat n (or later) is logged after console position since."""
    m.read_until(lambda s: any(k >= n for _, k in mvtest.beats(s, G)), 15,
                 what or "beat %d of %s" % (n, G), since=since)


def silent_for(m, since, seconds, why):
    m.read_for(seconds)
    late = mvtest.beats(m.console()[since:], G)
    check(not late, "%s still beat after it was %s: %s" % (G, why, late))


def boots(m, t, since, resets):
    """A fresh boot after console position since: one banner, then beats
    from 1, in order; guest info counts the resets."""
    m.read_until(lambda s: BANNER in s, 15, "the banner of a new boot",
                 since=since)
    at = m.console().index(BANNER, since)
    wait_beat(m, 3, at, "3 beats after the new boot")
    check(m.console()[since:].count(BANNER) == 1,
          "more than one banner after the boot")
    after = m.console()[at:]
    check(mvtest.beats(after, G)[0][1] == 1,
          "the beats did not start again from 1: %s"
          % mvtest.beats(after, G)[:3])
    mvtest.check_beats_in_order(after, G)
    t.run("guest info %s" % G, r"^state: +running$\n[\s\S]*^resets: +%d$"
          % resets)


def test(args):
    frag = mvtest.guests_fragment(mvtest.guest_node(G, "heartbeat"))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, frag)
        t = mvtest.Terminal(m)
        try:
            wait_beat(m, 5)

            t.run("guest pause %s" % G, r"^guest: %s paused$" % G)
            at = state_line(m, "paused")
            silent_for(m, at, 1.0, "paused")
            t.run("guest info %s" % G, r"^state: +paused$")
            check(mvtest.vcpu_list(t)[(G, 0)]["state"] == "paused",
                  "vcpu list does not show %s's vCPU paused" % G)
            n = last_beat(m)
            t.run("guest resume %s" % G, r"^guest: %s resumed$" % G)
            wait_beat(m, n + 5)
            mvtest.check_beats_in_order(m.console(), G)

            t.run("guest stop %s" % G, r"^guest: %s stopped$" % G)
            at = state_line(m, "stopped")
            silent_for(m, at, 1.0, "stopped")
            t.run("guest info %s" % G, r"^state: +stopped$")
            at = len(m.console())
            t.run("guest start %s" % G, r"^guest: %s started$" % G)
            boots(m, t, at, 1)

            at = len(m.console())
            t.run("guest reset %s" % G, r"^guest: %s reset$" % G)
            boots(m, t, at, 2)

            # Memory: a guest that ran gives everything back.
            t.run("guest destroy %s" % G, r"^guest: %s destroyed$" % G)
            t.run("guest list", r"^0 guests$")
            t.run("vserial list", r"^0 ports$")
            free = mvtest.free_kib(t)
            t.run("guest create %s" % G, r"^guest: created %s from %s"
                  % (G, G))
            loaded = mvtest.free_kib(t)
            # Image and DTB granules (2 MiB each): not the whole 16 MiB.
            check(2 * 2048 <= free - loaded < 16 * 1024,
                  "creating a 16 MiB guest took %d KiB" % (free - loaded))
            at = len(m.console())
            t.run("guest start %s" % G, r"^guest: %s started$" % G)
            boots(m, t, at, 0)
            running = mvtest.free_kib(t)
            check(running <= loaded, "running the guest gave memory back "
                  "(%d KiB free, %d after create)" % (running, loaded))
            t.run("guest destroy %s" % G, r"^guest: %s destroyed$" % G)
            check(mvtest.free_kib(t) == free,
                  "after a guest ran and was destroyed %d KiB are free, "
                  "%d before" % (mvtest.free_kib(t), free))

            for i in range(ROUNDS):
                t.run("guest create %s" % G, r"^guest: created %s from %s"
                      % (G, G))
                if i == ROUNDS - 1:
                    now = mvtest.free_kib(t)
                    check(now == loaded, "the %dth create left %d KiB free,"
                          " the first %d" % (ROUNDS, now, loaded))
                t.run("guest destroy %s" % G, r"^guest: %s destroyed$" % G)
            now = mvtest.free_kib(t)
            check(now == free, "after %d create/destroy rounds %d KiB are "
                  "free, %d before (%+d KiB)" % (ROUNDS, now, free,
                                                 now - free))
            text = m.console()
            check(len(re.findall(r"guest %s: created: 1 vCPU, 16 MiB" % G,
                                 text)) == ROUNDS + 2,
                  "not %d creation lines" % (ROUNDS + 2))

            t.run("guest create %s" % G, r"^guest: created %s from %s"
                  % (G, G))
            at = len(m.console())
            t.run("guest start %s" % G, r"^guest: %s started$" % G)
            boots(m, t, at, 0)
            errs = mvtest.errors(m.console())
            check(not errs, "error lines in the log:\n%s" % "\n".join(errs))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
