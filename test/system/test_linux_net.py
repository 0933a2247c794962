#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Two Debian Linux guests (1 vCPU, 256 MiB each), each with a virtio-net
device on br0 (the default board's netswitch): both boot with virtio_net
bound, get 10.0.0.1/24 and 10.0.0.2/24 on their virtio interface (MACs:
linux0's generated from the names, locally administered unicast;
linux1's from its device tree's mac property), and linux0 pings linux1
100 times (busybox ping, 50 ms apart) with no loss.
`netswitch ports br0` then shows both guests' ports with traffic both
ways. No warning or error in the hypervisor's log."""

import os
import re
import tempfile
import time

import mvtest
from mvtest import check

GUEST = """\
		%s {
			compatible = "modvisor,guest";
			vcpus = <1>;
			memory = <0x0 0x40000000 0x0 0x10000000>;
			kernel = "guests/linux/Image";
			initrd = "guests/linux/rootfs.cpio.gz";
			bootargs = "console=ttyAMA0 nokaslr hostname=%s";
			autostart;
			devices {
				uart@9000000 {
					compatible = "arm,pl011", "arm,primecell";
					reg = <0x0 0x9000000 0x0 0x1000>;
					interrupts = <0 1 4>;
				};
				net@a000000 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000000 0x0 0x200>;
					interrupts = <0 16 4>;	/* level: see docs */
					virtio-device = "net";
					switch = "br0";%s
				};
			};
		};
"""
GUESTS = ("linux0", "linux1")
# linux0's MAC comes from the names, linux1's from its device tree.
DT_MAC = "02:00:5e:00:53:01"
MAC_PROP = {"linux0": "",
            "linux1": "\n\t\t\t\t\tmac = [%s];" % DT_MAC.replace(":", " ")}
PINGS = 100


def type_slowly(m, keys):
    """One key at a time, as a person types (the guest echoes each)."""
    for k in keys:
        m.child.send(k)
        time.sleep(0.02)


def bind(m, guest):
    m.child.send("vserial bind %s/uart\r" % guest)
    m.expect(r"vserial: bound to %s/uart" % guest, what="the bind hint")


def detach(m, guest):
    m.child.send("\x1d")
    m.child.send("q")
    m.expect(r"vserial: detached from %s/uart" % guest,
             what="the detach message")
    m.expect(mvtest.PROMPT, what="the prompt after detaching")


def test(args):
    images = os.path.join(args.build, "arm64", "guests", "linux")
    files = {"guests/linux/" + f: os.path.join(images, f)
             for f in ("Image", "rootfs.cpio.gz")}
    with tempfile.TemporaryDirectory() as tmp:
        dtbo = mvtest.board_overlay(tmp, mvtest.guests_fragment(
            *(GUEST % (g, g, MAC_PROP[g]) for g in GUESTS)))
        initrd = mvtest.pack_initrd(tmp, args.build, args.mvmod, dtbo,
                                    files=files, gzip=False)
        m = mvtest.Machine(args.image, ["-initrd", initrd], timeout=60)
        try:
            # The guests boot side by side: their lines come in any order.
            infos = {}
            while len(infos) < len(GUESTS):
                r = m.expect(r"\[(linux\d)/uart\] MODVISOR-GUEST-INFO "
                             r"([^\r\n]*)\r*\n", timeout=120,
                             what="the guests' markers and module summaries")
                infos[r.group(1)] = r.group(2)
            for g in GUESTS:
                check(re.search(r"virtio devices: virtio_net:virtio\d$",
                                infos.get(g, "")),
                      "virtio_net is not bound in %s: %s" % (g, infos.get(g)))

            ifname = {}
            for i, g in enumerate(GUESTS):
                bind(m, g)
                # The echo of a typed line holds "$(", never the output's.
                type_slowly(m, "\rd=$(ls /sys/bus/virtio/drivers/virtio_net/"
                            "virtio*/net); ip addr add 10.0.0.%d/24 dev $d && "
                            "ip link set $d up && echo IF-$d-$((40+2))-"
                            "$(cat /sys/class/net/$d/address)\r" % (i + 1))
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

            bind(m, "linux0")
            type_slowly(m, "ping -c %d -i 0.05 10.0.0.2\r" % PINGS)
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

            t = mvtest.Terminal(m)
            out = t.run("netswitch ports br0")
            for g in GUESTS:
                row = re.search(r"^%s/net@a000000\s+(\d+)\s+(\d+)\s+(\d+)"
                                r"\s+(\d+)\s+(\d+)" % g, out, re.M)
                check(row, "no port of %s on br0:\n%s" % (g, out))
                rx, _, tx, _, drops = map(int, row.groups())
                check(rx >= PINGS and tx >= PINGS,
                      "%s's port carried too little:\n%s" % (g, out))
                check(drops == 0, "%s's port dropped frames:\n%s" % (g, out))

            text = m.console()
            for g in GUESTS:
                check(not mvtest.warnings(text, g),
                      "warnings about %s: %s" % (g, mvtest.warnings(text, g)))
            ws = [w for w in mvtest.warnings(text) if "virtio-net" in w]
            check(not ws, "virtio-net warnings: %s" % ws)
            check(not mvtest.errors(text), "errors: %s" % mvtest.errors(text))
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
