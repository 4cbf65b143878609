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
from quicketl.state.dbstamps import prune_stamps
from quicketl.state.history import recent_runs
from quicketl.state.lock import LOCK_NAME, CacheLock
from quicketl.state.objects import OBJECTS_DIR, LocalDirBackend
from quicketl.state.objects.upkeep import collect, store_usage
from quicketl.state.store import DB_NAME, StateStore, looks_like_database
from quicketl.values import FrozenValue, MutableValue

PLANS_DIR = "plans"


@dataclass(repr=False, eq=False)
class CacheReport(MutableValue):
    """What a cache folder holds, or what a clean-up removed from it."""

    cache_dir: Path
    exists: bool
    size_bytes: int = 0
    tasks: dict[str, int] = field(default_factory=dict)
    stat_entries: int = 0
    plans: int = 0
    removed: list[str] = field(default_factory=list)
    # the output store (`objects/`): entries (one per task key), blobs, their bytes
    entries: int = 0
    objects: int = 0
    objects_bytes: int = 0
    last_run: LastRun | None = None

    def to_dict(self) -> dict[str, object]:
        last = None if self.last_run is None else dict(self.last_run.__dict__)
        return {**self.__dict__, "cache_dir": str(self.cache_dir), "last_run": last}


@dataclass(frozen=True, repr=False, eq=False)
class LastRun(FrozenValue):
    """How the last recorded workflow run used the cache: tasks restored from the output
    store, tasks up to date (hits), tasks that ran."""

    run_id: int
    workflow: str
    restored: int
    up_to_date: int
    ran: int


def scan_cache(cache: Path) -> CacheReport:
    """Size, recorded tasks per workflow, stat entries, stored plans, the output store and
    the last run's restores and hits of `cache`."""
    report = CacheReport(cache, exists=cache.is_dir())
    _scan_store(cache, report)
    if not (cache / DB_NAME).is_file():
        report.size_bytes = _folder_size(cache) if report.objects_bytes else 0
        return report
    with StateStore(cache) as store:
        report.tasks = {scope: len(store.get_all(scope)) for scope in store.scopes()}
        report.stat_entries = len(store.stat_entries())
        report.last_run = _last_run(store)
    report.size_bytes = _folder_size(cache)
    report.plans = len(list((cache / PLANS_DIR).glob("*.json")))
    return report


def _scan_store(cache: Path, report: CacheReport) -> None:
    if not (cache / OBJECTS_DIR).is_dir():
        return
    usage = store_usage(LocalDirBackend(cache / OBJECTS_DIR))
    report.entries, report.objects = usage.entries, usage.objects
    report.objects_bytes = usage.size_bytes


def _folder_size(cache: Path) -> int:
    return sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())


def _last_run(store: StateStore) -> LastRun | None:
    runs = recent_runs(store, limit=1)
    if not runs:
        return None
    document = runs[0].document
    tasks = document.get("tasks")
    statuses = (
        [t.get("status") for t in tasks if isinstance(t, dict)] if isinstance(tasks, list) else []
    )
    workflow = document.get("workflow")
    return LastRun(
        runs[0].run_id,
        workflow if isinstance(workflow, str) else "",
        statuses.count("restored"),
        statuses.count("up_to_date"),
        statuses.count("ran"),
    )


# What `cache clean` and `cache gc` say when a run (or a task an orchestrator runs) holds the cache.
AFTER_IT = "try again once it has finished"


def clear_cache(cache: Path) -> CacheReport:
    """Remove everything in `cache` but its lock, and say what went.

    Works on any cache, however damaged (a garbage or newer-schema database, a folder where
    a file should be): it is the advice every cache error gives, so it must never fail on one.
    """
    report = _scan_if_readable(cache)
    if not report.exists:
        return report
    _remove_odd_lock(cache / LOCK_NAME)
    with CacheLock(cache, wait=False, hint=AFTER_IT):
        for entry in sorted(cache.iterdir()):
            if entry.name != LOCK_NAME:
                _remove(entry)
                report.removed.append(entry.name)
    return report


@dataclass(frozen=True, repr=False, eq=False)
class StoreLimits(FrozenValue):
    """How far `cache gc` trims the output store: a total size, an age in days."""

    max_size: int | None = None
    older_than_days: float | None = None


def prune_cache(
    cache: Path,
    scope_gone: Callable[[str], bool],
    plan_gone: Callable[[Path], bool],
    limits: StoreLimits | None = None,
) -> CacheReport:
    """Drop the records of every scope `scope_gone` names, stat entries of deleted files, CSV
    detections of contents no file has, the stored plans `plan_gone` names, and what the
    output store need not keep (`limits`); keeps everything still used."""
    report = scan_cache(cache)
    if not ((cache / DB_NAME).is_file() or (cache / OBJECTS_DIR).is_dir()):
        return report  # nothing to prune: not even a lock file is made
    with CacheLock(cache, wait=False, hint=AFTER_IT):
        if (cache / DB_NAME).is_file():
            _prune_records(cache, report, scope_gone, plan_gone)
        _prune_store(cache, report, limits or StoreLimits())
    return report


def _prune_store(cache: Path, report: CacheReport, limits: StoreLimits) -> None:
    if not (cache / OBJECTS_DIR).is_dir():
        return
    current: set[str] = set()
    if (cache / DB_NAME).is_file():
        with StateStore(cache) as store:
            for scope in store.scopes():
                current.update(record.key for record in store.get_all(scope).values())
    backend = LocalDirBackend(cache / OBJECTS_DIR)
    done = collect(
        backend, current, max_size=limits.max_size, older_than_days=limits.older_than_days
    )
    report.removed += done.notes
    temps = backend.remove_stale_temps()
    if temps:
        report.removed.append(f"{temps} temporary files of killed runs from the output store")
    if done.entries or done.objects:
        report.removed.append(
            f"{done.entries} output entries and {done.objects} blobs "
            f"({done.freed_bytes} bytes) from the output store"
        )
    _scan_store(cache, report)
    report.size_bytes = _folder_size(cache)


def _prune_records(
    cache: Path,
    report: CacheReport,
    scope_gone: Callable[[str], bool],
    plan_gone: Callable[[Path], bool],
) -> None:
    with StateStore(cache) as store:
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
        stamps = prune_stamps(store)
        if stamps:
            report.removed.append(f"{stamps} table lists of deleted database files")
        for snapshot in (cache / PLANS_DIR).glob("*.json"):
            if plan_gone(snapshot):
                snapshot.unlink()
                report.removed.append(f"stored plan {snapshot.name}")


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
