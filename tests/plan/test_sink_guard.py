"""The sink guard: where a workflow's sinks may write, checked when the plan is made."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from projects import Project, new_project

from quicketl.config.project import ProjectSettings
from quicketl.errors import ConfigError, PlanError
from quicketl.plan.builder import build_plan
from quicketl.plan.model import Task
from quicketl.plan.sink_guard import SinkRules, sink_problems


def one_stage(project: Project, *pipelines: str) -> Path:
    return project.workflow([{"name": "s", "pipelines": list(pipelines)}])


def refused(workflow: Path, **kw: object) -> str:
    with pytest.raises(PlanError) as info:
        build_plan(workflow, **kw)  # type: ignore[arg-type]
    return str(info.value)


def partitioned(project: Project, writes: str) -> str:
    return project.write(
        "pipelines/p.yml",
        "name: p\nsource: {type: file, path: data/raw.csv}\n"
        f"sink: {{type: file, path: {writes}, partition_by: [id]}}\n",
    ).name


def test_a_partitioned_sink_over_a_user_folder_is_refused_at_its_line(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.write("reports/q1.xlsx", "mine")
    partitioned(project, "reports")
    message = refused(one_stage(project, "pipelines/p.yml"))
    assert message == (
        f"{tmp_path / 'pipelines/p.yml'}:3: sink.path: reports is a folder holding 1 file "
        "quicketl did not write (q1.xlsx); a partitioned sink replaces its whole folder: "
        "point it at a new or empty folder"
    )


def test_an_empty_folder_may_take_a_partitioned_sink(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    (tmp_path / "out").mkdir()
    partitioned(project, "out")
    build_plan(one_stage(project, "pipelines/p.yml"))


def test_a_sink_outside_the_root_needs_leave(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    project = new_project(root.mkdir() or root)
    project.csv("data/raw.csv")
    wf = one_stage(project, project.pipeline("p", "data/raw.csv", "../shared/p.parquet"))
    message = refused(wf)
    assert f"sink.path: {tmp_path / 'shared/p.parquet'} is outside the project folder" in message
    assert "allowed_output_roots in quicketl.yml, or pass --allow-outside-project" in message
    build_plan(wf, allow_outside_project=True)
    project.write("quicketl.yml", "name: t\nallowed_output_roots: [../shared]\n")
    build_plan(wf)


def test_an_absolute_sink_under_an_allowed_root_is_accepted(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    project = new_project(root.mkdir() or root)
    project.csv("data/raw.csv")
    wf = one_stage(project, project.pipeline("p", "data/raw.csv", str(tmp_path / "x/p.parquet")))
    project.write("quicketl.yml", f"allowed_output_roots: [{tmp_path / 'y'}]\n")
    assert "is outside the project folder" in refused(wf)
    project.write("quicketl.yml", f"allowed_output_roots: [{tmp_path / 'x'}]\n")
    build_plan(wf)


def test_a_malformed_project_file_stops_planning(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    wf = one_stage(project, project.pipeline("p", "data/raw.csv", "out/p.parquet"))
    project.write("quicketl.yml", "allowed_output_roots: 3\n")
    with pytest.raises(ConfigError, match=r"quicketl\.yml:1: allowed_output_roots: give a folder"):
        build_plan(wf)


def test_a_sink_in_a_custom_cache_folder_is_refused(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    wf = one_stage(project, project.pipeline("p", "data/raw.csv", "state/cache/x.csv"))
    build_plan(wf)
    message = refused(wf, cache_dir=tmp_path / "state" / "cache")
    assert "sink.path: state/cache/x.csv is in or holds the cache folder state/cache" in message


def test_a_sink_over_the_workflow_file_is_refused(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    wf = one_stage(project, project.pipeline("p", "data/raw.csv", "workflows/wf.yml"))
    assert "sink.path: workflows/wf.yml is a YAML file of the project" in refused(wf)


def test_a_sink_over_a_raw_input_read_through_a_link_is_refused(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.csv("seed.csv")
    (tmp_path / "linked").symlink_to(tmp_path / "data")
    reader = project.pipeline("reader", "linked/raw.csv", "out/r.parquet")
    writer = project.pipeline("writer", "seed.csv", "data/raw.csv")
    message = refused(one_stage(project, reader, writer))
    assert "writer.yml:7: sink.path: data/raw.csv is read by s.reader as a raw input" in message


def test_lineage_through_the_same_spelling_is_not_a_raw_input(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("seed.csv")
    writer = project.pipeline("writer", "seed.csv", "data/raw.csv")
    reader = project.pipeline("reader", "data/raw.csv", "out/r.parquet")
    build_plan(one_stage(project, writer, reader))


def test_every_bad_sink_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.write("out", "a file")
    a = project.pipeline("a", "data/raw.csv", "out/a.parquet")
    b = project.pipeline("b", "data/other.csv", "data/other.csv")
    message = refused(one_stage(project, a, b, "missing.yml"))
    assert "a.yml:7: sink.path: cannot write out/a.parquet: out is a file" in message
    assert "b.yml:7: sink.path: data/other.csv is an input of this pipeline" in message
    assert "pipeline file not found: missing.yml" in message


def test_the_guard_is_linear_in_the_number_of_tasks(tmp_path: Path) -> None:
    def tasks(n: int) -> list[Task]:
        return [
            Task(
                id=f"s.t{i}",
                stage="s",
                name=f"t{i}",
                pipeline_path=tmp_path / f"t{i}.yml",
                config={
                    "source": {"type": "file", "path": f"out/t{i - 1}.parquet"},
                    "sink": {"type": "file", "path": f"out/t{i}.parquet"},
                },
                variables={},
                used_vars={},
                inputs=(f"out/t{i - 1}.parquet",),
                outputs=(f"out/t{i}.parquet",),
            )
            for i in range(n)
        ]

    rules = SinkRules(tmp_path, "wf", (), ProjectSettings(), False, {}, frozenset())
    timings = []
    for n in (1_000, 4_000):
        batch = tasks(n)
        best = float("inf")
        for _ in range(3):  # best of three: the machine may be busy
            started = time.perf_counter()
            assert sink_problems(batch, rules) == []
            best = min(best, time.perf_counter() - started)
        timings.append(best)
    assert timings[1] < timings[0] * 4 * 2.5  # quadratic would be 16x
