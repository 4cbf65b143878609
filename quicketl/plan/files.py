"""Finding a workflow's pipeline files, and resolving them, with few system calls each.

A workflow names a pipeline file relative to its own folder or to the project root (the
workflow's folder first). A plan of 10,000 pipelines looks each one up in both places and
resolves the one found; done with `pathlib` that was five `Path` objects and three system
calls per file, a tenth of planning. Here a path written plainly (`pipelines/a/p1.yml`) is
looked up as a string, each folder is tested and resolved once, and a `Path` is made only for
the file found. Anything else (`~`, an absolute path, `.` or `..` as its last part, a trailing
slash) takes `pathlib`'s way, whose answers these are. A folder asked about more than once is
listed once (`os.scandir`), and a file listed there that is not a link is known to be one
without a system call of its own; a name not listed, or a link, is asked about as before.
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
        # A folder's entries once it has been asked about twice (None: it cannot be listed).
        self._asked: set[str] = set()
        self._listed: dict[str, dict[str, os.DirEntry[str]] | None] = {}

    def find(self, ref_path: str) -> tuple[Path, Path] | None:
        """The file `ref_path` names (as `base / ref_path`), and its resolved path."""
        if not _plain(ref_path):
            return self._find_slowly(ref_path)
        for text in self._texts:
            candidate = os.path.join(text, ref_path)
            folder, name = os.path.split(candidate)
            if not self._folder_exists(folder):
                continue
            entry = self._entry(folder, name)
            if entry is None or entry.is_symlink():  # not listed (made since, or another
                if _is_file(candidate):  # spelling of the name) or a link: asked directly
                    return Path(candidate), self._resolved(candidate, folder, name)
            elif entry.is_file():  # its type from the listing: not a link, nothing to follow
                return Path(candidate), self._real_folder(folder) / name
        return None

    def _entry(self, folder: str, name: str) -> os.DirEntry[str] | None:
        """The folder's entry for `name`, once the folder has been asked about before."""
        if folder not in self._listed:
            if folder not in self._asked:
                self._asked.add(folder)
                return None
            self._listed[folder] = _entries(folder)
        entries = self._listed[folder]
        return None if entries is None else entries.get(name)

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
        return self._real_folder(folder) / name

    def _real_folder(self, folder: str) -> Path:
        real = self._real.get(folder)
        if real is None:
            real = self._real[folder] = Path(folder).resolve()
        return real

    def _resolved_path(self, path: Path) -> Path:
        if path.is_symlink():
            return path.resolve()
        return self._resolved(str(path), str(path.parent), path.name)


def file_stem(ref_path: str) -> str:
    """`Path(ref_path).stem` (a task's default name), as text when the path is plain."""
    if not _plain(ref_path):
        return Path(ref_path).stem
    name = ref_path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _plain(ref_path: str) -> bool:
    """A relative path whose last part is a name: joined to a folder as text, it names the
    same file as `folder / Path(ref_path)` does."""
    return ref_path[:1] not in ("", "/", "~") and ref_path.rpartition("/")[2] not in ("", ".", "..")


def _entries(folder: str) -> dict[str, os.DirEntry[str]] | None:
    """The folder's entries by name, or None when it cannot be listed (a folder one may
    enter but not read still finds its files by name, one call each)."""
    try:
        with os.scandir(folder) as listing:
            return {entry.name: entry for entry in listing}
    except OSError:
        return None


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
