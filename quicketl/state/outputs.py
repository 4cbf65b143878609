"""Records of a task's outputs, and whether they changed outside quicketl since."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISDIR
from typing import Literal, NotRequired, TypedDict

from quicketl.state.hashing import MISSING, StatCache, hash_path

OutputChange = Literal["missing", "edited"]

# The recorded "hash" of an output whose presence alone is kept: a database file a task wrote
# a table into. Every other table in that file changes its bytes too, so they say nothing
# about this task's table; the file being gone does (docs/architecture.md, "Outputs").
PRESENT = "present"


class OutputRecord(TypedDict):
    """One output as a finished task left it; for a folder, size and times cover its whole
    tree. `ctime_ns` catches an edit whose mtime was set back; records from before it was
    kept lack it, and are settled by hashing."""

    path: str
    size: int
    mtime_ns: int
    ctime_ns: NotRequired[int]
    hash: str


Signature = tuple[int, int, int]


def path_signature(path: str | os.PathLike[str]) -> Signature | None:
    """(size, mtime_ns, ctime_ns) of a file, or (total bytes, newest mtime, newest ctime) of
    a folder; None if absent."""
    try:
        stat = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not S_ISDIR(stat.st_mode):  # the stat just taken says it: no second system call
        return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns
    try:
        return _tree_signature(path, stat)
    except FileNotFoundError:  # changing under our feet: a signature no record has
        return -1, -1, -1


def _tree_signature(directory: str | os.PathLike[str], top: os.stat_result) -> Signature:
    # Sub-folder times count too: they move when a file is added, removed or renamed.
    size, mtime_ns, ctime_ns = 0, top.st_mtime_ns, top.st_ctime_ns
    for folder, dirs, files in os.walk(directory):
        for name, is_file in [(d, False) for d in dirs] + [(f, True) for f in files]:
            stat = os.stat(os.path.join(folder, name))
            mtime_ns, ctime_ns = max(mtime_ns, stat.st_mtime_ns), max(ctime_ns, stat.st_ctime_ns)
            size += stat.st_size if is_file else 0
    return size, mtime_ns, ctime_ns


def output_record(path: str, root: Path, stat_cache: StatCache | None = None) -> OutputRecord:
    """Record `path` (relative to `root` or absolute) as it is now; hash `missing` if absent."""
    full = root / path
    size, mtime_ns, ctime_ns = path_signature(full) or (0, 0, 0)  # stat first: a racing edit
    digest = hash_path(full, stat_cache)  # then shows as a changed signature next time
    return {"path": path, "size": size, "mtime_ns": mtime_ns, "ctime_ns": ctime_ns, "hash": digest}


def presence_record(path: str) -> OutputRecord:
    """Record that `path` (a database file) exists, without its content."""
    return {"path": path, "size": 0, "mtime_ns": 0, "hash": PRESENT}


def outputs_changed(
    records: Iterable[OutputRecord],
    root: Path,
    stat_cache: StatCache | None = None,
    present: dict[str, bool] | None = None,
) -> list[tuple[str, OutputChange]]:
    """Each recorded output now missing or with other content: (path, "missing" | "edited").

    An unchanged stat is trusted without reading; a changed stat is settled by hashing, so an
    output that was only touched is not reported. `present` remembers, for one run, whether
    each presence-only file existed when first asked: a database file deleted before the run
    and re-created by one of its writers is still missing for the others' tables.
    """
    changes: list[tuple[str, OutputChange]] = []
    for record in records:
        change = _change_of(record, root, stat_cache, present)
        if change is not None:
            changes.append((record["path"], change))
    return changes


def _first_seen(path: str, present: dict[str, bool]) -> bool:
    if path not in present:
        present[path] = os.path.exists(path)
    return present[path]


def _change_of(
    record: OutputRecord, root: Path, cache: StatCache | None, present: dict[str, bool] | None
) -> OutputChange | None:
    full = os.path.join(root, record["path"])  # no pathlib: once per output of every task
    if record["hash"] == PRESENT:
        exists = os.path.exists(full) if present is None else _first_seen(full, present)
        return None if exists else "missing"
    signature = path_signature(full)
    if signature is None:
        return "missing"
    recorded = (record["size"], record["mtime_ns"], record.get("ctime_ns"))
    if signature == recorded and record["hash"] != MISSING:
        return None
    return "edited" if hash_path(full, cache) != record["hash"] else None
