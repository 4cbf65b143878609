"""Planning with the plan cache: the last run's stored plan, whole or per pipeline file
(docs/architecture.md, "The plan cache")."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import find_project_root
from quicketl.plan.builder import build_plan
from quicketl.plan.model import Plan
from quicketl.state import resolve_cache_dir

if TYPE_CHECKING:
    from quicketl.plan.reuse import StoredPipelines


def read_only_reuse(
    workflow: Path, root: Path | None, cache_dir: Path | None
) -> StoredPipelines | None:
    """The per-file plan cache of the last run's stored plan, read without writing anything."""
    from quicketl.plan.reuse import stored_pipelines
    from quicketl.plan.snapshot import current, snapshot_path
    from quicketl.state.readonly import read_only_state

    root = root or find_project_root(workflow)
    cache = resolve_cache_dir(root, cache_dir, project_cache_dir(root))
    snapshot = snapshot_path(cache, workflow)
    state = read_only_state(cache) if snapshot.is_file() else None
    if state is None:
        return None
    state.close()  # its stat cache is in memory; whatever it hashes is never saved
    return stored_pipelines(snapshot, root, state.stat_cache, state.key, current)


def stored_or_replanned(
    workflow: Path,
    snapshot: Path,
    variables: Mapping[str, object] | None,
    cache_dir: str | Path | None,
    allow_outside_project: bool,
) -> Plan:
    """The whole stored plan, else a plan made with its per-file cache; one visit to the
    state store for both (each open and close of it costs milliseconds on the hot path)."""
    from quicketl.plan.reuse import stored_pipelines
    from quicketl.plan.snapshot import current, load_snapshot
    from quicketl.state import StatCache, StateStore
    from quicketl.state.secretkey import cache_secret_key

    cache = snapshot.parent.parent
    with StateStore(cache) as store:
        stat_cache = StatCache(store.stat_entries())
        plan = load_snapshot(snapshot, dict(variables or {}), stat_cache)
        if plan is None:
            key = cache_secret_key(cache)
            root = find_project_root(workflow)
            reuse = stored_pipelines(snapshot, root, stat_cache, key, current)
            plan = build_plan(
                workflow,
                variables,
                allow_outside_project=allow_outside_project,
                cache_dir=Path(cache_dir) if cache_dir is not None else None,
                reuse=reuse,
            )
        store.save_stat_entries(stat_cache.take_dirty())
    return plan
