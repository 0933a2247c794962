#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Foundation benchmark (issue 2): nucleus image size, hypervisor RAM in use
after boot, and wall time from QEMU start to 'nucleus: ready'. Prints each
figure beside its target and a reference; asserts nothing."""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU = os.path.join(TOP, "scripts", "qemu-arm64")


def image_size(elf):
    """text + data of the nucleus (Berkeley size: .bss excluded)."""
    out = subprocess.run(["aarch64-linux-gnu-size", elf], check=True,
                         capture_output=True, text=True).stdout
    text, data = out.splitlines()[1].split()[:2]
    return int(text) + int(data)


def boot_once(image, extra):
    """Seconds from QEMU's start to 'nucleus: ready', and the console."""
    start = time.monotonic()
    proc = subprocess.Popen([QEMU, image] + extra, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    console = b""
    elapsed = None
    deadline = start + 30
    try:
        while time.monotonic() < deadline:
            chunk = proc.stdout.read1(4096)
            if not chunk:
                break
            console += chunk
            if b"nucleus: ready" in console:
                elapsed = time.monotonic() - start
                break
    finally:
        proc.kill()
        proc.wait()
    return elapsed, console.decode(errors="replace")


def qemu_alone():
    """QEMU start to exit without running anything: the floor for any boot.
    (dumpdtb makes QEMU exit right after building the machine; it replaces
    its target file, so it gets a scratch file, never /dev/null.)"""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        subprocess.run(["qemu-system-aarch64", "-M", "virt,virtualization=on,"
                        "gic-version=3,dumpdtb=" + os.path.join(tmp, "x.dtb"),
                        "-cpu", "cortex-a57", "-smp", "2", "-m", "1G",
                        "-display", "none", "-nic", "none"],
                       check=True, capture_output=True)
        return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    image = os.path.join(args.build, "arm64", "nucleus.bin")
    elf = os.path.join(args.build, "arm64", "nucleus.elf")

    size = image_size(elf)
    print("%-44s %8.1f KiB   target <= 128 KiB   (Xvisor 1.84 MiB)"
          % ("nucleus image (text + data)", size / 1024))

    times, used = [], None
    for _ in range(args.runs):
        t, console = boot_once(image, [])
        if t is None:
            print("boot did not reach 'nucleus: ready':\n" + console)
            return 1
        times.append(t)
        m = re.search(r"hypervisor uses (\d+) KiB", console)
        used = int(m.group(1)) if m else None
    print("%-44s %8.1f KiB   target <= 4096 KiB  (Xvisor 30.3 MiB)"
          % ("hypervisor RAM in use after boot", used or -1))
    print("%-44s %8.3f s     target <= 0.100 s   (Xvisor 0.19-0.25 s)"
          % ("QEMU start -> 'nucleus: ready' (median of %d)" % args.runs,
             statistics.median(times)))
    print("%-44s %8.3f s     min %.3f s, max %.3f s"
          % ("", statistics.mean(times), min(times), max(times)))
    floor = statistics.median(qemu_alone() for _ in range(5))
    print("%-44s %8.3f s     (QEMU itself, start to exit)"
          % ("QEMU alone (median of 5)", floor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
