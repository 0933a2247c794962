#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Module benchmark: wall time from QEMU start to the terminal's prompt with
the default modules autoloaded; for each module of the default initrd its
size and its load time as 'module info' reports it (at boot, and hot-loaded
from the terminal); the nucleus image size and how much of it is libfdt and
zlib. Prints each figure beside its target; asserts nothing.

The terminal is driven over a pseudo-terminal with pexpect (Debian's
python3-pexpect), one key at a time: each key is sent once the previous one
has been echoed, which is how a person types and keeps the benchmark clear
of any input-side race in the console."""

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import time

import pexpect

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU = os.path.join(TOP, "scripts", "qemu-arm64")
PROMPT = "modvisor> "
TYPICAL = "cmd-core"            # a small module, comparable to an emulator's
UART_NOTE = "init prints a line: ~0.3 ms of UART output under TCG"
LOADED = re.compile(r"\[\s*([0-9.]+)\] module: (\S+) loaded "
                    r"((?:from|for) .*?) \((\d+) KiB, (\d+) us\)")


class Stop(Exception):
    pass


# ---- the default initrd ----

def initrd_entries(path):
    """{name: size} of the files in a gzipped newc cpio archive."""
    data = gzip.open(path).read()
    entries, pos = {}, 0
    while pos + 110 <= len(data):
        if data[pos:pos + 6] not in (b"070701", b"070702"):
            raise Stop("%s: not a newc cpio archive at offset %d"
                       % (path, pos))
        field = lambda i: int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16)
        mode, size, namesize = field(1), field(6), field(11)
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        if name == "TRAILER!!!":
            break
        if mode & 0o170000 == 0o100000:
            entries[name] = size
        pos = (pos + size + 3) & ~3
    return entries


# ---- the machine and its terminal ----

class Machine:
    def __init__(self, image, initrd, timeout=30):
        self.start = time.monotonic()
        self.child = pexpect.spawn(QEMU, [image, "-initrd", initrd],
                                   encoding="utf-8", codec_errors="replace",
                                   timeout=timeout)
        self.child.delaybeforesend = None
        self.boot_console = self.expect(PROMPT, "the first prompt")
        self.boot_seconds = time.monotonic() - self.start

    def expect(self, what, doing, timeout=None):
        try:
            self.child.expect_exact(what, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as err:
            raise Stop("%s waiting for %s; console so far:\n%s"
                       % (type(err).__name__, doing,
                          self.child.before or ""))
        return self.child.before

    def run(self, line):
        """Type a command key by key, press Enter, return its output."""
        for ch in line:
            self.child.send(ch)
            self.expect(ch, "the echo of %r in %r" % (ch, line), timeout=10)
        self.child.send("\r")
        return self.expect(PROMPT, "the prompt after %r" % line)

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()


def module_info(m, name):
    out = m.run("module info " + name)
    load = re.search(r"load time:\s+(\d+) us", out)
    mem = re.search(r"memory:\s+(\d+) KiB", out)
    uses = re.search(r"used by:.*\((\d+) uses?\)", out)
    if not (load and mem and uses):
        raise Stop("unexpected 'module info %s' output:\n%s" % (name, out))
    return int(load.group(1)), int(mem.group(1)), int(uses.group(1))


def loaded_modules(m):
    out = m.run("module list")
    return re.findall(r"^(\S+)\s+\d+ K\s", out, re.M)


def init_lines(out):
    """Lines a load printed besides the loader's own ('module: ...')."""
    return [l for l in out.splitlines()
            if re.search(r"\] (?!module: )\S+: ", l)]


# ---- nucleus image: libfdt and zlib in it ----

def berkeley(elf):
    out = subprocess.run(["aarch64-linux-gnu-size", elf], check=True,
                         capture_output=True, text=True).stdout
    text, data = out.splitlines()[1].split()[:2]
    return int(text) + int(data)


def nm_sizes(path):
    """[(member or None, name, type, size)] of the defined, sized symbols."""
    out = subprocess.run(["aarch64-linux-gnu-nm", "-A", "-S", "--defined-only",
                          path], check=True, capture_output=True,
                         text=True).stdout
    syms = []
    for line in out.splitlines():
        where, _, rest = line.rpartition(":")
        parts = rest.split()
        if len(parts) != 4:
            continue
        member = where.split(":")[-1] if where.count(":") else None
        syms.append((member, parts[3], parts[2], int(parts[1], 16)))
    return syms


def member_sections(archive):
    """{member: bytes of its .text, .rodata* and .data* sections} (what the
    nucleus link keeps; .eh_frame, notes and comments are discarded)."""
    out = subprocess.run(["aarch64-linux-gnu-objdump", "-h", archive],
                         check=True, capture_output=True, text=True).stdout
    sizes, member = {}, None
    for line in out.splitlines():
        m = re.match(r"^(\S+\.o):\s+file format", line)
        if m:
            member = m.group(1)
            sizes[member] = 0
            continue
        m = re.match(r"^\s*\d+\s+(\S+)\s+([0-9a-f]+)\s", line)
        if m and member and re.match(r"\.(text|rodata|data)(\.|$)",
                                     m.group(1)):
            sizes[member] += int(m.group(2), 16)
    return sizes


def library_share(elf, archive):
    """(bytes by sections, bytes by symbols, members linked, members) of an
    archive in the image. A member is linked when one of its global symbols
    is in the image (same name and size); its sections are kept whole (the Debian archives are
    not built with -ffunction-sections, so --gc-sections cannot split
    them). The symbol count is a cross-check: sizes of the members' symbols
    found in the image, without string literals and padding."""
    # By name and size, global or local there: hidden symbols (zlib's
    # inflate_fast) become local in the image.
    image = {(name, size) for _, name, _, size in nm_sizes(elf)}
    by_member = {}
    for member, name, kind, size in nm_sizes(archive):
        by_member.setdefault(member, []).append((name, kind, size))
    linked = [mem for mem, syms in by_member.items()
              if any(kind.isupper() and kind not in "BU" and
                     (name, size) in image for name, kind, size in syms)]
    sections = member_sections(archive)
    by_sections = sum(sections.get(mem, 0) for mem in linked)
    by_symbols = sum(size for mem in linked
                     for name, kind, size in by_member[mem]
                     if kind not in "bB" and (name, size) in image)
    return by_sections, by_symbols, len(linked), len(sections)


# ---- report ----

def row(label, value, rest=""):
    print("%-44s %-12s  %s" % (label, value, rest))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hot", type=int, default=5)
    args = parser.parse_args()
    arm64 = os.path.join(args.build, "arm64")
    image = os.path.join(arm64, "nucleus.bin")
    initrd = os.path.join(arm64, "initrd.cpio.gz")
    elf = os.path.join(arm64, "nucleus.elf")
    deps = os.path.join(args.build, "deps", "arm64", "usr", "lib",
                        "aarch64-linux-gnu")

    files = {os.path.basename(n)[:-4]: size
             for n, size in initrd_entries(initrd).items()
             if n.startswith("modules/") and n.endswith(".mvm")}

    # 1. QEMU start -> prompt; what autoloaded and its 'module info'.
    boot_s, ready_ms = [], []
    boot_info = {}            # module -> [(load us, KiB, uses)] over boots
    autoloaded = None
    for _ in range(args.runs):
        m = Machine(image, initrd)
        try:
            boot_s.append(m.boot_seconds)
            ready = re.search(r"\[\s*([0-9.]+)\] nucleus: ready",
                              m.boot_console)
            if ready:
                ready_ms.append(float(ready.group(1)) * 1000)
            if re.search(r"\] error: ", m.boot_console):
                print("note: the boot printed errors:\n" + m.boot_console)
            names = loaded_modules(m)
            if autoloaded is None:
                autoloaded = names
                origin = {mod: how for _, mod, how, _, _ in
                          LOADED.findall(m.boot_console)}
            for mod in names:
                boot_info.setdefault(mod, []).append(module_info(m, mod))
        finally:
            m.close()

    med = statistics.median
    print("Modvisor module benchmark (arm64, QEMU TCG; %s)"
          % time.strftime("%Y-%m-%d"))
    print()
    row("QEMU start -> 'modvisor> ' (median of %d)" % len(boot_s),
        "%8.3f s" % med(boot_s),
        "target <= 0.150 s   (Xvisor 0.33 s to its prompt, initrd + 1 guest)")
    row("", "", "min %.3f s, max %.3f s"
        % (min(boot_s), max(boot_s)))
    if ready_ms:
        row("  of which the nucleus, to 'nucleus: ready'",
            "%8.1f ms" % med(ready_ms), "(its own clock, median)")
    print("  autoloaded:")
    for mod in autoloaded:
        print("    %-12s %s" % (mod, origin.get(mod, "?")))

    # 2. Hot loads from the terminal, in one more boot.
    hot, hot_mem, notes = {}, {}, {}
    m = Machine(image, initrd)
    try:
        for mod in sorted(files):
            if mod in autoloaded:
                uses = boot_info[mod][-1][2]
                if uses:
                    notes.setdefault(mod, []).append(
                        "in use (%d user%s): no hot load" %
                        (uses, "" if uses == 1 else "s"))
                    continue
            times = []
            for _ in range(args.hot):
                if mod in autoloaded:
                    m.run("module unload " + mod)
                out = m.run("module load " + mod)
                if not re.search(r"module: %s is loaded" % re.escape(mod),
                                 out):
                    notes.setdefault(mod, []).append("load failed: " +
                                                     out.strip()[-80:])
                    break
                printed = init_lines(out)
                t, kib, _ = module_info(m, mod)
                times.append(t)
                hot_mem[mod] = kib
                if mod not in autoloaded:
                    m.run("module unload " + mod)
            if times:
                hot[mod] = times
                if printed:
                    notes.setdefault(mod, []).append(
                        UART_NOTE if len(printed) == 1 else
                        "load prints %d lines (init, driver bind): ~0.3 ms "
                        "each of UART output under TCG" % len(printed))
    finally:
        m.close()

    print()
    print("%-12s %9s %7s  %-22s %-22s %s"
          % ("module", "mvm file", "memory", "boot load (%d boots)"
             % len(boot_s), "hot load (%d loads)" % args.hot, "notes"))
    print("%-12s %9s %7s  %-22s %-22s"
          % ("", "bytes", "KiB", "us: median [min-max]",
             "us: median [min-max]"))
    for mod in sorted(files):
        info = boot_info.get(mod)
        mem = info[-1][1] if info else hot_mem.get(mod)
        if info:
            b = [t for t, _, _ in info]
            boot = "%5d [%d-%d]" % (med(b), min(b), max(b))
        else:
            boot = "not autoloaded"
        if mod in hot:
            h = hot[mod]
            hotcol = "%5d [%d-%d]" % (med(h), min(h), max(h))
        else:
            hotcol = "-"
        note = list(notes.get(mod, []))
        if mod == TYPICAL:
            note.insert(0, "typical; target <= 1000 us")
        print("%-12s %9d %7s  %-22s %-22s %s"
              % (mod, files[mod], mem if mem is not None else "?", boot,
                 hotcol, "; ".join(note)))
    if TYPICAL in hot:
        print()
        row("typical module (%s) hot load, median of %d"
            % (TYPICAL, len(hot[TYPICAL])),
            "%8.3f ms" % (med(hot[TYPICAL]) / 1000), "target <= 1 ms")
    print("  load time = read from the initrd, relocate, link, init "
          "('module info'); memory = pages the module occupies")

    # 3. Nucleus image, and libfdt and zlib in it.
    print()
    size = berkeley(elf)
    row("nucleus image (text + data)", "%8.1f KiB" % (size / 1024),
        "target <= 128 KiB   (Xvisor 1.84 MiB)")
    own = size
    for label, lib in (("libfdt", "libfdt.a"), ("zlib", "libz.a")):
        sect, syms, n, total = library_share(elf, os.path.join(deps, lib))
        own -= sect
        row("  of which %s (%d of %d objects)" % (label, n, total),
            "%8.1f KiB" % (sect / 1024), "%4.1f%%; symbols alone %.1f KiB"
            % (100.0 * sect / size, syms / 1024))
    row("  the rest (nucleus code and data, padding)",
        "%8.1f KiB" % (own / 1024), "%4.1f%%" % (100.0 * own / size))
    print("  library share = .text/.rodata/.data of each archive object "
          "linked (kept whole: not\n  built with -ffunction-sections); "
          "'symbols alone' omits string literals and alignment")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Stop as err:
        print("modules benchmark stopped: %s" % err)
        sys.exit(1)
