"""Inputs that are not files (a URL, `volatile: true`): never skipped on a guess."""

from __future__ import annotations

from pathlib import Path

from projects import new_project

from quicketl.api import plan_workflow
from quicketl.execute.decide import Decider
from quicketl.execute.freshness import external_values
from quicketl.locations.refs import External
from quicketl.state import StatCache, TaskRecord, key_of

from .support import reasons, run

URL = "https://example.com/data/sales.csv"


def url_project(tmp_path: Path) -> Path:
    project = new_project(tmp_path)
    project.write(
        "pipelines/fetch.yml",
        f"name: fetch\nsource: {{type: file, path: '{URL}', format: csv}}\n"
        "sink: {type: file, path: out/sales.parquet}\n",
    )
    return project.workflow([{"name": "s", "pipelines": ["pipelines/fetch.yml"]}])


def test_a_url_source_is_planned_as_an_external_input(tmp_path: Path) -> None:
    task = plan_workflow(url_project(tmp_path)).tasks[0]
    assert task.inputs == ()
    assert task.external == (External("url", URL),)


def test_a_url_source_runs_again_when_nothing_changed(tmp_path: Path) -> None:
    # No download here (DuckDB's httpfs is not installed): the decision is what matters.
    plan = plan_workflow(url_project(tmp_path))
    task = plan.tasks[0]
    first = Decider(plan.root, {}, StatCache(), external_values).decide(task)
    assert first.reasons == ("never run",)
    record = TaskRecord("s", task.id, first.key, "", (), "ran", None, None, None)
    record.__dict__["components"] = first.components  # as the store would parse it
    again = Decider(plan.root, {task.id: record}, StatCache(), external_values).decide(task)
    assert again.run
    assert again.key == key_of(first.components)
    assert again.reasons == (f"reads {URL} (not a file: always runs)",)


def test_a_volatile_pipeline_runs_again_and_says_why(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.write(
        "pipelines/now.yml",
        "name: now\nvolatile: true\nsource: {type: file, path: data/raw.csv}\n"
        "sink: {type: file, path: out/now.parquet}\n",
    )
    workflow = project.workflow([{"name": "s", "pipelines": ["pipelines/now.yml"]}])
    run(workflow)
    assert reasons(run(workflow)) == {"s.now": ["volatile: true (always runs)"]}
