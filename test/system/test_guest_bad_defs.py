#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Eight broken guest definitions next to a good one, all autostart: two
overlapping memory regions, RAM over the UART's registers, no kernel
property, a kernel that is not in the initrd, vcpus = <0>, 64 GiB of RAM
on the 1 GiB machine, and two bad devices after a good UART: a virtio-blk
disk whose image is not in the initrd, one whose size is smaller than its
image. Each gets exactly one error line naming the guest and the problem
(a device's from its module: "virtio-blk: guest ...: device ...: ..."),
and nothing more; the good guest boots (uart PASS, tg: done); guest list
and vserial list show only it. Creating each broken guest again from the
terminal repeats the same one error and leaves free host memory
unchanged (the failure paths give back what they took)."""

import re
import tempfile

import mvtest
from mvtest import check

MIB = 0x100000


def blk(props):
    """The UART and a virtio-blk disk with these properties."""
    end = mvtest.UART.rindex("\t\t\t};\n")	# the devices node's
    return mvtest.UART[:end] + """\
				blk@a000000 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000000 0x0 0x200>;
					interrupts = <0 16 1>;
					virtio-device = "blk";
					%s
				};
			};
""" % props


BAD = {
    "overlap": (dict(memory=((0x40000000, 16 * MIB), (0x40800000, 16 * MIB))),
                r"memory region 0 \[0x40000000, 0x41000000\) overlaps "
                r"memory region 1 \[0x40800000, 0x41800000\)"),
    "ramdev": (dict(memory=((0x9000000, 16 * MIB),)),
               r"memory region 0 \[0x9000000, 0xa000000\) overlaps "
               r"uart@9000000 \[0x9000000, 0x9001000\)"),
    "nokernel": (dict(kernel=None), r"no kernel property"),
    "nofile": (dict(kernel="guests/missing.bin"),
               r'kernel "guests/missing.bin": no such file in the initrd'),
    "novcpus": (dict(vcpus=0), r"vcpus must be 1 to \d+"),
    "huge": (dict(memory=((0x40000000, 64 * 1024 * MIB),)),
             r"needs 65536 MiB of RAM, the host has \d+ MiB free"),
    "noimage": (dict(devices=blk('image = "disks/missing.img";')),
                r'device blk@a000000: image "disks/missing.img": no such '
                r'file in the initrd'),
    "smalldisk": (dict(devices=blk('image = "guests/testguest.bin"; '
                                   'size = <0x200>;')),
                  r'device blk@a000000: size 512 is smaller than image '
                  r'"guests/testguest.bin" \(\d+ bytes\)'),
}
# A device's error comes from its module.
BY = r"(?:virtio-blk: )?"


def test(args):
    nodes = [mvtest.guest_node(name, "uart", **kw)
             for name, (kw, _) in BAD.items()]
    nodes.append(mvtest.guest_node("good", "uart"))
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_guests(tmp, args, mvtest.guests_fragment(*nodes))
        t = mvtest.Terminal(m)
        try:
            m.read_until(lambda s: "[good/uart] tg: done" in s, 30,
                         "good's tg: done")
            text = m.console()
            check("guest: 1 created, 1 started" in text,
                  "the boot did not create and start exactly one guest")
            check(re.search(r"\[good/uart\] tg: uart: PASS", text),
                  "good's uart test did not pass")
            errs = mvtest.errors(text)
            for name, (_, problem) in BAD.items():
                mine = [e for e in errs
                        if re.match(BY + "guest %s: " % name, e)]
                check(len(mine) == 1 and
                      re.fullmatch(BY + r"guest %s: %s" % (name, problem),
                                   mine[0]),
                      "want one error for %s matching %r, got:\n%s"
                      % (name, problem, "\n".join(mine)))
            check(len(errs) == len(BAD), "want %d error lines, got:\n%s"
                  % (len(BAD), "\n".join(errs)))
            check(not mvtest.warnings(text), "warnings:\n%s"
                  % "\n".join(mvtest.warnings(text)))

            t.run("guest list", r"^good +running +1 +16 +guests/testguest.bin"
                  r"\n1 guest$")
            t.run("vserial list", r"^good/uart +\d+ +-\n1 port$")

            # Again from the terminal: the same error, no memory kept.
            for name, (_, problem) in BAD.items():
                free = mvtest.free_kib(t)
                at = len(m.console())
                t.run("guest create %s" % name)
                errs = mvtest.errors(m.console()[at:])
                check(len(errs) == 1 and
                      re.fullmatch(BY + r"guest %s: %s" % (name, problem),
                                   errs[0]),
                      "guest create %s: want the one error %r, got:\n%s"
                      % (name, problem, "\n".join(errs)))
                now = mvtest.free_kib(t)
                check(now == free, "a failed guest create %s kept %d KiB"
                      % (name, free - now))
            t.run("guest list", r"^good +running .*\n1 guest$")
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
