"""Planning large workflows: no recursion limit, no listing of every depends_on pair."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import Project, new_project

from quicketl import api
from quicketl.plan.builder import build_plan
from quicketl.plan.model import Edge


def many(project: Project, stage: str, count: int, reads: str | None = None) -> list[str]:
    """`count` pipelines `stage/p<i>.yml`, each reading `reads` (formatted with i) or a CSV."""
    paths = []
    for i in range(count):
        source = (reads or "data/raw.csv").format(i=i)
        text = f"name: {stage}{i}\nsource: {{type: file, path: {source}}}\n"
        text += f"sink: {{type: file, path: out/{stage}/p{i}.parquet}}\n"
        paths.append(
            str(project.write(f"pipelines/{stage}/p{i}.yml", text).relative_to(project.root))
        )
    return paths


def test_a_sequential_stage_of_1200_pipelines_plans_without_hitting_the_recursion_limit(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    path = project.workflow([{"name": "chain", "pipelines": many(project, "chain", 1200)}])
    plan = build_plan(path)
    assert len(plan.tasks) == 1200
    assert len(plan.edges) == 1199
    assert plan.edges[0] == Edge("chain.p0", "chain.p1", "order")
    assert len(plan.levels()) == 1200


def test_depends_on_between_wide_stages_is_stored_as_one_block(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    first = many(project, "a", 40)
    second = many(project, "b", 40, reads="out/a/p{i}.parquet")
    path = project.workflow(
        [
            {"name": "a", "parallel": True, "pipelines": first},
            {"name": "b", "parallel": True, "depends_on": ["a"], "pipelines": second},
        ]
    )
    plan = build_plan(path)
    from quicketl.plan.edgeset import EdgeSet  # here, so the other tests run on any version

    assert isinstance(plan.edges, EdgeSet)
    assert plan.edges.explicit == ()  # the lineage pairs merge into the block
    assert len(plan.edges.blocks) == 1
    assert len(plan.edges) == 1600
    assert {(e.upstream, e.downstream, e.reason) for e in plan.edges} == {
        (f"a.p{i}", f"b.p{j}", "depends_on") for i in range(40) for j in range(40)
    }
    assert plan.upstream_of("b.p7") == tuple(sorted(f"a.p{i}" for i in range(40)))
    assert plan.levels() == [[f"a.p{i}" for i in range(40)], [f"b.p{i}" for i in range(40)]]


def test_status_after_a_run_reuses_the_stored_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    path = project.workflow([{"name": "s", "parallel": True, "pipelines": many(project, "s", 3)}])
    assert api.run_workflow(path).succeeded

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("status parsed a pipeline although nothing changed")

    monkeypatch.setattr("quicketl.plan.builder.load_pipeline", no_parsing)
    result = api.explain(path)
    assert [t.status for t in result.tasks] == ["up_to_date"] * 3
