"""Reading stored rows back: check their shape and types, and turn what is unreadable into None.

SQLite does not enforce column types and a JSON column can hold anything, so every value read
from the cache is checked here before it is trusted. A row that fails is "no record": the
task runs, and the caller says so once (`notices.cache_warning`).
"""

from __future__ import annotations

import json
from typing import Any, TypeGuard

from quicketl.state.hashing import StatEntry
from quicketl.state.outputs import OutputRecord

_UINT64 = 1 << 64
_OUTPUT_FIELDS = {"path": str, "size": int, "mtime_ns": int, "hash": str}
_MAPPING_COMPONENTS = ("tool", "vars", "config", "inputs", "external")


def is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_time(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def parse_json(text: object) -> Any:
    """The JSON value of `text`, or None when it is not valid JSON text."""
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def outputs_from_json(text: object) -> tuple[OutputRecord, ...] | None:
    """A task's output records, or None unless every one has its fields with their types."""
    parsed = parse_json(text)
    if not isinstance(parsed, list) or not all(_is_output(item) for item in parsed):
        return None
    return tuple(parsed)


def _is_output(item: object) -> TypeGuard[OutputRecord]:
    if not isinstance(item, dict):
        return False
    for name, kind in _OUTPUT_FIELDS.items():
        value = item.get(name)
        if not (is_int(value) if kind is int else isinstance(value, kind)):
            return False
    return "ctime_ns" not in item or is_int(item["ctime_ns"])


def components_from_json(text: object) -> dict[str, Any] | None:
    """A task's key components, or None unless they are an object whose parts are objects."""
    parsed = parse_json(text)
    if not isinstance(parsed, dict):
        return None
    if not all(isinstance(parsed.get(name, {}), dict) for name in _MAPPING_COMPONENTS):
        return None
    return parsed


def stat_entry_from_row(row: tuple[Any, ...]) -> StatEntry | None:
    """A persisted stat-cache entry, or None when a column has the wrong type."""
    if len(row) != 6:
        return None
    path, size, mtime_ns, ctime_ns, inode, digest = row
    if not (isinstance(path, str) and isinstance(digest, str)):
        return None
    if not all(is_int(value) for value in (size, mtime_ns, ctime_ns, inode)):
        return None
    return StatEntry(path, size, mtime_ns, ctime_ns, inode % _UINT64, digest)
