"""Records of a task's outputs, and whether they changed outside quicketl since."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, TypedDict

from quicketl.state.hashing import MISSING, StatCache, hash_path

OutputChange = Literal["missing", "edited"]


class OutputRecord(TypedDict):
    """One output as a finished task left it; for a folder, size and mtime cover its whole tree."""

    path: str
    size: int
    mtime_ns: int
    hash: str


def path_signature(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, or (total bytes, newest mtime) of a folder; None if absent."""
    try:
        stat = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not os.path.isdir(path):
        return stat.st_size, stat.st_mtime_ns
    try:
        return _tree_signature(path, stat.st_mtime_ns)
    except FileNotFoundError:  # changing under our feet: a signature no record has
        return -1, -1


def _tree_signature(directory: Path, mtime_ns: int) -> tuple[int, int]:
    # Sub-folder mtimes count too: they move when a file is added, removed or renamed.
    size = 0
    for folder, dirs, files in os.walk(directory):
        for name in dirs:
            mtime_ns = max(mtime_ns, os.stat(os.path.join(folder, name)).st_mtime_ns)
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            mtime_ns = max(mtime_ns, stat.st_mtime_ns)
            size += stat.st_size
    return size, mtime_ns


def output_record(path: str, root: Path, stat_cache: StatCache | None = None) -> OutputRecord:
    """Record `path` (relative to `root` or absolute) as it is now; hash `missing` if absent."""
    full = root / path
    size, mtime_ns = path_signature(full) or (0, 0)  # stat first, so a racing edit shows later
    return {"path": path, "size": size, "mtime_ns": mtime_ns, "hash": hash_path(full, stat_cache)}


def outputs_changed(
    records: Iterable[OutputRecord], root: Path, stat_cache: StatCache | None = None
) -> list[tuple[str, OutputChange]]:
    """Each recorded output now missing or with other content: (path, "missing" | "edited").

    An unchanged stat is trusted without reading; a changed stat is settled by hashing, so an
    output that was only touched is not reported.
    """
    changes: list[tuple[str, OutputChange]] = []
    for record in records:
        change = _change_of(record, root, stat_cache)
        if change is not None:
            changes.append((record["path"], change))
    return changes


def _change_of(record: OutputRecord, root: Path, cache: StatCache | None) -> OutputChange | None:
    full = root / record["path"]
    signature = path_signature(full)
    if signature is None:
        return "missing"
    if signature == (record["size"], record["mtime_ns"]) and record["hash"] != MISSING:
        return None
    return "edited" if hash_path(full, cache) != record["hash"] else None
