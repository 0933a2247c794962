#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The Debian Linux guest (as in test_linux_boot.py) with two virtio-blk
RAM disks: a 32 MiB one and an 8 MiB read-only one. Both bind
virtio_blk; their sizes (/sys/block/vdX/size) and serials (GET_ID: the
guest and node name) are what the device tree says. 4 MiB of random
bytes written to the big disk with fsync read back, after dropping the
page cache, with the same sha256; a write to the read-only disk fails in
the guest. No warning or error in the hypervisor's log."""

import re
import tempfile

import mvtest
from mvtest import check, type_slowly, vserial_detach

DISK = 32 << 20
RO_DISK = 8 << 20

DEVICES = """\
				blk@a000000 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000000 0x0 0x200>;
					interrupts = <0 16 1>;
					virtio-device = "blk";
					size = <0x0 %#x>;
				};
				rodisk@a000200 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000200 0x0 0x200>;
					interrupts = <0 17 1>;
					virtio-device = "blk";
					size = <%#x>;
					read-only;
				};
""" % (DISK, RO_DISK)


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_linux(tmp, args, mvtest.linux_node("linux0", DEVICES))
        try:
            m.expect(r"\[linux0/uart\] MODVISOR-GUEST-READY linux0",
                     timeout=90, what="the Linux guest's marker")
            info = m.expect(r"\[linux0/uart\] MODVISOR-GUEST-INFO ([^\r\n]*)"
                            r"\r*\n", what="the guest's module summary")
            check(re.search(r"virtio devices: "
                            r"virtio_blk:virtio\d virtio_blk:virtio\d$",
                            info.group(1)),
                  "virtio_blk is not bound to both disks: %s"
                  % info.group(1))

            m.child.send("vserial bind linux0/uart\r")
            m.expect(r"vserial: bound to linux0/uart", what="the bind hint")
            # The echo of a typed line holds "$(", never the output's form.
            type_slowly(m, "\rfor d in /sys/block/vd*; do echo DISK-${d##*/}"
                        "-$(cat $d/size)-$(cat $d/serial)-END; done\r")
            disks = {}
            for _ in range(2):
                d = m.expect(r"DISK-(vd[a-z])-(\d+)-([^\r\n]*)-END\r*\n",
                             timeout=20, what="a disk's size and serial")
                disks[d.group(3)] = (d.group(1), int(d.group(2)))
            check(set(disks) == {"linux0/blk@a000000", "linux0/rodisk@a00020"},
                  "the disks' serials (GET_ID, 20 bytes): %s" % disks)
            rw, rw_sectors = disks["linux0/blk@a000000"]
            ro, ro_sectors = disks["linux0/rodisk@a00020"]
            check(rw_sectors == DISK // 512 and ro_sectors == RO_DISK // 512,
                  "disk sizes in sectors: %s" % disks)

            type_slowly(m, "dd if=/dev/urandom of=/tmp/r bs=64k count=64; "
                        "echo SUM1-$(sha256sum < /tmp/r | cut -c1-64)\r")
            sum1 = m.expect(r"\nSUM1-([0-9a-f]{64})\r*\n", timeout=30,
                            what="the random file's sha256").group(1)
            type_slowly(m, "dd if=/tmp/r of=/dev/%s bs=64k conv=fsync && "
                        "echo WROTE-$((6*7))\r" % rw)
            m.expect(r"\nWROTE-42\r*\n", timeout=30,
                     what="the write to the disk")
            type_slowly(m, "echo 3 > /proc/sys/vm/drop_caches; echo SUM2-$(dd "
                        "if=/dev/%s bs=64k count=64 | sha256sum | "
                        "cut -c1-64)\r" % rw)
            sum2 = m.expect(r"\nSUM2-([0-9a-f]{64})\r*\n", timeout=30,
                            what="the disk's sha256").group(1)
            check(sum1 == sum2, "read back %s, wrote %s" % (sum2, sum1))

            type_slowly(m, "dd if=/dev/zero of=/dev/%s bs=4k count=1 "
                        "conv=fsync && echo RO-$((1+1)) || "
                        "echo RO-$((1+2))\r" % ro)
            r = m.expect(r"\nRO-(\d)\r*\n", timeout=30,
                         what="the write to the read-only disk")
            check(r.group(1) == "3",
                  "a write to the read-only disk succeeded")

            vserial_detach(m, "linux0/uart")
            text = m.console()
            check(not mvtest.warnings(text, "linux0"),
                  "warnings about the guest: %s"
                  % mvtest.warnings(text, "linux0"))
            check(not mvtest.errors(text), "errors: %s" % mvtest.errors(text))
            t = mvtest.Terminal(m)
            out = t.run("module list")
            check(re.search(r"^virtio-blk\s", out, re.M),
                  "module list lacks virtio-blk:\n%s" % out)
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
