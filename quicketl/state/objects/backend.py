"""The blob backend: a flat namespace of immutable named blobs that an output store sits on.

Two kinds of names exist (docs/architecture.md, "The output store"):

- `objects/<first 2 hex>/<hash>`: a file's content, named by its xxh3-128 digest;
- `entries/<task key>.json`: a task's output manifest (`manifest.py`).

A blob, once visible, never changes: `put` writes under a temporary name and publishes it
only when complete, so a reader (another run, another CI job) never sees half a blob, and
putting a name that exists is a no-op. A local folder (`localdir.py`) implements it; a remote
cache implements it over another folder or an object store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

from quicketl.errors import QuickETLError

OBJECTS = "objects/"
ENTRIES = "entries/"
_HEX = re.compile(r"^[0-9a-f]{8,64}$")


class BackendUnavailable(QuickETLError):
    """A remote cache that cannot be reached; the run goes on without it."""


class BlobInfo(NamedTuple):
    """One stored blob: its name, its size in bytes, and when it was written (epoch s)."""

    name: str
    size: int
    mtime: float


@runtime_checkable
class Backend(Protocol):
    """Where blobs live. Every method is safe to call from several threads at once."""

    label: str  # what messages show: a folder, or a masked URL

    def get(self, name: str, dest: Path) -> bool:
        """Write the blob to `dest` (a new file); False when there is no such blob."""
        ...

    def get_bytes(self, name: str) -> bytes | None:
        """The blob's bytes, or None when there is no such blob."""
        ...

    def put(self, name: str, src: Path) -> None:
        """Store the file `src` as `name`, atomically; nothing happens when `name` exists."""
        ...

    def put_bytes(self, name: str, data: bytes) -> None:
        """Store `data` as `name`, atomically; nothing happens when `name` exists."""
        ...

    def exists(self, name: str) -> bool: ...

    def list(self, prefix: str) -> Iterator[BlobInfo]:
        """Every complete blob whose name starts with `prefix` (temporaries never show)."""
        ...

    def delete(self, name: str) -> None:
        """Remove the blob; nothing happens when it is absent."""
        ...


def object_name(digest: str) -> str:
    """The blob name of a file whose content hash is `digest`."""
    if not _HEX.match(digest):
        raise ValueError(f"not a content hash: {digest!r}")
    return f"{OBJECTS}{digest[:2]}/{digest}"


def entry_name(task_key: str) -> str:
    """The blob name of the output manifest of the task whose key is `task_key`."""
    if not _HEX.match(task_key):
        raise ValueError(f"not a task key: {task_key!r}")
    return f"{ENTRIES}{task_key}.json"


def digest_of(name: str) -> str | None:
    """The content hash an object blob is named by (None for any other name)."""
    if not name.startswith(OBJECTS):
        return None
    digest = name.rsplit("/", 1)[-1]
    return digest if _HEX.match(digest) else None


def key_of_entry(name: str) -> str | None:
    """The task key an entry blob is named by (None for any other name)."""
    if not (name.startswith(ENTRIES) and name.endswith(".json")):
        return None
    key = name[len(ENTRIES) : -len(".json")]
    return key if _HEX.match(key) else None
