"""Cache upkeep: what a cache folder holds, forgetting all of it, and dropping stale records.

What is stale is the caller's to say (which workflow files and stored plans are gone is known
above this layer); this module only scans, counts and removes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from quicketl.errors import StateError
from quicketl.state.lock import LOCK_NAME, CacheLock
from quicketl.state.store import DB_NAME, StateStore, looks_like_database

PLANS_DIR = "plans"


@dataclass
class CacheReport:
    """What a cache folder holds, or what a clean-up removed from it."""

    cache_dir: Path
    exists: bool
    size_bytes: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    stat_entries: int = 0
    plans: int = 0
    removed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {**self.__dict__, "cache_dir": str(self.cache_dir)}


def scan_cache(cache: Path) -> CacheReport:
    """Size, recorded tasks per workflow, stat entries and stored plans of `cache`."""
    if not (cache / DB_NAME).is_file():
        return CacheReport(cache, exists=cache.is_dir())
    with StateStore(cache) as store:
        tasks = {scope: len(store.get_all(scope)) for scope in store.scopes()}
        stats = len(store.stat_entries())
    size = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
    plans = len(list((cache / PLANS_DIR).glob("*.json")))
    return CacheReport(cache, True, size, tasks, stats, plans)


def clear_cache(cache: Path) -> CacheReport:
    """Remove everything in `cache` but its lock, and say what went.

    Works on any cache, however damaged (a garbage or newer-schema database, a folder where
    a file should be): it is the advice every cache error gives, so it must never fail on one.
    """
    report = _scan_if_readable(cache)
    if not report.exists:
        return report
    _remove_odd_lock(cache / LOCK_NAME)
    with CacheLock(cache, wait=False):
        for entry in sorted(cache.iterdir()):
            if entry.name != LOCK_NAME:
                _remove(entry)
                report.removed.append(entry.name)
    return report


def prune_cache(
    cache: Path, scope_gone: Callable[[str], bool], plan_gone: Callable[[Path], bool]
) -> CacheReport:
    """Drop the records of every scope `scope_gone` names, stat entries of deleted files, CSV
    detections of contents no file has, and the stored plans `plan_gone` names; keeps
    everything still used."""
    report = scan_cache(cache)
    if not (cache / DB_NAME).is_file():
        return report
    with CacheLock(cache, wait=False), StateStore(cache) as store:
        for scope in store.scopes():
            if scope_gone(scope):
                store.clear(scope)
                report.removed.append(f"records of {scope}")
        pruned = store.prune_stat_entries()
        if pruned:
            report.removed.append(f"{pruned} stat-cache entries of deleted files")
        sniffs = store.prune_csv_sniffs()
        if sniffs:
            report.removed.append(f"{sniffs} CSV detections of contents no file has")
        for snapshot in (cache / PLANS_DIR).glob("*.json"):
            if plan_gone(snapshot):
                snapshot.unlink()
                report.removed.append(f"stored plan {snapshot.name}")
    return report


def _scan_if_readable(cache: Path) -> CacheReport:
    """The cache's report when its database reads; else only that the cache is there."""
    if not looks_like_database(cache / DB_NAME):
        return CacheReport(cache, exists=cache.is_dir())
    try:
        return scan_cache(cache)
    except StateError:
        return CacheReport(cache, exists=True)


def _remove_odd_lock(lock: Path) -> None:
    # A lock that is not a plain file (made by hand) cannot be taken; nothing can hold it.
    if lock.is_symlink() or lock.is_dir():
        _remove(lock)


def _remove(entry: Path) -> None:
    """Remove a file or a folder; a link is removed itself, never what it points to."""
    try:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    except OSError as error:
        raise StateError(f"cannot remove {entry}: {error.strerror or error}") from error
