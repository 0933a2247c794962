#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Linux boot benchmark: Debian's kernel and the project's initramfs
(build/arm64/guests/linux) from QEMU start to the initramfs marker,
booted straight on QEMU and as a Modvisor guest, in alternating runs.
Both sides: 2 CPUs (vCPUs), 256 MiB for Linux, no KASLR seed (QEMU
virt,dtb-randomness=off natively; the guest DTB carries none), nokaslr,
a PL011 console. Prints the medians and their ratio beside the target
(<= 1.10; Xvisor 2.78 s / 1.40 s = 1.99), and each side's medians of
three phases (time_to_marker) to show where the difference lies; asserts
nothing.

dtb-randomness=off also takes QEMU's rng-seed away, so that native Linux
starts with an unseeded random number generator, while a Modvisor guest
seeds its own from the SMCCC TRNG at once; unseeded, Linux 6.1 makes
every system call pay for a rekeying. A third side, alternating with the
two, boots natively with QEMU's rng-seed (and kaslr-seed, unused under
nokaslr: DESIGN section 9), and its ratio is printed too: both sides
seeded."""

import argparse
import os
import statistics
import sys
import tempfile
import time

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "system"))
import mvtest  # noqa: E402

MARKER = "MODVISOR-GUEST-READY"
BOOTARGS = "console=ttyAMA0 nokaslr hostname=linux0"
GUEST = mvtest.linux_node("linux0")  # 2 vCPUs, 256 MiB, a PL011


def time_to_marker(cmd, args):
    """Seconds from QEMU start to the marker, split in three: until
    Linux's clock starts (QEMU, Modvisor and the guest's creation, the
    kernel's first steps), Linux's own clock at "Freeing unused kernel
    memory" (the kernel's boot), and from there to the marker (/init
    loading the virtio modules)."""
    start = time.monotonic()
    child = pexpect.spawn(cmd, args, encoding="utf-8",
                          codec_errors="replace", timeout=120)
    if cmd != mvtest.QEMU:
        mvtest.pin_vcpus(child.pid)  # as the launcher pins Modvisor's
    try:
        child.expect(r"\[ *(\d+\.\d+)\] Freeing unused kernel memory")
        freeing, kernel = time.monotonic() - start, float(child.match.group(1))
        child.expect(MARKER)
        total = time.monotonic() - start
        return total, freeing - kernel, kernel, total - freeing
    finally:
        child.terminate(force=True)
        child.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    images = os.path.join(args.build, "arm64", "guests", "linux")
    image = os.path.join(images, "Image")
    rootfs = os.path.join(images, "rootfs.cpio.gz")
    native = ["-M", "virt,gic-version=3,dtb-randomness=off",
              "-cpu", "cortex-a57", "-smp", "2", "-m", "256M",
              "-display", "none", "-monitor", "none", "-nic", "none",
              "-serial", "stdio", "-kernel", image, "-initrd", rootfs,
              "-append", BOOTARGS] + mvtest.NAMED_THREADS
    seeded = ["-M", "virt,gic-version=3"] + native[2:]
    with tempfile.TemporaryDirectory() as tmp:
        dtbo = mvtest.board_overlay(tmp, mvtest.guests_fragment(GUEST))
        initrd = mvtest.pack_initrd(
            tmp, args.build,
            os.path.join(args.build, "module-sdk", "mvmod", "mvmod"), dtbo,
            files={"guests/linux/Image": image,
                   "guests/linux/rootfs.cpio.gz": rootfs}, gzip=False)
        nucleus = os.path.join(args.build, "arm64", "nucleus.bin")
        times = {"native": [], "seeded": [], "modvisor": []}
        for _ in range(args.runs):
            times["native"].append(
                time_to_marker("qemu-system-aarch64", native))
            times["seeded"].append(
                time_to_marker("qemu-system-aarch64", seeded))
            times["modvisor"].append(
                time_to_marker(mvtest.QEMU, [nucleus, "-initrd", initrd]))
    print("Linux (Debian 6.1 cloud kernel, busybox initramfs) from QEMU "
          "start to %s, median of %d alternating runs:" % (MARKER,
                                                           args.runs))
    med = {}
    for side, label in (("native", "natively on QEMU"),
                        ("seeded", "natively, rng-seed"),
                        ("modvisor", "under Modvisor")):
        total = [t[0] for t in times[side]]
        med[side] = [statistics.median(t[i] for t in times[side])
                     for i in range(4)]
        print("  %-18s %6.3f s  (min %.3f, max %.3f)"
              % (label, med[side][0], min(total), max(total)))
    print("  ratio              %6.2f    (target <= 1.10; Xvisor 1.99)"
          % (med["modvisor"][0] / med["native"][0]))
    print("  ratio to the seeded native run %6.2f (both seed at boot)"
          % (med["modvisor"][0] / med["seeded"][0]))
    print("  phases (medians), native / seeded native / Modvisor:")
    for i, what in ((1, "QEMU start until Linux's clock starts"),
                    (2, "Linux's clock at \"Freeing unused kernel memory\""),
                    (3, "from there to the marker (/init)")):
        print("    %-50s %6.3f / %6.3f / %6.3f s"
              % (what, med["native"][i], med["seeded"][i],
                 med["modvisor"][i]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
