#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the host tool mvmod (module-sdk/mvmod) on real arm64 modules.

Registered by module-sdk/mvmod/CMakeLists.txt, one ctest per group:
  test_mvmod.py --mvmod BIN --modules DIR --data DIR [--readelf BIN] GROUP
DIR holds the test modules the build compiles from modules/*.c; --data is
this directory (nucleus.exports). Each group prints what it checks and
fails with the first difference.
"""
import argparse
import gzip
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

ABI = "4d560008"
SAN_ENV = {
    # A sanitizer finding must not look like mvmod's own exit status 1.
    "ASAN_OPTIONS": "exitcode=99:detect_leaks=1:abort_on_error=0",
    "UBSAN_OPTIONS": "exitcode=99:print_stacktrace=1:halt_on_error=1",
}

args = None
checks = 0


class Fail(Exception):
    pass


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise Fail(what)


def mod(name):
    return os.path.join(args.modules, name + ".mvm")


def run(*argv, cwd=None):
    """Runs mvmod; returns (exit status, stdout, stderr lines)."""
    env = dict(os.environ, **SAN_ENV)
    p = subprocess.run([args.mvmod] + list(argv), capture_output=True,
                       cwd=cwd, env=env)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode in (0, 1),
          f"mvmod {' '.join(argv)}: exit {p.returncode}\n{err}")
    check("Sanitizer" not in err and "runtime error" not in err,
          f"mvmod {' '.join(argv)}: sanitizer report\n{err}")
    return p.returncode, out, err.splitlines()


def expect(argv, rc, err=None, out=None, sort=False):
    """Runs mvmod and checks its status, stderr lines and stdout."""
    got_rc, got_out, got_err = run(*argv)
    what = "mvmod " + " ".join(argv)
    if err is not None:
        e, g = (sorted(err), sorted(got_err)) if sort else (err, got_err)
        check(g == e, f"{what}: stderr\n  got:      {g}\n  expected: {e}")
    check(got_rc == rc, f"{what}: exit {got_rc}, expected {rc}\n"
          + "\n".join(got_err))
    if out is not None:
        check(got_out == out, f"{what}: stdout\n--- got\n{got_out}"
              f"--- expected\n{out}")
    return got_out


def exports_file():
    return os.path.join(args.data, "nucleus.exports")


# ---------------------------------------------------------------- ELF edit

class Elf:
    """Just enough ELF64 LE to corrupt a module on purpose."""
    SH = struct.Struct("<IIQQQQIIQQ")
    SH_FIELDS = ("name", "type", "flags", "addr", "offset", "size", "link",
                 "info", "addralign", "entsize")
    SYM = struct.Struct("<IBBHQQ")
    RELA = struct.Struct("<QQq")

    def __init__(self, path):
        with open(path, "rb") as f:
            self.d = bytearray(f.read())
        (self.shoff,) = struct.unpack_from("<Q", self.d, 0x28)
        self.shnum, self.shstrndx = struct.unpack_from("<HH", self.d, 0x3c)

    def sh(self, i):
        return dict(zip(self.SH_FIELDS,
                        self.SH.unpack_from(self.d, self.shoff + 64 * i)))

    def set_sh(self, i, field, value):
        h = self.sh(i)
        h[field] = value
        self.SH.pack_into(self.d, self.shoff + 64 * i,
                          *[h[k] for k in self.SH_FIELDS])

    def name(self, i):
        tab = self.sh(self.shstrndx)
        start = tab["offset"] + self.sh(i)["name"]
        return bytes(self.d[start:self.d.index(0, start)]).decode()

    def sec(self, name):
        for i in range(1, self.shnum):
            if self.name(i) == name:
                return i
        raise KeyError(name)

    def sym_index(self, name):
        st = self.sh(self.sec(".symtab"))
        strtab = self.sh(st["link"])
        for i in range(st["size"] // 24):
            n = self.SYM.unpack_from(self.d, st["offset"] + 24 * i)[0]
            s = strtab["offset"] + n
            if bytes(self.d[s:self.d.index(0, s)]).decode() == name:
                return i
        raise KeyError(name)

    def nsyms(self):
        return self.sh(self.sec(".symtab"))["size"] // 24

    def set_sym_name(self, i, value):
        off = self.sh(self.sec(".symtab"))["offset"] + 24 * i
        struct.pack_into("<I", self.d, off, value)

    def set_rela_sym(self, sec, i, sym):
        off = self.sh(self.sec(sec))["offset"] + 24 * i
        r_off, info, add = self.RELA.unpack_from(self.d, off)
        self.RELA.pack_into(self.d, off, r_off,
                            (sym << 32) | (info & 0xffffffff), add)

    def replace(self, old, new):
        assert len(old) == len(new) and self.d.count(old) == 1, old
        i = self.d.index(old)
        self.d[i:i + len(old)] = new

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.d)
        return path


# ---------------------------------------------------------------- groups

def test_cli(tmp):
    rc, out, err = run()
    check(rc == 1 and out == "" and err[0].startswith("usage: mvmod info"),
          "no arguments: usage on stderr, exit 1")
    for h in ("--help", "-h"):
        rc, out, err = run(h)
        check(rc == 0 and out.startswith("usage: mvmod info") and not err,
              f"{h}: usage on stdout, exit 0")
    for cmd in ("info", "verify", "index", "pack"):
        rc, out, err = run(cmd, "--help")
        check(rc == 0 and "mvmod pack -o ARCHIVE" in out, f"{cmd} --help")
    expect(["frob"], 1, ["mvmod: unknown command frob (see mvmod --help)"])
    expect(["verify", "--bogus", "x.mvm"], 1,
           ["mvmod: verify: unknown option --bogus (see mvmod --help)"])
    expect(["verify", "x.mvm", "--exports"], 1,
           ["mvmod: verify: option --exports needs a value "
            "(see mvmod --help)"])
    expect(["pack", "-o"], 1,
           ["mvmod: pack: option -o needs a value (see mvmod --help)"])
    expect(["info"], 1, ["mvmod: info: no module given (see mvmod --help)"])
    expect(["verify"], 1,
           ["mvmod: verify: no module given (see mvmod --help)"])
    expect(["verify", "--machine", "riscv64", "x.mvm"], 1,
           ["mvmod: verify: unknown machine riscv64 (known: aarch64)"])
    expect(["index", "x.mvm"], 1,
           ["mvmod: index: --exports is required",
            "mvmod: index: -o is required"])
    expect(["pack", "a=b"], 1, ["mvmod: pack: -o is required"])
    missing = os.path.join(tmp, "missing.mvm")
    expect(["info", missing], 1,
           [f"mvmod: {missing}: cannot open: No such file or directory"])
    expect(["info", tmp], 1, [f"mvmod: {tmp}: not a regular file"])


def info_fields(out):
    fields = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key, []).append(value.strip())
    return fields


def readelf_oracle(path):
    """Section sizes and applied relocation counts, as readelf sees them."""
    secs = {}
    out = subprocess.run([args.readelf, "-SW", path], capture_output=True,
                         text=True, check=True).stdout
    pat = re.compile(r"\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+"
                     r"\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+(\d+)")
    for m in pat.finditer(out):
        secs[m.group(2)] = (int(m.group(1)), m.group(3), int(m.group(4), 16),
                            m.group(5), int(m.group(6)))
    by_index = {v[0]: (k, v) for k, v in secs.items()}
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for name, (_, typ, size, flags, _) in secs.items():
        if "A" not in flags:
            continue
        kind = ("text" if "X" in flags else "bss" if typ == "NOBITS"
                else "data" if "W" in flags else "rodata")
        sizes[kind] += size
    counts = {}
    out = subprocess.run([args.readelf, "-rW", path], capture_output=True,
                         text=True, check=True).stdout
    applied = False
    for line in out.splitlines():
        m = re.match(r"Relocation section '(\S+)'", line)
        if m:
            _, typ, _, _, info = secs[m.group(1)]
            applied = "A" in by_index[info][1][3]
            continue
        m = re.match(r"[0-9a-f]+\s+[0-9a-f]+\s+(R_AARCH64_\w+)", line)
        if m and applied:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return sizes, counts


def test_info(tmp):
    out = expect(["info", mod("mvt_export")], 0, [])
    f = info_fields(out)
    keys = [line.partition(":")[0] for line in out.splitlines()]
    order = ["file", "name", "version", "license", "description", "abi",
             "machine", "alias", "softdep", "export", "undefined", "init",
             "exit", "text", "rodata", "data", "bss", "relocation"]
    check([k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
          == order, f"info field order: {keys}")
    check(re.match(r"^file:        \S", out), "info aligns values at col 13")
    for key, value in (("file", [mod("mvt_export")]), ("name", ["mvt_export"]),
                       ("version", ["1.2"]), ("license", ["GPL-2.0"]),
                       ("description",
                        ["Exports helpers for the mvmod tests"]),
                       ("abi", [ABI]), ("machine", ["aarch64"]),
                       ("alias", ["drv:test,export"]), ("softdep", ["-"]),
                       ("undefined", ["mv_log"]),
                       ("init", ["mvt_export_init"]),
                       ("exit", ["mvt_export_exit"])):
        check(f[key] == value, f"info mvt_export {key}: {f[key]} != {value}")
    check(sorted(f["export"]) == ["mvt_add", "mvt_counter"],
          f"info exports {f['export']}")

    # Sizes and relocation counts against binutils' view of the file.
    for name in ("mvt_export", "mvt_user", "mvt_chain", "bad_got"):
        f = info_fields(expect(["info", mod(name)], 0, []))
        sizes, counts = readelf_oracle(mod(name))
        for k, v in sizes.items():
            check(f[k] == [str(v)], f"info {name} {k}: {f[k]} != {v}")
        got = dict((r.split()[0], int(r.split()[1]))
                   for r in f["relocation"])
        check(got == counts, f"info {name} relocations: {got} != {counts}")

    f = info_fields(expect(["info", mod("mvt_user")], 0, []))
    check(sorted(f["alias"]) == ["emu:test,user", "virtio:3"], "user aliases")
    check(sorted(f["softdep"]) == ["mvt_absent", "mvt_leaf"], "softdeps")
    check(sorted(f["undefined"]) == ["memcpy", "mvt_add", "mvt_counter"],
          f"user undefined {f['undefined']}")
    check(f["init"] == ["mvt_user_init"] and f["exit"] == ["-"], "entries")
    check(f["export"] == ["mvt_user_twice"], "user export")
    f = info_fields(expect(["info", mod("mvt_chain")], 0, []))
    check("mvt_optional (weak)" in f["undefined"], "weak import shown")
    f = info_fields(expect(["info", mod("mvt_leaf")], 0, []))
    for key in ("version", "license", "description", "alias", "softdep",
                "export", "undefined", "init", "exit"):
        check(f[key] == ["-"], f"leaf {key} is '-': {f[key]}")
    check(int(f["text"][0]) == 0 and f["relocation"] == ["-"], "leaf sizes")

    # info describes even modules verify refuses.
    f = info_fields(expect(["info", mod("bad_machine")], 0, []))
    check(f["machine"] == ["x86_64"] and f["name"] == ["mvt_leaf"],
          "info on an x86_64 object")
    f = info_fields(expect(["info", mod("bad_abi")], 0, []))
    check(f["abi"] == ["deadbeef"], "info shows the wrong ABI")
    f = info_fields(expect(["info", mod("bad_movw")], 0, []))
    check(any(r.startswith("R_AARCH64_MOVW_UABS_G3 ")
              for r in f["relocation"]), "info names MOVW relocations")

    # Several files: blank line between; a bad one fails but others print.
    rc, out, err = run("info", mod("mvt_leaf"), os.path.join(tmp, "no"),
                       mod("mvt_user"))
    check(rc == 1 and len(err) == 1 and out.count("\nfile:") == 1
          and "\n\nfile:" in out, "info on several files")


def p(name):
    return f"mvmod: {mod(name)}: "


def test_verify(tmp):
    ex = exports_file()
    good = [mod(m) for m in ("mvt_export", "mvt_user", "mvt_chain",
                             "mvt_leaf")]
    expect(["verify"] + good, 0, [], "")
    expect(["verify", "--machine", "aarch64", "--exports", ex] + good, 0, [])
    expect(["verify", "--exports", ex, mod("mvt_leaf"), mod("mvt_export")],
           0, [])
    # Imports: from --module, or from the other files verified.
    user_missing = [p("mvt_user") + "undefined symbol mvt_add is exported "
                    "by neither the nucleus nor any module",
                    p("mvt_user") + "undefined symbol mvt_counter is "
                    "exported by neither the nucleus nor any module"]
    expect(["verify", "--exports", ex, mod("mvt_user")], 1, user_missing,
           sort=True)
    expect(["verify", mod("mvt_user")], 0, [])
    expect(["verify", "--exports", ex, "--module", mod("mvt_export"),
            mod("mvt_user")], 0, [])
    expect(["verify", "--exports", ex, "--module", mod("mvt_export"),
            "--module", mod("mvt_user"), mod("mvt_chain")], 0, [])
    expect(["verify", "--exports", ex, "--module", mod("mvt_user"),
            mod("mvt_chain")], 1,
           [p("mvt_chain") + "undefined symbol mvt_add is exported by "
            "neither the nucleus nor any module"])
    # The nucleus list is what provides mv_log and memcpy.
    small = os.path.join(tmp, "small.exports")
    with open(small, "w") as f:
        f.write("# comment\n\nmv_panic\r\n  \n")
    expect(["verify", "--exports", small, mod("mvt_export"),
            mod("mvt_user")], 1,
           [p("mvt_export") + "undefined symbol mv_log is exported by "
            "neither the nucleus nor any module",
            p("mvt_user") + "undefined symbol memcpy is exported by "
            "neither the nucleus nor any module"], sort=True)
    expect(["verify", "--exports", os.path.join(tmp, "none"),
            mod("mvt_leaf")], 1,
           [f"mvmod: {tmp}/none: cannot open: No such file or directory"])

    expect(["verify", mod("bad_machine")], 1,
           [p("bad_machine") + "built for x86_64, expected aarch64"])
    expect(["verify", mod("bad_abi")], 1,
           [p("bad_abi") + f"ABI magic deadbeef, expected {ABI}"])
    expect(["verify", "--exports", ex, mod("bad_undef")], 1,
           [p("bad_undef") + "undefined symbol mv_no_such_function is "
            "exported by neither the nucleus nor any module"])
    expect(["verify", mod("bad_twice")], 1,
           [p("bad_twice") + "2 .mv_module sections, expected one"])
    got = [p("bad_got") + "section .text: unsupported relocation "
           f"R_AARCH64_{t} against {s}"
           for t in ("ADR_GOT_PAGE", "LD64_GOT_LO12_NC")
           for s in ("bad_reloc_table", "bad_reloc_ext")]
    expect(["verify", mod("bad_got")], 1, got, sort=True)
    expect(["verify", "--exports", ex, mod("bad_got")], 1,
           got + [p("bad_got") + "undefined symbol bad_reloc_ext is "
                  "exported by neither the nucleus nor any module"],
           sort=True)
    expect(["verify", mod("bad_movw")], 1,
           [p("bad_movw") + "section .text: unsupported relocation "
            f"R_AARCH64_MOVW_UABS_{g} against bad_movw_target"
            for g in ("G3", "G2_NC", "G1_NC", "G0_NC")], sort=True)
    expect(["verify", mod("bad_meta")], 1,
           [p("bad_meta") + m for m in (
               'invalid module name "Bad.Name" (1 to 31 of [a-z0-9_-])',
               "2 version= entries in .modinfo, expected at most one",
               'alias "drv:has space" is empty or contains spaces or '
               "control characters",
               'softdep "Not/A/Module" is not a valid module name',
               "exported symbol bad_missing is not a defined global symbol "
               "(it is not in the symbol table)",
               "exported symbol mvt_elsewhere is not a defined global "
               "symbol (it is undefined)",
               "exported symbol bad_helper is not a defined global symbol "
               "(it is local)")], sort=True)
    # One bad file among good ones: only it is reported.
    expect(["verify", mod("mvt_leaf"), mod("bad_abi"), mod("mvt_export")], 1,
           [p("bad_abi") + f"ABI magic deadbeef, expected {ABI}"])

    # Metadata mistakes made by editing a good module.
    def edited(name, out, fn):
        e = Elf(mod(name))
        fn(e)
        return e.write(os.path.join(tmp, out + ".mvm"))

    def vexpect(path, msgs):
        expect(["verify", path], 1, [f"mvmod: {path}: {m}" for m in msgs],
               sort=True)

    vexpect(edited("mvt_leaf", "noabi",
                   lambda e: e.replace(b"abi=", b"abj=")),
            [f"no abi= in .modinfo, expected abi={ABI}"])
    vexpect(edited("mvt_leaf", "twoabi",
                   lambda e: e.replace(b"name=mvt_leaf", b"abi=4d560008\0")),
            ["2 abi= entries in .modinfo, expected one",
             "no name= in .modinfo"])
    vexpect(edited("mvt_leaf", "twoname",
                   lambda e: e.replace(b"abi=4d560008", b"name=mvt_lea")),
            [f"no abi= in .modinfo, expected abi={ABI}",
             "2 name= entries in .modinfo, expected one"])
    vexpect(edited("mvt_leaf", "noeq",
                   lambda e: e.replace(b"abi=4d560008", b"abi_4d560008")),
            ['malformed .modinfo entry "abi_4d560008" (no \'=\')',
             f"no abi= in .modinfo, expected abi={ABI}"])
    # Name length limits: 31 is fine, 32 is not (edits of mvt_export's
    # description, with its own name turned into an unknown key).
    desc = b"description=Exports helpers for the mvmod tests"

    def rename(n):
        def fn(e):
            e.replace(b"name=mvt_export", b"nome=mvt_export")
            new = b"name=" + b"a" * n + b"\0x="
            e.replace(desc, new + b"y" * (len(desc) - len(new)))
        return fn

    expect(["verify", edited("mvt_export", "name31", rename(31))], 0, [])
    vexpect(edited("mvt_export", "name32", rename(32)),
            [f'invalid module name "{"a" * 32}" (1 to 31 of [a-z0-9_-])'])
    vexpect(edited("mvt_export", "newline",
                   lambda e: e.replace(b"Exports helpers",
                                       b"Exports\nhelpers")),
            ['description "Exports\\x0ahelpers for the mvmod tests" is '
             "not one line of text"])
    vexpect(edited("mvt_export", "spaceversion",
                   lambda e: e.replace(b"version=1.2", b"version=1 2")),
            ['version "1 2" is empty or contains spaces or control '
             "characters"])
    vexpect(edited("mvt_leaf", "nomodinfo",
                   lambda e: e.replace(b".modinfo", b".modinfX")),
            ["no .modinfo section (no MV_MODULE?)"])
    vexpect(edited("mvt_leaf", "nomodule",
                   lambda e: e.replace(b".mv_module", b".mv_modulX")),
            ["no .mv_module section (no MV_MODULE?)"])
    vexpect(edited("mvt_leaf", "shortmodule",
                   lambda e: e.set_sh(e.sec(".mv_module"), "size", 8)),
            ["section .mv_module: 8 bytes, expected 16"])
    vexpect(edited("mvt_leaf", "unterminated",
                   lambda e: e.replace(b"abi=4d560008\0",
                                       b"abi=4d5600081")),
            ["section .modinfo is not NUL-terminated"])
    vexpect(edited("mvt_export", "common", lambda e: struct.pack_into(
                "<H", e.d, e.sh(e.sec(".symtab"))["offset"]
                + 24 * e.sym_index("mvt_counter") + 6, 0xfff2)),
            ["common symbol mvt_counter (build with -fno-common)",
             "exported symbol mvt_counter is not a defined global symbol "
             "(it is common)"])


def parse_index(text):
    lines = text.splitlines()
    check(lines and lines[0] == "modvisor-modules 1", "index header")
    named = set()
    for line in lines[1:]:
        f = line.split(" ")
        check(all(f) and len(f) == (4 if f[0] == "module" else 3),
              f"index line fields: {line!r}")
        if f[0] == "module":
            named.add(f[1])
        else:
            check(f[0] in ("alias", "depend", "softdep") and f[1] in named,
                  f"index line refers to a module named before: {line!r}")
    return lines


def test_index(tmp):
    ex = exports_file()
    out = os.path.join(tmp, "modules.idx")
    good = [mod(m) for m in ("mvt_user", "mvt_leaf", "mvt_chain",
                             "mvt_export")]
    expected = """modvisor-modules 1
module mvt_chain modules/mvt_chain.mvm -
module mvt_export modules/mvt_export.mvm 1.2
module mvt_leaf modules/mvt_leaf.mvm -
module mvt_user modules/mvt_user.mvm 0.1-test
depend mvt_chain mvt_export
depend mvt_chain mvt_user
alias mvt_export drv:test,export
alias mvt_user emu:test,user
alias mvt_user virtio:3
depend mvt_user mvt_export
softdep mvt_user mvt_absent
softdep mvt_user mvt_leaf
"""
    expect(["index", "--exports", ex, "-o", out] + good, 0, [], "")
    with open(out) as f:
        text = f.read()
    check(text == expected, f"modules.idx\n--- got\n{text}--- expected\n"
          f"{expected}")
    parse_index(text)
    check(sorted(os.listdir(tmp)) == ["modules.idx"], "no temporary left")
    check(oct(os.stat(out).st_mode & 0o777) != "0o600", "index mode")
    # Deterministic whatever the order of the arguments.
    out2 = os.path.join(tmp, "again.idx")
    expect(["index", "-o", out2, "--exports", ex] + good[::-1], 0, [])
    with open(out2) as f:
        check(f.read() == expected, "index independent of argument order")
    out3 = os.path.join(tmp, "prefix.idx")
    expect(["index", "--exports", ex, "--prefix", "lib/mods/", "-o", out3,
            mod("mvt_leaf")], 0, [])
    with open(out3) as f:
        check(f.read() == "modvisor-modules 1\n"
              "module mvt_leaf lib/mods/mvt_leaf.mvm -\n", "--prefix")

    def failing(argv, msgs, sort=True):
        with open(out, "w") as f:
            f.write("previous\n")
        expect(["index", "--exports", ex, "-o", out] + argv, 1, msgs,
               sort=sort)
        with open(out) as f:
            check(f.read() == "previous\n", "failed index keeps old output")

    failing([mod("mvt_user"), mod("mvt_leaf")],
            [p("mvt_user") + "module mvt_user: undefined symbol " + s
             + " is exported by neither the nucleus nor any module"
             for s in ("mvt_add", "mvt_counter")])
    failing([mod("cycle_a"), mod("cycle_b"), mod("mvt_leaf")],
            [p("cycle_a") + "dependency cycle: cycle_a -> cycle_b -> "
             "cycle_a"])
    failing([mod("dup_export"), mod("mvt_export")],
            [p("mvt_export") + "symbol mvt_add is exported by both module "
             "dup_export and module mvt_export"])
    nucleus = os.path.join(tmp, "n.exports")
    with open(nucleus, "w") as f:
        f.write("mv_log\nmvt_add\n")
    expect(["index", "--exports", nucleus, "-o", out, mod("mvt_export")], 1,
           [p("mvt_export") + "symbol mvt_add is exported by both the "
            "nucleus and module mvt_export"])
    failing([mod("mvt_leaf"), mod("bad_abi")],
            [p("bad_abi") + f"ABI magic deadbeef, expected {ABI}"])
    failing([mod("bad_undef")],
            [p("bad_undef") + "module bad_undef: undefined symbol "
             "mv_no_such_function is exported by neither the nucleus nor "
             "any module"])
    twin = os.path.join(tmp, "twin.mvm")
    shutil.copy(mod("mvt_leaf"), twin)
    failing([mod("mvt_leaf"), twin],
            [f"mvmod: {twin}: module name mvt_leaf is also used by "
             f"{mod('mvt_leaf')}", ])
    spaced = os.path.join(tmp, "a b.mvm")
    shutil.copy(mod("mvt_leaf"), spaced)
    failing([spaced], [f'mvmod: {spaced}: initrd path "modules/a b.mvm" '
                       "contains spaces or control characters"])
    expect(["index", "--exports", ex, "-o", out, "--prefix", "/abs/",
            mod("mvt_leaf")], 1,
           ['mvmod: index: prefix "/abs/" must be relative, without '
            'spaces'])


def newc_entries(data):
    """Parses a newc archive strictly; returns [(name, mode, data)]."""
    entries, off, inos = [], 0, set()
    while True:
        hdr = data[off:off + 110].decode("ascii")
        check(hdr[:6] == "070701", f"newc magic at {off}")
        f = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        ino, mode, uid, gid, nlink, mtime, size = f[:7]
        namesize = f[11]
        name = data[off + 110:off + 110 + namesize - 1].decode()
        check(data[off + 110 + namesize - 1] == 0, "name NUL-terminated")
        check(f[12] == 0 and uid == 0 and gid == 0 and mtime == 0
              and f[7:11] == [0, 0, 0, 0], f"fixed fields of {name}")
        off += 110 + namesize
        check(all(b == 0 for b in data[off:off + (-off % 4)]), "name pad")
        off += -off % 4
        if name == "TRAILER!!!":
            check(size == 0 and nlink == 1, "trailer")
            check(off == len(data), "nothing after the trailer")
            return entries
        check(ino not in inos, f"unique inode for {name}")
        inos.add(ino)
        check(nlink == (2 if mode == 0o40755 else 1), f"nlink of {name}")
        entries.append((name, mode, data[off:off + size]))
        off += size
        check(all(b == 0 for b in data[off:off + (-off % 4)]), "data pad")
        off += -off % 4


def cpio_list(archive, gz):
    cmd = (f"gzip -dc '{archive}' | cpio -it --quiet" if gz
           else f"cpio -it --quiet < '{archive}'")
    return subprocess.run(["sh", "-c", cmd], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def test_pack(tmp):
    src = os.path.join(tmp, "src")
    os.mkdir(src)
    rng = random.Random(7)
    files = {"a.mvm": b"abc", "big": bytes(rng.randrange(256)
                                          for _ in range(100001)),
             "empty": b"", "four": b"1234", "idx": b"modvisor-modules 1\n"}
    for name, data in files.items():
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)
    spec = [("modules/a.mvm", "a.mvm"), ("modules/modules.idx", "idx"),
            ("config/board.dtbo", "empty"), ("guests/x/y/big", "big"),
            ("top", "four"), ("guests/x/z", "a.mvm")]
    argv = [f"{d}={os.path.join(src, s)}" for d, s in spec]
    listing = ["modules", "modules/a.mvm", "modules/modules.idx", "config",
               "config/board.dtbo", "guests", "guests/x", "guests/x/y",
               "guests/x/y/big", "top", "guests/x/z"]
    for name, gz in (("initrd.cpio", False), ("initrd.cpio.gz", True),
                     ("forced", True)):
        out = os.path.join(tmp, name)
        extra = ["--gzip"] if name == "forced" else []
        expect(["pack", "-o", out] + extra + argv, 0, [], "")
        check(cpio_list(out, gz) == listing, f"cpio -it of {name}")
        with open(out, "rb") as f:
            raw = f.read()
        if gz:
            check(raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0",
                  "gzip magic, mtime 0")
            raw = gzip.decompress(raw)
        entries = newc_entries(raw)
        check([e[0] for e in entries] == listing, "newc names")
        for ename, mode, data in entries:
            if mode == 0o40755:
                check(data == b"", f"directory {ename}")
                continue
            check(mode == 0o100644, f"mode of {ename}")
            s = dict(spec)[ename]
            check(data == files[s], f"contents of {ename}")
        # Extract and compare the bytes.
        ex = os.path.join(tmp, "x-" + name)
        os.mkdir(ex)
        cmd = (f"gzip -dc '{out}' | cpio -idm --quiet" if gz
               else f"cpio -idm --quiet < '{out}'")
        subprocess.run(["sh", "-c", cmd], cwd=ex, check=True)
        for d, s in spec:
            with open(os.path.join(ex, d), "rb") as f:
                check(f.read() == files[s], f"extracted {d}")
            check(os.stat(os.path.join(ex, d)).st_mtime == 0, "mtime 0")
        # Reproducible.
        again = os.path.join(tmp, "again-" + name)
        expect(["pack", "-o", again] + extra + argv, 0, [])
        with open(out, "rb") as f1, open(again, "rb") as f2:
            check(f1.read() == f2.read(), f"{name} is reproducible")

    out = os.path.join(tmp, "bad.cpio")
    a = os.path.join(src, "a.mvm")
    expect(["pack", "-o", out, f"/abs={a}", f"../up={a}", f"a/../b={a}",
            f"./a={a}", f"a//b={a}", f"dir/={a}", "noeq", f"={a}", "x="], 1,
           ["mvmod: /abs: destination must be a relative path",
            "mvmod: ../up: destination contains a '..' component",
            "mvmod: a/../b: destination contains a '..' component",
            "mvmod: ./a: destination has an empty or '.' component",
            "mvmod: a//b: destination has an empty or '.' component",
            "mvmod: dir/: destination ends with '/'",
            'mvmod: pack: "noeq" is not DEST=SRC',
            f'mvmod: pack: "={a}" is not DEST=SRC',
            'mvmod: pack: "x=" is not DEST=SRC'])
    expect(["pack", "-o", out, f"x={a}", f"y={a}", f"x={a}"], 1,
           ["mvmod: x: duplicate destination"])
    expect(["pack", "-o", out, f"d={a}", f"d/e={a}"], 1,
           ["mvmod: d: destination is both a file and the directory of d/e"])
    expect(["pack", "-o", out, f"x={src}/none"], 1,
           [f"mvmod: {src}/none: cannot open: No such file or directory"])
    expect(["pack", "-o", out, f"x={src}"], 1,
           [f"mvmod: {src}: not a regular file"])
    check(not os.path.exists(out), "no archive after a failure")
    check(not [n for n in os.listdir(tmp) if n.startswith("bad.cpio")],
          "no temporary archive left")
    expect(["pack", "-o", os.path.join(tmp, "no", "dir.cpio"), f"x={a}"], 1,
           [f"mvmod: {tmp}/no/dir.cpio: cannot create: No such file or "
            "directory"])


def test_corrupt(tmp):
    """Truncated and corrupted real modules: one clear message, no crash."""
    path = os.path.join(tmp, "t.mvm")
    ex = exports_file()

    def one(data, expect_msg=None, cmd="verify"):
        with open(path, "wb") as f:
            f.write(data)
        argv = ["info", path] if cmd == "info" else \
            ["verify", "--exports", ex, path]
        rc, out, err = run(*argv)
        check(all(line.startswith(f"mvmod: {path}: ") for line in err),
              f"{cmd}: every message names the file: {err}")
        check((rc == 0) == (not err), f"{cmd}: exit {rc} with {err}")
        if cmd == "info" and rc:
            check(len(err) == 1 and out == "",
                  f"info on a broken file: one message, no output: {err}")
        if expect_msg is not None:
            check(err == [f"mvmod: {path}: {expect_msg}"],
                  f"{cmd}: got {err}, expected {expect_msg}")
        return rc

    base = Elf(mod("mvt_export"))
    d = bytes(base.d)
    # Precise messages for typical damage.
    one(b"", "not an ELF relocatable object")
    one(b"hello, world\n" * 10, "not an ELF relocatable object")
    one(d[:3], "truncated ELF header (3 bytes)")
    one(d[:40], "truncated ELF header (40 bytes)")
    one(d[:base.shoff + 100], f"truncated: section header table "
        f"({base.shnum} entries at offset {base.shoff}) is past the end of "
        f"the file ({base.shoff + 100} bytes)")
    one(d[:base.shoff], f"truncated: section header table at offset "
        f"{base.shoff} is past the end of the file ({base.shoff} bytes)")
    one(d[:4] + b"\x01" + d[5:], "not an ELF64 object (ELF class 1)")
    one(d[:5] + b"\x02" + d[6:], "not a little-endian ELF object")
    one(d[:16] + b"\x02\x00" + d[18:],
        "not an ELF relocatable object (ELF type ET_EXEC)")

    def ed(fn):
        e = Elf(mod("mvt_export"))
        fn(e)
        return bytes(e.d)

    text = base.sec(".text")
    one(ed(lambda e: e.set_sh(text, "offset", 1 << 40)),
        f"truncated or corrupt: section .text ({base.sh(text)['size']} bytes "
        f"at offset {1 << 40}) runs past the end of the file ({len(d)} "
        "bytes)")
    one(ed(lambda e: e.set_sh(text, "size", len(d))),
        f"truncated or corrupt: section .text ({len(d)} bytes at offset "
        f"{base.sh(text)['offset']}) runs past the end of the file "
        f"({len(d)} bytes)")
    one(ed(lambda e: e.set_sh(text, "name", 1 << 20)),
        f"section {text}: name offset {1 << 20} is outside the section name "
        "table")
    one(ed(lambda e: e.set_sym_name(3, 1 << 20)),
        f"symbol 3: name offset {1 << 20} is outside the string table "
        ".strtab")
    n = base.nsyms()
    one(ed(lambda e: e.set_rela_sym(".rela.text", 2, 999)),
        f"section .rela.text: relocation 2: symbol index 999 out of range "
        f"({n} symbols)")
    one(ed(lambda e: e.set_sh(e.sec(".rela.text"), "info", 200)),
        "section .rela.text: target section 200 does not exist")
    one(ed(lambda e: e.set_sh(e.sec(".symtab"), "link", 1)),
        "section .symtab: its string table (section 1) is not a string table")
    one(ed(lambda e: e.set_sh(e.sec(".symtab"), "size", 25)),
        "section .symtab: size 25 is not a multiple of 24")
    one(ed(lambda e: struct.pack_into("<H", e.d, 0x3e, 99)),
        f"section name table index 99 out of range ({base.shnum} sections)")

    # Every section header field set to awkward values.
    rng = random.Random(int(os.environ.get("MVMOD_FUZZ_SEED", "1")))
    limits = {"name": 32, "type": 32, "link": 32, "info": 32}
    for i in range(1, base.shnum):
        for field in ("name", "type", "offset", "size", "link", "info",
                      "entsize"):
            bits = limits.get(field, 64)
            for v in (0, 1, 24, len(d) - 1, (1 << bits) - 1,
                      1 << (bits - 1)):
                one(ed(lambda e: e.set_sh(i, field, v)),
                    cmd=rng.choice(("info", "verify")))

    # Every truncation and random corruption: any outcome but a crash.
    runs = int(os.environ.get("MVMOD_FUZZ_RUNS", "500"))
    failures = 0
    for name in ("mvt_user", "bad_got"):
        d = bytes(Elf(mod(name)).d)
        step = max(1, len(d) // 150)
        for cut in list(range(0, 130)) + list(range(130, len(d), step)):
            one(d[:cut], cmd=rng.choice(("info", "verify")))
        for _ in range(runs):
            b = bytearray(d)
            if rng.random() < 0.7:
                for _ in range(rng.choice((1, 1, 2, 4))):
                    b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
            else:
                pos = rng.randrange(len(b) // 8) * 8
                v = rng.choice((0x00, 0x10, 0x7f, 0x80, 0xff))
                for k in range(rng.choice((1, 2, 4, 8))):
                    if pos + k < len(b):
                        b[pos + k] = v
            failures += one(bytes(b), cmd=rng.choice(("info", "verify")))
    check(failures > runs // 4, f"corruption is detected ({failures} runs)")


GROUPS = {"cli": test_cli, "info": test_info, "verify": test_verify,
          "index": test_index, "pack": test_pack, "corrupt": test_corrupt}


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--mvmod", required=True)
    ap.add_argument("--modules", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("group", choices=sorted(GROUPS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mvmod-test-") as tmp:
        try:
            GROUPS[args.group](tmp)
        except Fail as e:
            print(f"FAIL unit.mvmod.{args.group}: {e}")
            return 1
    print(f"ok unit.mvmod.{args.group}: {checks} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
