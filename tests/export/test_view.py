"""The templates' view of a plan: order, edges, typed variables, literals."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from quicketl.errors import ExportError
from quicketl.export.options import ExportOptions
from quicketl.export.view import build_view, relative_workflow_path
from quicketl.plan.model import Edge

from . import plans


def test_duplicate_edges_with_different_reasons_are_emitted_once() -> None:
    plan = plans.linear_three()
    doubled = plan.__class__(
        **{**plan.__dict__, "edges": (*plan.edges, Edge("main.a", "main.b", "lineage"))}
    )
    view = build_view(doubled, ExportOptions(), set())
    assert [(e.upstream.id, e.downstream.id) for e in view.edges] == [
        ("main.a", "main.b"),
        ("main.b", "main.c"),
    ]


def test_every_task_of_every_stage_has_its_own_unique_names() -> None:
    view = build_view(plans.awkward(), ExportOptions(), set())
    assert len({t.var for t in view.tasks}) == len(view.tasks) == len(plans.awkward().tasks)
    assert len({t.airflow_id for t in view.tasks}) == len(view.tasks)


@pytest.mark.parametrize(
    ("default", "json_type", "annotation", "emitted"),
    [
        (3, "integer", "int", 3),
        (0.5, "number", "float", 0.5),
        (True, "boolean", "bool", True),
        ("x", "string", "str", "x"),
        (None, ["null", "string"], "str | None", None),
        (date(2025, 1, 15), "string", "str", "2025-01-15"),
        (datetime(2025, 1, 15, 6), "string", "str", "2025-01-15T06:00:00"),
    ],
)
def test_variables_are_typed_from_their_yaml_default(
    default: object, json_type: object, annotation: str, emitted: object
) -> None:
    view = build_view(plans.linear_three(variables={"v": default}), ExportOptions(), set())
    (variable,) = view.variables
    assert (variable.json_type, variable.annotation, variable.default) == (
        json_type,
        annotation,
        emitted,
    )


def test_a_variable_that_cannot_be_a_parameter_is_an_export_error() -> None:
    with pytest.raises(ExportError, match="variable 'cols': a default of type list"):
        build_view(plans.linear_three(variables={"cols": ["a"]}), ExportOptions(), set())


def test_variable_parameter_names_avoid_reserved_names() -> None:
    plan = plans.linear_three(variables={"runs": 1, "run-date": "x"})
    view = build_view(plan, ExportOptions(), {"runs"})
    assert [v.param for v in view.variables] == ["runs_2", "run_date"]


def test_workflow_path_is_relative_to_the_project_root() -> None:
    assert relative_workflow_path(plans.medallion()) == "workflows/medallion.yml"


def test_a_relative_workflow_path_is_taken_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plans.medallion()
    monkeypatch.chdir(tmp_path)
    moved = plan.__class__(
        **{**plan.__dict__, "root": tmp_path / "proj", "workflow_path": Path("proj/wf/m.yml")}
    )
    assert relative_workflow_path(moved) == "wf/m.yml"


def test_a_plan_without_a_workflow_file_cannot_be_exported() -> None:
    plan = plans.medallion()
    bare = plan.__class__(**{**plan.__dict__, "workflow_path": None})
    with pytest.raises(ExportError, match="only a workflow file can be exported"):
        relative_workflow_path(bare)


def test_start_date_with_an_offset_is_converted_to_utc() -> None:
    view = build_view(
        plans.medallion(), ExportOptions(start_date="2025-01-15T06:00:00+02:00"), set()
    )
    assert view.start_args == "2025, 1, 15, 4, 0, 0"
    assert build_view(plans.medallion(), ExportOptions(), set()).start_args == "2025, 1, 1"
