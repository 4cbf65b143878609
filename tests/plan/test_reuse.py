"""quicketl.plan.reuse: the per-file plan cache parses only the files that changed, and never
gives a stale task: every replanned plan equals a plan made from scratch."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from projects import Project, new_project

from quicketl import api
from quicketl.errors import ConfigError, PlanError
from quicketl.plan.model import Plan
from quicketl.plan.snapshot import SNAPSHOT_FORMAT, snapshot_path

FILTERED = {"transforms": [{"op": "filter", "predicate": "id >= ${MIN:-0}"}]}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """One parallel stage: raw -> a -> b -> c by lineage alone; b filters on ${MIN:-0}."""
    project = new_project(tmp_path)
    project.csv("data/raw.csv", rows=5)
    project.pipeline("a", "data/raw.csv", "out/a.parquet")
    project.pipeline("b", "out/a.parquet", "out/b.parquet", **FILTERED)
    project.pipeline("c", "out/b.parquet", "out/c.parquet")
    stage = {"name": "s", "parallel": True, "pipelines": [f"pipelines/{n}.yml" for n in "abc"]}
    project.workflow([stage])
    return project


def workflow(project: Project) -> Path:
    return project.root / "workflows/wf.yml"


def ran_once(project: Project, variables: dict[str, object] | None = None) -> Path:
    path = workflow(project)
    result = api.run_workflow(path, variables)
    assert result.succeeded
    assert snapshot_path(project.root / ".quicketl-cache", path).is_file()
    return path


def replanned(path: Path, variables: dict[str, object] | None = None) -> tuple[Plan, list[str]]:
    """The plan a run would use now, checked equal to a fresh one; and the ids of the tasks
    whose file was parsed again (a reused task carries no loaded pipeline)."""
    plan = api.plan_for_run(path, variables)
    fresh = api.plan_workflow(path, variables)
    assert plan.tasks == fresh.tasks  # every field, the task's own warnings included
    assert list(plan.edges) == list(fresh.edges)
    assert (plan.stages, plan.warnings, plan.used_vars) == (
        fresh.stages,
        fresh.warnings,
        fresh.used_vars,
    )
    return plan, [task.id for task in plan.tasks if task.pipeline is not None]


def edit(project: Project, name: str, old: str, new: str) -> Path:
    path = project.root / f"pipelines/{name}.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


def test_a_one_file_edit_parses_that_file_only(project: Project) -> None:
    path = ran_once(project)
    edit(project, "c", "out/c.parquet", "out/c2.parquet")
    plan, parsed = replanned(path)
    assert parsed == ["s.c"]
    assert plan.task("s.c").outputs == ("out/c2.parquet",)


def test_a_touched_file_is_reused(project: Project) -> None:
    path = ran_once(project)
    os.utime(project.root / "pipelines/a.yml")  # same bytes, new stat: hashed again, same hash
    edit(project, "c", "out/c.parquet", "out/c2.parquet")
    assert replanned(path)[1] == ["s.c"]


def test_a_same_size_edit_with_its_mtime_put_back_is_parsed(project: Project) -> None:
    path = ran_once(project)
    target = project.root / "pipelines/b.yml"
    before = target.stat()
    edit(project, "b", "${MIN:-0}", "${MIN:-1}")  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    plan, parsed = replanned(path)
    assert parsed == ["s.b"]
    assert plan.task("s.b").config["transforms"][0]["predicate"] == "id >= 1"


def test_a_changed_variable_parses_the_files_that_use_it(project: Project) -> None:
    path = ran_once(project, {"MIN": "1"})
    plan, parsed = replanned(path, {"MIN": "2"})
    assert parsed == ["s.b"]
    assert plan.task("s.b").used_vars == {"MIN": "2"}
    edit(project, "c", "out/c.parquet", "out/c2.parquet")
    assert replanned(path, {"MIN": "1", "UNUSED": "x"})[1] == ["s.c"]


def test_an_environment_variable_overriding_a_default_parses_its_file(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ran_once(project)
    edit(project, "c", "out/c.parquet", "out/c2.parquet")  # the whole plan no longer holds
    monkeypatch.setenv("MIN", "3")  # overrides `${MIN:-0}`
    plan, parsed = replanned(path)
    assert parsed == ["s.b", "s.c"]
    assert plan.task("s.b").used_vars == {"MIN": "3"}


def test_another_environment_of_quicketl_yml_parses_the_files_it_changes(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write(
        "quicketl.yml",
        "name: test\nenvironments:\n  dev: {variables: {MIN: '1'}}\n"
        "  prod: {variables: {MIN: '4'}}\n",
    )
    monkeypatch.setenv("QUICKETL_ENV", "dev")
    path = ran_once(project)
    monkeypatch.setenv("QUICKETL_ENV", "prod")
    plan, parsed = replanned(path)
    assert parsed == ["s.b"]
    assert plan.task("s.b").used_vars == {"MIN": "4"}


def test_an_edited_project_file_changing_a_variable_parses_its_users(project: Project) -> None:
    project.write("quicketl.yml", "name: test\nvariables: {MIN: '1'}\n")
    path = ran_once(project)
    project.write("quicketl.yml", "name: test\nvariables: {MIN: '2'}\n")
    assert replanned(path)[1] == ["s.b"]


def test_a_file_that_becomes_invalid_is_a_located_error(project: Project) -> None:
    path = ran_once(project)
    edit(project, "c", "type: file\n  path: out/b.parquet", "type: fle\n  path: out/b.parquet")
    with pytest.raises(ConfigError, match=r"pipelines/c\.yml:2: source: unknown type 'fle'"):
        api.plan_for_run(path)


def test_a_sink_that_now_collides_is_refused(project: Project) -> None:
    path = ran_once(project)
    edit(project, "c", "out/c.parquet", "out/a.parquet")
    with pytest.raises(PlanError, match=r"s\.a and s\.c both write out/a\.parquet"):
        api.plan_for_run(path)


def test_a_sink_now_over_a_yaml_file_is_refused(project: Project) -> None:
    path = ran_once(project)
    edit(project, "c", "out/c.parquet", "pipelines/a.yml")
    with pytest.raises(PlanError, match=r"pipelines/c\.yml:\d+: sink\.path: .*a\.yml"):
        api.plan_for_run(path)


def test_a_changed_input_moves_the_lineage_edges(project: Project) -> None:
    path = ran_once(project)
    assert {(e.upstream, e.downstream) for e in api.plan_for_run(path).edges} == {
        ("s.a", "s.b"),
        ("s.b", "s.c"),
    }
    edit(project, "c", "out/b.parquet", "out/a.parquet")  # c now reads a's output
    plan, parsed = replanned(path)
    assert parsed == ["s.c"]
    assert {(e.upstream, e.downstream) for e in plan.edges} == {("s.a", "s.b"), ("s.a", "s.c")}


def test_a_renamed_file_is_parsed_and_a_deleted_one_is_an_error(project: Project) -> None:
    path = ran_once(project)
    (project.root / "pipelines/c.yml").rename(project.root / "pipelines/c_renamed.yml")
    wf = path.read_text()
    path.write_text(wf.replace("pipelines/c.yml", "pipelines/c_renamed.yml"))
    assert replanned(path)[1] == ["s.c_renamed"]
    path.write_text(wf)  # names c.yml again, which is gone
    with pytest.raises(PlanError, match=r"pipeline file not found: pipelines/c\.yml"):
        api.plan_for_run(path)


def test_a_stage_added_to_the_workflow_reuses_every_pipeline_file(project: Project) -> None:
    path = ran_once(project)
    project.pipeline("d", "out/c.parquet", "out/d.parquet")
    stages = [
        {"name": "s", "parallel": True, "pipelines": [f"pipelines/{n}.yml" for n in "abc"]},
        {"name": "t", "depends_on": ["s"], "pipelines": ["pipelines/d.yml", "pipelines/a.yml"]},
    ]
    project.workflow(stages)
    with pytest.raises(PlanError, match=r"both write out/a\.parquet"):
        api.plan_for_run(path)  # a.yml twice: the clash is found with a reused task too
    project.workflow([stages[0], {**stages[1], "pipelines": ["pipelines/d.yml"]}])
    plan, parsed = replanned(path)
    assert parsed == ["t.d"]
    assert ("s.c", "t.d") in {(e.upstream, e.downstream) for e in plan.edges}


def test_one_file_under_two_entries_keeps_each_entrys_variables(project: Project) -> None:
    stage = {
        "name": "s",
        "pipelines": [
            {"path": "pipelines/b.yml", "name": "low", "variables": {"MIN": "1"}},
            {"path": "pipelines/b2.yml", "name": "high", "variables": {"MIN": "3"}},
        ],
    }
    project.write("pipelines/b2.yml", (project.root / "pipelines/b.yml").read_text())
    edit(project, "b2", "out/b.parquet", "out/b2.parquet")
    project.workflow([{"name": "first", "pipelines": ["pipelines/a.yml"]}, stage])
    path = ran_once(project)
    stage["pipelines"][0]["variables"] = {"MIN": "3"}  # type: ignore[index]
    stage["pipelines"][1]["variables"] = {"MIN": "1"}  # type: ignore[index]
    project.workflow([{"name": "first", "pipelines": ["pipelines/a.yml"]}, stage])
    plan, parsed = replanned(path)
    assert parsed == ["s.low", "s.high"]
    assert plan.task("s.low").used_vars == {"MIN": "3"}


def test_the_same_file_twice_reuses_the_entry_with_the_same_variables(project: Project) -> None:
    low = {"path": "pipelines/b.yml", "name": "low", "variables": {"MIN": "1"}}
    stages = [
        {"name": "first", "pipelines": ["pipelines/a.yml"]},
        {"name": "s", "depends_on": ["first"], "pipelines": [low]},
    ]
    project.workflow(stages)
    path = ran_once(project)
    edit(project, "b", "out/b.parquet", "out/b_${MIN:-0}.parquet")
    project.workflow(
        [*stages[:1], {**stages[1], "pipelines": [low, {**low, "name": "hi", "variables": {}}]}]
    )
    api.run_workflow(path)
    plan, parsed = replanned(path, {"X": "1"})  # --var X: the whole plan no longer holds
    assert parsed == []
    assert [plan.task(i).outputs for i in ("s.low", "s.hi")] == [
        ("out/b_1.parquet",),
        ("out/b_0.parquet",),
    ]


def test_a_snapshot_of_the_previous_format_is_not_read_per_file(project: Project) -> None:
    path = ran_once(project)
    stored = snapshot_path(project.root / ".quicketl-cache", path)
    body = json.loads(stored.read_text())
    stored.write_text(json.dumps({**body, "format": SNAPSHOT_FORMAT - 1}))
    assert replanned(path)[1] == ["s.a", "s.b", "s.c"]


@pytest.mark.parametrize("damage", [{"scopes": []}, {"scopes": {"s.a": {"MIN": 3}}}])
def test_damaged_per_file_entries_are_planned_afresh_silently(
    project: Project, damage: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    path = ran_once(project)
    edit(project, "c", "out/c.parquet", "out/c2.parquet")
    stored = snapshot_path(project.root / ".quicketl-cache", path)
    stored.write_text(json.dumps({**json.loads(stored.read_text()), **damage}))
    capsys.readouterr()
    assert replanned(path)[1] == ["s.a", "s.b", "s.c"]
    assert "could not be read" not in capsys.readouterr().err


def test_tasks_stored_by_another_version_of_quicketl_are_not_reused(project: Project) -> None:
    path = ran_once(project)
    edit(project, "c", "out/c.parquet", "out/c2.parquet")
    stored = snapshot_path(project.root / ".quicketl-cache", path)
    body = json.loads(stored.read_text())
    stored.write_text(json.dumps({**body, "tool": {**body["tool"], "duckdb": "0.0.1"}}))
    assert replanned(path)[1] == ["s.a", "s.b", "s.c"]
