#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Guest I/O benchmark: two Debian guests (1 vCPU, 256 MiB each) on QEMU
-smp 2, joined by br0.

* network: 64 MiB of `dd if=/dev/zero bs=64k | nc` from linux0 to a
  listener on linux1 (its stdin a FIFO opened read-write, so busybox nc
  does not half-close early: DESIGN §9), timed in linux0 from before dd
  to after nc ends, and the bytes the listener got checked; then 100 pings
  (rtt min/median/avg/max: a few slow wake-ups of idle host CPUs weigh
  on the average). Twice: each guest has two virtio-net devices, one
  with offloads (checksum, TSO) on br0 (10.0.0.0/24) and one with
  `offloads = "off"` on br1 (10.0.1.0/24). Each run's rate and the
  frames linux1 received are printed: busybox nc writes small chunks, and
  a connection settles either in frames of one write (slow) or in big TSO
  frames of many (about twice as fast). Target >= 5 MB/s and rtt <= 2
  ms; Xvisor 2.46 MB/s (rtt 4-6 ms), both ends in one native guest over
  loopback 5.66 MB/s. Then the same 64 MiB as a file on linux1's tmpfs,
  served by busybox httpd (which sends it in big writes) and fetched by
  linux0's wget over each switch: what the devices and the switch carry
  when the sender is not the bottleneck, and the frames linux0 received
  (TSO segments whole with offloads, MTU frames without).
* block: 64 MiB sequential `dd` write (conv=fsync) and read (caches
  dropped first) on linux0's virtio-blk RAM disk, and the same on a tmpfs
  file in that guest. Target: the disk >= 50 % of tmpfs.
* native references on the same machine, each guest the same kernel and
  initramfs straight on QEMU (1 CPU, 256 MiB) so that the figures above
  can be read against what QEMU's own devices give under TCG: the TCP
  transfer and pings between two such QEMUs joined by QEMU's socket
  netdev on 127.0.0.1 (no offloads: that backend carries no virtio-net
  header), the block figures on QEMU's virtio-blk (a sparse file in the
  host's page cache), and TCP over loopback inside one guest, natively
  and in linux0 (no device at all: the cost of the guest's own work under
  stage-2 translation). --no-native skips them. Last, Modvisor's TCP,
  median rtt and disk figures as ratios to the native ones: the absolute
  figures follow the machine, the ratios much less.

Times come from the guest's /proc/uptime (10 ms steps; each run takes
seconds). Prints figures; asserts nothing."""

import argparse
import os
import re
import socket
import statistics
import sys
import tempfile

import pexpect

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


class Console:
    """A shell on a guest's console; run() brackets each command with
    markers. The typed line's echo holds $((...)), never the expanded
    marker."""
    runs = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def run(self, cmd, timeout=120):
        """Run cmd; return what it printed between the two markers."""
        Console.runs += 1
        tag = "R%d" % Console.runs
        sep = " " if cmd.endswith("&") else "; "
        self.type("\recho %s-$((1+1))-B; %s%secho %s-$((2+1))-E\r"
                  % (tag, cmd, sep, tag))
        r = self.expect(r"(?s)%s-2-B\r*\n(.*?)%s-3-E\r*\n" % (tag, tag),
                        timeout, "%r in %s" % (cmd, self.guest))
        return r.group(1).replace("\r", "")


class Shell(Console):
    """A Modvisor guest's PL011 shell through `vserial bind`."""

    def __init__(self, m, guest):
        self.m, self.guest = m, guest

    def __enter__(self):
        mvtest.vserial_bind(self.m, "%s/uart" % self.guest)
        return self

    def __exit__(self, *exc):
        mvtest.vserial_detach(self.m, "%s/uart" % self.guest)

    def type(self, keys):
        mvtest.type_slowly(self.m, keys)

    def expect(self, pattern, timeout, what):
        return self.m.expect(pattern, timeout=timeout, what=what)


class Native(Console):
    """The same kernel and initramfs straight on QEMU: 1 CPU, 256 MiB,
    the console on a pseudo-terminal, more QEMU arguments (a disk, a
    NIC) in extra; its CPU's thread on host CPU cpu, as scripts/qemu-arm64
    gives each of Modvisor's CPUs a host CPU of its own."""

    def __init__(self, build, guest, bootargs="", extra=(), cpu=0):
        images = os.path.join(build, "arm64", "guests", "linux")
        self.guest = "native " + guest
        self.child = pexpect.spawn(
            "qemu-system-aarch64",
            ["-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-smp", "1",
             "-m", "256M", "-display", "none", "-monitor", "none",
             "-serial", "stdio", "-global", "virtio-mmio.force-legacy=false",
             "-kernel", os.path.join(images, "Image"),
             "-initrd", os.path.join(images, "rootfs.cpio.gz"),
             "-append", "console=ttyAMA0 nokaslr hostname=%s %s"
             % (guest, bootargs)] + mvtest.NAMED_THREADS + list(extra),
            encoding="utf-8", codec_errors="replace", timeout=180)
        mvtest.pin_vcpus(self.child.pid, cpu)
        try:
            self.expect("MODVISOR-GUEST-INFO", 180, "its marker")
        except mvtest.Failure:
            self.close()
            raise

    def type(self, keys):
        self.child.send(keys)

    def expect(self, pattern, timeout, what):
        try:
            self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as err:
            why = ("QEMU exited before" if isinstance(err, pexpect.EOF)
                   else "%d s passed without" % timeout)
            raise mvtest.Failure("%s: %s %s:\n%s"
                                 % (self.guest, why, what,
                                    self.child.before[-2000:]))
        return self.child.match

    def close(self):
        self.child.terminate(force=True)


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
    parser.add_argument("--no-native", action="store_true",
                        help="skip the native QEMU references")
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
        m.child.logfile_read = open(
            os.environ.get("MV_BENCH_LOG", os.devnull), "w")
        try:
            m.expect(mvtest.PROMPT, what="the prompt")
            for _ in GUESTS:
                m.expect(r"MODVISOR-GUEST-INFO", timeout=180,
                         what="the guests' markers")
            figures = report(m, args.runs)
            in_guest = [] if args.no_native else [
                loopback(Shell(m, "linux0")) for _ in range(args.runs)]
        except mvtest.Failure as err:
            print("FAIL: %s\n%s" % (err, m.console()[-3000:]))
            return 1
        finally:
            m.close()
        if in_guest:
            try:
                report_native(args.build, args.runs, tmp, in_guest, figures)
            except mvtest.Failure as err:
                print("FAIL: %s" % err)
                return 1
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


def tcp(rx, tx, dst):
    """Seconds 64 MiB took from the console tx to dst, a listener on the
    console rx (the same one for loopback)."""
    with rx as sh:
        sh.run("rm -f /tmp/f /tmp/n; mkfifo /tmp/f; "
               "(nc -l -p 5001 <>/tmp/f | wc -c >/tmp/n) &")
    with tx as sh:
        secs, _ = timed(sh, "dd if=/dev/zero bs=64k count=%d 2>/dev/null"
                        " | nc %s 5001" % (SIZE_MIB * MIB // 65536, dst))
    with rx as sh:
        got = sh.run("sleep 1; cat /tmp/n").split()
    if not got or int(got[-1]) != SIZE_MIB * MIB:
        raise mvtest.Failure("%s received %s bytes, not %d"
                             % (rx.guest, got, SIZE_MIB * MIB))
    return secs


def block(sh, runs):
    """Seconds of each 64 MiB dd: disk write, disk read, tmpfs write,
    tmpfs read; a list each."""
    count = SIZE_MIB * MIB // 65536
    times = ([], [], [], [])
    for _ in range(runs):
        for got, cmd in zip(times, (
                "dd if=/dev/zero of=/dev/vda bs=64k count=%d conv=fsync"
                " 2>/dev/null" % count,
                "sync; echo 3 >/proc/sys/vm/drop_caches; dd if=/dev/vda "
                "of=/dev/null bs=64k count=%d 2>/dev/null" % count,
                "dd if=/dev/zero of=/tmp/z bs=64k count=%d conv=fsync "
                "2>/dev/null" % count,
                "dd if=/tmp/z of=/dev/null bs=64k 2>/dev/null; rm /tmp/z")):
            got.append(timed(sh, cmd)[0])
    return times


def ping(sh, dst):
    """rtt min, median, average and max of 100 pings (20 a second), in
    ms (strings)."""
    out = sh.run("ping -c 100 -i 0.05 %s | sed -n 's/.*time=\\([0-9.]*\\) "
                 "ms$/\\1/p' | tr '\\n' ' '" % dst)
    t = sorted(float(x) for x in re.findall(r"[\d.]+", out))
    if not t:
        return ("?",) * 4
    return tuple("%.3f" % x for x in (t[0], statistics.median(t),
                                      sum(t) / len(t), t[-1]))


def received(term, sw, guest="linux1"):
    """Frames and bytes guest's port on switch sw has received."""
    row = re.search(r"^%s/net@\w+\s+\d+\s+\d+\s+(\d+)\s+(\d+)" % guest,
                    term.run("netswitch ports %s" % sw), re.M)
    if not row:
        raise mvtest.Failure("no %s port on %s" % (guest, sw))
    return int(row.group(1)), int(row.group(2))


def http(m, term, sw, addr):
    """Seconds linux0's wget took to fetch linux1's file over sw, and the
    frames and bytes linux0's port received meanwhile."""
    before = received(term, sw, "linux0")
    with Shell(m, "linux0") as sh:
        secs, _ = timed(sh, "wget -q -O /dev/null http://%s:8080/big"
                        % addr)
    after = received(term, sw, "linux0")
    got = (after[0] - before[0], after[1] - before[1])
    if got[1] < SIZE_MIB * MIB:
        raise mvtest.Failure("linux0 received %d bytes over %s for a %d "
                             "MiB file" % (got[1], sw, SIZE_MIB))
    return secs, got


def frame_text(counts):
    """(frames, bytes) as "<n> frames of <mean> bytes"."""
    return "%d frames of %.0f bytes" % (counts[0],
                                       counts[1] / max(counts[0], 1))


def report(m, runs):
    net, plain = [], []
    net_up(m)
    term = mvtest.Terminal(m)
    frames = {"br0": [], "br1": []}
    for i in range(runs):
        for sw, addrs, got in (("br0", GUESTS, net), ("br1", PLAIN, plain)):
            before = received(term, sw)
            got.append(tcp(Shell(m, "linux1"), Shell(m, "linux0"),
                           addrs["linux1"]))
            after = received(term, sw)
            frames[sw].append((after[0] - before[0], after[1] - before[1]))
        # A connection settles in small or big frames: show each one.
        print("  run %d: offloads on %.2f MB/s in %s, off %.2f MB/s in %s"
              % (i + 1, rate(net[-1]), frame_text(frames["br0"][-1]),
                 rate(plain[-1]), frame_text(frames["br1"][-1])))
    sizes = {sw: sum(b for _, b in f) / max(sum(n for n, _ in f), 1)
             for sw, f in frames.items()}
    with Shell(m, "linux1") as sh:
        sh.run("mkdir -p /tmp/www; dd if=/dev/zero of=/tmp/www/big bs=64k "
               "count=%d 2>/dev/null; httpd -p 8080 -h /tmp/www"
               % (SIZE_MIB * MIB // 65536))
    web = {sw: min((http(m, term, sw, addrs["linux1"]) for _ in range(runs)),
                   key=lambda r: r[0])
           for sw, addrs in (("br0", GUESTS), ("br1", PLAIN))}
    with Shell(m, "linux1") as sh:
        sh.run("killall httpd; rm -r /tmp/www")
    with Shell(m, "linux0") as sh:
        rtt = ping(sh, GUESTS["linux1"])
        rtt_plain = ping(sh, PLAIN["linux1"])
        blk = block(sh, runs)
    print("Guest I/O, %d MiB each, best of %d (QEMU TCG -smp 2, 1 vCPU a "
          "guest):" % (SIZE_MIB, runs))
    print("  TCP linux0 -> linux1, offloads on   %7.2f MB/s  (target >= 5;"
          " Xvisor 2.46, native loopback 5.66)" % rate(min(net)))
    print("  TCP linux0 -> linux1, offloads off  %7.2f MB/s"
          % rate(min(plain)))
    print("  mean frame to linux1 over all runs: offloads on %.0f bytes, "
          "off %.0f bytes"
          % (sizes["br0"], sizes["br1"]))
    for sw, what in (("br0", "on "), ("br1", "off")):
        print("  HTTP linux1 -> linux0 (httpd), offloads %s %7.2f MB/s in %s"
              % (what, rate(web[sw][0]), frame_text(web[sw][1])))
    print("  ping rtt min/median/avg/max, offloads on   %s/%s/%s/%s ms  "
          "(target <= 2)" % rtt)
    print("  ping rtt min/median/avg/max, offloads off  %s/%s/%s/%s ms"
          % rtt_plain)
    print_block("virtio-blk", blk, "  (target >= 50 %)")
    return {"tcp_on": rate(min(net)), "tcp_off": rate(min(plain)),
            "ping": rtt[1], "blk_w": rate(min(blk[0])),
            "blk_r": rate(min(blk[1]))}


def print_block(disk, times, note=""):
    w, r, tw, tr = (rate(min(t)) for t in times)
    print("  %s write %7.2f MB/s, tmpfs write %7.2f MB/s: %3.0f %%%s"
          % (disk, w, tw, 100 * w / tw, note))
    print("  %s read  %7.2f MB/s, tmpfs read  %7.2f MB/s: %3.0f %%%s"
          % (disk, r, tr, 100 * r / tr, note))


def loopback(sh):
    """Seconds 64 MiB took over 127.0.0.1 inside one guest."""
    with sh:
        sh.run("ip link set lo up")
    return tcp(sh, sh, "127.0.0.1")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ratio(mine, native):
    try:
        return "%.2f" % (float(mine) / float(native))
    except (ValueError, ZeroDivisionError):
        return "?"


def report_native(build, runs, tmp, in_guest, mv):
    """The native references, then Modvisor's figures (mv, from report)
    against them; in_guest: loopback seconds in linux0."""
    port = free_port()
    mac = "virtio-net-device,netdev=n,mac=52:54:00:00:00:%02x"
    disk = os.path.join(tmp, "disk.img")
    with open(disk, "wb") as f:
        f.truncate((SIZE_MIB + 8) * MIB)
    # The listening side first: the other connects at once.
    a = Native(build, "linux0", "ipaddr=10.0.0.1/24",
               ["-netdev", "socket,id=n,listen=127.0.0.1:%d" % port,
                "-device", mac % 1, "-drive", "if=none,id=d,file=%s,"
                "format=raw,cache=unsafe" % disk,
                "-device", "virtio-blk-device,drive=d"])
    b = None
    try:
        b = Native(build, "linux1", "ipaddr=10.0.0.2/24",
                   ["-netdev", "socket,id=n,connect=127.0.0.1:%d" % port,
                    "-device", mac % 2], cpu=1)
        net = [tcp(b, a, "10.0.0.2") for _ in range(runs)]
        rtt = ping(a, "10.0.0.2")
        blk = block(a, runs)
        b.close()
        native_lo = [loopback(a) for _ in range(runs)]
    finally:
        a.close()
        if b:
            b.close()
    print("Native references, best of %d (the same kernel and initramfs "
          "straight on QEMU, 1 CPU each):" % runs)
    print("  TCP between two QEMUs (socket netdev, no offloads) %7.2f MB/s"
          % rate(min(net)))
    print("  ping rtt min/median/avg/max between them   %s/%s/%s/%s ms"
          % rtt)
    print_block("QEMU virtio-blk", blk)
    print("  TCP over loopback inside one guest: natively %.2f MB/s, in "
          "linux0 under Modvisor %.2f MB/s (%.2f times the time)"
          % (rate(min(native_lo)), rate(min(in_guest)),
             min(in_guest) / min(native_lo)))
    # The absolute figures follow the machine; these ratios much less.
    w, r = rate(min(blk[0])), rate(min(blk[1]))
    print("Modvisor / native on this machine:")
    print("  TCP between guests, offloads on / off   %s / %s  (%.2f / %.2f "
          "against %.2f MB/s)" % (ratio(mv["tcp_on"], rate(min(net))),
                                 ratio(mv["tcp_off"], rate(min(net))),
                                 mv["tcp_on"], mv["tcp_off"],
                                 rate(min(net))))
    print("  ping rtt median                         %s  (%s against %s ms)"
          % (ratio(mv["ping"], rtt[1]), mv["ping"], rtt[1]))
    print("  virtio-blk write / read against QEMU's  %s / %s  (%.2f / %.2f "
          "against %.2f / %.2f MB/s)"
          % (ratio(mv["blk_w"], w), ratio(mv["blk_r"], r), mv["blk_w"],
             mv["blk_r"], w, r))


if __name__ == "__main__":
    sys.exit(main())
