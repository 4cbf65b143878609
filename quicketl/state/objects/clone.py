"""Copying a file as cheaply as the filesystem allows: a reflink, else an in-kernel copy.

A reflink (FICLONE on btrfs, XFS, bcachefs...) shares the blocks copy-on-write, so an edit of
either file never reaches the other. A hard link or a symbolic link would share the file
itself, and an edit in place of an output would then corrupt the stored blob: never used.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Literal

_FICLONE = 0x40049409  # _IOW(0x94, 9, int), <linux/fs.h>
_CHUNK = 1 << 30
# errors meaning "this filesystem cannot do that here": fall back to the next way
_UNSUPPORTED = {
    errno.EXDEV,
    errno.EINVAL,
    errno.ENOSYS,
    errno.EOPNOTSUPP,
    errno.ENOTTY,
    errno.EBADF,
    errno.EPERM,
}

Method = Literal["reflink", "copy"]


def clone_file(src: Path, dest: Path) -> Method:
    """Copy `src` to the new file `dest` (which must not exist); says how it was copied."""
    with open(src, "rb") as source, open(dest, "xb") as target:
        if _reflink(source.fileno(), target.fileno()):
            return "reflink"
        if not _copy_range(source.fileno(), target.fileno()):
            source.seek(0)
            target.seek(0)
            target.truncate()
            shutil.copyfileobj(source, target, 1 << 20)
        return "copy"


def _reflink(source: int, target: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        return False
    try:
        fcntl.ioctl(target, _FICLONE, source)
    except OSError as error:
        if error.errno in _UNSUPPORTED:
            return False
        raise
    return True


def _copy_range(source: int, target: int) -> bool:
    """The in-kernel copy (which itself reflinks on filesystems that can); False when the
    kernel or filesystem offers none."""
    copy = getattr(os, "copy_file_range", None)
    if copy is None:  # pragma: no cover - Linux has it
        return False
    try:
        while copy(source, target, _CHUNK):
            pass
    except OSError as error:
        if error.errno in _UNSUPPORTED:
            return False
        raise
    return True
