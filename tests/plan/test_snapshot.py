"""quicketl.plan.snapshot: a stored plan is reused exactly while planning would give it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from projects import Project, new_project

from quicketl.api import plan_workflow
from quicketl.locations.refs import External
from quicketl.plan.model import Plan
from quicketl.plan.snapshot import SNAPSHOT_FORMAT, load_snapshot, save_snapshot, snapshot_path
from quicketl.plan.snapshot_text import read_snapshot_body, snapshot_text, write_snapshot_text
from quicketl.state import canonical_json

FILTER = "name: p\nsource: {type: file, path: data/raw.csv}\n"
FILTER += "transforms: [{op: filter, predicate: 'id >= ${MIN} AND ${TOP:-9} > 0'}]\n"
FILTER += "sink: {type: file, path: out/p.parquet}\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.write("pipelines/p.yml", FILTER)
    project.write("pipelines/db.yml", DB_READER)
    project.workflow(
        [{"name": "s", "pipelines": ["pipelines/p.yml", "pipelines/db.yml"]}],
        variables={"MIN": "1"},
    )
    return project


DB_READER = """name: db
source: {type: database, connection: "duckdb:///w.duckdb", table: t}
sink: {type: file, path: out/db.parquet}
"""


def stored(project: Project, cli_vars: dict[str, object] | None = None) -> tuple[Plan, Path]:
    workflow = project.root / "workflows/wf.yml"
    plan = plan_workflow(workflow, cli_vars)
    cache = project.root / ".quicketl-cache"
    (cache / "plans").mkdir(parents=True, exist_ok=True)
    path = snapshot_path(cache, workflow)
    save_snapshot(plan, cli_vars or {}, path)
    return plan, path


def test_an_unchanged_project_reuses_the_stored_plan(project: Project) -> None:
    plan, path = stored(project)
    again = load_snapshot(path, {})
    assert again == plan  # tasks, edges, stages and variables, field by field
    assert again is not None and again.task("s.db").external == (
        External("database", "duckdb:///w.duckdb"),
    )


def test_external_inputs_are_stored_as_their_text(project: Project) -> None:
    _, path = stored(project)
    tasks = json.loads(path.read_text())["plan"]["tasks"]
    assert [t["external"] for t in tasks] == [[], ["database:duckdb:///w.duckdb"]]


def test_any_edit_of_a_pipeline_file_is_a_miss(project: Project) -> None:
    _, path = stored(project)
    project.write("pipelines/p.yml", FILTER + "# a comment\n")
    assert load_snapshot(path, {}) is None


@pytest.mark.parametrize("changed", ["workflows/wf.yml", ".env", "quicketl.yml"])
def test_an_edited_workflow_env_or_project_file_is_a_miss(project: Project, changed: str) -> None:
    _, path = stored(project)
    target = project.root / changed
    before = target.read_text() if target.exists() else ""
    target.write_text(before + "\n# edited\n")
    assert load_snapshot(path, {}) is None


def test_a_used_variable_with_another_value_is_a_miss(project: Project) -> None:
    _, path = stored(project, {"MIN": "1"})
    assert load_snapshot(path, {"MIN": "1"}) is not None
    assert load_snapshot(path, {"MIN": "2"}) is None


def test_an_unused_variable_changes_nothing(project: Project) -> None:
    _, path = stored(project)
    assert load_snapshot(path, {"UNUSED": "x"}) is not None


def test_an_environment_variable_that_now_overrides_an_inline_default_is_a_miss(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = stored(project)
    monkeypatch.setenv("MIN", "5")  # the workflow's variable wins over the environment
    assert load_snapshot(path, {}) is not None
    monkeypatch.setenv("TOP", "5")  # the environment wins over `${TOP:-9}`
    assert load_snapshot(path, {}) is None


def test_another_snapshot_format_is_a_silent_miss(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = stored(project)
    body = json.loads(path.read_text())
    path.write_text(json.dumps({**body, "format": SNAPSHOT_FORMAT + 1}))
    assert load_snapshot(path, {}) is None
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "damage", ["{not json", "[]", json.dumps({"format": SNAPSHOT_FORMAT, "files": 3})]
)
def test_a_damaged_snapshot_is_a_miss_said_once(
    project: Project, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = stored(project)
    path.write_text(damage)
    assert load_snapshot(path, {}) is None
    assert "could not be read" in capsys.readouterr().err


def test_no_snapshot_is_a_miss(project: Project) -> None:
    assert load_snapshot(project.root / ".quicketl-cache/plans/none.json", {}) is None


def test_a_plan_passing_a_secret_to_a_pipeline_is_not_stored(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "hunter2-snapshot")
    project.workflow(
        [
            {
                "name": "s",
                "pipelines": [
                    {"path": "pipelines/p.yml", "variables": {"MIN": "${secret:DB_PASSWORD}"}},
                ],
            }
        ]
    )
    _, path = stored(project)
    assert not path.exists()


def test_a_plan_stored_by_another_version_of_quicketl_or_duckdb_is_a_silent_miss(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = stored(project)
    body = json.loads(path.read_text())
    path.write_text(json.dumps({**body, "tool": {**body["tool"], "quicketl": "0.0.1"}}))
    assert load_snapshot(path, {}) is None  # its models may have validated differently
    assert capsys.readouterr().err == ""


def test_a_stored_task_keeps_its_configs_canonical_text(project: Project) -> None:
    # The no-op path keys every task from it instead of encoding the config again.
    plan, path = stored(project)
    again = load_snapshot(path, {})
    assert again is not None
    for task in plan.tasks:
        assert again.task(task.id).config_json == canonical_json(task.config)


def test_a_snapshot_of_the_previous_format_is_a_silent_miss(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = stored(project)
    body = json.loads(path.read_text())
    configs = body.pop("configs")
    for task, config in zip(body["plan"]["tasks"], configs, strict=True):
        # what format 5 wrote: each task's config, and its canonical text as a string
        task.update(config=config, config_json=canonical_json(config))
    path.write_text(json.dumps({**body, "format": 5}))
    assert load_snapshot(path, {}) is None
    assert capsys.readouterr().err == ""


def test_the_configs_close_the_file_one_canonical_text_a_line(project: Project) -> None:
    # Each task's key is made of that text: read from its line, it is not parsed twice.
    plan, path = stored(project)
    text = path.read_text()
    assert "config_json" not in text and '"config":' not in text
    lines = text.split("\n")
    configs = [canonical_json(task.config) for task in plan.tasks]
    assert lines[-len(configs) - 3 :] == [
        lines[-len(configs) - 3],
        *[f"{c}," for c in configs[:-1]],
        configs[-1],
        "]}",
        "",
    ]
    assert lines[-len(configs) - 3].endswith('"configs":[')
    assert json.loads(text)["configs"] == [task.config for task in plan.tasks]


def test_a_snapshot_rewritten_without_its_layout_is_unreadable(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = stored(project)
    path.write_text(json.dumps(json.loads(path.read_text())))  # the same JSON, on one line
    assert load_snapshot(path, {}) is None
    assert "could not be read (damaged or edited by hand)" in capsys.readouterr().err


def test_a_config_with_a_lone_surrogate_is_stored_as_it_is(tmp_path: Path) -> None:
    config = {"predicate": "x = '\ud800'", "name": "é"}
    path = tmp_path / "plan.json"
    body = {"format": SNAPSHOT_FORMAT, "plan": {"tasks": [{}]}}
    write_snapshot_text(path, snapshot_text(body, [canonical_json(config)]))
    body = read_snapshot_body(path)
    assert body["plan"]["tasks"] == [{"config": config, "config_json": canonical_json(config)}]
