"""A record file's identity on disk: whether it can have changed since it was last read.

A file is taken as unchanged while its modification and change times, size and inode are what
they were when it was read: every write sets the change time to the clock, and no tool can set it
back (git's index works the same way). Two saves within one tick of the file system's clock can
leave the same identity behind, so a file is trusted this way only if it had not changed for
RACY_NS when it was read ("racy" in git's words); a file saved just before a build is read again
by the next one.
"""
from __future__ import annotations

import os
import stat
from typing import Union

RACY_NS = 2_000_000_000
Stamp = tuple[int, int, int, int]


def stamp(path: Union[str, os.PathLike]) -> Stamp | None:
    """(mtime, ctime, size, inode) of a regular file; None for a link, a folder or nothing."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino


def settled(seen: Stamp, read_at_ns: int) -> bool:
    """True when the file had not changed for RACY_NS before it was read at read_at_ns (time.time_ns())."""
    return read_at_ns - max(seen[0], seen[1]) > RACY_NS
