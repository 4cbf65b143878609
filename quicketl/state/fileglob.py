"""Glob expansion that never follows a folder link while recursing, so a link loop ends.

Python's `glob(..., recursive=True)` follows links to folders inside `**`: a folder holding two
links to its parent has 2**40 paths before the kernel's link limit stops it, which is a hang.
DuckDB's `**` does not enter linked folders either, so this also hashes what DuckDB reads.
Otherwise the rules are Python's: `*`, `?` and `[...]` match within one name, names starting
with `.` only match a pattern that starts with `.`, and `**` matches zero or more folders.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

_MAGIC = re.compile(r"[*?[]")


def has_magic(pattern: str) -> bool:
    return _MAGIC.search(pattern) is not None


def glob_paths(pattern: str, root_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Paths matching `pattern`, spelt like the pattern (relative to `root_dir` if relative)."""
    root = os.fspath(root_dir) if root_dir is not None else ""
    head = os.sep if pattern.startswith(os.sep) else ""
    candidates = [head]
    parts = [part for part in pattern.split(os.sep) if part]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        candidates = [
            match for base in candidates for match in _step(root, base, part, dirs_only=not last)
        ]
    return sorted(path for path in candidates if path)  # `**` first also matched "" itself


def _step(root: str, base: str, part: str, *, dirs_only: bool) -> list[str]:
    if part == "**":
        return _below(root, base, with_files=not dirs_only)
    if not has_magic(part):
        path = os.path.join(base, part)
        real = os.path.join(root, path)
        found = os.path.isdir(real) if dirs_only else os.path.lexists(real)
        return [path] if found else []
    names = [
        name
        for name, is_dir in _entries(os.path.join(root, base) or ".")
        if (is_dir or not dirs_only) and fnmatch.fnmatchcase(name, part)
    ]
    hidden_ok = part.startswith(".")
    return [os.path.join(base, name) for name in names if hidden_ok or not name.startswith(".")]


def _below(root: str, base: str, *, with_files: bool) -> list[str]:
    """`base` and every folder under it, not entering links (and files too, for a final `**`)."""
    found = [base]
    pending = [base]
    while pending:
        folder = pending.pop()
        for name, is_dir in _entries(os.path.join(root, folder) or "."):
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            if is_dir and not os.path.islink(os.path.join(root, path)):
                found.append(path)
                pending.append(path)
            elif with_files:
                found.append(path)
    return found


def _entries(folder: str) -> list[tuple[str, bool]]:
    """(name, is a folder) for each entry; a link to a folder counts as a folder."""
    try:
        with os.scandir(folder) as scan:
            return [(entry.name, _is_dir(entry)) for entry in scan]
    except OSError:
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def glob_files(pattern: str) -> list[Path]:
    """Everything but folders that `pattern` matches (files, and pipes or devices to refuse)."""
    return [Path(p) for p in glob_paths(pattern) if not os.path.isdir(p) and os.path.exists(p)]
