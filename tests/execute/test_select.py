"""quicketl.execute.select: `--select name`, `+name` (with upstream), `name+` (downstream)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.errors import ConfigError
from quicketl.execute.select import require_unselected_outputs, select_tasks
from quicketl.plan.model import Edge, Plan, StageInfo, Task

# raw -> clean -> report, and clean -> audit; `other` stands alone.
SHAPE = {
    "bronze.raw": ((), "out/raw.parquet"),
    "silver.clean": (("out/raw.parquet",), "out/clean.parquet"),
    "gold.report": (("out/clean.parquet",), "out/report.parquet"),
    "gold.audit": (("out/clean.parquet",), "out/audit.parquet"),
    "gold.other": (("data/x.csv",), "out/other.parquet"),
}


def task(task_id: str, inputs: tuple[str, ...], output: str) -> Task:
    stage, name = task_id.split(".")
    return Task(task_id, stage, name, Path(f"{name}.yml"), {}, {}, {}, inputs, (output,))


def make_plan(root: Path) -> Plan:
    tasks = tuple(task(i, inputs, out) for i, (inputs, out) in SHAPE.items())
    edges = (
        Edge("bronze.raw", "silver.clean", "lineage"),
        Edge("silver.clean", "gold.report", "lineage"),
        Edge("silver.clean", "gold.audit", "lineage"),
    )
    stages = tuple(
        StageInfo(s, tuple(t.id for t in tasks if t.stage == s))
        for s in ("bronze", "silver", "gold")
    )
    return Plan("wf", root, root / "wf.yml", tasks, edges, stages)


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return make_plan(tmp_path)


@pytest.mark.parametrize(
    ("selectors", "chosen"),
    [
        ((), list(SHAPE)),
        (("clean",), ["silver.clean"]),
        (("silver.clean",), ["silver.clean"]),
        (("+report",), ["bronze.raw", "silver.clean", "gold.report"]),
        (("clean+",), ["silver.clean", "gold.report", "gold.audit"]),
        (("+clean+",), ["bronze.raw", "silver.clean", "gold.report", "gold.audit"]),
        (("report", "other"), ["gold.report", "gold.other"]),
        (("audit", "+audit"), ["bronze.raw", "silver.clean", "gold.audit"]),
    ],
)
def test_selection_in_plan_order(plan: Plan, selectors: tuple[str, ...], chosen: list[str]) -> None:
    assert select_tasks(plan, selectors) == chosen


def test_an_unknown_name_is_refused_with_a_suggestion(plan: Plan) -> None:
    with pytest.raises(ConfigError, match=r"--select: no task or pipeline named 'reprot'"):
        select_tasks(plan, ["reprot"])
    with pytest.raises(ConfigError, match="did you mean 'report'"):
        select_tasks(plan, ["reprot+"])


def test_a_name_in_two_stages_selects_both(tmp_path: Path) -> None:
    plan = make_plan(tmp_path)
    twin = task("silver.other", (), "out/other2.parquet")
    plan = Plan(
        plan.name, plan.root, plan.workflow_path, (*plan.tasks, twin), plan.edges, plan.stages
    )
    assert select_tasks(plan, ["other"]) == ["gold.other", "silver.other"]


def test_a_selected_reader_of_an_unwritten_output_names_its_writer(plan: Plan) -> None:
    with pytest.raises(ConfigError) as caught:
        require_unselected_outputs(plan, ["gold.report"])
    assert str(caught.value).endswith(
        "--select: gold.report reads out/clean.parquet, which does not exist yet; it is written"
        " by silver.clean, which is not selected (select +report to build it too)"
    )


def test_an_output_already_on_disk_needs_no_writer(plan: Plan, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/clean.parquet").write_bytes(b"PAR1")
    require_unselected_outputs(plan, ["gold.report"])


def test_selecting_the_writer_too_is_enough(plan: Plan) -> None:
    require_unselected_outputs(plan, select_tasks(plan, ["+report"]))
