#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The guest console port from the terminal, with a heartbeat test guest:
vserial list shows vs/uart and its byte count; vserial dump prints the
raw output; vserial bind vs/uart prints the hint, replays the recent
output (the banner) and then the live beats raw, with no [vs/uart] log
line meanwhile; Ctrl-] Ctrl-] and Ctrl-] x keep the port bound; Ctrl-] q
detaches, the prompt answers and log-prefixed beats come back, numbered
on from the last raw one. Binding by guest name picks the same port.
(The test guest does not read its UART, so typing into it is not
checked.)"""

import re
import tempfile

import mvtest
from mvtest import check

G = "vs"
HINT = "vserial: bound to %s/uart; Ctrl-] then q returns to the terminal" % G
DETACHED = "vserial: detached from %s/uart" % G
RAW_BEAT = re.compile(r"(?:^|\n)tg: beat (\d+)\r")


def raw_beats(text):
    return [int(n) for n in RAW_BEAT.findall(text)]


def bind(m, t, spec):
    """vserial bind spec; return the console position after the hint."""
    m.child.send("vserial bind %s\r" % spec)
    m.read_until(lambda s: HINT in s, 10, "the bind hint",
                 since=len(m.console()))
    return m.console().rindex(HINT) + len(HINT)


def detach(m, t, at):
    """Ctrl-] q; the detach message, then the prompt."""
    m.child.send("\x1dq")
    m.expect(re.escape(DETACHED), timeout=10, what="the detach message")
    m.expect(mvtest.PROMPT, timeout=10, what="the prompt after detaching")
    return m.console().rindex(DETACHED)


def test(args):
    frag = mvtest.guests_fragment(mvtest.guest_node(G, "heartbeat"))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, frag)
        t = mvtest.Terminal(m)
        try:
            m.read_until(lambda s: len(mvtest.beats(s, G)) >= 3, 20,
                         "3 beats of %s" % G)
            out = t.run("vserial list", r"^%s/uart +\d+ +-\n1 port$" % G)
            written = int(re.search(r"^%s/uart +(\d+)" % G, out,
                                    re.M).group(1))
            check(written > 200, "vs/uart shows %d bytes written" % written)
            out = t.run("vserial dump %s/uart" % G,
                        r"^vserial: %s/uart: last (\d+) of \1 bytes$" % G)
            check(re.search(r"^tg: Modvisor test guest", out, re.M) and
                  re.search(r"^tg: beat 3$", out, re.M),
                  "vserial dump lacks the banner or beat 3:\n%s" % out)

            logged = mvtest.beats(m.console(), G)[-1][1]
            at = bind(m, t, "%s/uart" % G)
            m.read_until(lambda s: len([n for n in raw_beats(s)
                                        if n > logged]) >= 10, 15,
                         "10 live raw beats", since=at)
            # Escapes that do not detach.
            m.child.send("\x1d\x1d")
            m.child.send("\x1dx")
            n = max(raw_beats(m.console()[at:]))
            m.read_until(lambda s: max(raw_beats(s) or [0]) >= n + 5, 10,
                         "raw beats after Ctrl-] Ctrl-] and Ctrl-] x",
                         since=at)
            end = detach(m, t, at)
            bound = m.console()[at:end]
            check(DETACHED not in bound[:-1], "detached early")
            check("[%s/uart]" % G not in bound,
                  "log lines of vs/uart while bound:\n%s" % bound)
            raw = raw_beats(bound)
            check(raw and raw == list(range(raw[0], raw[-1] + 1)),
                  "the raw beats are not in order: %s" % raw)
            if written < 1024:
                # The replay (the last 2 KiB) holds all the output so far.
                check(re.search(r"\ntg: Modvisor test guest", bound) and
                      raw[0] == 1, "the replay lacks the banner or beat 1:"
                      "\n%s" % bound[:400])
            check(raw[-1] >= logged + 15,
                  "only %d live raw beats" % (raw[-1] - logged))

            # Back to the log: beats go on from the last raw one.
            m.read_until(lambda s: mvtest.beats(s, G), 10,
                         "a logged beat after detaching", since=end)
            first = mvtest.beats(m.console()[end:], G)[0][1]
            check(first == raw[-1] + 1,
                  "after the last raw beat %d the log went on with %d"
                  % (raw[-1], first))
            out = t.run("vserial list", r"^%s/uart +\d+ +-\n1 port$" % G)
            check(int(re.search(r"^%s/uart +(\d+)" % G, out, re.M).group(1))
                  > written, "the byte count did not grow")
            t.run("host info", r"CPUs: +2 online of 2")

            # By guest name: the guest's first port.
            at = bind(m, t, G)
            logged = max(raw_beats(m.console()[at:]) or
                         [mvtest.beats(m.console(), G)[-1][1]])
            m.read_until(lambda s: max(raw_beats(s) or [0]) >= logged + 3,
                         10, "raw beats after binding by name", since=at)
            end = detach(m, t, at)
            m.read_until(lambda s: mvtest.beats(s, G), 10,
                         "a logged beat after the second detach", since=end)
            mvtest.check_beats_in_order(m.console()[end:], G,
                                        mvtest.beats(m.console()[end:],
                                                     G)[0][1])
            text = m.console()
            check(not mvtest.errors(text) and not mvtest.warnings(text),
                  "errors or warnings in the log:\n%s" % "\n".join(
                      mvtest.errors(text) + mvtest.warnings(text)))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
