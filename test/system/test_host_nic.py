#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The host NIC driver (host-virtio-net) on the base initrd (no guests):
with QEMU's virtio-net-device on a user network (restrict=on) the nucleus
loads the driver for the one non-empty virtio-mmio slot, which joins br0
as port host/<node>; the other 31 empty slots stay quiet. `module
unload host-virtio-net` releases it (port removed, interrupt freed) and
`module load host-virtio-net` binds it again. A second boot with the
transport forced to legacy VirtIO gets one error naming the fix, and the
terminal keeps answering."""

import re

import mvtest
from mvtest import check

NIC = ["-netdev", "user,id=hostnet,restrict=on",
       "-device", "virtio-net-device,netdev=hostnet"]
BOUND = (r"host-virtio-net: (/virtio_mmio@\w+): [0-9a-f:]{17} on br0 as "
         r"port (host/virtio_mmio@\w+)")


def boot(args, extra):
    initrd = "%s/arm64/initrd.cpio.gz" % args.build
    m = mvtest.Machine(args.image, ["-initrd", initrd] + NIC + extra)
    m.expect(r"nucleus: ready", what="nucleus: ready")
    m.expect(mvtest.PROMPT, what="the first prompt")
    return m, mvtest.Terminal(m)


def port_rows(t):
    return re.findall(r"^(host/\S+)\s", t.run("netswitch ports br0"), re.M)


def test(args):
    m, t = boot(args, [])
    try:
        text = m.console()
        r = re.search(BOUND, text)
        check(r, "the host NIC did not join br0")
        node, port = r.groups()
        check(text.count("driver: host-virtio-net bound to") == 1,
              "the driver bound more than one slot")
        check(port_rows(t) == [port], "br0's host port is not %s" % port)
        t.run("module unload host-virtio-net")
        check("driver: host-virtio-net unbound from %s" % node in
              m.console(), "no unbind of %s in the log" % node)
        check(port_rows(t) == [], "the host port outlived its driver")
        t.run("module load host-virtio-net")
        check(len(re.findall(BOUND, m.console())) == 2,
              "the reloaded driver did not bind the NIC again")
        check(port_rows(t) == [port], "br0's host port did not come back")
        text = m.console()
        check(not mvtest.warnings(text), "warnings: %s"
              % mvtest.warnings(text))
        check(not mvtest.errors(text), "errors: %s" % mvtest.errors(text))
    finally:
        m.close()

    m, t = boot(args, ["-global", "virtio-mmio.force-legacy=true"])
    try:
        errs = mvtest.errors(m.console())
        check(len(errs) == 1 and "legacy virtio-mmio (version 1) is not "
              "supported: start QEMU with -global virtio-mmio.force-legacy="
              "false" in errs[0], "not one clear error: %s" % errs)
        t.run("version", r"Modvisor")
        check(port_rows(t) == [], "a legacy NIC got a port")
    finally:
        m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--build": {"required": True}})
