"""Stages come out in dependency order and tasks topologically; a cycle is refused."""

from __future__ import annotations

import pytest

from quicketl.errors import ExportError
from quicketl.export.order import ordered_stages, topological_task_ids

from . import plans
from .plans import Stage, make_plan


def test_stages_come_out_in_dependency_order() -> None:
    assert [s.name for s in ordered_stages(plans.diamond())] == ["top", "middle", "bottom"]


def test_independent_stages_keep_declaration_order() -> None:
    assert [s.name for s in ordered_stages(plans.lineage_only())] == ["load", "report"]


def test_a_lineage_edge_across_stages_orders_them_too() -> None:
    plan = make_plan(
        "backwards",
        [Stage("report", ["r"]), Stage("load", ["l"])],
        lineage=[("load.l", "report.r")],
    )
    assert [s.name for s in ordered_stages(plan)] == ["load", "report"]
    assert topological_task_ids(plan) == ["load.l", "report.r"]


def test_a_cycle_between_tasks_is_an_export_error() -> None:
    plan = make_plan("loop", [Stage("s", ["a", "b"])], lineage=[("s.a", "s.b"), ("s.b", "s.a")])
    with pytest.raises(ExportError, match="workflow 'loop' has a cycle"):
        topological_task_ids(plan)


def test_an_empty_stage_name_is_ordered_like_any_other() -> None:
    plan = make_plan("blank", [Stage("late", ["x"], depends_on=[""]), Stage("", ["y"])])
    assert [s.name for s in ordered_stages(plan)] == ["", "late"]
    assert topological_task_ids(plan) == [".y", "late.x"]
