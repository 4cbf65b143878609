"""Paths as pipelines write them, made absolute or root-relative in one POSIX spelling."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


def resolve_data_path(path: str, root: Path) -> Path:
    """A data path from a pipeline, relative to the project root unless absolute."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else root / candidate


def data_path_text(path: str, root: Path) -> str:
    """`str(resolve_data_path(path, root))`, without a `Path` for a plain relative path (a
    `workflow validate` of thousands of pipelines asks it of every source and sink)."""
    if path[:1] not in _NOT_PLAIN_START and _NOT_PLAIN_PARTS.isdisjoint(path.split("/")):
        return os.path.join(root, path)  # every part a name: as `Path` would spell it
    return str(resolve_data_path(path, root))


def normalise(path: str, root: Path) -> str:
    """A path as written, made root-relative and POSIX, without `./` or a trailing slash.

    Lexical only (no disk access, links not followed): this is how inputs and outputs are
    named in a plan, so that a reader's pattern and a writer's path compare as text.
    """
    if path[:1] not in _NOT_PLAIN_START and _NOT_PLAIN_PARTS.isdisjoint(path.split("/")):
        return path  # relative, every part a name: already as `Path` would spell it
    return lexical_normal(path, root)


def lexical_normal(path: str, root: Path) -> str:
    """`normalise` without its shortcut for plain relative paths, which must agree with it."""
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(root)
        except ValueError:
            return candidate.as_posix().rstrip("/") or "/"
    parts: list[str] = []
    for part in candidate.parts:
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
                continue
        elif part == ".":
            continue
        parts.append(part)
    return "/".join(parts) or "."


# A path starting so is absolute, the home folder, or empty; a part so is dropped, collapsed
# or made of a doubled or trailing slash.
_NOT_PLAIN_START = ("", "/", "~")
_NOT_PLAIN_PARTS = frozenset({"", ".", ".."})


def relative_to_root(path: str | Path, root: Path) -> str:
    """`path` made absolute (links kept) and relative to the root, POSIX; absolute if outside."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return absolute.as_posix()


def root_relative(path: Path, root: Path) -> str:
    """`path` resolved (links followed) and relative to `root`, POSIX; absolute if outside."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.as_posix()


def relative_path(path: Path, root: Path) -> str:
    """`path` relative to `root`, both resolved, `..` allowed: for code run from the root."""
    relative = Path(os.path.relpath(path.resolve(), root.resolve()))
    return PurePosixPath(*relative.parts).as_posix()
