#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An unmodified Debian Linux kernel (build/arm64/guests/linux, fetched by
scripts/fetch-guest-images) as a 2-vCPU guest with an emulated PL011
console, a virtio-mmio console and an empty virtio-mmio slot: it boots to
the initramfs marker with both CPUs (PSCI CPU_ON), the GICv3 and the
virtual timer working, its random number generator seeded at once from
the SMCCC TRNG (and the seed gone from `devtree print /chosen`), ttyAMA0
as its console, virtio_console bound to
the one device (the empty slot ignored), and no warning about the guest
in the hypervisor's log. Then the terminal is bound to the guest's PL011
(vserial) and a shell command typed into Linux runs; what it writes to
/dev/hvc0 is logged as [linux0/console]; bytes typed into the bound
linux0/console port reach a reader of /dev/hvc0."""

import re
import tempfile
import time

import mvtest
from mvtest import check, type_slowly, vserial_detach

DEVICES = """\
				console@a000000 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000000 0x0 0x200>;
					interrupts = <0 16 1>;
					virtio-device = "console";
				};
				empty@a000200 {
					compatible = "virtio,mmio";
					reg = <0x0 0xa000200 0x0 0x200>;
					interrupts = <0 17 1>;
				};
"""


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        m = mvtest.boot_linux(tmp, args, mvtest.linux_node("linux0", DEVICES))
        try:
            m.expect(r"\[linux0/uart\] MODVISOR-GUEST-READY linux0",
                     timeout=90, what="the Linux guest's marker")
            info = m.expect(r"\[linux0/uart\] MODVISOR-GUEST-INFO ([^\r\n]*)"
                            r"\r*\n", what="the guest's module summary")
            check(re.search(r"virtio devices: virtio_console:virtio0$",
                            info.group(1)),
                  "virtio_console is not bound to the one device: %s"
                  % info.group(1))
            text = m.console()
            for want in (r"Machine model: Modvisor guest linux0",
                         r"psci: PSCIv1\.0 detected",
                         r"psci: SMC Calling Convention v1\.1",
                         # Seeded from the TRNG before anything else runs.
                         r"\[ +0\.000000\] random: crng init done",
                         r"GICv3: CPU1: found redistributor 1",
                         r"smp: Brought up 1 node, 2 CPUs",
                         r"arch_timer: cp15 timer\(s\) running at [\d.]+MHz "
                         r"\(virt\)",
                         r"ttyAMA0 at MMIO 0x9000000 .* is a PL011",
                         r"Run /init as init process"):
                check(re.search(r"\[linux0/uart\] .*" + want, text),
                      "the guest's boot log lacks %r" % want)
            check(not mvtest.warnings(text, "linux0"),
                  "warnings about the guest: %s"
                  % mvtest.warnings(text, "linux0"))
            check(not mvtest.errors(text), "errors: %s" % mvtest.errors(text))

            mvtest.vserial_bind(m, "linux0/uart")
            type_slowly(m, "\recho modvisor-$((6*7))\r")
            m.expect(r"\nmodvisor-42\r*\n", timeout=20,
                     what="the shell command's output")
            # The virtio console, both ways: a reader of /dev/hvc0 in the
            # background gets what is typed into linux0/console.
            type_slowly(m, "echo hello-hvc-$((6*7)) > /dev/hvc0\r")
            type_slowly(m, "(head -c 5 /dev/hvc0 > /tmp/in; "
                        "echo got-$(cat /tmp/in)) &\r")
            time.sleep(1)
            vserial_detach(m, "linux0/uart")
            check("[linux0/console] hello-hvc-42" in m.console(),
                  "no [linux0/console] line for what the guest wrote to "
                  "/dev/hvc0")
            mvtest.vserial_bind(m, "linux0/console")
            type_slowly(m, "abcde\r")  # a tty: a line at a time
            vserial_detach(m, "linux0/console")
            m.child.send("vserial bind linux0/uart\r")
            m.expect(r"got-abcde", timeout=20,
                     what="the typed bytes read from /dev/hvc0")
            vserial_detach(m, "linux0/uart")
            t = mvtest.Terminal(m)
            out = t.run("vcpu list")
            check(re.search(r"^linux0\s+1\s", out, re.M),
                  "vcpu list lacks linux0's vcpu1:\n%s" % out)
            # The nucleus took QEMU's seed out of the boot DTB: nobody
            # reading it later can predict what guests were given.
            out = t.run("devtree print /chosen")
            check("stdout-path" in out and "rng-seed" not in out,
                  "/chosen still shows the seed (or nothing):\n%s" % out)
        finally:
            m.close()


if __name__ == "__main__":
    mvtest.guest_main(test)
