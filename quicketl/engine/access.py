"""What one pipeline's DuckDB connection may read and write: the project and what it declares.

A predicate or expression is SQL, and a variable may put anything in it, so a table function
such as `read_text('/etc/passwd')` must not reach outside the project. DuckDB's external
access is switched off and locked for the whole run, with these exceptions allowed:

- the project root and the `allowed_input_roots:` of `quicketl.yml`;
- each file source the pipeline declares (a declared source is an explicit choice): the file,
  or the folder below which a glob or a folder source matches;
- each DuckDB database the pipeline declares as a source or sink, with its WAL files;
- the folder of a file sink, where its temporary file is written beside the target.

An expression reading anything else fails with a message naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from quicketl.config.loader import LoadedPipeline
from quicketl.config.project import PROJECT_FILE, project_settings
from quicketl.config.sinks import DatabaseSink, FileSink
from quicketl.config.sources import FileSource
from quicketl.engine.datafiles import sink_target_text, source_pattern
from quicketl.engine.dburl import UnsupportedConnection, duckdb_file
from quicketl.locations.globbing import has_glob
from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class Access(FrozenValue):
    """Folders (with everything below them) and single files the connection may touch."""

    directories: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


def normalised(access: Access) -> Access:
    """The same permissions without what an allowed folder covers already, so that pipelines
    reading and writing inside the project share one sandbox (and one database per worker).
    A path with `..` is kept as written: DuckDB checks it as given."""
    folders = [d for d in access.directories if not _covered(d, access.directories)]
    paths = [p for p in access.paths if not _covered(p, folders, same=True)]
    return Access(tuple(folders), tuple(paths))


def _covered(path: str, folders: Sequence[str], *, same: bool = False) -> bool:
    """Whether `path` lies below one of `folders` (or is one, when `same`), read literally."""
    if ".." in path.split("/"):
        return False
    return any(
        (same and path == folder) or path.startswith(folder.rstrip("/") + "/") for folder in folders
    )


def project_access(root: Path, *files: Path) -> Access:
    """The project root, the project's `allowed_input_roots` and `files`."""
    folders = _project_folders(root, _signature(root / PROJECT_FILE))
    return Access(folders, _unique([str(f) for f in files]))


def _signature(path: Path) -> tuple[int, ...] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)


@lru_cache(maxsize=16)
def _project_folders(root: Path, signature: tuple[int, ...] | None) -> tuple[str, ...]:
    # Read once per version of quicketl.yml (its stat is the key), not once per pipeline: a
    # validate of thousands of pipelines would parse the same file thousands of times.
    folders = [root, root.resolve(), *project_settings(root).allowed_input_roots]
    return _unique([str(f) for f in folders])


def pipeline_access(loaded: LoadedPipeline) -> Access:
    """The folders and files `loaded` may read and write, and nothing else."""
    root = loaded.root
    directories = list(project_access(root).directories)
    paths: list[str] = []
    for source in loaded.config.named_sources().values():
        if isinstance(source, FileSource):
            pattern = source_pattern(source, root)
            if has_glob(pattern):
                directories.append(_fixed_part(pattern))
            else:
                paths.append(pattern)
        else:
            paths += _database(source.connection, root)
    sink = loaded.config.sink
    if isinstance(sink, FileSink):
        directories.append(os.path.dirname(sink_target_text(sink, root)))
    elif isinstance(sink, DatabaseSink):
        paths += _database(sink.connection, root)
    return Access(_unique(directories), _unique(paths))


def _fixed_part(pattern: str) -> str:
    """The folder above a glob's first wildcard (a URL too): all it matches is below it."""
    head = pattern[: min(pattern.find(char) for char in "*?[" if char in pattern)]
    return head[: head.rfind("/") + 1] or "/"


# Files DuckDB keeps beside a database file (seen with strace on DuckDB 2.0.1).
_DATABASE_SIDECARS = ("", ".wal", ".wal.checkpoint", ".wal.recovery")


def _database(url: str, root: Path) -> Iterator[str]:
    try:
        path = duckdb_file(url, root)
    except UnsupportedConnection:
        return  # reported by the source or sink check
    yield from (f"{path}{suffix}" for suffix in _DATABASE_SIDECARS)


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
