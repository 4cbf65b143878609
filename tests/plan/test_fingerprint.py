"""The plan fingerprint a generated DAG carries: what changes it, and what does not."""

from __future__ import annotations

from dataclasses import replace

from quicketl.plan.fingerprint import plan_fingerprint, same_structure
from quicketl.plan.model import Edge
from tests.export import plans  # hand-built plans need no YAML


def test_the_same_plan_gives_the_same_fingerprint() -> None:
    assert plan_fingerprint(plans.medallion()) == plan_fingerprint(plans.medallion())
    assert plan_fingerprint(plans.medallion()).startswith("f1.")


def test_a_new_stage_a_new_edge_or_a_moved_file_changes_it() -> None:
    base = plans.medallion()
    more = plans.make_plan(
        base.name,
        [plans.Stage("bronze", ["ingest_users"]), plans.Stage("gold", ["x"])],
    )
    assert plan_fingerprint(more) != plan_fingerprint(base)
    edge = replace(
        base, edges=(*base.edges, Edge("silver.clean_users", "silver.clean_events", "lineage"))
    )
    assert plan_fingerprint(edge) != plan_fingerprint(base)
    assert same_structure(plan_fingerprint(edge), plan_fingerprint(base))
    task = replace(base.tasks[0], pipeline_path=base.root / "elsewhere.yml")
    moved = replace(base, tasks=(task, *base.tasks[1:]))
    assert not same_structure(plan_fingerprint(moved), plan_fingerprint(base))


def test_descriptions_and_variables_do_not_change_it() -> None:
    base = plans.medallion()
    other = replace(base, description="new words", variables={"X": 1})
    assert plan_fingerprint(other) == plan_fingerprint(base)


def test_a_selection_ignores_tasks_outside_it_and_their_edges() -> None:
    base = plans.lineage_only()
    chosen = ["load.orders", "report.by_day"]
    edge = replace(base, edges=(*base.edges, Edge("load.users", "report.by_user", "order")))
    assert plan_fingerprint(edge, chosen) == plan_fingerprint(base, chosen)
    assert plan_fingerprint(base, chosen) != plan_fingerprint(base)


def test_an_unresolved_task_counts_in_the_structure() -> None:
    base = plans.diamond()
    without = replace(base, tasks=tuple(t for t in base.tasks if t.id != "middle.left"))
    left_out = {"middle.left": ("middle", "pipelines/middle/left.yml")}
    assert same_structure(plan_fingerprint(without, None, left_out), plan_fingerprint(base))
