# SPDX-License-Identifier: GPL-2.0
"""Harness for QEMU system tests: boots the nucleus through
scripts/qemu-arm64 on a pseudo-terminal (pexpect, from Debian), reads the
console with a time bound, and fails with the console transcript."""

import argparse
import os
import re
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
