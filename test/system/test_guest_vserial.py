#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The guest console ports from the terminal, with two test guests: vs
beats ("heartbeat"), ec runs "echo" (it reads its UART with the receive
interrupt and prints each typed line back as "tg: echo: <line>"; with
echo-hold=3 its handler leaves the first key's interrupt unserved 3
times, EOI with the level line still high, while it spins: the key "x"
arrives only if each is delivered again at once). ec's vCPU is pinned
to CPU 1, away from the terminal thread on CPU 0: while it spins it
makes no exit, so the key's interrupt reaches it only through the
deferred kick that bounds how long a device interrupt may wait for a
running vCPU's next exit.
vserial list shows both ports and vs/uart's byte count; vserial dump
prints the raw output; vserial bind vs/uart prints the hint, replays the
recent output (the banner) and then the live beats raw, with no [vs/uart]
log line meanwhile; Ctrl-] Ctrl-] and Ctrl-] x keep the port bound;
Ctrl-] q detaches, the prompt answers and log-prefixed beats come back,
numbered on from the last raw one. Binding by guest name picks the same
port. Then vserial bind ec: "x" comes back as "held 3 times, then got
'x'", then "hello" and Enter typed a key at a time come
back raw as "tg: echo: hello", "quit" and Enter end the echo test with
"tg: echo: PASS 2 lines" having received exactly the 12 bytes typed,
with no [ec/uart] log line while bound (vs's log lines may come in
between and are left out); Ctrl-] q detaches, vserial dump ec/uart holds
the lines."""

import re
import tempfile

import mvtest
from mvtest import check

G = "vs"
E = "ec"
RAW_BEAT = re.compile(r"(?:^|\n)tg: beat (\d+)\r")
# A whole log line (they can fall in the middle of a raw guest line).
LOG_WHOLE = re.compile(r"\[ *\d+\.\d+\] [^\r\n]*\r\n")


def hint(guest):
    return ("vserial: bound to %s/uart; Ctrl-] then q returns to the "
            "terminal" % guest)


HINT = hint(G)
DETACHED = "vserial: detached from %s/uart" % G


def raw_beats(text):
    return [int(n) for n in RAW_BEAT.findall(text)]


def bind(m, t, spec, guest=G):
    """vserial bind spec; return the console position after the hint."""
    m.child.send("vserial bind %s\r" % spec)
    m.read_until(lambda s: hint(guest) in s, 10, "the bind hint",
                 since=len(m.console()))
    return m.console().rindex(hint(guest)) + len(hint(guest))


def detach(m, t, at, guest=G):
    """Ctrl-] q; the detach message, then the prompt."""
    detached = "vserial: detached from %s/uart" % guest
    m.child.send("\x1dq")
    m.expect(re.escape(detached), timeout=10, what="the detach message")
    m.expect(mvtest.PROMPT, timeout=10, what="the prompt after detaching")
    return m.console().rindex(detached)


def type_keys(m, keys):
    """Keys one at a time, as a person types (reading the console
    meanwhile)."""
    for k in keys:
        m.child.send(k)
        m.read_for(0.05)


def raw_lines(text):
    """The raw guest lines of text, log lines taken out."""
    return LOG_WHOLE.sub("", text).replace("\r", "").split("\n")


def test_echo(m, t):
    m.read_until(lambda s: any(l.startswith("tg: echo ready (irq 33)")
                               for _, l in mvtest.guest_lines(s, E)), 10,
                 "ec's tg: echo ready", since=0)
    at = bind(m, t, "%s/uart" % E, E)
    type_keys(m, "x")
    m.read_until(lambda s: "tg: echo: held 3 times, then got 'x'"
                 in raw_lines(s), 10, "ec's held interrupt delivered again",
                 since=at)
    type_keys(m, "hello\r")
    m.read_until(lambda s: "tg: echo: hello" in raw_lines(s), 10,
                 "the raw echo of hello", since=at)
    type_keys(m, "quit\r")
    m.read_until(lambda s: "tg: done" in raw_lines(s), 10,
                 "ec's raw tg: done after quit", since=at)
    end = detach(m, t, at, E)
    bound = m.console()[at:end]
    check("[%s/uart]" % E not in bound,
          "log lines of ec/uart while bound:\n%s" % bound)
    got = [l for l in raw_lines(bound) if l.startswith("tg: ")]
    want = [r"tg: echo: hello", r"tg: echo: quit",
            r"tg: echo: PASS 2 lines 12 bytes \d+ irqs \(3 held\)",
            r"tg: done"]
    check(len(got) >= 4 and
          all(re.fullmatch(w, g) for w, g in zip(want, got[-4:])),
          "ec's raw output while bound ends with:\n%s\nwant:\n%s"
          % ("\n".join(got[-6:]), "\n".join(want)))
    check(not [l for l in got if "FAIL" in l or "unexpected" in l],
          "ec reports trouble:\n%s" % "\n".join(got))
    out = t.run("vserial dump %s/uart" % E)
    check(re.search(r"^tg: echo: hello$", out, re.M) and
          re.search(r"^tg: echo: PASS 2 lines", out, re.M),
          "vserial dump ec/uart lacks the echoed lines:\n%s" % out)


def list_ports(t):
    """vserial list: both ports, unbound; vs/uart's byte count."""
    out = t.run("vserial list", r"^2 ports$")
    for g in (G, E):
        check(re.search(r"^%s/uart +\d+ +-$" % g, out, re.M),
              "vserial list lacks %s/uart, unbound:\n%s" % (g, out))
    return int(re.search(r"^%s/uart +(\d+)" % G, out, re.M).group(1))


def test(args):
    frag = mvtest.guests_fragment(mvtest.guest_node(G, "heartbeat"),
                                  mvtest.guest_node(E, "echo echo-hold=3",
                                                    host_cpus=(1,)))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, frag)
        t = mvtest.Terminal(m)
        try:
            m.read_until(lambda s: len(mvtest.beats(s, G)) >= 3, 20,
                         "3 beats of %s" % G)
            written = list_ports(t)
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
            check(list_ports(t) > written, "the byte count did not grow")
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

            test_echo(m, t)
            text = m.console()
            check(not mvtest.errors(text) and not mvtest.warnings(text),
                  "errors or warnings in the log:\n%s" % "\n".join(
                      mvtest.errors(text) + mvtest.warnings(text)))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
