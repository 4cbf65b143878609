"""Upkeep of an output store on any backend: what it holds, and garbage collection.

Collection keeps first what the current task records reference (the keys their outputs were
last written under: what a fresh checkout restores), then the newest entries; blobs no kept
entry names go. It works on any `Backend`, so a remote cache is collected the same way.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from quicketl.errors import ConfigError, Problem
from quicketl.state.objects.backend import ENTRIES, OBJECTS, Backend, BlobInfo, key_of_entry
from quicketl.state.objects.manifest import Manifest, ManifestError, parse_manifest
from quicketl.values import MutableValue

_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
DAY_S = 86_400.0


@dataclass(repr=False, eq=False)
class StoreUsage(MutableValue):
    """What a store holds: its entries, its blobs, and their bytes."""

    entries: int = 0
    objects: int = 0
    size_bytes: int = 0


@dataclass(repr=False, eq=False)
class Collected(MutableValue):
    """What a collection removed."""

    entries: int = 0
    objects: int = 0
    freed_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def store_usage(backend: Backend) -> StoreUsage:
    usage = StoreUsage()
    for info in backend.list(ENTRIES):
        usage.entries += 1
        usage.size_bytes += info.size
    for info in backend.list(OBJECTS):
        usage.objects += 1
        usage.size_bytes += info.size
    return usage


def parse_size(text: str) -> int:
    """`500M`, `2G`, `1.5GiB`, `100000`: a size in bytes (binary units)."""
    match = _SIZE.match(text)
    if match is None:
        message = f"not a size: {text!r}; give bytes, or a number with K, M, G or T (e.g. 500M)"
        raise ConfigError([Problem(message, field="--max-size")])
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def parse_days(text: str) -> float:
    """A number of days, zero or more."""
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not days >= 0 or days == float("inf"):
        raise ConfigError([Problem(f"not a number of days: {text!r}", field="--older-than")])
    return days


@dataclass(repr=False, eq=False)
class _Entry(MutableValue):
    info: BlobInfo
    manifest: Manifest | None
    current: bool

    def blobs(self) -> set[str]:
        if self.manifest is None:
            return set()
        return {f.hash for output in self.manifest.outputs for f in output.blobs()}


def collect(
    backend: Backend,
    current_keys: Collection[str],
    *,
    max_size: int | None = None,
    older_than_days: float | None = None,
    now: float | None = None,
) -> Collected:
    """Remove unreadable entries, entries older than `older_than_days` that no current record
    names, then entries (not current first, oldest first) until the store fits `max_size`,
    and every blob no remaining entry names."""
    now = time.time() if now is None else now
    entries = _entries(backend, set(current_keys))
    blobs = {_digest(info.name): info for info in backend.list(OBJECTS)}
    done = Collected()
    kept = [e for e in entries if e.manifest is not None]
    for entry in entries:
        if entry.manifest is None:
            done.notes.append(f"unreadable entry {entry.info.name}")
    if older_than_days is not None:
        cutoff = now - older_than_days * DAY_S
        kept = [e for e in kept if e.current or e.info.mtime >= cutoff]
    if max_size is not None:
        kept = _fit(kept, blobs, max_size)
    keep_names = {e.info.name for e in kept}
    for entry in entries:
        if entry.info.name not in keep_names:
            backend.delete(entry.info.name)
            done.entries += 1
            done.freed_bytes += entry.info.size
    used = set().union(*(e.blobs() for e in kept)) if kept else set()
    for digest, info in blobs.items():
        if digest not in used:
            backend.delete(info.name)
            done.objects += 1
            done.freed_bytes += info.size
    return done


def _fit(entries: list[_Entry], blobs: dict[str, BlobInfo], max_size: int) -> list[_Entry]:
    """Drop entries, least worth keeping first, until they and their blobs fit `max_size`."""
    refs: Counter[str] = Counter()
    for entry in entries:
        refs.update(entry.blobs() & blobs.keys())
    total = sum(e.info.size for e in entries) + sum(blobs[d].size for d in refs)
    order = sorted(entries, key=lambda e: (e.current, e.info.mtime, e.info.name))
    dropped: set[str] = set()
    for entry in order:
        if total <= max_size:
            break
        dropped.add(entry.info.name)
        total -= entry.info.size
        for digest in entry.blobs() & blobs.keys():
            refs[digest] -= 1
            if refs[digest] == 0:
                total -= blobs[digest].size
    return [e for e in entries if e.info.name not in dropped]


def _entries(backend: Backend, current: set[str]) -> list[_Entry]:
    found = []
    for info in backend.list(ENTRIES):
        key = key_of_entry(info.name)
        found.append(_Entry(info, _read(backend, info.name, key), key in current))
    return found


def _read(backend: Backend, name: str, key: str | None) -> Manifest | None:
    data = backend.get_bytes(name)
    if key is None or data is None:
        return None
    try:
        return parse_manifest(data, key)
    except ManifestError:
        return None


def _digest(name: str) -> str:
    return name.rsplit("/", 1)[-1]
