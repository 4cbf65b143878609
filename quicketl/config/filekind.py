"""What kind of file a path names, for files that must not be opened: pipes and devices."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int) -> str | None:
    """What a file that is neither regular nor a folder is ("a named pipe (FIFO)"), or None."""
    return next((what for test, what in _KINDS if test(mode)), None)


def special_file(path: str | os.PathLike[str]) -> str | None:
    """`special_kind` of what `path` names (links followed); None when missing."""
    try:
        return special_kind(os.stat(path).st_mode)
    except (OSError, ValueError):
        return None


def not_regular_message(path: str | Path, kind: str) -> str:
    """The one refusal for reading a pipe or a device: reading one may never end."""
    return f"{path} is {kind}, not a regular file; quicketl reads only regular files"
