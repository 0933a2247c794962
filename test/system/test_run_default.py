#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What `scripts/run` boots (scripts/run --no-setup on the built tree):
the default configuration's two Debian Linux guests (configs/qemu-virt-
arm64/guests.dts) come up with virtio_mmio, virtio_net, virtio_blk and
virtio_console bound; the host NIC driver binds QEMU's virtio-net-device
and joins br0; a page of linux0's busybox httpd is fetched from this
machine through QEMU's hostfwd on 127.0.0.1 (host NIC -> netswitch ->
guest; QEMU's user network is restrict=on); linux1 pings linux0 over br0
with no loss; each guest's consoles answer (`vserial bind linux1/uart`,
`linux0/console`); `netswitch ports br0` shows traffic on all three
ports; no warning or error in the log; `host poweroff` ends QEMU."""

import os
import re
import socket
import time
import urllib.request

import mvtest
from mvtest import check

GUESTS = ("linux0", "linux1")
PINGS = 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, tries=10):
    """linux0's page through the forward; slirp may need an ARP round."""
    err = None
    for _ in range(tries):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/" % port,
                                        timeout=10) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except OSError as e:
            err = e
            time.sleep(1)
    raise mvtest.Failure("no page through 127.0.0.1:%d: %s" % (port, err))


def test(args):
    port = free_port()
    env = dict(os.environ, MV_HTTP_PORT=str(port), MV_BUILD=args.build)
    m = mvtest.Machine(None, timeout=60, env=env, command=[
        os.path.join(mvtest.TOP, "scripts", "run"), "--no-setup"])
    try:
        m.expect(r"host-virtio-net: /virtio_mmio@\w+: [0-9a-f:]{17} on br0 "
                 r"as port (host/virtio_mmio@\w+)", timeout=30,
                 what="the host NIC on br0")
        m.expect(r"nucleus: ready", what="nucleus: ready")
        infos = mvtest.linux_infos(m, GUESTS)
        for g in GUESTS:
            info = infos[g]
            check("virtio-mmio bound: 3 of 3" in info,
                  "%s: not all virtio-mmio devices bound: %s" % (g, info))
            for drv in ("virtio_net", "virtio_blk", "virtio_console"):
                check(re.search(r"\b%s:virtio\d" % drv, info),
                      "%s: %s not bound: %s" % (g, drv, info))
        text = m.console()
        check(re.search(r"\[linux0/uart\] init: httpd on port 80", text),
              "linux0 did not start httpd")

        status, page = fetch(port)
        print("\n*** 127.0.0.1:%d -> %d %r" % (port, status, page.strip()))
        check(status == 200 and "Modvisor guest linux0" in page,
              "unexpected page: %d %r" % (status, page))

        mvtest.vserial_bind(m, "linux1/uart")
        mvtest.type_slowly(m, "\rping -c %d -i 0.1 10.0.2.15\r" % PINGS)
        r = m.expect(r"(\d+) packets transmitted, (\d+) packets received"
                     r"[^\r\n]*\r*\n", timeout=60, what="ping's summary")
        print("\n*** linux1 -> linux0: %s" % r.group(0).strip())
        check(r.group(1) == r.group(2) == str(PINGS),
              "ping: %s" % r.group(0).strip())
        mvtest.vserial_detach(m, "linux1/uart")

        # linux0's VirtIO console: a shell on hvc0 is not started, so
        # write to it from the PL011 shell and see it logged.
        mvtest.vserial_bind(m, "linux0/uart")
        mvtest.type_slowly(m, "\recho HVC-$((6*7)) >/dev/hvc0\r")
        m.expect(r"\[linux0/console\] HVC-42", timeout=20,
                 what="linux0's hvc0 line in the log")
        mvtest.vserial_detach(m, "linux0/uart")

        t = mvtest.Terminal(m)
        out = t.run("netswitch ports br0")
        for name in ("host/virtio_mmio@", "linux0/net@a000200",
                     "linux1/net@a000200"):
            row = re.search(r"^%s\w*\s+(\d+)\s+\d+\s+(\d+)\s+\d+\s+(\d+)"
                            % re.escape(name), out, re.M)
            check(row, "no port %s on br0:\n%s" % (name, out))
            rx, tx, drops = map(int, row.groups())
            check(rx > 0 and tx > 0 and drops == 0,
                  "port %s: rx %d, tx %d, drops %d" % (name, rx, tx, drops))

        text = m.console()
        check(not mvtest.warnings(text), "warnings: %s"
              % mvtest.warnings(text))
        check(not mvtest.errors(text), "errors: %s" % mvtest.errors(text))
        m.child.send("host poweroff\r")
        m.expect(r"nucleus: powering off", what="the power-off")
        m.child.expect(mvtest.pexpect.EOF, timeout=20)
    finally:
        m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--build": {"required": True}})
