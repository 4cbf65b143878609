"""The output manifest of a task key: which files its outputs hold, by content hash.

Stored as the blob `entries/<task key>.json`, versioned JSON:

    {"format": "quicketl-outputs", "version": 1, "task_key": "...", "pipeline": "clean_users",
     "created_at": 1732960000.0, "quicketl_version": "2.0.0", "run_id": 3,
     "outputs": [{"path": "output/silver/users.parquet", "kind": "file", "hash": "...",
                  "size": 1234, "rows": 42, "files": []}]}

A folder output (a partitioned sink) lists each of its files, relative to the folder. Paths
are project-relative and checked on read: an entry (perhaps from a shared remote) can never
name a place outside its project. No variable value is ever stored here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from quicketl import __version__
from quicketl.values import FrozenValue

FORMAT = "quicketl-outputs"
VERSION = 1

Kind = Literal["file", "folder"]


class ManifestError(ValueError):
    """An entry that does not hold what quicketl writes: treated as no entry."""


@dataclass(frozen=True, repr=False, eq=False)
class StoredFile(FrozenValue):
    """One file's content: where it goes (relative to its output folder), its hash, size."""

    path: str
    hash: str
    size: int


@dataclass(frozen=True, repr=False, eq=False)
class StoredOutput(FrozenValue):
    """One output of a task: a file (whose content is `hash`), or a folder of `files`."""

    path: str
    kind: Kind
    hash: str
    size: int
    rows: int | None = None
    files: tuple[StoredFile, ...] = ()

    def blobs(self) -> tuple[StoredFile, ...]:
        """The contents to fetch: the file itself, or each file of the folder."""
        if self.kind == "file":
            return (StoredFile("", self.hash, self.size),)
        return self.files


@dataclass(frozen=True, repr=False, eq=False)
class Manifest(FrozenValue):
    """What a task with this key wrote, and when."""

    task_key: str
    pipeline: str
    created_at: float
    outputs: tuple[StoredOutput, ...]
    run_id: int | None = None
    quicketl_version: str = field(default=__version__)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "task_key": self.task_key,
            "pipeline": self.pipeline,
            "created_at": self.created_at,
            "quicketl_version": self.quicketl_version,
            "run_id": self.run_id,
            "outputs": [_output_dict(output) for output in self.outputs],
        }
        return json.dumps(data, sort_keys=True, indent=1).encode("utf-8")

    @property
    def size(self) -> int:
        return sum(output.size for output in self.outputs)


def _output_dict(output: StoredOutput) -> dict[str, Any]:
    files = [{"path": f.path, "hash": f.hash, "size": f.size} for f in output.files]
    return {
        "path": output.path,
        "kind": output.kind,
        "hash": output.hash,
        "size": output.size,
        "rows": output.rows,
        "files": files,
    }


def parse_manifest(data: bytes, task_key: str) -> Manifest:
    """The manifest in `data`, stored under `task_key`; ManifestError when it is not one."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ManifestError(f"not JSON: {error}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ManifestError("not an output entry")
    if doc.get("version") != VERSION:
        raise ManifestError(f"entry version {doc.get('version')!r}, expected {VERSION}")
    if doc.get("task_key") != task_key:
        raise ManifestError("entry stored under another task key")
    outputs = doc.get("outputs")
    if not isinstance(outputs, list) or not outputs:
        raise ManifestError("no outputs")
    return Manifest(
        task_key,
        _text(doc, "pipeline"),
        _number(doc, "created_at"),
        tuple(_output(item) for item in outputs),
        _optional_int(doc, "run_id"),
        _text(doc, "quicketl_version"),
    )


def _output(item: Any) -> StoredOutput:
    if not isinstance(item, dict):
        raise ManifestError("an output is not an object")
    kind = item.get("kind")
    if kind not in ("file", "folder"):
        raise ManifestError(f"unknown output kind {kind!r}")
    files = item.get("files")
    if not isinstance(files, list) or (kind == "file" and files):  # a folder may be empty
        raise ManifestError("files do not match the output's kind")
    return StoredOutput(
        safe_relative(_text(item, "path")),
        kind,
        _digest(item),
        _size(item),
        _optional_int(item, "rows"),
        tuple(_file(file) for file in files),
    )


def _file(item: Any) -> StoredFile:
    if not isinstance(item, dict):
        raise ManifestError("a file is not an object")
    return StoredFile(safe_relative(_text(item, "path")), _digest(item), _size(item))


def safe_relative(path: str) -> str:
    """`path` when it is a plain relative posix path that stays below its folder."""
    parts = path.split("/")
    if "\\" in path or "\x00" in path or any(part in ("", ".", "..") for part in parts):
        raise ManifestError(f"unsafe path {path!r}")
    return path


def _text(doc: dict[str, Any], name: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str):
        raise ManifestError(f"{name} is not text")
    return value


def _digest(doc: dict[str, Any]) -> str:
    value = _text(doc, "hash")
    if len(value) != 32 or any(c not in "0123456789abcdef" for c in value):
        raise ManifestError(f"not a content hash: {value!r}")
    return value


def _size(doc: dict[str, Any]) -> int:
    value = doc.get("size")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ManifestError("size is not a byte count")
    return value


def _number(doc: dict[str, Any], name: str) -> float:
    value = doc.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ManifestError(f"{name} is not a number")
    return float(value)


def _optional_int(doc: dict[str, Any], name: str) -> int | None:
    value = doc.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ManifestError(f"{name} is not a whole number")
    return value
