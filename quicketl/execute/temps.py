"""Stale temps: what killed runs left beside the outputs, removed whenever a run holds the lock.

Stdlib-light, so the no-op fast path can clean too: a run with nothing to do still leaves no
debris behind. A temp whose writer is alive is never touched (see `state.atomic`).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path

from quicketl.locations.refs import file_refs
from quicketl.plan.model import Plan
from quicketl.state import cleanup_temps


def clean_stale_temps(
    plan: Plan, task_ids: Iterable[str], keep: Collection[Path] = ()
) -> list[Path]:
    """Remove dead runs' temps beside the outputs of `task_ids`, except `keep`; returns them."""
    wanted = set(task_ids)
    # Strings, not paths, while collecting: one per output of every task.
    folders = {
        os.path.dirname(os.path.join(plan.root, out).rstrip("/"))  # "out/part/": beside it
        for task in plan.tasks
        if task.id in wanted
        for out in file_refs(task.outputs)
    }
    return [path for folder in sorted(folders) for path in cleanup_temps(Path(folder), keep)]
