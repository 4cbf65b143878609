"""Atomic writes: a sink writes to a temporary path beside its target, then renames it into place.

A temporary path lives in the target's folder (so the rename never crosses filesystems) and is
named `.{name}.quicketl-tmp-{pid}-{random}`, so a temp left by a killed run can be recognised
and removed once its pid is gone.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from quicketl.errors import ConfigError, Problem, StateError
from quicketl.locations.lazy_pattern import lazy_pattern

_TEMP_MARK = ".quicketl-tmp-"
_TEMP_NAME = lazy_pattern(r"^\..+\.quicketl-tmp-(\d+)-[0-9a-f]+$")


def temp_path_beside(final: Path) -> Path:
    """A fresh temporary name in `final`'s folder; creates the folder, not the path."""
    final = Path(final)
    if not os.path.isdir(final.parent):  # one stat; a mkdir of what exists costs two calls
        final.parent.mkdir(parents=True, exist_ok=True)
    return temp_name_beside(final)


def temp_name_beside(final: Path) -> Path:
    """A fresh temporary name in `final`'s folder, which the caller knows exists."""
    return final.parent / f".{final.name}{_TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}"


def commit_path(tmp: Path, final: Path) -> None:
    """Move the finished `tmp` (a file or a folder) to `final`, replacing what is there.

    A file replaces a file atomically (one rename). A folder cannot replace a folder in one
    rename, so the old one is renamed aside, the new one renamed in, and the old one removed:
    between the two renames (microseconds) `final` does not exist. A run killed in that window
    leaves `final` missing, so the task is re-run; both leftovers are temps for `cleanup_temps`.
    """
    tmp, final = Path(tmp), Path(final)
    try:
        if _is_real_dir(final) or _is_real_dir(tmp):
            _swap_in(tmp, final)
        else:
            os.replace(tmp, final)
    except OSError as error:
        raise StateError(f"cannot move {tmp} into place at {final}: {error}") from error


def write_text_atomically(final: Path, text: str) -> None:
    """Write a whole text file or nothing: a temp beside it, then one rename over `final`.

    Unlike `commit_path` it never replaces a folder: a folder at `final` is refused as bad
    input (ConfigError), and a failed write removes its temp, so it leaves nothing behind.
    """
    final = Path(final)
    if _is_real_dir(final):
        raise ConfigError([Problem("is a folder; give the path of a file to write", str(final))])
    tmp: Path | None = None
    try:
        tmp = temp_path_beside(final)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, final)
    except OSError as error:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        blocker = next((parent for parent in final.parents if parent.is_file()), None)
        if blocker is not None:  # bad input, as a sink below a file is
            raise ConfigError([Problem(f"cannot write {final}: {blocker} is a file")]) from error
        raise StateError(f"cannot write {final}: {error.strerror or error}") from error


def _is_real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _swap_in(tmp: Path, final: Path) -> None:
    if not os.path.lexists(final):
        os.rename(tmp, final)
        return
    aside = temp_path_beside(final)
    os.rename(final, aside)
    try:
        os.rename(tmp, final)
    except OSError:
        os.rename(aside, final)
        raise
    _remove(aside)


def _remove(path: Path) -> None:
    if _is_real_dir(path):
        import shutil  # only here: the no-op path imports this module

        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def cleanup_temps(directory: Path, keep: Collection[Path] = ()) -> list[Path]:
    """Remove the temps in `directory` (not below it) whose writer is dead, except those in
    `keep` (matched by name: a temp's name is unique, however its folder is spelt)."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    kept = {path.name for path in keep}
    stale = [name for name in sorted(names) if _is_stale_temp(name) and name not in kept]
    removed = [Path(directory, name) for name in stale]
    for path in removed:
        _remove(path)
    return removed


def is_temp_name(name: str) -> bool:
    """Whether a file name is one `temp_path_beside` makes (so listings can hide it)."""
    return _TEMP_NAME.match(name) is not None


def _is_stale_temp(name: str) -> bool:
    match = _TEMP_NAME.match(name)
    return match is not None and not _pid_alive(int(match.group(1)))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True
