"""Content digests (xxh3-128) of bytes, files, folders and globs, with a persistent stat cache."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import xxhash

from quicketl.errors import StateError
from quicketl.locations.globbing import glob_files, has_glob

BLOCK_SIZE = 1 << 20
MISSING = "missing"
NOT_A_FILE = "not-a-file:"  # the digest of a pipe or device: its file type, never its bytes
# A file modified less than this long before it was hashed may be modified again within the same
# mtime tick without its stat changing (git's "racy clean" problem), so such an entry is trusted
# only inside the process that hashed it and is never persisted.
RACY_WINDOW_NS = 2_000_000_000

FileHasher = Callable[[str], str]


def hash_bytes(data: bytes) -> str:
    """The xxh3-128 hex digest of `data`."""
    return str(xxhash.xxh3_128_hexdigest(data))


def hash_file(path: str | os.PathLike[str]) -> str:
    """The xxh3-128 hex digest of a file's content, read in 1 MiB blocks."""
    hasher = xxhash.xxh3_128()
    buffer = bytearray(BLOCK_SIZE)
    view = memoryview(buffer)
    # O_NONBLOCK: opening a named pipe must not wait for a writer; then only regular files are
    # read, since a pipe or /dev/zero never ends. The engine refuses such an input by name.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno != errno.ENXIO:  # ENXIO: a socket, or a device without a driver
            raise
        return _not_a_file(os.stat(path).st_mode)
    with open(fd, "rb", buffering=0) as stream:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(mode):
            return _not_a_file(mode)
        while size := stream.readinto(buffer):
            hasher.update(view[:size])
    return str(hasher.hexdigest())


def _not_a_file(mode: int) -> str:
    return f"{NOT_A_FILE}{stat.S_IFMT(mode):o}"


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: equal data always gives equal text.

    Values JSON cannot hold become `str(value)`, except sets, which become sorted lists: their
    iteration order changes from one process to the next, and a key must not.
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=canonical_json)
    return str(value)


def key_of(components: Mapping[str, Any], config_json: str | None = None) -> str:
    """The task key: the digest of the canonical JSON of its components.

    `config_json`, when given, is the canonical JSON of `components["config"]` already made
    (a stored plan keeps it): the text is then put together around it, byte for byte what
    encoding the whole would give, without encoding every config again on a no-op run.
    """
    rest = {name: value for name, value in components.items() if name != "config"}
    if config_json is None or len(rest) == len(components) or any(n < "config" for n in rest):
        text = canonical_json(components)
    else:  # "config" sorts first among the names: it opens the object
        tail = canonical_json(rest)[1:]
        text = '{"config":' + config_json + ("," + tail if rest else tail)
    return hash_bytes(text.encode("utf-8", "surrogatepass"))


class StatEntry(NamedTuple):
    """A file's content hash, valid while its (size, mtime_ns, ctime_ns, inode) are unchanged.

    ctime is what makes it safe: a user can set mtime back after an edit of the same size,
    but any change to the file moves its ctime, which nobody can set (git's index does the same).
    """

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    hash: str

    @classmethod
    def of(cls, path: str, stat: os.stat_result, digest: str) -> StatEntry:
        return cls(path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, digest)

    def matches(self, stat: os.stat_result) -> bool:
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode) == (
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_ctime_ns,
            stat.st_ino,
        )


class StatCache:
    """Maps absolute file paths to content hashes so unchanged files are not read again.

    Thread-safe. Load persisted entries with `load`; after a run, `take_dirty` returns the new or
    changed entries to persist (see `StateStore.save_stat_entries`).
    """

    def __init__(self, entries: Iterable[StatEntry] = (), hasher: FileHasher = hash_file) -> None:
        self._entries: dict[str, StatEntry] = {}
        self._dirty: dict[str, StatEntry] = {}
        self._hasher = hasher
        self._lock = threading.Lock()
        self.load(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def load(self, entries: Iterable[StatEntry]) -> None:
        """Add persisted entries in bulk; they are not dirty."""
        with self._lock:
            self._entries.update((entry.path, entry) for entry in entries)

    def hash_file(self, path: str | os.PathLike[str], known: os.stat_result | None = None) -> str:
        """The file's content hash, read from disk only when its stat changed. `known`: the
        stat the caller just took of `path` (it spares one system call per file)."""
        key = _absolute(path)
        # Before reading: a change during the read then shows as a new stat.
        stat = known if known is not None else os.stat(key)
        entry = self._entries.get(key)
        if entry is not None and entry.matches(stat):
            return entry.hash
        digest = self._hasher(key)
        entry = StatEntry.of(key, stat, digest)
        self._remember(entry, persist=_is_settled(stat))
        return digest

    def known(self, path: str | os.PathLike[str]) -> str | None:
        """The file's content hash if its stat still matches an entry, without reading it."""
        key = os.path.abspath(path)
        entry = self._entries.get(key)
        if entry is None:
            return None
        try:
            return entry.hash if entry.matches(os.stat(key)) else None
        except OSError:
            return None

    def take_dirty(self) -> list[StatEntry]:
        """The entries hashed since the last call that are safe to persist, sorted by path."""
        with self._lock:
            dirty, self._dirty = self._dirty, {}
        return sorted(dirty.values())

    def _remember(self, entry: StatEntry, *, persist: bool) -> None:
        with self._lock:
            self._entries[entry.path] = entry
            if persist:
                self._dirty[entry.path] = entry
            else:
                self._dirty.pop(entry.path, None)


def _absolute(path: str | os.PathLike[str]) -> str:
    """`os.path.abspath(path)`, without its work for a path already absolute and normal (the
    usual case: a no-op run of 10,000 pipelines looks up some 30,000)."""
    if isinstance(path, str) and path[:1] == "/" and path[-1:] != "/":
        return path if not any(part in path for part in _NOT_NORMAL) else os.path.abspath(path)
    return os.path.abspath(path)


# Besides a trailing "/", anything normpath would change in an absolute POSIX path ("/." also
# catches "/./", "/../" and a trailing "/.."; it takes a hidden name for one too, which only
# costs the slow way).
_NOT_NORMAL = ("//", "/.")


def _is_settled(stat: os.stat_result) -> bool:
    # ctime too: an edit whose mtime was set back is as recent as its ctime says.
    return time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) >= RACY_WINDOW_NS


def tree_files(directory: Path) -> list[tuple[str, Path]]:
    """Every file under `directory`, recursively, as (posix relative path, path), sorted."""
    found: list[tuple[str, Path]] = []
    for folder, _dirs, files in os.walk(directory):
        for name in files:
            path = Path(folder, name)
            found.append((path.relative_to(directory).as_posix(), path))
    return sorted(found)


def hash_dir(directory: Path, cache: StatCache | None = None) -> str:
    """One digest for a folder: over its files' sorted (relative path, content hash) pairs."""
    pairs = [[rel, _hash_one_file(path, cache)] for rel, path in tree_files(directory)]
    return hash_bytes(canonical_json(pairs).encode("utf-8", "surrogatepass"))


def hash_path(path: str | os.PathLike[str], cache: StatCache | None = None) -> str:
    """The digest of a file or a folder, or `MISSING` when there is nothing at `path`."""
    try:
        found = os.stat(path)  # one stat serves both the folder test and the stat cache
        if stat.S_ISDIR(found.st_mode):
            return hash_dir(Path(path), cache)
        return cache.hash_file(path, found) if cache is not None else hash_file(path)
    except (FileNotFoundError, NotADirectoryError):
        return MISSING
    except OSError as error:
        raise StateError(f"cannot read {path}: {error.strerror or error}") from error


def _hash_one_file(path: Path, cache: StatCache | None) -> str:
    return cache.hash_file(path) if cache is not None else hash_file(path)


def expand_pattern(pattern: str, root: Path) -> list[str]:
    """The paths a pattern names, relative to `root` as given; an unmatched glob names itself.

    A glob names exactly the files DuckDB will read for it (dotfiles included, links to
    folders not entered by `**`): see `quicketl.locations.globbing`.
    """
    if not has_glob(pattern):
        return [pattern]
    return glob_files(pattern, root) or [pattern]


def hash_paths(
    patterns: Iterable[str], root: Path, cache: StatCache | None = None
) -> dict[str, str]:
    """Digest of every path the patterns name, keyed by path; `MISSING` for absent ones."""
    hashes: dict[str, str] = {}
    for pattern in patterns:
        for name in expand_pattern(pattern, root):
            hashes[name] = hash_path(os.path.join(root, name), cache)
    return dict(sorted(hashes.items()))
