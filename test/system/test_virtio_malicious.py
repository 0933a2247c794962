#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A test guest that feeds its virtio-blk device malicious virtqueues and
register writes, next to a good guest that uses its own virtio-blk device
and beats. evil runs "virtio-evil": for each attack it resets the device,
sets it up correctly, commits one violation and checks that Status has
DEVICE_NEEDS_RESET (FEATURES_OK refused for unoffered features); at the
end a reset and a correct request show the device works again. good runs
"virtio virtio-rounds=200 heartbeat". The attacks are 150 ms apart (the
transport logs at most 8 warnings a second a device); then evil floods:
10000 rounds of set-up and descriptor loop as fast as it can (over a
second here).

Checked: a result line for every attack, in order, and evil's PASS; for
each attack exactly one virtio-mmio warning naming evil's device and what
was wrong, between the previous attack's result line and its own; no
other warning or error; the flood's result line, at most 8 of its
warnings a second, the notice when it passes that and no more lines
plus counted omissions than rounds; good's virtio PASS and its beats, in
order, during and after the flood; the terminal answers at the end."""

import re
import tempfile

import mvtest
from mvtest import check

# Attack, and the warning it must get (after "virtio-mmio: guest evil:
# device blk@a000000: ").
ATTACKS = [
    ("loop", r"queue 0: descriptor 0: descriptor chain longer than its "
     r"table \(a loop\) \(more than 8 descriptors\)"),
    ("long-chain", r"queue 0: descriptor 0: descriptor chain longer than "
     r"its table \(a loop\) \(more than 8 descriptors\)"),
    ("next-range", r"queue 0: descriptor 1: next index is outside the "
     r"descriptor table \(next 11, table of 8\)"),
    ("head-range", r"queue 0: chain head index is not below the queue size "
     r"\(head 200, size 8\)"),
    ("avail-idx", r"queue 0: available index moved more than the queue size "
     r"\(from 0 to 13, size 8\)"),
    ("outside-ram", r"queue 0: descriptor 1: buffer outside guest RAM "
     r"\(0x41001000, length 0x200\)"),
    ("zero-len", r"queue 0: descriptor 1: descriptor of length 0 "
     r"\(0x4[0-9a-f]+, length 0x0\)"),
    ("huge-len", r"queue 0: descriptor 1: buffer starts in guest RAM but "
     r"runs out of it \(0x4[0-9a-f]+, length 0xffffffff\)"),
    ("notify-queue", r"notification for queue 5, which is not a queue of "
     r"this device"),
    ("queue-size", r"queue 0: size 65536 \(maximum 256\)"),
    ("ring-addr", r"queue 0: rings at 0x41000000/0x4[0-9a-f]+/0x4[0-9a-f]+ "
     r"\(size 8\) are not aligned guest RAM"),
    ("late-queue", r"queue 0: QueueDesc written in status 0xf "),
    ("late-features", r"DriverFeatures written in status 0xf"),
    ("status-clear", r"status 0x3 written over 0xf clears bits"),
    ("status-jump", r"DRIVER_OK without FEATURES_OK \(status 0xf; "
     r"FEATURES_OK refused: driver features 0x0 lack VERSION_1\)"),
    ("features", r"FEATURES_OK refused: driver features 0x100000020 include "
     r"0x20, not offered \(0x[0-9a-f]+\)$"),
]
FLOOD = 10000
DEVICE = "virtio-mmio: guest evil: device blk@a000000: "
NOTICE = "more faults this second are not logged"
COUNT = re.compile(r"(\d+) more faults not logged$")
RESULT = re.compile(r"tg: virtio-evil: ([\w-]+): (needs-reset ok|refused ok"
                    r"|FAIL.*)$")

BLK = """\
				blk@a000000 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000000 0x0 0x200>;
					interrupts = <0 16 1>;
					virtio-device = "blk";
					size = <0x0 0x10000>;
				};
"""


def test(args):
    frag = mvtest.guests_fragment(
        # good has 64 MiB: evil's "outside RAM" address is RAM in good.
        mvtest.guest_node("good", "virtio virtio-rounds=200 heartbeat",
                          memory=((0x40000000, 0x4000000),),
                          devices=mvtest.uart_and(BLK)),
        mvtest.guest_node("evil", "virtio-evil virtio-flood=%d" % FLOOD,
                          devices=mvtest.uart_and(BLK)))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, frag, timeout=60)
        t = mvtest.Terminal(m)
        try:
            m.read_until(lambda s: re.search(
                r"\[evil/uart\] tg: virtio-evil: (PASS|FAIL)", s), 120,
                "evil's virtio-evil result")
            m.read_until(lambda s: "[good/uart] tg: virtio: " in s, 60,
                         "good's virtio result")
            end = mvtest.beats(m.console(), "good")
            n0 = end[-1][1] if end else 0
            # good beats on after evil is done.
            m.read_until(lambda s: len([1 for _, n in mvtest.beats(s, "good")
                                        if n > n0]) >= 10, 60,
                         "10 beats of good after the attacks")
            text = m.console()

            evil = [l for _, l in mvtest.guest_lines(text, "evil")]
            results = [RESULT.match(l) for l in evil]
            results = [(r.group(1), r.group(2)) for r in results if r]
            check([a for a, _ in results] == [a for a, _ in ATTACKS],
                  "evil's attack results:\n%s" % "\n".join(evil))
            bad = [(a, r) for a, r in results
                   if r != ("refused ok" if a == "features" else
                            "needs-reset ok")]
            check(not bad, "attacks not refused: %s" % bad)
            passed = "tg: virtio-evil: PASS %d attacks" % len(ATTACKS)
            check([l for l in evil if l.startswith(passed)],
                  "no PASS of virtio-evil:\n%s" % "\n".join(evil))
            check(not [l for l in evil if "unexpected" in l],
                  "evil reports trouble:\n%s" % "\n".join(evil))
            good = [l for _, l in mvtest.guest_lines(text, "good")]
            check([l for l in good if l.startswith("tg: virtio: PASS ")
                   and "200 write+read rounds" in l],
                  "good's virtio test did not pass:\n%s" % "\n".join(good))

            check([l for l in evil if l == "tg: virtio-evil: flood: %d "
                   "rounds needs-reset ok" % FLOOD],
                  "no flood result from evil:\n%s" % "\n".join(evil))

            # Exactly one warning per attack, between the result line of
            # the attack before and its own; the flood's after the last.
            per_attack, cur, flood = {a: [] for a, _ in ATTACKS}, 0, []
            for _, msg in mvtest.log(text):
                r = RESULT.match(msg[len("[evil/uart] "):]) \
                    if msg.startswith("[evil/uart] ") else None
                if r:
                    cur += 1
                elif msg.startswith("warning: "):
                    w = msg[len("warning: "):]
                    check(w.startswith(DEVICE),
                          "warning not about evil's device: %s" % w)
                    if cur < len(ATTACKS):
                        per_attack[ATTACKS[cur][0]].append(w[len(DEVICE):])
                    else:
                        flood.append(w[len(DEVICE):])
            for attack, pattern in ATTACKS:
                ws = per_attack[attack]
                check(len(ws) == 1, "attack %s: %d warnings, want 1:\n%s"
                      % (attack, len(ws), "\n".join(ws)))
                check(re.match(pattern, ws[0]), "attack %s: warning %r does "
                      "not match %r" % (attack, ws[0], pattern))
                if attack != "features":
                    check(ws[0].endswith("; device needs reset"),
                          "attack %s: %r" % (attack, ws[0]))
            # The flood: every round broke the device (the guest checked),
            # at most 8 lines a second were logged, then a notice; a later
            # second starts with the count of what was left out.
            loops = burst = windows = suppressed = 0
            noticed = False
            for w in flood:
                c = COUNT.fullmatch(w)
                if c:
                    check(noticed, "%r without a notice before" % w)
                    suppressed += int(c.group(1))
                    burst, windows, noticed = 0, windows + 1, False
                elif w == NOTICE:
                    check(not noticed, "two notices in a second")
                    noticed = True
                else:
                    check(re.match(ATTACKS[0][1], w) and
                          w.endswith("; device needs reset"),
                          "flood warning: %r" % w)
                    check(not noticed, "a flood line after the notice")
                    loops += 1
                    burst += 1
                    check(burst <= 8, "more than 8 flood lines a second:\n%s"
                          % "\n".join(flood))
            check(loops and NOTICE in flood and
                  loops + suppressed <= FLOOD,
                  "%d flood rounds: %d lines, %d counted as not logged:\n%s"
                  % (FLOOD, loops, suppressed, "\n".join(flood)))

            errs = mvtest.errors(text)
            check(not errs, "error lines in the log:\n%s" % "\n".join(errs))

            lines = mvtest.guest_lines(text, "evil")
            t0 = next(ts for ts, l in lines
                      if l == "tg: virtio-evil: features: refused ok")
            t1 = next(ts for ts, l in lines
                      if l.startswith("tg: virtio-evil: flood: "))
            beats = mvtest.beats(text, "good")
            mvtest.check_beats_in_order(text, "good")
            check(len([1 for ts, _ in beats if t0 < ts < t1]) >= 2,
                  "good beats less than twice in evil's %.2f s of flood"
                  % (t1 - t0))
            check(len([1 for ts, _ in beats if ts > t1]) >= 10,
                  "good beats less than 10 times after the flood")

            t.run("guest list", r"^evil +running")
            n = mvtest.beats(m.console(), "good")[-1][1]
            m.read_until(lambda s: mvtest.beats(s, "good")[-1][1] > n, 10,
                         "a beat of good after the command")
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
