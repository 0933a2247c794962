#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Boot to the banner: version, CPUs online, memory, boot time, then
'nucleus: ready', with no error on the way. With --smp/--mem the same
machine gets extra QEMU arguments, which must just work. QEMU's thread
for each emulated CPU is pinned to a host CPU of its own when the host
lets QEMU run on as many (scripts/pin-vcpus), else left to the host."""

import os
import time

import mvtest
from mvtest import check


def vcpu_affinities(pid):
    """{n: set of host CPUs} for QEMU's "CPU n/TCG" threads."""
    found = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                comm = f.read().strip()
            if comm.startswith("CPU ") and comm.endswith("/TCG"):
                found[int(comm[4:-4])] = os.sched_getaffinity(int(tid))
        except (OSError, ValueError):
            pass
    return found


def check_pinning(pid, cpus):
    allowed = sorted(os.sched_getaffinity(pid))
    pin = (os.environ.get("MV_PIN_VCPUS", "1") != "0" and
           cpus <= len(allowed))
    want = {n: {allowed[n]} if pin else set(allowed) for n in range(cpus)}
    got = {}
    # The helper pins the threads a moment after QEMU creates them (0.2 s
    # after it sees them): pinned, wait for it; unpinned, they must stay
    # so for longer than that.
    for i in range(50):
        got = vcpu_affinities(pid)
        if got == want and (pin or i >= 10):
            return
        if got != want and not pin and len(got) == cpus:
            break
        time.sleep(0.1)
    check(False, "QEMU's vCPU threads on host CPUs %s, expected %s (%s)"
          % (got, want, "one each" if pin else "unpinned"))


def test(args):
    qemu_args = []
    if args.smp:
        qemu_args += ["-smp", str(args.smp)]
    if args.mem:
        qemu_args += ["-m", "%dM" % args.mem]
    m = mvtest.Machine(args.image, qemu_args)
    try:
        m.expect(r"nucleus: Modvisor (\S+) starting, console (\S+)\r*\n",
                 timeout=20, what="the first console line")
        m.expect(r"Modvisor \S+ \(arm64, EL2\)", what="the banner")
        cpus = m.expect(r"CPUs online: (\d+) of (\d+)\s")
        want = args.smp or 2
        check(int(cpus.group(1)) == want and int(cpus.group(2)) == want,
              "expected %d of %d CPUs online, got %s of %s"
              % (want, want, cpus.group(1), cpus.group(2)))
        mem = m.expect(r"memory: (\d+) MiB total, (\d+) KiB free, "
                       r"hypervisor uses (\d+) KiB \(image (\d+) KiB\)")
        total = int(mem.group(1))
        want_mem = args.mem or 1024
        check(total == want_mem, "expected %d MiB of RAM, banner says %d"
              % (want_mem, total))
        free_kib, used_kib = int(mem.group(2)), int(mem.group(3))
        check(0 < free_kib < total * 1024,
              "free memory %d KiB is not within RAM" % free_kib)
        check(0 < used_kib < total * 1024,
              "hypervisor memory %d KiB is implausible" % used_kib)
        check(free_kib + used_kib <= total * 1024,
              "free + hypervisor memory exceeds RAM")
        m.expect(r"boot time: \d+\.\d+ ms")
        m.expect(r"nucleus: ready", what="'nucleus: ready'")
        errors = mvtest.ERROR_LINE.findall(m.console())
        check(not errors, "errors during boot: %s" % errors)
        check_pinning(m.child.pid, want)
    finally:
        m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--smp": {"type": int}, "--mem": {"type": int}})
