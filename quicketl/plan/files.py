"""Finding a workflow's pipeline files, and resolving them, with few system calls each.

A workflow names a pipeline file relative to its own folder or to the project root (the
workflow's folder first). A plan of 10,000 pipelines looks each one up in both places and
resolves the one found; done with `pathlib` that was five `Path` objects and three system
calls per file, a tenth of planning. Here a path written plainly (`pipelines/a/p1.yml`) is
looked up as a string, each folder is tested and resolved once, and a `Path` is made only for
the file found. Anything else (`~`, an absolute path, `.` or `..` as its last part, a trailing
slash) takes `pathlib`'s way, whose answers these are.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

# The errors for which `Path.is_file()` answers False instead of raising.
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


class PipelineFiles:
    """`find` for the pipelines of one plan, remembering what it learnt of their folders."""

    def __init__(self, workflow_folder: Path, root: Path) -> None:
        self.bases = (workflow_folder, root)
        self._texts = (str(workflow_folder), str(root))
        self._is_dir: dict[str, bool] = {}
        self._real: dict[str, Path] = {}

    def find(self, ref_path: str) -> tuple[Path, Path] | None:
        """The file `ref_path` names (as `base / ref_path`), and its resolved path."""
        if not _plain(ref_path):
            return self._find_slowly(ref_path)
        for text in self._texts:
            candidate = os.path.join(text, ref_path)
            folder, name = os.path.split(candidate)
            if self._folder_exists(folder) and _is_file(candidate):
                return Path(candidate), self._resolved(candidate, folder, name)
        return None

    def _find_slowly(self, ref_path: str) -> tuple[Path, Path] | None:
        raw = Path(ref_path).expanduser()
        bases = () if raw.is_absolute() else self.bases
        for candidate in [raw] if raw.is_absolute() else [base / raw for base in bases]:
            if candidate.is_file():
                return candidate, self._resolved_path(candidate)
        return None

    def _folder_exists(self, folder: str) -> bool:
        known = self._is_dir.get(folder)
        if known is None:
            known = self._is_dir[folder] = _is_dir(folder)
        return known

    def _resolved(self, candidate: str, folder: str, name: str) -> Path:
        """`Path(candidate).resolve()`, resolving each folder once (`resolve` walks every
        part of a path with a system call each)."""
        if os.path.islink(candidate):
            return Path(candidate).resolve()
        real = self._real.get(folder)
        if real is None:
            real = self._real[folder] = Path(folder).resolve()
        return real / name

    def _resolved_path(self, path: Path) -> Path:
        if path.is_symlink():
            return path.resolve()
        return self._resolved(str(path), str(path.parent), path.name)


def _plain(ref_path: str) -> bool:
    """A relative path whose last part is a name: joined to a folder as text, it names the
    same file as `folder / Path(ref_path)` does."""
    return ref_path[:1] not in ("", "/", "~") and ref_path.rpartition("/")[2] not in ("", ".", "..")


def _is_file(path: str) -> bool:
    """`Path(path).is_file()`: False where the path is missing, other errors raised."""
    return _mode_is(path, stat.S_ISREG)


def _is_dir(path: str) -> bool:
    """`Path(path).is_dir()`, with the same errors."""
    return _mode_is(path, stat.S_ISDIR)


def _mode_is(path: str, kind: Callable[[int], bool]) -> bool:
    try:
        return kind(os.stat(path).st_mode)
    except OSError as exc:
        if exc.errno not in _ABSENT:
            raise
        return False
    except ValueError:
        return False
