#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Two Debian Linux guests (as in test_linux_boot.py) with virtio-blk
disks. linux0 (2 vCPUs) has a 32 MiB RAM disk, an 8 MiB read-only one
and a disk made from an initrd file (image =, 1 MiB + 300 random bytes);
linux1 (1 vCPU) has a read-only disk from the same image. All bind
virtio_blk; their sizes (/sys/block/vdX/size: images padded to a whole
sector), serials (GET_ID: the guest and node name) and read-only flags
(/sys/block/vdX/ro: 1 exactly for the read-only disks, from
VIRTIO_BLK_F_RO) are what the device trees say. 4 MiB of random bytes
written to the RAM disk with fsync read back, after dropping the page
cache, with the same sha256; a write to the read-only disk fails in the
guest. linux0's image disk reads as the file (sha256 of the padded file);
linux0 then overwrites its first 64 KiB and reads them back, and
linux1's copy still reads as the original file: each guest has its own
copy and the initrd is never written. No warning or error in the
hypervisor's log."""

import hashlib
import os
import re
import tempfile

import mvtest
from mvtest import check, type_slowly, vserial_detach

DISK = 32 << 20
RO_DISK = 8 << 20
IMAGE = "disks/data.img"
IMAGE_LEN = (1 << 20) + 300	# not a whole number of sectors

LINUX0 = """\
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
				img@a000400 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000400 0x0 0x200>;
					interrupts = <0 18 1>;
					virtio-device = "blk";
					image = "%s";
				};
""" % (DISK, RO_DISK, IMAGE)
LINUX1 = """\
				img@a000000 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000000 0x0 0x200>;
					interrupts = <0 16 1>;
					virtio-device = "blk";
					image = "%s";
					read-only;
				};
""" % IMAGE
GUESTS = {"linux0": 3, "linux1": 1}	# virtio-blk disks


def disks(m, guest, n):
    """{serial: (vdX, sectors, ro)} of the guest's n disks (bound)."""
    # The echo of a typed line holds "$(", never the output's form.
    type_slowly(m, "\rfor d in /sys/block/vd*; do echo DISK-${d##*/}"
                "-$(cat $d/size)-$(cat $d/ro)-$(cat $d/serial)-END; done\r")
    found = {}
    for _ in range(n):
        d = m.expect(r"DISK-(vd[a-z])-(\d+)-([01])-([^\r\n]*)-END\r*\n",
                     timeout=30, what="%s's disks" % guest)
        found[d.group(4)] = (d.group(1), int(d.group(2)), d.group(3) == "1")
    return found


def image_sha(m, dev, tag):
    """The sha256 of the whole block device, read in the bound guest."""
    type_slowly(m, "echo 3 > /proc/sys/vm/drop_caches; echo %s-$(sha256sum "
                "< /dev/%s | cut -c1-64)\r" % (tag, dev))
    return m.expect(r"\n%s-([0-9a-f]{64})\r*\n" % tag, timeout=60,
                    what="the sha256 of /dev/%s" % dev).group(1)


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        data = os.urandom(IMAGE_LEN)
        path = os.path.join(tmp, "data.img")
        with open(path, "wb") as f:
            f.write(data)
        padded = data + bytes(-IMAGE_LEN % 512)
        want = hashlib.sha256(padded).hexdigest()
        m = mvtest.boot_linux(tmp, args,
                              mvtest.linux_node("linux0", LINUX0),
                              mvtest.linux_node("linux1", LINUX1, vcpus=1),
                              files={IMAGE: path})
        try:
            infos = mvtest.linux_infos(m, GUESTS, timeout=240)
            # A long summary wraps onto a second log line: the disks
            # listed below show that all are bound.
            for g in GUESTS:
                check(re.search(r"virtio devices: virtio_blk:virtio\d",
                                infos.get(g, "")),
                      "virtio_blk is not bound in %s: %s"
                      % (g, infos.get(g)))

            mvtest.vserial_bind(m, "linux0/uart")
            found = disks(m, "linux0", GUESTS["linux0"])
            check(set(found) == {"linux0/blk@a000000", "linux0/rodisk@a00020",
                                 "linux0/img@a000400"},
                  "linux0's disks' serials (GET_ID, 20 bytes): %s" % found)
            rw, rw_sectors, rw_ro = found["linux0/blk@a000000"]
            ro, ro_sectors, ro_ro = found["linux0/rodisk@a00020"]
            img, img_sectors, img_ro = found["linux0/img@a000400"]
            check(rw_sectors == DISK // 512 and ro_sectors == RO_DISK // 512
                  and img_sectors == len(padded) // 512,
                  "linux0's disk sizes in sectors: %s" % found)
            check(ro_ro and not rw_ro and not img_ro,
                  "linux0's read-only flags (VIRTIO_BLK_F_RO): %s" % found)

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

            # The image disk: the file's bytes, then linux0's own.
            got = image_sha(m, img, "IMG1")
            check(got == want, "linux0's image disk reads %s, the file "
                  "(padded) is %s" % (got, want))
            type_slowly(m, "dd if=/dev/urandom of=/tmp/w bs=4k count=16; "
                        "dd if=/tmp/w of=/dev/%s bs=4k conv=fsync && "
                        "echo 3 > /proc/sys/vm/drop_caches && echo IMG2-$("
                        "head -c 65536 /dev/%s | sha256sum | cut -c1-64)-$("
                        "sha256sum < /tmp/w | cut -c1-64)\r" % (img, img))
            r = m.expect(r"\nIMG2-([0-9a-f]{64})-([0-9a-f]{64})\r*\n",
                         timeout=60, what="the write to the image disk")
            check(r.group(1) == r.group(2), "linux0's image disk reads "
                  "back %s, wrote %s" % (r.group(1), r.group(2)))
            got = image_sha(m, img, "IMG3")
            check(got != want, "linux0's image disk still reads as the file")
            vserial_detach(m, "linux0/uart")

            mvtest.vserial_bind(m, "linux1/uart")
            found = disks(m, "linux1", GUESTS["linux1"])
            check(list(found) == ["linux1/img@a000000"],
                  "linux1's disk's serial: %s" % found)
            img, img_sectors, img_ro = found["linux1/img@a000000"]
            check(img_sectors == len(padded) // 512 and img_ro,
                  "linux1's read-only image disk: %s" % found)
            got = image_sha(m, img, "IMG4")
            check(got == want, "linux1's copy of the image reads %s after "
                  "linux0 wrote its own, the file is %s" % (got, want))
            vserial_detach(m, "linux1/uart")

            text = m.console()
            for g in GUESTS:
                check(not mvtest.warnings(text, g),
                      "warnings about %s: %s" % (g, mvtest.warnings(text, g)))
            check(not mvtest.errors(text), "errors: %s" % mvtest.errors(text))
            t = mvtest.Terminal(m)
            out = t.run("module list")
            check(re.search(r"^virtio-blk\s", out, re.M),
                  "module list lacks virtio-blk:\n%s" % out)
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
