# SPDX-License-Identifier: GPL-2.0
"""Harness for QEMU system tests: boots the nucleus through
scripts/qemu-arm64 on a pseudo-terminal (pexpect, from Debian), reads the
console with a time bound, and fails with the console transcript."""

import argparse
import os
import re
import subprocess
import sys
import time

import pexpect

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU = os.path.join(TOP, "scripts", "qemu-arm64")
# QEMU arguments and the pinning that scripts/qemu-arm64 gives the nucleus,
# for benchmarks' native references: both sides alike.
NAMED_THREADS = ["-name", "native,debug-threads=on"]


def pin_vcpus(pid, first=0):
    """Each emulated CPU of QEMU process pid (started with NAMED_THREADS)
    on a host CPU of its own from the first-th on (scripts/pin-vcpus), as
    scripts/qemu-arm64 does, unless MV_PIN_VCPUS=0; in the background."""
    if os.environ.get("MV_PIN_VCPUS", "1") != "0":
        subprocess.Popen([os.path.join(TOP, "scripts", "pin-vcpus"),
                          str(pid), str(first)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


HALTED = r"nucleus: (cannot boot; )?halted"


class Failure(Exception):
    pass


class Machine:
    def __init__(self, image, qemu_args=(), timeout=30, command=None,
                 env=None):
        """QEMU through scripts/qemu-arm64, or command (a list: program
        and arguments, e.g. scripts/run) with env."""
        self.transcript = []
        argv = command or [QEMU, image] + list(qemu_args)
        self.child = pexpect.spawn(argv[0], argv[1:], env=env,
                                   encoding="utf-8", codec_errors="replace",
                                   timeout=timeout)
        self.child.logfile_read = self

    # pexpect's logfile interface: keep everything the console printed.
    def write(self, data):
        self.transcript.append(data)
        sys.stdout.write(data)

    def flush(self):
        sys.stdout.flush()

    def console(self):
        return "".join(self.transcript)

    def expect(self, pattern, timeout=None, what=None, halt_ok=False):
        """Wait for a regular expression; return its match. A halt of the
        nucleus fails at once unless the test waits for one (halt_ok)."""
        patterns = [pattern] if halt_ok else [pattern, HALTED]
        try:
            which = self.child.expect(patterns, timeout=timeout)
        except pexpect.TIMEOUT:
            raise Failure("timed out waiting for %s" % (what or repr(pattern)))
        except pexpect.EOF:
            raise Failure("QEMU exited before %s" % (what or repr(pattern)))
        if which == 1:
            raise Failure("the nucleus halted while waiting for %s"
                          % (what or repr(pattern)))
        return self.child.match

    def read_for(self, seconds):
        """Keep reading the console for seconds (the pseudo-terminal must
        not fill up and stall QEMU); return what was printed meanwhile."""
        mark = len(self.console())
        self.read_until(lambda text: False, seconds)
        return self.console()[mark:]

    def read_until(self, done, timeout, what=None, since=0):
        """Read the console until done(console[since:]) is true; True, or
        False after timeout seconds when what is None (else a Failure).
        Text read here is in console(), not in the next expect()."""
        end = time.monotonic() + timeout
        while not done(self.console()[since:]):
            left = end - time.monotonic()
            if left <= 0:
                if what is None:
                    return False
                raise Failure("timed out waiting for %s" % what)
            try:
                self.child.read_nonblocking(65536, timeout=min(left, 0.2))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                raise Failure("QEMU exited while waiting for %s"
                              % (what or "console output"))
            if re.search(HALTED, self.console()[since:]):
                raise Failure("the nucleus halted while waiting for %s"
                              % (what or "console output"))
        return True

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()


def check(cond, message):
    if not cond:
        raise Failure(message)


def main(test, extra_args=None):
    """Run test(args) and turn a Failure into a clear exit status."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", required=True,
                        help="nucleus image (build/arm64/nucleus.bin)")
    for name, kwargs in (extra_args or {}).items():
        parser.add_argument(name, **kwargs)
    args = parser.parse_args()
    try:
        test(args)
    except Failure as err:
        print("\nFAIL: %s" % err)
        sys.exit(1)
    print("\nPASS")


def number(match, group):
    return int(match.group(group))


ERROR_LINE = re.compile(r"^\[[ 0-9.]+\] error: .*$", re.M)


def run(cmd):
    """Run a build tool; a failure is a test failure with its output."""
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode:
        raise Failure("%s failed:\n%s%s" % (" ".join(cmd), res.stdout,
                                            res.stderr))
    return res.stdout


def board_overlay(tmp, fragment):
    """The board overlay plus a DTS fragment (guests...), compiled."""
    board = open(os.path.join(TOP, "configs", "qemu-virt-arm64",
                              "board.dts")).read()
    dts = os.path.join(tmp, "test-board.dts")
    with open(dts, "w") as f:
        f.write(board + fragment)
    dtbo = os.path.join(tmp, "board.dtbo")
    run(["dtc", "-@", "-q", "-I", "dts", "-O", "dtb", "-o", dtbo, dts])
    return dtbo


def pack_initrd(tmp, build, mvmod, dtbo, extra_modules=None, files=None,
                gzip=True):
    """An initrd with the build's modules (plus extra_modules, name: path),
    their index, the overlay dtbo and files (initrd path: host path);
    gzip=False for big guest images (the nucleus then reads it in place
    instead of inflating it)."""
    arm64 = os.path.join(build, "arm64")
    modules = os.path.join(arm64, "modules")
    mvms = {name: os.path.join(modules, name)
            for name in sorted(os.listdir(modules)) if name.endswith(".mvm")}
    mvms.update(extra_modules or {})
    index = os.path.join(tmp, "modules.idx")
    run([mvmod, "index", "--exports", os.path.join(arm64, "nucleus.exports"),
         "-o", index, "--prefix", "modules/"] + list(mvms.values()))
    initrd = os.path.join(tmp, "initrd.cpio" + (".gz" if gzip else ""))
    run([mvmod, "pack"] + (["--gzip"] if gzip else []) + ["-o", initrd,
         "modules/modules.idx=" + index, "config/board.dtbo=" + dtbo] +
        ["modules/%s=%s" % item for item in mvms.items()] +
        ["%s=%s" % item for item in (files or {}).items()])
    return initrd


# --- Guests -----------------------------------------------------------

PROMPT = r"modvisor> "
TESTGUEST = "guests/testguest.bin"
UART = """\
			devices {
				uart@9000000 {
					compatible = "arm,pl011";
					reg = <0x0 0x9000000 0x0 0x1000>;
					interrupts = <0 1 4>;
				};
			};
"""


def uart_and(extra):
    """A devices node with the PL011 and the device nodes in extra."""
    return UART.replace("\t\t\t};\n", extra + "\t\t\t};\n")


def guest_node(name, bootargs=None, vcpus=None, memory=((0x40000000,
                                                        0x1000000),),
               kernel=TESTGUEST, autostart=True, host_cpus=None,
               devices=UART, extra=""):
    """One /guests node in DTS; None leaves a property out."""
    props = ['compatible = "modvisor,guest";']
    if vcpus is not None:
        props.append("vcpus = <%d>;" % vcpus)
    if memory is not None:
        props.append("memory = <%s>;" % " ".join(
            "0x%x 0x%x 0x%x 0x%x" % (b >> 32, b & 0xffffffff, s >> 32,
                                     s & 0xffffffff) for b, s in memory))
    if kernel is not None:
        props.append('kernel = "%s";' % kernel)
    if bootargs is not None:
        props.append('bootargs = "%s";' % bootargs)
    if host_cpus is not None:
        props.append("host-cpus = <%s>;" % " ".join(map(str, host_cpus)))
    if autostart:
        props.append("autostart;")
    return "\t\t%s {\n%s%s%s\t\t};\n" % (
        name, "".join("\t\t\t%s\n" % p for p in props), extra, devices)


def guests_fragment(*nodes):
    """A board overlay fragment with these guest nodes under /guests."""
    return "\n&{/} {\n\tguests {\n%s\t};\n};\n" % "".join(nodes)


def boot_guests(tmp, args, fragment, files=None, timeout=30):
    """Pack the build's modules, the board overlay plus fragment and the
    test guest (as guests/testguest.bin), boot, wait for the prompt."""
    dtbo = board_overlay(tmp, fragment)
    packed = {TESTGUEST: os.path.join(args.build, "arm64", "guests",
                                      "testguest.bin")}
    packed.update(files or {})
    initrd = pack_initrd(tmp, args.build, args.mvmod, dtbo, files=packed)
    m = Machine(args.image, ["-initrd", initrd], timeout=timeout)
    try:
        m.expect(r"nucleus: ready", timeout=timeout, what="nucleus: ready")
        m.expect(PROMPT, what="the first prompt")
    except BaseException:
        m.close()
        raise
    return m


class Terminal:
    def __init__(self, machine):
        self.m = machine

    def run(self, keys, want=None, timeout=15):
        """Type keys and Enter, wait for the next prompt; return the output
        without the log lines that came meanwhile."""
        self.m.child.send(keys + "\r")
        self.m.expect(PROMPT, timeout=timeout,
                      what="the prompt after %r" % keys)
        out = "\n".join(l for l in self.m.child.before.replace(
            "\r", "").split("\n") if not LOG_LINE.search(l))
        if want:
            check(re.search(want, out, re.M), "after %r expected %r, got:\n%s"
                  % (keys, want, out))
        return out


# Not anchored: a log line may start right after the prompt or the echo
# of a key the terminal was typing.
LOG_LINE = re.compile(r"\[ *(\d+\.\d+)\] (.*?)\r*$", re.M)


def log(text):
    """(seconds, message) of each log line in text."""
    return [(float(t), msg) for t, msg in LOG_LINE.findall(text)]


def guest_lines(text, guest, port="uart"):
    """(seconds, line) of what the guest wrote to its console port."""
    prefix = "[%s/%s] " % (guest, port)
    return [(t, msg[len(prefix):]) for t, msg in log(text)
            if msg.startswith(prefix)]


BEAT = re.compile(r"tg: beat (\d+)$")


def beats(text, guest):
    """(seconds, n) of each heartbeat line the guest logged."""
    return [(t, int(m.group(1))) for t, m in
            ((t, BEAT.match(l)) for t, l in guest_lines(text, guest)) if m]


def check_beats_in_order(text, guest, first=1):
    """Heartbeats numbered first, first+1, ... with none lost or twice."""
    ns = [n for _, n in beats(text, guest)]
    want = list(range(first, first + len(ns)))
    if ns != want:
        bad = next(i for i, (a, b) in enumerate(zip(ns, want)) if a != b)
        raise Failure("%s's beats out of order at #%d: ...%s" %
                      (guest, bad, ns[max(0, bad - 3):bad + 3]))
    return len(ns)


def warnings(text, guest=None):
    """Log warnings (about guest, if named), without the prefix."""
    ws = [msg[len("warning: "):] for _, msg in log(text)
          if msg.startswith("warning: ")]
    if guest is not None:
        ws = [w for w in ws if w.startswith("guest %s: " % guest)]
    return ws


def errors(text):
    """The error lines of the log, without the prefix."""
    return [msg[len("error: "):] for _, msg in log(text)
            if msg.startswith("error: ")]


def free_kib(term):
    """Free host memory in KiB, as host info prints it."""
    out = term.run("host info", r"memory: +\d+ MiB total, \d+ KiB free")
    return int(re.search(r"(\d+) KiB free", out).group(1))


def vcpu_list(term):
    """vcpu list as {(guest, index): {"state", "cpu", "pin", "moves",
    "exits", "reasons": {reason: count}}}."""
    out = term.run("vcpu list", r"^\d+ vCPUs?$")
    rows, last = {}, None
    for line in out.split("\n"):
        m = re.match(r"^(\S+) +(\d+) (\S+) +(\S+) +(\S+) +(\d+) +(\d+) ?(.*)$",
                     line)
        if m and m.group(1) != "guest":
            last = (m.group(1), int(m.group(2)))
            rows[last] = {"state": m.group(3), "cpu": m.group(4),
                          "pin": m.group(5), "moves": int(m.group(6)),
                          "exits": int(m.group(7)), "reasons": {}}
            reasons = m.group(8)
        elif last and re.match(r"^ +\w+=\d+", line):
            reasons = line
        else:
            continue
        for r, n in re.findall(r"(\w+)=(\d+)", reasons):
            rows[last]["reasons"][r] = int(n)
    return rows


def guest_main(test):
    """main() for the guest tests: --build and --mvmod as well."""
    main(test, {"--build": {"required": True},
                "--mvmod": {"required": True}})


# --- The Debian Linux guest (scripts/fetch-guest-images) -----------------

LINUX_UART = """\
				uart@9000000 {
					compatible = "arm,pl011", "arm,primecell";
					reg = <0x0 0x9000000 0x0 0x1000>;
					interrupts = <0 1 4>;
				};
"""


def linux_node(name, devices="", vcpus=2, mem_mib=256, bootargs="",
               autostart=True):
    """A /guests node booting Debian's kernel and the project initramfs,
    with a PL011 console and devices (DTS of more device nodes); bootargs
    are added to the kernel's (e.g. "ipaddr=10.0.0.1/24")."""
    return """\
		%s {
			compatible = "modvisor,guest";
			vcpus = <%d>;
			memory = <0x0 0x40000000 0x0 %#x>;
			kernel = "guests/linux/Image";
			initrd = "guests/linux/rootfs.cpio.gz";
			bootargs = "console=ttyAMA0 nokaslr hostname=%s%s";
%s			devices {
%s%s			};
		};
""" % (name, vcpus, mem_mib << 20, name, " " + bootargs if bootargs else "",
       "\t\t\tautostart;\n" if autostart else "", LINUX_UART, devices)


def virtio_node(kind, slot, props=""):
    """A virtio-mmio device node at slot (0x200 bytes each from 0xa000000,
    SPI 16 + slot, level) serving virtio-device kind."""
    return """\
				%s@%x {
					compatible = "virtio,mmio";
					reg = <0x0 %#x 0x0 0x200>;
					interrupts = <0 %d 4>;
					virtio-device = "%s";%s
				};
""" % (kind, 0xa000000 + slot * 0x200, 0xa000000 + slot * 0x200, 16 + slot,
       kind, "".join("\n\t\t\t\t\t" + p for p in props.split("\n") if p))


def boot_linux(tmp, args, *nodes, timeout=60, files=None, dts=""):
    """Boot these Linux guest nodes (the images packed uncompressed), with
    more files in the initrd (initrd path: host path) and more overlay
    source (dts, e.g. another netswitch)."""
    images = os.path.join(args.build, "arm64", "guests", "linux")
    files = dict(files or {})
    files.update({"guests/linux/" + f: os.path.join(images, f)
                  for f in ("Image", "rootfs.cpio.gz")})
    dtbo = board_overlay(tmp, guests_fragment(*nodes) + dts)
    initrd = pack_initrd(tmp, args.build, args.mvmod, dtbo, files=files,
                         gzip=False)
    return Machine(args.image, ["-initrd", initrd], timeout=timeout)


def linux_infos(m, guests, timeout=150):
    """Wait for each guest's MODVISOR-GUEST-INFO line (guests boot side
    by side: in any order); {guest: the summary after the marker}."""
    infos = {}
    while len(infos) < len(guests):
        r = m.expect(r"\[(%s)/uart\] MODVISOR-GUEST-INFO ([^\r\n]*)\r*\n"
                     % "|".join(map(re.escape, guests)), timeout=timeout,
                     what="the guests' markers and module summaries")
        infos[r.group(1)] = r.group(2)
    return infos


def type_slowly(m, keys):
    """One key at a time, as a person types (the guest echoes each)."""
    for k in keys:
        m.child.send(k)
        time.sleep(0.02)


def vserial_bind(m, port):
    """`vserial bind port` ("linux0/uart"): the terminal is the guest's."""
    m.child.send("vserial bind %s\r" % port)
    m.expect(r"vserial: bound to " + re.escape(port), what="the bind hint")


def vserial_detach(m, port):
    """Ctrl-] q out of a bound port, back to the prompt."""
    m.child.send("\x1d")
    m.child.send("q")
    m.expect(r"vserial: detached from " + port, what="the detach message")
    m.expect(PROMPT, what="the prompt after detaching")
