"""What each task waits for when scheduled, without listing every `depends_on` pair.

Two stages of 2,000 pipelines are four million pairs. A scheduler given one barrier per
block instead (waiting for the block's upstream tasks, and waited for by its downstream
ones) orders the tasks exactly the same with 4,000 links.
"""

from __future__ import annotations

from collections.abc import Sequence

from quicketl.plan.model import Plan

BARRIER = "barrier-"  # task ids hold a `.`, a barrier never does (nor a `:`, doit's subtask mark)


def schedule_links(
    plan: Plan, task_ids: Sequence[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(barrier -> the selected tasks it waits for, task -> what it waits for), in order.

    As before, only selected tasks are waited for: an unselected parent is not run."""
    selected, links = set(task_ids), plan.links
    barriers: dict[str, list[str]] = {}
    for index, block in enumerate(links.blocks):
        upstream = sorted(up for up in block.upstream if up in selected)
        if upstream:
            barriers[f"{BARRIER}{index}"] = upstream
    waits: dict[str, list[str]] = {}
    for task_id in task_ids:
        parents, blocks = links.waits_for(task_id)
        names = [f"{BARRIER}{index}" for index in blocks]
        waits[task_id] = sorted({p for p in parents if p in selected}) + [
            name for name in names if name in barriers
        ]
    return barriers, waits
