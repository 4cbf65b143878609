"""A blob backend on a local folder: the cache's own `objects/` folder, or a shared directory.

Each blob is a read-only file at `<root>/<name>`. A put writes a temporary file beside the
final one (`state/atomic.py` names it, so a dead run's leftovers are recognisable) and renames
it into place, so readers, in this process or in another CI job sharing the folder, see a
blob whole or not at all.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from quicketl.state.atomic import cleanup_temps, is_temp_name, temp_name_beside
from quicketl.state.objects.backend import BlobInfo
from quicketl.state.objects.clone import clone_file

_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


class LocalDirBackend:
    """Blobs as files under `root` (created on the first put)."""

    def __init__(self, root: Path, label: str | None = None) -> None:
        self.root = Path(root)
        self.label = label if label is not None else str(self.root)
        # Folders this backend made or found: a run saving hundreds of tiny outputs need not
        # ask the filesystem again for each (issue 14). One removed since is made again.
        self._folders: set[Path] = set()

    def path_of(self, name: str) -> Path:
        """Where the blob `name` lives; refuses names that would leave the folder."""
        parts = name.split("/")
        if not name or any(part in ("", ".", "..") for part in parts) or "\\" in name:
            raise ValueError(f"not a blob name: {name!r}")
        return self.root.joinpath(*parts)

    def get(self, name: str, dest: Path) -> bool:
        source = self.path_of(name)
        try:
            clone_file(source, dest)
        except (FileNotFoundError, NotADirectoryError):
            if source.is_file():  # the destination's folder was missing, not the blob
                raise
            return False
        return True

    def get_bytes(self, name: str) -> bytes | None:
        try:
            return self.path_of(name).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def put(self, name: str, src: Path) -> None:
        final = self.path_of(name)
        if final.is_file():
            return
        self._write(final, lambda tmp: clone_file(src, tmp))

    def put_bytes(self, name: str, data: bytes) -> None:
        final = self.path_of(name)
        if final.is_file():
            return

        def write(tmp: Path) -> None:
            with open(tmp, "xb") as stream:
                stream.write(data)

        self._write(final, write)

    def _write(self, final: Path, write: Callable[[Path], object]) -> None:
        """`write` a temporary beside `final`, then publish it; the temporary never stays."""
        folder = final.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        tmp = temp_name_beside(final)
        try:
            try:
                write(tmp)
            except FileNotFoundError:
                if folder.is_dir():  # not the folder: the source file is missing
                    raise
                # The folder went away since it was made (a cache clean): make it again.
                folder.mkdir(parents=True, exist_ok=True)
                self._folders.add(folder)
                write(tmp)
            self._publish(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def exists(self, name: str) -> bool:
        return self.path_of(name).is_file()

    def list(self, prefix: str) -> Iterator[BlobInfo]:
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        top = self.root / folder if folder else self.root
        for directory, dirs, files in os.walk(top):
            dirs.sort()
            for file in sorted(files):
                info = self._info(Path(directory, file))
                if info is not None and info.name.startswith(prefix):
                    yield info

    def delete(self, name: str) -> None:
        self.path_of(name).unlink(missing_ok=True)

    def remove_stale_temps(self) -> int:
        """Remove the temporaries of puts whose process died (a killed run); how many."""
        removed = 0
        for directory, _dirs, _files in os.walk(self.root):
            removed += len(cleanup_temps(Path(directory)))
        return removed

    def _info(self, path: Path) -> BlobInfo | None:
        if is_temp_name(path.name):
            return None
        try:
            found = path.lstat()
        except FileNotFoundError:  # deleted while listed
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        name = path.relative_to(self.root).as_posix()
        return BlobInfo(name, found.st_size, found.st_mtime)

    @staticmethod
    def _publish(tmp: Path, final: Path) -> None:
        # Read-only: nothing edits a blob in place by mistake. A rename over a blob that a
        # concurrent writer published first is harmless: a name always means the same bytes.
        os.chmod(tmp, _READ_ONLY)
        os.replace(tmp, final)
