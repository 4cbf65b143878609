"""The cache part of the public API: inspect, clean and garbage-collect `.quicketl-cache/`."""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import PROJECT_FILE, find_project_root
from quicketl.errors import ConfigError, StateError
from quicketl.execute.remote_cache import open_remote_cache
from quicketl.plan.scope import scope_file
from quicketl.plan.snapshot import snapshot_workflow
from quicketl.state import resolve_cache_dir
from quicketl.state.maintenance import (
    CacheReport,
    StoreLimits,
    clear_cache,
    prune_cache,
    scan_cache,
)
from quicketl.state.objects import BackendUnavailable
from quicketl.state.objects.remote_gc import prune_remote
from quicketl.state.objects.upkeep import parse_days, parse_size

PathLike = str | os.PathLike[str]

__all__ = [
    "CacheReport",
    "cache_clean",
    "cache_gc",
    "cache_gc_remote",
    "cache_status",
    "locate_cache",
]


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


def cache_gc(
    where: PathLike | None = None,
    cache_dir: PathLike | None = None,
    *,
    max_size: str | int | None = None,
    older_than: str | float | None = None,
) -> CacheReport:
    """Drop records of workflows and files that no longer exist, and trim the output store:
    blobs no entry names, entries older than `older_than` days, and, to fit `max_size`
    (bytes, or text such as "500M"), the oldest entries. What the current task records
    reference is kept first. Bad sizes or ages raise ConfigError before anything is touched."""
    limits = StoreLimits(
        parse_size(max_size) if isinstance(max_size, str) else max_size,
        parse_days(older_than) if isinstance(older_than, str) else older_than,
    )
    root, cache = locate_cache(where, cache_dir)

    def plan_gone(snapshot: Path) -> bool:
        workflow = snapshot_workflow(snapshot)
        return workflow is None or not workflow.is_file()

    def scope_gone(scope: str) -> bool:
        return not scope_file(scope, root).is_file()

    return prune_cache(cache, scope_gone, plan_gone, limits)


NO_REMOTE = (
    "cache gc --remote: no remote cache is set; give --remote-cache URL, or set "
    "QUICKETL_REMOTE_CACHE or remote_cache: in quicketl.yml"
)


def cache_gc_remote(
    where: PathLike | None = None,
    cache_dir: PathLike | None = None,
    *,
    remote_cache: str | None = None,
    max_size: str | int | None = None,
    older_than: str | float | None = None,
) -> CacheReport:
    """Trim the remote cache (`remote_cache`, else $QUICKETL_REMOTE_CACHE, else quicketl.yml's)
    as `cache_gc` trims the local store: what this project's current task records use is kept
    first. ConfigError when no remote is set or its mode is `read`; StateError when it cannot
    be reached (gc, unlike a run, is about the remote: it fails rather than warns)."""
    limits = StoreLimits(
        parse_size(max_size) if isinstance(max_size, str) else max_size,
        parse_days(older_than) if isinstance(older_than, str) else older_than,
    )
    root, cache = locate_cache(where, cache_dir)
    remote = open_remote_cache(remote_cache, None, root)
    if remote is None:
        raise ConfigError(NO_REMOTE)
    if remote.mode == "read":
        raise ConfigError(
            f"cache gc --remote: the remote cache {remote.label} is read-only here "
            "(remote cache mode read); collecting it deletes from it"
        )
    try:
        return prune_remote(cache, remote.backend, limits)
    except (BackendUnavailable, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise StateError(f"cache gc --remote: {reason}") from None
