"""File globs expanded exactly as DuckDB's `glob()` expands them, without importing DuckDB.

Python's `glob` skips dotfiles and follows links to folders under `**`; DuckDB does neither,
so hashing what Python finds would miss files DuckDB reads. DuckDB's rules, matched here:

- a pattern is matched one `/`-separated part at a time; `*`, `?` and `[...]`/`[!...]`
  work as in `fnmatch` (case-sensitive) and match names starting with a dot;
- a part before the last one matches folders, links to folders included;
- a glob last part matches regular files (links to them included); a plain last part after
  a glob matches a file or a folder;
- `**` matches zero or more folders, never entering a link to a folder (so a link loop
  cannot hang it); as the last part it names every regular file below, links excluded;
- only one `**` may appear in a pattern (DuckDB refuses two; nothing matches here).

`tests/locations/test_globbing.py` proves this against DuckDB's own `glob()` over a tricky tree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

RECURSIVE = "**"
_MAGIC = re.compile(r"[*?[]")


def has_glob(pattern: str) -> bool:
    """Whether `pattern` is a glob at all (else it names one path, as written)."""
    return _MAGIC.search(pattern) is not None


def glob_files(pattern: str, root: Path | None = None) -> list[str]:
    """What DuckDB's glob lists for `pattern`, sorted; relative patterns are taken against
    `root` (default: the working folder) and relative names come back."""
    parts = _parts(pattern)
    if parts.count(RECURSIVE) > 1:
        return []
    start = "/" if pattern.startswith("/") else ""
    base = str(root) if root is not None else "."
    found = _expand(start, parts, base)
    return sorted(set(found))


def path_matches(pattern: str, path: str) -> bool:
    """Whether `glob_files(pattern)` would name `path` if it existed (both spelt alike)."""
    return _parts_match(_parts(pattern), _parts(path))


def _parts(text: str) -> list[str]:
    return [part for part in text.split("/") if part not in ("", ".")]


def _parts_match(parts: list[str], names: list[str]) -> bool:
    if not parts:
        return not names
    head, rest = parts[0], parts[1:]
    if head == RECURSIVE:  # last: any file below; else zero or more folders, then the rest
        if not rest:
            return bool(names)
        return any(_parts_match(rest, names[skip:]) for skip in range(len(names) + 1))
    return bool(names) and fnmatchcase(names[0], head) and _parts_match(rest, names[1:])


def _expand(prefix: str, parts: list[str], base: str) -> Iterator[str]:
    """Names (`prefix` + matched parts) of every match of `parts` below `prefix`."""
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == RECURSIVE:
        yield from _recursive(prefix, rest, base)
        return
    for name in _matching_names(prefix, head, base, last=not rest):
        yield from _expand(prefix + name + "/", rest, base) if rest else [prefix + name]


def _matching_names(prefix: str, part: str, base: str, *, last: bool) -> list[str]:
    folder = os.path.join(base, prefix)
    if not has_glob(part):
        path = os.path.join(folder, part)
        ok = (os.path.isfile(path) or os.path.isdir(path)) if last else os.path.isdir(path)
        return [part] if ok else []
    try:
        with os.scandir(folder or ".") as entries:
            names = [
                entry.name
                for entry in entries
                if fnmatchcase(entry.name, part) and _wanted(entry, last=last)
            ]
    except OSError:  # not a folder, gone, or unreadable: nothing matches there
        return []
    return names


def _wanted(entry: os.DirEntry[str], *, last: bool) -> bool:
    try:
        return entry.is_file() if last else entry.is_dir()
    except OSError:
        return False


def _recursive(prefix: str, rest: list[str], base: str) -> Iterator[str]:
    for folder in _real_folders(prefix, base):
        if rest:
            yield from _expand(folder, rest, base)
        else:
            yield from _regular_files(folder, base)


def _real_folders(prefix: str, base: str) -> Iterator[str]:
    """`prefix` and every folder below it reached without passing through a link."""
    yield prefix
    try:
        with os.scandir(os.path.join(base, prefix) or ".") as entries:
            below = [e.name for e in entries if _is_real_dir(e)]
    except OSError:
        return
    for name in sorted(below):
        yield from _real_folders(prefix + name + "/", base)


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _regular_files(prefix: str, base: str) -> Iterator[str]:
    try:
        with os.scandir(os.path.join(base, prefix) or ".") as entries:
            names = [e.name for e in entries if _is_regular(e)]
    except OSError:
        return
    yield from (prefix + name for name in names)


def _is_regular(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False
