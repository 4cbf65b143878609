"""`quicketl cache gc --remote`: collect a remote cache by the local store's rules.

What this checkout's task records use now is kept first (their keys are what a fresh checkout
of this project restores); then entries older than the age limit go, then the oldest until the
size limit is met, then every blob no kept entry names. The remote is shared, so other
projects' current entries are only known by their age: give limits that fit every user of it.
An interrupted push (blobs up, entry not yet) may lose its blobs to a collection running at
that moment; its entry then names missing blobs, which a pull treats as no entry, and the next
push of that key uploads them again.
"""

from __future__ import annotations

from pathlib import Path

from quicketl.state.maintenance import CacheReport, StoreLimits
from quicketl.state.objects.backend import Backend
from quicketl.state.objects.upkeep import collect, store_usage
from quicketl.state.store import DB_NAME, StateStore


def prune_remote(cache: Path, remote: Backend, limits: StoreLimits) -> CacheReport:
    """Collect `remote`, keeping first what the records of the local `cache` use; the report
    counts what the remote holds afterwards."""
    done = collect(
        remote,
        _current_keys(cache),
        max_size=limits.max_size,
        older_than_days=limits.older_than_days,
    )
    report = CacheReport(cache, exists=True, removed=list(done.notes))
    if done.entries or done.objects:
        report.removed.append(
            f"{done.entries} output entries and {done.objects} blobs ({done.freed_bytes} bytes) "
            f"from the remote cache {remote.label}"
        )
    usage = store_usage(remote)
    report.entries, report.objects, report.objects_bytes = (
        usage.entries,
        usage.objects,
        usage.size_bytes,
    )
    report.size_bytes = usage.size_bytes
    return report


def _current_keys(cache: Path) -> set[str]:
    if not (cache / DB_NAME).is_file():
        return set()
    with StateStore(cache) as store:
        return {record.key for scope in store.scopes() for record in store.get_all(scope).values()}
