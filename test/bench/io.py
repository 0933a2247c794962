#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Guest I/O benchmark: two Debian guests (1 vCPU, 256 MiB each) on QEMU
-smp 2, joined by br0.

* network: 64 MiB of `dd if=/dev/zero bs=64k | nc` from linux0 to a
  listener on linux1 (its stdin a FIFO opened read-write, so busybox nc
  does not half-close early: DESIGN §9), timed in linux0 from before dd
  to after nc ends, and the bytes the listener got checked; then 20 pings
  (rtt min/avg/max). Twice: each guest has two virtio-net devices, one
  with offloads (checksum, TSO) on br0 (10.0.0.0/24) and one with
  `offloads = "off"` on br1 (10.0.1.0/24). Each run's rate and the
  frames linux1 received are printed: busybox nc writes small chunks, and
  a connection settles either in frames of one write (slow) or in big TSO
  frames of many (about twice as fast). Target >= 5 MB/s and rtt <= 2
  ms; Xvisor 2.46 MB/s (rtt 4-6 ms), both ends in one native guest over
  loopback 5.66 MB/s.
* block: 64 MiB sequential `dd` write (conv=fsync) and read (caches
  dropped first) on linux0's virtio-blk RAM disk, and the same on a tmpfs
  file in that guest. Target: the disk >= 50 % of tmpfs.

Times come from the guest's /proc/uptime (10 ms steps; each run takes
seconds). Prints figures; asserts nothing."""

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "system"))
import mvtest  # noqa: E402

MIB = 1 << 20
SIZE_MIB = 64
GUESTS = {"linux0": "10.0.0.1", "linux1": "10.0.0.2"}
# The devices without offloads: slot 2, on br1.
PLAIN = {"linux0": "10.0.1.1", "linux1": "10.0.1.2"}
PLAIN_SLOT = 2
BR1 = """
&{/} {
	netswitches {
		br1 { compatible = "modvisor,bridge"; };
	};
};
"""


def node(name, extra_devices=""):
    return mvtest.linux_node(
        name, mvtest.virtio_node("net", 0, 'switch = "br0";') +
        mvtest.virtio_node("net", PLAIN_SLOT,
                           'switch = "br1";\noffloads = "off";') +
        extra_devices, vcpus=1, bootargs="ipaddr=%s/24" % GUESTS[name])


class Shell:
    """A guest's PL011 shell through `vserial bind`."""
    runs = 0

    def __init__(self, m, guest):
        self.m, self.guest = m, guest

    def __enter__(self):
        mvtest.vserial_bind(self.m, "%s/uart" % self.guest)
        return self

    def __exit__(self, *exc):
        mvtest.vserial_detach(self.m, "%s/uart" % self.guest)

    def run(self, cmd, timeout=120):
        """Run cmd; return what it printed between two markers. The
        typed line's echo holds $((...)), never the expanded marker."""
        Shell.runs += 1
        tag = "R%d" % Shell.runs
        sep = " " if cmd.endswith("&") else "; "
        mvtest.type_slowly(self.m, "\recho %s-$((1+1))-B; %s%secho %s-$((2+1))"
                           "-E\r" % (tag, cmd, sep, tag))
        r = self.m.expect(r"(?s)%s-2-B\r*\n(.*?)%s-3-E\r*\n" % (tag, tag),
                          timeout=timeout, what="%r in %s" % (cmd, self.guest))
        return r.group(1).replace("\r", "")


def timed(sh, cmd, timeout=300):
    """Seconds cmd took in the guest, and its output."""
    out = sh.run("read a x </proc/uptime; %s; read b x </proc/uptime; "
                 "echo T-$a-$b" % cmd, timeout)
    r = re.search(r"T-([\d.]+)-([\d.]+)", out)
    if not r:
        raise mvtest.Failure("no times from %r: %s" % (cmd, out))
    return float(r.group(2)) - float(r.group(1)), out


def rate(seconds):
    return SIZE_MIB * MIB / seconds / 1e6 if seconds > 0 else float("inf")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    images = os.path.join(args.build, "arm64", "guests", "linux")
    mvmod = os.path.join(args.build, "module-sdk", "mvmod", "mvmod")
    disk = mvtest.virtio_node("blk", 1, "size = <0x0 %#x>;"
                              % ((SIZE_MIB + 8) * MIB))
    with tempfile.TemporaryDirectory() as tmp:
        dtbo = mvtest.board_overlay(tmp, mvtest.guests_fragment(
            node("linux0", disk), node("linux1")) + BR1)
        initrd = mvtest.pack_initrd(
            tmp, args.build, mvmod, dtbo, gzip=False,
            files={"guests/linux/" + f: os.path.join(images, f)
                   for f in ("Image", "rootfs.cpio.gz")})
        m = mvtest.Machine(os.path.join(args.build, "arm64", "nucleus.bin"),
                           ["-initrd", initrd], timeout=60)
        m.child.logfile_read = open(os.environ.get("MV_BENCH_LOG", os.devnull), "w")
        try:
            m.expect(mvtest.PROMPT, what="the prompt")
            for _ in GUESTS:
                m.expect(r"MODVISOR-GUEST-INFO", timeout=180,
                         what="the guests' markers")
            report(m, args.runs)
        except mvtest.Failure as err:
            print("FAIL: %s\n%s" % (err, m.console()[-3000:]))
            return 1
        finally:
            m.close()
    return 0


def net_up(m):
    """Address both devices, found by their MMIO bases (the guest's eth0
    may be either), and print what each negotiated."""
    slots = ((0, GUESTS), (PLAIN_SLOT, PLAIN))
    for g in GUESTS:
        cmd = "cd /sys/bus/platform/devices"
        for slot, addrs in slots:
            cmd += ("; i=$(ls %x.*/virtio*/net); ip addr flush dev $i; "
                    "ip addr add %s/24 dev $i && ip link set $i up && "
                    "echo UP-$i-$(cut -c1-13 %x.*/virtio*/features)"
                    % (0xa000000 + slot * 0x200, addrs[g],
                       0xa000000 + slot * 0x200))
        with Shell(m, g) as sh:
            out = sh.run(cmd + "; cd /")
        if out.count("UP-") != 2:
            raise mvtest.Failure("%s: interfaces: %s" % (g, out))
        print("  %s: %s" % (g, " ".join(out.split())))


def tcp(m, dst, count):
    """Seconds 64 MiB took from linux0 to dst on linux1."""
    with Shell(m, "linux1") as sh:
        sh.run("rm -f /tmp/f /tmp/n; mkfifo /tmp/f; "
               "(nc -l -p 5001 <>/tmp/f | wc -c >/tmp/n) &")
    with Shell(m, "linux0") as sh:
        secs, _ = timed(sh, "dd if=/dev/zero bs=64k count=%d 2>/dev/null"
                        " | nc %s 5001" % (count, dst))
    with Shell(m, "linux1") as sh:
        got = sh.run("sleep 1; cat /tmp/n").split()
    if not got or int(got[-1]) != SIZE_MIB * MIB:
        raise mvtest.Failure("linux1 received %s bytes, not %d"
                             % (got, SIZE_MIB * MIB))
    return secs


def ping(sh, dst):
    out = sh.run("ping -c 20 -i 0.2 %s | tail -1" % dst)
    r = re.search(r"min/avg/max = ([\d.]+)/([\d.]+)/([\d.]+)", out)
    return r.groups() if r else ("?", "?", "?")


def received(term, sw):
    """Frames and bytes linux1's port on switch sw has received."""
    row = re.search(r"^linux1/net@\w+\s+\d+\s+\d+\s+(\d+)\s+(\d+)",
                    term.run("netswitch ports %s" % sw), re.M)
    if not row:
        raise mvtest.Failure("no linux1 port on %s" % sw)
    return int(row.group(1)), int(row.group(2))


def frame_text(counts):
    """(frames, bytes) as "<n> frames of <mean> bytes"."""
    return "%d frames of %.0f bytes" % (counts[0],
                                       counts[1] / max(counts[0], 1))


def report(m, runs):
    count = SIZE_MIB * MIB // 65536
    net, plain, blk_w, blk_r, tmp_w, tmp_r = [], [], [], [], [], []
    net_up(m)
    term = mvtest.Terminal(m)
    frames = {"br0": [], "br1": []}
    for i in range(runs):
        for sw, addrs, got in (("br0", GUESTS, net), ("br1", PLAIN, plain)):
            before = received(term, sw)
            got.append(tcp(m, addrs["linux1"], count))
            after = received(term, sw)
            frames[sw].append((after[0] - before[0], after[1] - before[1]))
        # A connection settles in small or big frames: show each one.
        print("  run %d: offloads on %.2f MB/s in %s, off %.2f MB/s in %s"
              % (i + 1, rate(net[-1]), frame_text(frames["br0"][-1]),
                 rate(plain[-1]), frame_text(frames["br1"][-1])))
    sizes = {sw: sum(b for _, b in f) / max(sum(n for n, _ in f), 1)
             for sw, f in frames.items()}
    with Shell(m, "linux0") as sh:
        rtt = ping(sh, GUESTS["linux1"])
        rtt_plain = ping(sh, PLAIN["linux1"])
        for _ in range(runs):
            blk_w.append(timed(sh, "dd if=/dev/zero of=/dev/vda bs=64k "
                               "count=%d conv=fsync 2>/dev/null" % count)[0])
            blk_r.append(timed(sh, "sync; echo 3 >/proc/sys/vm/drop_caches;"
                               " dd if=/dev/vda of=/dev/null bs=64k count=%d"
                               " 2>/dev/null" % count)[0])
            tmp_w.append(timed(sh, "dd if=/dev/zero of=/tmp/z bs=64k "
                               "count=%d conv=fsync 2>/dev/null" % count)[0])
            tmp_r.append(timed(sh, "dd if=/tmp/z of=/dev/null bs=64k "
                               "2>/dev/null; rm /tmp/z")[0])
    best = min
    print("Guest I/O, %d MiB each, best of %d (QEMU TCG -smp 2, 1 vCPU a "
          "guest):" % (SIZE_MIB, runs))
    print("  TCP linux0 -> linux1, offloads on   %7.2f MB/s  (target >= 5;"
          " Xvisor 2.46, native loopback 5.66)" % rate(best(net)))
    print("  TCP linux0 -> linux1, offloads off  %7.2f MB/s"
          % rate(best(plain)))
    print("  mean frame to linux1 over all runs: offloads on %.0f bytes, "
          "off %.0f bytes"
          % (sizes["br0"], sizes["br1"]))
    print("  ping rtt min/avg/max, offloads on   %s/%s/%s ms  (target <= 2)"
          % rtt)
    print("  ping rtt min/avg/max, offloads off  %s/%s/%s ms" % rtt_plain)
    w, r = rate(best(blk_w)), rate(best(blk_r))
    tw, tr = rate(best(tmp_w)), rate(best(tmp_r))
    print("  virtio-blk write %7.2f MB/s, tmpfs write %7.2f MB/s: %3.0f %%  "
          "(target >= 50 %%)" % (w, tw, 100 * w / tw))
    print("  virtio-blk read  %7.2f MB/s, tmpfs read  %7.2f MB/s: %3.0f %%  "
          "(target >= 50 %%)" % (r, tr, 100 * r / tr))


if __name__ == "__main__":
    sys.exit(main())
