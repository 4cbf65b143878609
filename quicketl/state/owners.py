"""Which sink wrote an output: recorded after each write, read before the next one."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from quicketl.errors import StateError
from quicketl.state.store import DB_NAME, SinkOwner, StateStore


def owners_of(paths: Iterable[Path], scope: str, task_id: str) -> list[SinkOwner]:
    """Owner records for the outputs that exist, keyed by their resolved path."""
    found = []
    for path in paths:
        real = os.path.realpath(path)
        try:
            inode = os.stat(real).st_ino
        except OSError:
            continue
        found.append(SinkOwner(real, scope, task_id, inode))
    return found


def read_owners(cache_dir: Path) -> dict[str, SinkOwner]:
    """The recorded owners, without creating anything: none when there is no usable cache."""
    if not (Path(cache_dir) / DB_NAME).is_file():
        return {}
    try:
        with StateStore(cache_dir) as store:
            return store.owners()
    except StateError:  # an unreadable cache proves nothing; the folder's shape may still do
        return {}


def owns(owner: SinkOwner | None, path: Path, scope: str, task_id: str) -> bool:
    """Whether `owner` says this sink (scope and task) left `path` exactly as it is now."""
    if owner is None or (owner.scope, owner.task_id) != (scope, task_id):
        return False
    try:
        return os.stat(path).st_ino == owner.inode
    except OSError:
        return False
