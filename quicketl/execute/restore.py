"""Restoring a task's outputs from the output store instead of running it, and saving them
after it ran (docs/architecture.md, "The output store").

A task is restored only when its key, computed now from its config, variables, inputs and tool
versions, names a stored entry, and every blob of that entry matches its content hash. Some
tasks are never stored nor restored, because their key does not say everything their output
depends on (`never_restored`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quicketl.errors import QuickETLError
from quicketl.execute.decide import FORCED, Decider, Decision
from quicketl.execute.outcomes import TaskOutcome, iso_utc
from quicketl.locations.refs import file_refs, is_table
from quicketl.locations.urls import is_remote
from quicketl.plan.model import Plan, Task
from quicketl.state import StatCache
from quicketl.state.notices import cache_warning
from quicketl.state.objects import (
    Manifest,
    OutputSource,
    OutputStore,
    RestoreResult,
    local_output_store,
)
from quicketl.state.objects.remote import RemoteCache
from quicketl.values import FrozenValue

LOCAL = "the local cache"


def never_restored(task: Task) -> str | None:
    """Why the task's outputs are never stored nor restored, or None when they may be."""
    for external in task.external:
        if external.kind == "volatile":
            return "volatile: true (it must run every time)"
        if not external.checked:
            return f"reads {external.target}, which is not a file and has no freshness query"
    if any(is_table(ref) for ref in task.outputs):
        return "writes a database table (the cache holds files only)"
    sink = task.config.get("sink") or {}
    if isinstance(sink.get("path"), str) and is_remote(sink["path"]):
        return "writes to a URL (the cache holds local files only)"
    if sink.get("mode") == "append":
        return "appends to its output (a stored copy would only be one moment of it)"
    files = file_refs(task.outputs)
    if not files:
        return "writes no file"
    if any(Path(path).is_absolute() for path in files):
        return "writes outside the project"
    return None


def never_restored_note(reason: str) -> str:
    """The reason as `status` and `--dry-run` show it."""
    return f"never restored from the cache: {reason}"


@dataclass(frozen=True, repr=False, eq=False)
class Restored(FrozenValue):
    """The outcome of trying a store: `reasons` to report; `ok` when the outputs are back."""

    ok: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, repr=False, eq=False)
class TaskCache(FrozenValue):
    """The output stores a run restores from and saves to, and the run's number (entries
    say which run wrote them)."""

    store: OutputStore
    root: Path
    run_id: int | None = None
    where: str = LOCAL
    remote: RemoteCache | None = None  # pulled from when the local store misses, pushed to

    def try_restore(self, task: Task, decision: Decision, stat_cache: StatCache) -> Restored | None:
        """Put the task's outputs back from the store when its key has an entry (pulled from
        the remote cache first when only the remote has it); None when the task is not
        restorable or nothing is stored under its key."""
        if decision.reasons == (FORCED,) or never_restored(task) is not None:
            return None
        where = self.where
        try:
            manifest = self.store.entry(decision.key)
            if manifest is None and self.remote is not None:
                where, manifest = self.remote.where, self.remote.pull(decision.key, self.store)
            if manifest is None or not _same_outputs(manifest, task):
                return None
            result = self.store.restore(manifest, self.root, stat_cache)
        except (OSError, QuickETLError) as error:  # a cache that fails is a miss: the task runs
            reason = f"could not restore from {where}: {_said(error)}"
            cache_warning(f"{task.id}: {reason}; the task runs instead")
            return Restored(False, (reason,))
        if not result.ok:
            why = f"could not restore from {where}: {result.problem}"
            if result.evicted:  # damage in the cache deserves a word even when all goes on
                cache_warning(f"{task.id}: {why}; the task runs instead")
            return Restored(False, (why,))
        if self.remote is not None and where == self.where:  # a fresh remote fills up too
            self.remote.push(decision.key, self.store)
        return Restored(True, (self._explain(manifest, decision, result, where),))

    def _explain(
        self, manifest: Manifest, decision: Decision, result: RestoreResult, where: str
    ) -> str:
        by = f"by run {manifest.run_id} " if manifest.run_id is not None else ""
        when = iso_utc(manifest.created_at)
        files = result.verified + sum(_file_count(manifest, path) for path in result.kept)
        kept = "" if result.written else " (every output was already in place)"
        return (
            f"restored from {where}{kept}, entry written {by}at {when}; "
            f"key unchanged: {decision.key[:16]} (same config, variables, inputs and tool "
            f"versions); {files} file(s) verified by hash"
        )

    def save(self, task: Task, decision: Decision, rows: int | None, stat_cache: StatCache) -> None:
        """Store the outputs of a task that just succeeded. The store is a cache: a failure
        to save is one warning, never a failed task."""
        if never_restored(task) is not None:
            return
        files = file_refs(task.outputs)
        sources = [OutputSource(path, rows if len(files) == 1 else None) for path in files]
        _quietly(
            lambda: self.store.save(
                decision.key,
                sources,
                self.root,
                pipeline=task.name,
                run_id=self.run_id,
                stat_cache=stat_cache,
            )
        )
        if self.remote is not None:  # blobs first, the entry last (RemoteCache.push)
            self.remote.push(decision.key, self.store)


def _same_outputs(manifest: Manifest, task: Task) -> bool:
    """An entry restores exactly the task's outputs: never a path the task does not write."""
    return sorted(o.path for o in manifest.outputs) == sorted(file_refs(task.outputs))


def _file_count(manifest: Manifest, path: str) -> int:
    return next((len(o.blobs()) for o in manifest.outputs if o.path == path), 0)


SAVE_FAILED = "could not save outputs to the local output cache ({error}); runs go on without it"


def _quietly(save: Callable[[], object]) -> None:
    try:
        save()
    except (OSError, ValueError, QuickETLError) as error:
        cache_warning(SAVE_FAILED.format(error=_said(error)))


def _said(error: Exception) -> str:
    return str(getattr(error, "strerror", None) or error)


def local_task_cache(
    cache_dir: Path, root: Path, run_id: int | None, remote: RemoteCache | None = None
) -> TaskCache:
    """The cache folder's own output store (`<cache>/objects/`), for one run, over the
    remote cache if there is one."""
    return TaskCache(local_output_store(cache_dir), root, run_id, remote=remote)


def explain_restores(
    plan: Plan,
    outcomes: list[TaskOutcome],
    decider: Decider,
    store: OutputStore | None,
    remote: RemoteCache | None = None,
) -> None:
    """For `status` and `--dry-run`: add to each task that would run why it is never
    restored, or that the store (else the remote cache, as a run would pull from it) holds
    its outputs under its current key."""
    for outcome in outcomes:
        if outcome.status not in ("would_run", "may_run"):
            continue
        task = plan.task(outcome.task_id)
        reason = never_restored(task)
        if reason is not None:
            outcome.reasons.append(never_restored_note(reason))
        elif outcome.status == "would_run" and not decider.force:
            note = _restorable(task, decider.decide(task).key, store, remote)
            if note is not None:
                outcome.reasons.append(note)


def _restorable(
    task: Task, key: str, store: OutputStore | None, remote: RemoteCache | None
) -> str | None:
    manifest = store.entry(key) if store is not None else None
    where = LOCAL
    if manifest is None and remote is not None:
        where, manifest = remote.where, remote.peek(key)
    if manifest is None or not _same_outputs(manifest, task):
        return None
    return _restorable_note(manifest, where)


def _restorable_note(manifest: Manifest, where: str) -> str:
    by = f"by run {manifest.run_id} " if manifest.run_id is not None else ""
    return (
        f"would be restored from {where} (entry written {by}at {iso_utc(manifest.created_at)}), "
        "not run"
    )
