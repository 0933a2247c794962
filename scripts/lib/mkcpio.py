#!/usr/bin/env python3
"""mkcpio.py MANIFEST OUTPUT: a reproducible newc initramfs, gzip-compressed
when OUTPUT ends in .gz.

The manifest takes the Linux kernel's gen_init_cpio syntax, one entry a line
('#' starts a comment):

    dir   NAME MODE UID GID
    file  NAME SOURCE MODE UID GID
    slink NAME TARGET MODE UID GID
    nod   NAME MODE UID GID c|b MAJOR MINOR

Entries are written sorted by path (parents first) whatever the manifest's
order, with inode numbers counted from 1, every time stamp 0 and no device
numbers from the host, so the same manifest and sources always give the same
bytes. Device nodes need no privileges.
"""
import gzip
import os
import stat
import sys

def parse(path):
    entries = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            kind, args = words[0], words[1:]
            want = {"dir": 4, "file": 5, "slink": 5, "nod": 7}.get(kind)
            if want is None or len(args) != want:
                sys.exit(f"{path}:{lineno}: bad entry: {line.strip()}")
            name = args[0].strip("/")
            if not name or ".." in name.split("/"):
                sys.exit(f"{path}:{lineno}: bad name {args[0]}")
            e = {"name": name, "rdev": (0, 0), "data": b""}
            if kind == "dir":
                mode, uid, gid = args[1:4]
                e["mode"] = stat.S_IFDIR | int(mode, 8)
            elif kind == "file":
                src, mode, uid, gid = args[1:5]
                with open(src, "rb") as s:
                    e["data"] = s.read()
                e["mode"] = stat.S_IFREG | int(mode, 8)
            elif kind == "slink":
                target, mode, uid, gid = args[1:5]
                e["data"] = target.encode()
                e["mode"] = stat.S_IFLNK | int(mode, 8)
            else:
                mode, uid, gid, dtype, major, minor = args[1:7]
                if dtype not in ("c", "b"):
                    sys.exit(f"{path}:{lineno}: device type {dtype}")
                e["mode"] = (stat.S_IFCHR if dtype == "c" else stat.S_IFBLK) \
                    | int(mode, 8)
                e["rdev"] = (int(major), int(minor))
            e["uid"], e["gid"] = int(uid), int(gid)
            if name in entries:
                sys.exit(f"{path}:{lineno}: {name} given twice")
            entries[name] = e
    for name in entries:
        parent = os.path.dirname(name)
        if parent and not stat.S_ISDIR(entries.get(parent, {}).get("mode", 0)):
            sys.exit(f"{path}: {name}: no dir entry for {parent}")
    return [entries[k] for k in sorted(entries, key=lambda n: n.split("/"))]


def header(ino, mode, uid, gid, nlink, size, rdev, namesize):
    fields = (ino, mode, uid, gid, nlink, 0, size, 0, 0, rdev[0], rdev[1],
              namesize, 0)
    return b"070701" + b"".join(b"%08X" % v for v in fields)


def pad4(n):
    return b"\0" * (-n % 4)


def archive(entries):
    out = bytearray()

    def put(ino, mode, uid, gid, nlink, rdev, name, data):
        bname = name.encode() + b"\0"
        out.extend(header(ino, mode, uid, gid, nlink, len(data), rdev,
                          len(bname)))
        out.extend(bname)
        out.extend(pad4(110 + len(bname)))
        out.extend(data)
        out.extend(pad4(len(data)))

    for ino, e in enumerate(entries, 1):
        nlink = 2 if stat.S_ISDIR(e["mode"]) else 1
        put(ino, e["mode"], e["uid"], e["gid"], nlink, e["rdev"], e["name"],
            e["data"])
    put(0, 0, 0, 0, 1, (0, 0), "TRAILER!!!", b"")
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = archive(parse(sys.argv[1]))
    out = sys.argv[2]
    if out.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
