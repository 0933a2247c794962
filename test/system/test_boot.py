#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Boot to the banner: version, CPUs online, memory, boot time, then
'nucleus: ready', with no error on the way. With --smp/--mem the same
machine gets extra QEMU arguments, which must just work."""

import mvtest
from mvtest import check


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
    finally:
        m.close()


if __name__ == "__main__":
    mvtest.main(test, {"--smp": {"type": int}, "--mem": {"type": int}})
