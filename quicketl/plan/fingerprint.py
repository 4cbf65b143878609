"""A plan's fingerprint: what a generated DAG or flow was made from, to tell when it is stale.

Two parts, `structure-edges`. The structure is the tasks (id, stage, pipeline file) and the
stages (name, depends_on, parallel), which the workflow file alone decides. The edges need
every pipeline resolved (lineage reads their paths), so a task that could not resolve an
unrelated pipeline on its worker can still check the structure (docs/export.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from typing import Any

from quicketl.locations.paths import root_relative
from quicketl.plan.model import Plan

FORMAT = "f1"


def plan_fingerprint(
    plan: Plan,
    covered: Collection[str] | None = None,
    unresolved: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """`f1.<structure>.<edges>` over the `covered` tasks (all by default) and the edges that
    touch them; `unresolved` adds tasks whose pipeline was not loaded: id -> (stage, file)."""
    tasks = {t.id: (t.stage, root_relative(t.pipeline_path, plan.root)) for t in plan.tasks}
    tasks.update(unresolved or {})
    chosen = set(tasks) if covered is None else set(covered)
    listed = sorted([task_id, *tasks[task_id]] for task_id in chosen if task_id in tasks)
    stage_names = {stage for _, stage, _ in listed}
    stages = [
        [s.name, sorted(s.depends_on), s.parallel] for s in plan.stages if s.name in stage_names
    ]
    edges = sorted(
        {(e.upstream, e.downstream) for e in plan.edges if {e.upstream, e.downstream} & chosen}
    )
    return f"{FORMAT}.{_digest([stages, listed])}.{_digest(edges)}"


def same_structure(a: str, b: str) -> bool:
    """Whether two fingerprints agree on the part that needs no pipeline resolved."""
    return a.split(".")[:2] == b.split(".")[:2]


def _digest(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
