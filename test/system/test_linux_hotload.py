#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hot-loading a VirtIO backend into a running system: no guest is defined
at boot and virtio-net is not loaded. At the prompt `module load
virtio-net` loads it (and virtio-mmio, which it needs); `guest create` of a
DTB file in the initrd plus `guest start` brings up Debian guest linux0
with a virtio-net device on br0, then the same for linux1, which pings
linux0 with no loss. While guests use it, `module unload virtio-net` is
refused with one error naming the users; once both guests are destroyed it
unloads. No warning or error in the log."""

import os
import re
import tempfile

import mvtest
from mvtest import check

GUESTS = {"linux0": "10.0.0.1", "linux1": "10.0.0.2"}
PINGS = 20


def guest_dtb(tmp, name):
    node = mvtest.linux_node(name, mvtest.virtio_node(
        "net", 0, 'switch = "br0";'), vcpus=1,
        bootargs="ipaddr=%s/24" % GUESTS[name], autostart=False)
    src = os.path.join(tmp, name + ".dts")
    with open(src, "w") as f:
        f.write("/dts-v1/;\n/ {\n\tguests {\n%s\t};\n};\n" % node)
    out = os.path.join(tmp, name + ".dtb")
    mvtest.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, src])
    return out


def start(m, t, name):
    t.run("guest create guests/%s.dtb" % name, name)
    t.run("guest start %s" % name)
    info = m.expect(r"\[%s/uart\] MODVISOR-GUEST-INFO ([^\r\n]*)\r*\n"
                    % name, timeout=150, what="%s's marker" % name)
    check(re.search(r"virtio devices: virtio_net:virtio\d$", info.group(1)),
          "virtio_net is not bound in %s: %s" % (name, info.group(1)))


def test(args):
    images = os.path.join(args.build, "arm64", "guests", "linux")
    with tempfile.TemporaryDirectory() as tmp:
        files = {"guests/linux/" + f: os.path.join(images, f)
                 for f in ("Image", "rootfs.cpio.gz")}
        for g in GUESTS:
            files["guests/%s.dtb" % g] = guest_dtb(tmp, g)
        dtbo = mvtest.board_overlay(tmp, "")
        initrd = mvtest.pack_initrd(tmp, args.build, args.mvmod, dtbo,
                                    files=files, gzip=False)
        m = mvtest.Machine(args.image, ["-initrd", initrd], timeout=60)
        try:
            m.expect(r"nucleus: ready", what="nucleus: ready")
            m.expect(mvtest.PROMPT, what="the first prompt")
            t = mvtest.Terminal(m)
            out = t.run("module list")
            for mod in ("virtio-net", "virtio-mmio"):
                check(not re.search(r"^%s\s" % mod, out, re.M),
                      "%s is loaded before it is asked for:\n%s" % (mod, out))
            t.run("module load virtio-net", r"virtio-net")
            out = t.run("module list")
            for mod in ("virtio-net", "virtio-mmio", "netswitch"):
                check(re.search(r"^%s\s" % mod, out, re.M),
                      "%s is not loaded:\n%s" % (mod, out))

            start(m, t, "linux0")
            start(m, t, "linux1")
            mvtest.vserial_bind(m, "linux1/uart")
            mvtest.type_slowly(m, "\rping -c %d -i 0.1 %s\r"
                               % (PINGS, GUESTS["linux0"]))
            r = m.expect(r"(\d+) packets transmitted, (\d+) packets "
                         r"received[^\r\n]*\r*\n", timeout=60,
                         what="ping's summary")
            print("\n*** linux1 -> linux0: %s" % r.group(0).strip())
            check(r.group(1) == r.group(2) == str(PINGS),
                  "ping: %s" % r.group(0).strip())
            mvtest.vserial_detach(m, "linux1/uart")

            mark = len(m.console())
            t.run("module unload virtio-net")
            refusal = [e for e in mvtest.errors(m.console()[mark:])
                       if e.startswith("module: virtio-net is in use")]
            check(len(refusal) == 1, "virtio-net unloaded while guests use "
                  "it:\n%s" % m.console()[mark:])
            t.run("guest list", r"^2 guests")
            for g in GUESTS:
                t.run("guest destroy %s" % g)
            t.run("module unload virtio-net")
            out = t.run("module list")
            check(not re.search(r"^virtio-net\s", out, re.M),
                  "virtio-net still loaded after the guests went:\n%s" % out)

            text = m.console()
            check(not mvtest.warnings(text), "warnings: %s"
                  % mvtest.warnings(text))
            errs = [e for e in mvtest.errors(text) if e not in refusal]
            check(not errs, "errors: %s" % errs)
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
