"""The remote cache of one run: opened from the options before anything is written, and the
upstream tasks whose outputs a worker without a shared disk pulls (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from quicketl.config.defaults import effective_remote_cache
from quicketl.plan.lineage import OutputIndex
from quicketl.plan.model import Plan
from quicketl.state.objects.remote import Mode, RemoteCache, open_remote


def open_remote_cache(url: str | None, mode: str | None, root: Path) -> RemoteCache | None:
    """The remote cache that --remote-cache, $QUICKETL_REMOTE_CACHE or quicketl.yml names
    (in that order), or None; ConfigError for a URL or mode it cannot use. Opening it
    touches nothing: a remote that cannot be reached is found out, and said once, later."""
    found, found_mode = effective_remote_cache(url, mode, root)
    if found is None:
        return None
    return RemoteCache(open_remote(found, root), cast(Mode, found_mode))


def upstream_read(plan: Plan, task_id: str) -> list[str]:
    """The tasks whose outputs `task_id` reads, directly or through other such tasks, in plan
    order: what a worker must restore before the task's key can be computed. Ordering-only
    `depends_on` edges bring nothing: a task that writes nothing read needs no pulling."""
    index = OutputIndex(plan.tasks)
    found: set[str] = set()
    frontier = [plan.task(task_id)]
    while frontier:
        task = frontier.pop()
        for writer, _ in index.read_by(task.inputs):
            upstream = plan.tasks[writer]
            if upstream.id not in found and upstream.id != task_id:
                found.add(upstream.id)
                frontier.append(upstream)
    return [t.id for t in plan.tasks if t.id in found]
