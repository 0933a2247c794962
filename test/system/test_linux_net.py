#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Two Debian Linux guests (1 vCPU, 256 MiB each), each with a virtio-net
device on br0 (the default board's netswitch): both boot with virtio_net
bound, get 10.0.0.1/24 and 10.0.0.2/24 on their virtio interface (MACs:
linux0's generated from the names, locally administered unicast;
linux1's from its device tree's mac property), and linux0 pings linux1
100 times (busybox ping, 50 ms apart) with no loss. Meanwhile the two
vCPUs stay on two CPUs: `vcpu list` shows them on different CPUs and
at most one move each every two pings (a vCPU that followed each frame
to the CPU that handed it over would move about once a ping).
`netswitch ports br0` then shows both guests' ports with traffic both
ways.

Offloads: the br0 devices negotiate checksum and TSO offloads (checked in
the guests' feature bits), so TCP segments of up to 64 KiB cross br0
whole. Each guest has a second device on br1 (10.0.1.0/24): linux0's
with offloads, linux1's with `offloads = "off"`, so the switch completes
checksums and segments linux0's big frames for linux1, whose kernel
verifies every checksum. 4 MiB of random bytes go each way over each
switch with nc and must arrive with the same sha256. Then each guest's
busybox httpd serves that file, which it sends in big writes (nc writes
a few KiB at a time, so its segments stay near the MTU): fetched with
wget over br0, it crosses in frames of more than 3000 bytes on average
(only TSO makes frames above the 1514-byte MTU), none segmented; fetched
from linux0 over br1, linux0 hands the switch such frames and the
switch segments at least half of those it gives linux1 (the rest may be
small: the response header, the last bytes). Both arrive with the same
sha256.

Bad offload metadata: a test guest, evil, with a virtio-net device on
br0 (loaded at boot, started now) sends frames whose headers the switch
must refuse, one per check (unknown flags, hdr_len or checksum beyond the
frame, an unoffered gso_type, TSO with gso_size 0 or a checksum not
TCP's), each to linux1's MAC (learned: the sender forwards it itself) and
to broadcast (queued for the switch thread), then a plain frame each
way. Every chain comes back used, the device stays usable, evil's port
counts 12 bad frames and 12 drops and passes the 2 plain ones on, and
one warning names the port and the first reason. The pings come after
it. No other warning or error in the hypervisor's log."""

import os
import re
import tempfile

import mvtest
from mvtest import check

BR1 = """
&{/} {
	netswitches {
		br1 { compatible = "modvisor,bridge"; };
	};
};
"""
# br1: linux0 takes offloads, linux1 does not (software fallback).
BR1_PROP = {"linux0": "", "linux1": 'offloads = "off";'}
OFFLOAD_BITS = (0, 1, 7, 8, 11, 12)	# CSUM, GUEST_CSUM, *_TSO4/6
BULK_KIB = 4096
# A mean frame size only TSO reaches: more than two 1514-byte frames.
BIG_FRAME = 3000
GUESTS = ("linux0", "linux1")
# linux0's MAC comes from the names, linux1's from its device tree.
DT_MAC = "02:00:5e:00:53:01"
MAC_PROP = {"linux0": "",
            "linux1": "mac = [%s];" % DT_MAC.replace(":", " ")}
# evil: a test guest with a virtio-net device on br0, started by the test.
EVIL = mvtest.guest_node(
    "evil", "net-evil net-dst=0x%s" % DT_MAC.replace(":", ""),
    autostart=False,
    devices=mvtest.uart_and(mvtest.virtio_node("net", 0, 'switch = "br0";')))
EVIL_BAD = 12		# six headers, each to linux1 and to broadcast
PINGS = 100
# A vCPU leaves its home CPU only when that is busy for 5 ms or more:
# 2-6 moves in 100 pings on a quiet machine, up to 32 on a busy one. One
# that followed each frame to the CPU that handed it over would move
# about once a ping (the scheduler before home CPUs: 23-28 when quiet).
MAX_MOVES = PINGS // 2


def node(g):
    """g with its two virtio-net devices: slot 0 on br0, slot 1 on br1."""
    return mvtest.linux_node(g, mvtest.virtio_node(
        "net", 0, 'switch = "br0";\n' + MAC_PROP[g]) + mvtest.virtio_node(
        "net", 1, 'switch = "br1";\n' + BR1_PROP[g]), vcpus=1)


def bind(m, guest):
    mvtest.vserial_bind(m, "%s/uart" % guest)


def detach(m, guest):
    mvtest.vserial_detach(m, "%s/uart" % guest)


RUNS = [0]


def sh(m, guest, cmd, timeout=60):
    """Run cmd in guest's shell; what it printed between two markers."""
    RUNS[0] += 1
    tag = "Q%d" % RUNS[0]
    bind(m, guest)
    mvtest.type_slowly(m, "\recho %s-$((1+1))-B; %s; echo %s-$((2+1))-E\r"
                       % (tag, cmd, tag))
    r = m.expect(r"(?s)%s-2-B\r*\n(.*?)%s-3-E\r*\n" % (tag, tag),
                 timeout=timeout, what="%r in %s" % (cmd, guest))
    detach(m, guest)
    return r.group(1).replace("\r", "")


def bulk(m, src, dst, addr):
    """BULK_KIB of random bytes from src to dst's addr: same sha256."""
    sh(m, dst, "rm -f /tmp/f /tmp/in; mkfifo /tmp/f; "
       "(nc -l -p 5002 <>/tmp/f >/tmp/in &)")
    out = sh(m, src, "nc %s 5002 </tmp/rnd; sha256sum /tmp/rnd" % addr,
             timeout=120)
    want = re.search(r"^([0-9a-f]{64}) ", out, re.M)
    check(want, "%s: no sha256: %s" % (src, out))
    got = None
    for _ in range(10):
        out = sh(m, dst, "sleep 1; wc -c </tmp/in; sha256sum /tmp/in")
        got = re.search(r"^([0-9a-f]{64}) ", out, re.M)
        size = re.search(r"^(\d+)$", out, re.M)
        if got and got.group(1) == want.group(1):
            break
        if size and int(size.group(1)) >= BULK_KIB * 1024:
            break
    print("\n*** %s -> %s (%s): %s" % (src, dst, addr, out.strip()))
    check(got and got.group(1) == want.group(1),
          "%s -> %s (%s): sha256 differs: %s, sent %s"
          % (src, dst, addr, out.strip(), want.group(1)))


PORT_COLUMNS = ("rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "drops",
                "macs", "bad_meta", "segmented", "direct")


def port_counts(t, sw, g):
    """g's port on sw as `netswitch ports` shows it: rx is what the switch
    took from the port, tx what it gave it (before segmenting)."""
    out = t.run("netswitch ports %s" % sw)
    row = re.search(r"^%s/net@\w+%s" % (g, r"\s+(\d+)" * len(PORT_COLUMNS)),
                    out, re.M)
    check(row, "no port of %s on %s:\n%s" % (g, sw, out))
    return dict(zip(PORT_COLUMNS, map(int, row.groups())))


def fetch(m, t, sw, server, addr, client):
    """client fetches /tmp/rnd from server's httpd at addr over sw: same
    sha256. Returns the mean size of the frames the switch took from
    server's port meanwhile, and how many of those it gave client's port
    and how many it had to segment for it."""
    want = re.search(r"^([0-9a-f]{64}) ",
                     sh(m, server, "sha256sum /tmp/rnd"), re.M)
    before = port_counts(t, sw, server), port_counts(t, sw, client)
    out = sh(m, client, "wget -q -O - http://%s:8080/rnd | sha256sum" % addr,
             timeout=120)
    after = port_counts(t, sw, server), port_counts(t, sw, client)
    got = re.search(r"^([0-9a-f]{64}) ", out, re.M)
    check(want and got and got.group(1) == want.group(1),
          "%s <- %s (%s) over http: sha256 %s, sent %s"
          % (client, server, addr, out.strip(), want and want.group(1)))
    sent = {k: after[0][k] - before[0][k] for k in PORT_COLUMNS}
    given = {k: after[1][k] - before[1][k] for k in PORT_COLUMNS}
    check(given["tx_bytes"] >= BULK_KIB * 1024, "%s's port on %s was given "
          "%d bytes for a %d KiB file" % (client, sw, given["tx_bytes"],
                                          BULK_KIB))
    mean = sent["rx_bytes"] / max(sent["rx_frames"], 1)
    print("\n*** %s <- %s over %s: %d frames of %.0f bytes on average in, "
          "%d given to %s, %d of them segmented" % (
              client, server, sw, sent["rx_frames"], mean,
              given["tx_frames"], client, given["segmented"]))
    return mean, given["tx_frames"], given["segmented"]


def evil_port(m, t):
    """Start evil; its bad frames are refused and counted, one warned."""
    before = port_counts(t, "br0", "evil")
    t.run("guest start evil", r"guest: evil started")
    m.read_until(lambda s: re.search(r"\[evil/uart\] tg: net-evil: "
                                     r"(PASS|FAIL)[^\n]*\n", s), 20,
                 "evil's net-evil result line")
    evil = [l for _, l in mvtest.guest_lines(m.console(), "evil")]
    check("tg: net-evil: PASS %d bad headers and 2 plain frames sent, "
          "every chain used" % EVIL_BAD in evil,
          "evil's net-evil did not pass:\n%s" % "\n".join(evil))
    after = port_counts(t, "br0", "evil")
    got = {k: after[k] - before[k] for k in ("bad_meta", "drops",
                                             "rx_frames", "direct")}
    print("\n*** evil's port: %s" % got)
    direct = got.pop("direct")
    check(got == {"bad_meta": EVIL_BAD, "drops": EVIL_BAD, "rx_frames": 2},
          "evil's port counted %s, want %d bad, %d drops, 2 frames"
          % (got, EVIL_BAD, EVIL_BAD))
    # Half the bad frames and one plain one go to linux1's learned MAC:
    # evil's exit forwards those itself, unless a flood is queued just
    # then (a guest's broadcast), which sends that one through the thread.
    check(EVIL_BAD // 2 <= direct <= EVIL_BAD // 2 + 1,
          "evil forwarded %d frames itself, want %d (or one fewer)"
          % (direct, EVIL_BAD // 2 + 1))


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_linux(
            tmp, args, *map(node, GUESTS), EVIL, dts=BR1,
            files={mvtest.TESTGUEST: os.path.join(
                args.build, "arm64", "guests", "testguest.bin")})
        try:
            infos = mvtest.linux_infos(m, GUESTS, timeout=120)
            for g in GUESTS:
                check(re.search(r"virtio devices: virtio_net:virtio\d "
                                r"virtio_net:virtio\d$",
                                infos.get(g, "")),
                      "virtio_net is not bound in %s: %s" % (g, infos.get(g)))

            ifname = {}
            for i, g in enumerate(GUESTS):
                bind(m, g)
                # The echo of a typed line holds "$(", never the output's.
                mvtest.type_slowly(
                    m, "\rd=$(ls /sys/bus/platform/devices/a000000.*/"
                    "virtio*/net); ip addr add 10.0.0.%d/24 dev $d && ip "
                    "link set $d up && echo IF-$d-$((40+2))-$(cat "
                    "/sys/class/net/$d/address)\r" % (i + 1))
                r = m.expect(r"\nIF-(\w+)-42-([0-9a-f:]{17})\r*\n",
                             timeout=20, what="%s's interface up" % g)
                ifname[g] = (r.group(1), r.group(2))
                detach(m, g)
            mac = ifname["linux0"][1]
            first = int(mac[:2], 16)
            check(first & 2 and not first & 1,
                  "generated MAC %s is not locally administered unicast"
                  % mac)
            check(ifname["linux1"][1] == DT_MAC, "linux1's MAC is %s, its "
                  "device tree says %s" % (ifname["linux1"][1], DT_MAC))

            # The second devices, and what each device negotiated.
            for i, g in enumerate(GUESTS):
                out = sh(m, g, "cd /sys/bus/platform/devices; "
                         "d=$(ls a000200.*/virtio*/net); ip addr add "
                         "10.0.1.%d/24 dev $d && ip link set $d up; cat "
                         "a000000.*/virtio*/features a000200.*/virtio*/"
                         "features; cd /" % (i + 1))
                feats = re.findall(r"^([01]{64})$", out, re.M)
                check(len(feats) == 2, "%s: features: %s" % (g, out))
                for dev, f in zip(("net@a000000", "net@a000200"), feats):
                    want = BR1_PROP[g] == "" or dev == "net@a000000"
                    for b in OFFLOAD_BITS:
                        check((f[b] == "1") == want, "%s %s: feature bit "
                              "%d is %s: %s" % (g, dev, b, f[b], f))
            for g in GUESTS:
                sh(m, g, "dd if=/dev/urandom of=/tmp/rnd bs=1k count=%d "
                   "2>/dev/null" % BULK_KIB)
            bulk(m, "linux0", "linux1", "10.0.0.2")	# TSO both ends
            bulk(m, "linux1", "linux0", "10.0.0.1")
            bulk(m, "linux0", "linux1", "10.0.1.2")	# segmented
            bulk(m, "linux1", "linux0", "10.0.1.1")	# plain

            t = mvtest.Terminal(m)
            for g in GUESTS:
                sh(m, g, "httpd -p 8080 -h /tmp")
            mean, _, split = fetch(m, t, "br0", "linux1", "10.0.0.2",
                                   "linux0")
            check(mean > BIG_FRAME and split == 0,
                  "TSO frames do not cross br0 whole: %.0f bytes on "
                  "average, %d segmented" % (mean, split))
            mean, given, split = fetch(m, t, "br1", "linux0", "10.0.1.1",
                                       "linux1")
            check(mean > BIG_FRAME and split >= given // 2,
                  "br1 did not segment linux0's frames for linux1: %.0f "
                  "bytes on average, %d of %d segmented"
                  % (mean, split, given))

            evil_port(m, t)

            before = mvtest.vcpu_list(t)
            ports = {g: port_counts(t, "br0", g) for g in GUESTS}
            bind(m, "linux0")
            mvtest.type_slowly(m, "ping -c %d -i 0.05 10.0.0.2\r" % PINGS)
            r = m.expect(r"(\d+) packets transmitted, (\d+) packets received"
                         r"[^\r\n]*\r*\n", timeout=60,
                         what="ping's summary")
            print("\n*** ping: %s" % r.group(0).strip())
            check(r.group(1) == str(PINGS) and r.group(2) == str(PINGS),
                  "ping: %s" % r.group(0).strip())
            rtt = m.expect(r"round-trip min/avg/max = [\d./]+ ms",
                           timeout=10, what="ping's rtt line")
            print("\n*** ping: %s" % rtt.group(0))
            detach(m, "linux0")

            # Two vCPUs on two CPUs: each stays on its own.
            after = mvtest.vcpu_list(t)
            moves = {g: after[(g, 0)]["moves"] - before[(g, 0)]["moves"]
                     for g in GUESTS}
            print("\n*** vCPU moves during the pings: %s" % moves)
            check(after[("linux0", 0)]["cpu"] != after[("linux1", 0)]["cpu"],
                  "both vCPUs are on one CPU: %s" % after)
            for g in GUESTS:
                check(moves[g] <= MAX_MOVES, "%s's vCPU moved %d times "
                      "during %d pings" % (g, moves[g], PINGS))

            # A ping between two quiet guests goes straight from the
            # sender's exit to the receiver's ring, not through the thread.
            for g in GUESTS:
                got = port_counts(t, "br0", g)
                got = {k: got[k] - ports[g][k] for k in PORT_COLUMNS}
                print("\n*** %s's port during the pings: %s" % (g, got))
                check(got["rx_frames"] >= PINGS and
                      got["tx_frames"] >= PINGS,
                      "%s's port carried too little: %s" % (g, got))
                check(got["drops"] == 0, "%s's port dropped frames: %s"
                      % (g, got))
                check(got["direct"] >= PINGS * 9 // 10,
                      "%s's exits forwarded only %d of its %d frames "
                      "themselves" % (g, got["direct"], got["rx_frames"]))

            text = m.console()
            ws = mvtest.warnings(text)
            check(len(ws) == 1 and re.fullmatch(
                r"netswitch: br0: port evil/net@a000000: bad offload "
                r"metadata \(unknown flags: flags 0x80 .*\); dropped \(0 "
                r"more since the last warning\)", ws[0]),
                  "want one warning, about evil's first bad frame: %s" % ws)
            check(not mvtest.errors(text), "errors: %s" % mvtest.errors(text))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
