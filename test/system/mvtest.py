# SPDX-License-Identifier: GPL-2.0
"""Harness for QEMU system tests: boots the nucleus through
scripts/qemu-arm64 on a pseudo-terminal (pexpect, from Debian), reads the
console with a time bound, and fails with the console transcript."""

import argparse
import os
import re
import subprocess
import sys

import pexpect

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU = os.path.join(TOP, "scripts", "qemu-arm64")


HALTED = r"nucleus: (cannot boot; )?halted"


class Failure(Exception):
    pass


class Machine:
    def __init__(self, image, qemu_args=(), timeout=30):
        self.transcript = []
        self.child = pexpect.spawn(QEMU, [image] + list(qemu_args),
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


def pack_initrd(tmp, build, mvmod, dtbo, extra_modules=None, files=None):
    """An initrd with the build's modules (plus extra_modules, name: path),
    their index, the overlay dtbo and files (initrd path: host path)."""
    arm64 = os.path.join(build, "arm64")
    modules = os.path.join(arm64, "modules")
    mvms = {name: os.path.join(modules, name)
            for name in sorted(os.listdir(modules)) if name.endswith(".mvm")}
    mvms.update(extra_modules or {})
    index = os.path.join(tmp, "modules.idx")
    run([mvmod, "index", "--exports", os.path.join(arm64, "nucleus.exports"),
         "-o", index, "--prefix", "modules/"] + list(mvms.values()))
    initrd = os.path.join(tmp, "initrd.cpio.gz")
    run([mvmod, "pack", "--gzip", "-o", initrd,
         "modules/modules.idx=" + index, "config/board.dtbo=" + dtbo] +
        ["modules/%s=%s" % item for item in mvms.items()] +
        ["%s=%s" % item for item in (files or {}).items()])
    return initrd
