"""The output store: a task's outputs saved by content under its key, and restored from it.

`save` copies each output file into the backend as a blob named by its content hash (a
reflink where the filesystem can), then writes the entry: the manifest, last, so an entry is
never visible before its blobs. `restore` stages every output beside its target, checks each
staged file against the manifest's hash, and only when all of them match moves them into
place (`state/atomic.py`), so a failed restore changes nothing. A blob whose bytes do not
match its name is evicted and reported: the task then runs and stores it afresh.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quicketl.state.atomic import commit_path, temp_path_beside
from quicketl.state.hashing import (
    StatCache,
    canonical_json,
    hash_bytes,
    hash_file,
    hash_path,
    tree_files,
)
from quicketl.state.notices import cache_warning
from quicketl.state.objects.backend import Backend, entry_name, object_name
from quicketl.state.objects.manifest import (
    Manifest,
    ManifestError,
    StoredFile,
    StoredOutput,
    parse_manifest,
)
from quicketl.values import FrozenValue, MutableValue


@dataclass(frozen=True, repr=False, eq=False)
class OutputSource(FrozenValue):
    """An output to save: its project-relative path and the rows its sink wrote."""

    path: str
    rows: int | None = None


@dataclass(repr=False, eq=False)
class RestoreResult(MutableValue):
    """What a restore did: outputs written, outputs already right, blobs checked, and, when
    it could not restore, why (`problem`) and which bad blobs it evicted."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    verified: int = 0
    problem: str | None = None
    evicted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


class _Refused(Exception):
    """A restore that must not go on; its message is the result's `problem`."""


UNREADABLE_ENTRY = "an output cache entry could not be read (damaged?); its task runs instead"


class OutputStore:
    """Task outputs by content over one blob backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def entry(self, task_key: str) -> Manifest | None:
        """The manifest stored for `task_key`; None when there is none or it is unreadable
        (said once, as every unreadable cache record is)."""
        data = self.backend.get_bytes(entry_name(task_key))
        if data is None:
            return None
        try:
            return parse_manifest(data, task_key)
        except ManifestError:
            cache_warning(UNREADABLE_ENTRY)
            return None

    def save(
        self,
        task_key: str,
        outputs: Sequence[OutputSource],
        root: Path,
        *,
        pipeline: str,
        run_id: int | None = None,
        stat_cache: StatCache | None = None,
    ) -> Manifest:
        """Store the outputs (as they are now under `root`) and their entry for `task_key`."""
        stored = tuple(self._save_output(source, root, stat_cache) for source in outputs)
        manifest = Manifest(task_key, pipeline, time.time(), stored, run_id)
        self.backend.put_bytes(entry_name(task_key), manifest.to_json())
        return manifest

    def _save_output(
        self, source: OutputSource, root: Path, stat_cache: StatCache | None
    ) -> StoredOutput:
        full = root / source.path
        if full.is_dir():
            files = tuple(self._save_file(rel, path, stat_cache) for rel, path in tree_files(full))
            digest = folder_digest(files)
            size = sum(f.size for f in files)
            return StoredOutput(source.path, "folder", digest, size, source.rows, files)
        saved = self._save_file("", full, stat_cache)
        return StoredOutput(source.path, "file", saved.hash, saved.size, source.rows)

    def _save_file(self, rel: str, path: Path, stat_cache: StatCache | None) -> StoredFile:
        size = path.stat().st_size
        digest = stat_cache.hash_file(path) if stat_cache is not None else hash_file(path)
        self.backend.put(object_name(digest), path)
        return StoredFile(rel, digest, size)

    def restore(
        self, manifest: Manifest, root: Path, stat_cache: StatCache | None = None
    ) -> RestoreResult:
        """Put every output of `manifest` back under `root`, verified, or change nothing."""
        result = RestoreResult()
        staged: list[tuple[Path, Path]] = []
        try:
            for output in manifest.outputs:
                target = root / output.path
                if hash_path(target, stat_cache) == output.hash:
                    result.kept.append(output.path)
                    continue
                staged.append((self._stage(output, target, result), target))
                result.written.append(output.path)
        except _Refused as refused:
            result.problem = str(refused)
            result.written.clear()
            for tmp, _ in staged:
                _remove(tmp)
            return result
        for tmp, target in staged:
            commit_path(tmp, target)
        return result

    def _stage(self, output: StoredOutput, target: Path, result: RestoreResult) -> Path:
        tmp = temp_path_beside(target)
        try:
            if output.kind == "file":
                self._fetch(output.blobs()[0], tmp, result)
            else:
                tmp.mkdir()
                for file in output.files:
                    (tmp / file.path).parent.mkdir(parents=True, exist_ok=True)
                    self._fetch(file, tmp / file.path, result)
        except BaseException:
            _remove(tmp)
            raise
        return tmp

    def _fetch(self, file: StoredFile, dest: Path, result: RestoreResult) -> None:
        name = object_name(file.hash)
        if not self.backend.get(name, dest):
            raise _Refused(f"blob {file.hash} is missing from {self.backend.label}")
        if hash_file(dest) != file.hash:  # truncated, bit-flipped, or replaced
            self.backend.delete(name)
            result.evicted.append(file.hash)
            raise _Refused(f"blob {file.hash} in {self.backend.label} is corrupt (evicted)")
        result.verified += 1


def folder_digest(files: Iterable[StoredFile]) -> str:
    """A folder's content hash from its files, exactly as `hash_dir` computes it."""
    pairs = [[file.path, file.hash] for file in files]
    return hash_bytes(canonical_json(pairs).encode("utf-8", "surrogatepass"))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
