"""The run history in the public API: recent runs, one run, and its trace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quicketl.config.defaults import project_cache_dir
from quicketl.config.project import find_project_root
from quicketl.errors import ConfigError
from quicketl.state import resolve_cache_dir
from quicketl.state.history import KEEP, RunEntry, find_run, recent_runs
from quicketl.state.store import DB_NAME, StateStore


def history_cache(workflow: str | Path | None, cache_dir: str | Path | None) -> Path:
    """The cache whose history is read: that of the workflow's project, else the current one."""
    start = Path(workflow) if workflow is not None else Path.cwd() / "quicketl.yml"
    root = find_project_root(start)
    return resolve_cache_dir(root, cache_dir, project_cache_dir(root))


def run_history(
    workflow: str | Path | None = None, cache_dir: str | Path | None = None
) -> list[dict[str, Any]]:
    """The recorded runs, most recent first: of one workflow (its file or its name), or all.
    Each is its history document with its `run_id`."""
    cache = history_cache(workflow if _is_file(workflow) else None, cache_dir)
    if not (cache / DB_NAME).is_file():
        return []  # looking creates nothing
    with StateStore(cache) as store:
        entries = recent_runs(store)
    mine = [e for e in entries if workflow is None or _is_of(e, workflow)]
    return [_document(entry) for entry in mine]


def run_record(
    run_id: int, cache_dir: str | Path | None = None, *, workflow: str | Path | None = None
) -> dict[str, Any]:
    """One recorded run, by its number (in the cache of `workflow`'s project, else of the
    current one); ConfigError when the history has no such run."""
    cache = history_cache(workflow, cache_dir)
    entry = None
    if (cache / DB_NAME).is_file():
        with StateStore(cache) as store:
            entry = find_run(store, run_id)
    if entry is None:
        raise ConfigError(
            f"no run {run_id} in the history of {_shown(cache)} (it keeps the last {KEEP} "
            "runs; quicketl workflow log lists them)"
        )
    return _document(entry)


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _document(entry: RunEntry) -> dict[str, Any]:
    return {"run_id": entry.run_id, **entry.document}


def _is_file(workflow: str | Path | None) -> bool:
    return workflow is not None and Path(workflow).is_file()


def _is_of(entry: RunEntry, workflow: str | Path) -> bool:
    if not _is_file(workflow):
        return entry.document.get("workflow") == str(workflow)
    recorded = entry.document.get("workflow_path")
    return recorded is not None and Path(recorded).resolve() == Path(workflow).resolve()
