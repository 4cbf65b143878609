"""Planning workflows: tasks, edges from three places, and every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import diamond, linear_three, new_project

from quicketl.errors import ConfigError, PlanError
from quicketl.plan.builder import build_plan


def edge_set(plan):  # type: ignore[no-untyped-def]
    return {(e.upstream, e.downstream, e.reason) for e in plan.edges}


def test_linear_three_has_a_chain_of_depends_on_edges(tmp_path: Path) -> None:
    plan = build_plan(linear_three(new_project(tmp_path)))
    assert [t.id for t in plan.tasks] == ["s1.a", "s2.b", "s3.c"]
    assert edge_set(plan) == {("s1.a", "s2.b", "depends_on"), ("s2.b", "s3.c", "depends_on")}
    assert plan.task("s2.b").inputs == ("out/a.parquet",)
    assert plan.task("s2.b").outputs == ("out/b.parquet",)
    assert plan.root == tmp_path.resolve()


def test_diamond_edges_are_reduced_to_what_matters(tmp_path: Path) -> None:
    plan = build_plan(diamond(new_project(tmp_path)))
    assert edge_set(plan) == {
        ("first.top", "middle.left", "depends_on"),
        ("first.top", "middle.right", "depends_on"),
        ("middle.left", "last.bottom", "depends_on"),
        ("middle.right", "last.bottom", "depends_on"),
    }


def test_sequential_stage_orders_by_list(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    for name in ("one", "two", "three"):
        project.pipeline(name, "data/x.csv", f"out/{name}.parquet")
    path = project.workflow(
        [
            {
                "name": "only",
                "pipelines": ["pipelines/one.yml", "pipelines/two.yml", "pipelines/three.yml"],
            }
        ]
    )
    plan = build_plan(path)
    assert edge_set(plan) == {
        ("only.one", "only.two", "order"),
        ("only.two", "only.three", "order"),
    }


def test_parallel_stage_without_lineage_has_no_edges(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    project.pipeline("one", "data/x.csv", "out/one.parquet")
    project.pipeline("two", "data/x.csv", "out/two.parquet")
    path = project.workflow(
        [{"name": "p", "parallel": True, "pipelines": ["pipelines/one.yml", "pipelines/two.yml"]}]
    )
    assert build_plan(path).edges == ()


def test_lineage_without_depends_on_is_an_edge_and_a_warning(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    project.pipeline("make", "data/x.csv", "out/made.parquet")
    project.pipeline("use", "out/made.parquet", "out/used.parquet")
    path = project.workflow(
        [
            {"name": "later", "pipelines": ["pipelines/use.yml"]},
            {"name": "early", "pipelines": ["pipelines/make.yml"]},
        ]
    )
    plan = build_plan(path)
    assert edge_set(plan) == {("early.make", "later.use", "lineage")}
    assert [t.id for t in plan.tasks] == ["early.make", "later.use"]
    (warning,) = plan.warnings
    assert "add depends_on: [early]" in str(warning)
    assert "later.use reads out/made.parquet, written by early.make" in str(warning)


def test_glob_reads_a_partitioned_output_folder(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    project.pipeline("make", "data/x.csv", "out/parts")
    project.write(
        "pipelines/make.yml",
        (tmp_path / "pipelines/make.yml")
        .read_text()
        .replace("path: out/parts", "path: out/parts\n  format: parquet\n  partition_by: [id]"),
    )
    project.pipeline("use", "out/parts/**/*.parquet", "out/used.parquet")
    path = project.workflow(
        [
            {"name": "a", "pipelines": ["pipelines/make.yml"]},
            {"name": "b", "depends_on": ["a"], "pipelines": ["pipelines/use.yml"]},
        ]
    )
    assert edge_set(build_plan(path)) == {("a.make", "b.use", "depends_on")}


def test_seed_layout_resolves_against_the_project_root(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "medallion"
    plan = build_plan(example / "workflows" / "medallion.yml")
    assert [s.name for s in plan.stages] == ["bronze", "silver"]
    assert len(plan.tasks) == 5
    assert plan.task("silver.clean_events").pipeline_path == (
        example / "pipelines" / "silver" / "clean_events.yml"
    )


def test_same_file_in_two_stages_is_two_tasks(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    project.write(
        "pipelines/p.yml",
        "name: p\nsource: {path: data/x.csv}\nsink: {path: 'out/${WHERE}.parquet'}\n",
    )
    path = project.workflow(
        [
            {
                "name": "one",
                "pipelines": [{"path": "pipelines/p.yml", "variables": {"WHERE": "a"}}],
            },
            {
                "name": "two",
                "depends_on": ["one"],
                "pipelines": [{"path": "pipelines/p.yml", "variables": {"WHERE": "b"}}],
            },
        ]
    )
    plan = build_plan(path)
    assert [t.id for t in plan.tasks] == ["one.p", "two.p"]
    assert plan.task("two.p").outputs == ("out/b.parquet",)
    assert plan.task("two.p").used_vars == {"WHERE": "b"}


def test_variable_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    project.write(
        "pipelines/p.yml",
        "name: p\nsource: {path: data/x.csv}\n"
        "sink: {path: 'out/${A}-${B}-${C}-${D}-${E:-e}.parquet'}\n",
    )
    project.write(".env", "D=from_dotenv\nC=dotenv_loses\n")
    monkeypatch.setenv("C", "from_env")
    monkeypatch.setenv("B", "env_loses")
    path = project.workflow(
        [{"name": "s", "pipelines": [{"path": "pipelines/p.yml", "variables": {"A": "entry"}}]}],
        variables={"A": "workflow_loses", "B": "from_workflow"},
    )
    plan = build_plan(path, {"A": "cli"})
    assert plan.task("s.p").outputs == ("out/cli-from_workflow-from_env-from_dotenv-e.parquet",)
    plan = build_plan(path)
    assert plan.task("s.p").outputs == ("out/entry-from_workflow-from_env-from_dotenv-e.parquet",)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    project.pipeline("a", "data/x.csv", "out/same.parquet")
    project.pipeline("b", "data/x.csv", "out/same.parquet")
    project.pipeline("c", "data/x.csv", "out/c.parquet")
    project.write(
        "pipelines/bad.yml",
        "name: bad\nsource: {path: data/x.csv}\n"
        "transforms:\n  - op: filtr\n    predicate: id > 1\nsink: {path: out/bad.parquet}\n",
    )
    path = project.workflow(
        [
            {"name": "one", "depends_on": ["tow"], "pipelines": ["pipelines/a.yml"]},
            {
                "name": "two",
                "depends_on": ["one", "three"],
                "pipelines": ["pipelines/b.yml", "pipelines/missing.yml", "pipelines/bad.yml"],
            },
            {"name": "three", "depends_on": ["two"], "pipelines": ["pipelines/c.yml"]},
        ]
    )
    with pytest.raises(PlanError) as caught:
        build_plan(path)
    text = str(caught.value)
    assert "stages[0].depends_on[0]: unknown stage 'tow' in depends_on; did you mean 'two'?" in text
    assert "pipeline file not found: pipelines/missing.yml" in text
    assert "bad.yml:4: transforms[0]: unknown op 'filtr'; did you mean 'filter'?" in text
    assert (
        "wf.yml:13: stages[1].pipelines[0].path: one.a and two.b both write out/same.parquet"
        in text
    )
    assert "cycle in stage depends_on: two -> three -> two" in text
    assert f"{path}:" in text


def test_task_cycle_through_lineage_is_named(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.pipeline("x", "out/y.parquet", "out/x.parquet")
    project.pipeline("y", "out/x.parquet", "out/y.parquet")
    path = project.workflow(
        [{"name": "s", "parallel": True, "pipelines": ["pipelines/x.yml", "pipelines/y.yml"]}]
    )
    with pytest.raises(PlanError, match=r"cycle between pipelines: s\.x -> s\.y -> s\.x"):
        build_plan(path)


def test_unknown_workflow_key_suggests(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv")
    project.pipeline("a", "data/x.csv", "out/a.parquet")
    path = project.workflow([{"name": "s", "paralel": True, "pipelines": ["pipelines/a.yml"]}])
    with pytest.raises(ConfigError) as caught:
        build_plan(path)
    assert "stages[0].paralel: unknown key 'paralel'; did you mean 'parallel'?" in str(caught.value)
