"""The cache half of the public API: inspect, clean and garbage-collect `.quicketl-cache/`."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import find_project_root
from quicketl.errors import StateError
from quicketl.plan.scope import scope_file
from quicketl.state import CacheLock, StateStore, resolve_cache_dir
from quicketl.state.lock import LOCK_NAME
from quicketl.state.store import looks_like_database


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


def locate_cache(where: str | Path | None, cache_dir: str | Path | None) -> tuple[Path, Path]:
    """(project root, cache folder) for a project folder or a file inside it."""
    start = Path(where) if where else Path.cwd()
    root = find_project_root(start if start.is_file() else start / "quicketl.yml")
    return root, resolve_cache_dir(root, cache_dir, project_cache_dir(root))


def cache_status(
    where: str | Path | None = None, cache_dir: str | Path | None = None
) -> CacheReport:
    return _status(locate_cache(where, cache_dir)[1])


def _status(cache: Path) -> CacheReport:
    if not (cache / "state.db").is_file():
        return CacheReport(cache, exists=cache.is_dir())
    with StateStore(cache) as store:
        tasks = {scope: len(store.get_all(scope)) for scope in store.scopes()}
        stats = len(store.stat_entries())
    size = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
    plans = len(list((cache / "plans").glob("*.json")))
    return CacheReport(cache, True, size, tasks, stats, plans)


def cache_clean(
    where: str | Path | None = None, cache_dir: str | Path | None = None
) -> CacheReport:
    """Forget everything: the next run of every workflow runs every task once.

    Works on any cache, however damaged (a garbage or newer-schema database, a folder where
    a file should be): it is the advice every cache error gives, so it must never fail on one.
    """
    _, cache = locate_cache(where, cache_dir)
    report = _status_if_readable(cache)
    if not report.exists:
        return report
    _remove_odd_lock(cache / LOCK_NAME)
    with CacheLock(cache, wait=False):
        for entry in sorted(cache.iterdir()):
            if entry.name != LOCK_NAME:
                _remove(entry)
                report.removed.append(entry.name)
    return report


def _status_if_readable(cache: Path) -> CacheReport:
    """The cache's status when its database reads; else only that the cache is there."""
    if not looks_like_database(cache / "state.db"):
        return CacheReport(cache, exists=cache.is_dir())
    try:
        return _status(cache)
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


def cache_gc(where: str | Path | None = None, cache_dir: str | Path | None = None) -> CacheReport:
    """Drop records of workflows and files that no longer exist; keeps everything still used."""
    root, cache = locate_cache(where, cache_dir)
    report = _status(cache)
    if not (cache / "state.db").is_file():
        return report
    with CacheLock(cache, wait=False), StateStore(cache) as store:
        for scope in store.scopes():
            if not scope_file(scope, root).is_file():
                store.clear(scope)
                report.removed.append(f"records of {scope}")
        pruned = store.prune_stat_entries()
        if pruned:
            report.removed.append(f"{pruned} stat-cache entries of deleted files")
        report.removed += _stale_plans(cache)
    return report


def _stale_plans(cache: Path) -> list[str]:
    removed = []
    for snapshot in (cache / "plans").glob("*.json"):
        workflow = _workflow_of(snapshot)
        if workflow is None or not workflow.is_file():
            snapshot.unlink()
            removed.append(f"stored plan {snapshot.name}")
    return removed


def _workflow_of(snapshot: Path) -> Path | None:
    """The workflow a stored plan was made from; None when the plan cannot be read."""
    try:
        workflow = json.loads(snapshot.read_text(encoding="utf-8"))["plan"]["workflow_path"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return Path(workflow) if isinstance(workflow, str) else None
