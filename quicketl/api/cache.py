"""The cache part of the public API: inspect, clean and garbage-collect `.quicketl-cache/`."""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import PROJECT_FILE, find_project_root
from quicketl.plan.scope import scope_file
from quicketl.plan.snapshot import snapshot_workflow
from quicketl.state import resolve_cache_dir
from quicketl.state.maintenance import CacheReport, clear_cache, prune_cache, scan_cache

PathLike = str | os.PathLike[str]

__all__ = ["CacheReport", "cache_clean", "cache_gc", "cache_status", "locate_cache"]


def locate_cache(where: PathLike | None, cache_dir: PathLike | None) -> tuple[Path, Path]:
    """(project root, cache folder) for a project folder or a file inside it."""
    start = Path(where) if where else Path.cwd()
    root = find_project_root(start if start.is_file() else start / PROJECT_FILE)
    return root, resolve_cache_dir(root, cache_dir, project_cache_dir(root))


def cache_status(where: PathLike | None = None, cache_dir: PathLike | None = None) -> CacheReport:
    """Where the cache is, its size, and how many tasks each workflow has recorded."""
    return scan_cache(locate_cache(where, cache_dir)[1])


def cache_clean(where: PathLike | None = None, cache_dir: PathLike | None = None) -> CacheReport:
    """Forget everything: the next run of every workflow runs every task once. Never fails
    on a damaged cache (it is what every cache error advises)."""
    return clear_cache(locate_cache(where, cache_dir)[1])


def cache_gc(where: PathLike | None = None, cache_dir: PathLike | None = None) -> CacheReport:
    """Drop records of workflows and files that no longer exist; keeps everything still used."""
    root, cache = locate_cache(where, cache_dir)

    def plan_gone(snapshot: Path) -> bool:
        workflow = snapshot_workflow(snapshot)
        return workflow is None or not workflow.is_file()

    return prune_cache(cache, lambda scope: not scope_file(scope, root).is_file(), plan_gone)
