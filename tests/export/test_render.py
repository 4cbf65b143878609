"""Rendered Airflow and Prefect code: golden files, and safe Python for any names.

Set QUICKETL_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from quicketl.export import ExportOptions, render_airflow, render_prefect
from quicketl.plan.model import Plan

from . import plans

GOLDEN = Path(__file__).parent / "golden"
Render = Callable[[Plan, ExportOptions], str]
TARGETS: dict[str, Render] = {"airflow": render_airflow, "prefect": render_prefect}

PARAMETERS = ExportOptions(
    dag_id="nightly_linear",
    schedule="0 3 * * *",
    start_date="2025-06-01T02:30:00",
    retries=2,
    retry_delay_seconds=60,
    workers=2,
    project_dir="/srv/quicketl/project",
)
GOLDEN_CASES = {
    "medallion": (plans.medallion, ExportOptions()),
    "parameters": (
        lambda: plans.linear_three(
            variables={"RUN_DATE": "2025-01-15", "LIMIT": 100, "RATIO": 0.25, "FULL": False},
            description="Three steps, one after another.",
        ),
        PARAMETERS,
    ),
}


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("case", list(GOLDEN_CASES))
def test_output_matches_the_golden_file(case: str, target: str) -> None:
    make_plan, options = GOLDEN_CASES[case]
    source = TARGETS[target](make_plan(), options)
    golden = GOLDEN / f"{case}_{target}.py"
    if os.environ.get("QUICKETL_UPDATE_GOLDEN"):
        golden.write_text(source, encoding="utf-8")
    assert source == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("target", list(TARGETS))
def test_the_planned_example_renders_like_its_golden_file(target: str) -> None:
    """Keeps the hand-built medallion plan faithful to what the planner makes of the example."""
    from .e2e import MEDALLION, WORKFLOW

    if not (MEDALLION / WORKFLOW).exists():
        pytest.skip("examples/medallion not available yet")
    from quicketl.api import plan_workflow

    source = TARGETS[target](plan_workflow(MEDALLION / WORKFLOW), ExportOptions())
    assert source == (GOLDEN / f"medallion_{target}.py").read_text(encoding="utf-8")


AWKWARD_OPTIONS = [
    ExportOptions(),
    ExportOptions(
        dag_id="a.b-c",
        schedule="@daily",
        project_dir='C:\\Users\\o\'neil "x"\n/{{ ds }}',
        retries=5,
    ),
]


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("options", AWKWARD_OPTIONS)
@pytest.mark.parametrize("make_plan", [plans.awkward, plans.diamond, plans.lineage_only])
def test_awkward_names_still_give_valid_python(
    make_plan: Callable[[], Plan], options: ExportOptions, target: str
) -> None:
    compile(TARGETS[target](make_plan(), options), f"<{target}>", "exec")


def long_names() -> Plan:
    """Names near and over the line length, so that every call and edge has to be split."""
    long = "p" * 60
    return plans.make_plan(
        "w" * 90,
        [
            plans.Stage("s" * 40, [long, long + "2", "数" * 30]),
            plans.Stage("t" * 50, ["q" * 64], depends_on=["s" * 40], description="d" * 100),
        ],
        variables={"v" * 80: "x" * 90, "n": 1},
        io={f"{'s' * 40}.{long}": (("data/" + "i" * 90 + ".csv",), ("out/" + "o" * 80,))},
        workflow="workflows/" + "f" * 100 + ".yml",
    )


def test_generated_files_pass_ruff_format_and_ruff_check_with_defaults(tmp_path: Path) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("ruff is not installed in this venv")
    options = [*AWKWARD_OPTIONS, PARAMETERS, ExportOptions(select=("a",))]
    cases = {
        "medallion": plans.medallion,
        "awkward": plans.awkward,
        "diamond": plans.diamond,
        "lineage_only": plans.lineage_only,
        "long_names": long_names,
        "linear": lambda: plans.linear_three(variables={"RUN_DATE": "2025-01-15", "N": 1}),
    }
    for name, make_plan in cases.items():
        for number, option in enumerate(options):
            if option.select and name != "linear":
                continue
            for target, render in TARGETS.items():
                source = render(make_plan(), option)
                (tmp_path / f"{name}_{number}_{target}.py").write_text(source, "utf-8")
    for command in (["format", "--check", "--diff"], ["check", "--output-format", "concise"]):
        done = subprocess.run(
            [str(ruff), *command, "--isolated", "--no-cache", str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


@pytest.mark.parametrize("target", list(TARGETS))
def test_empty_stages_and_empty_workflows_still_give_valid_python(target: str) -> None:
    empty_stage = plans.make_plan("e", [plans.Stage("a", ["x"]), plans.Stage("none", [])])
    compile(TARGETS[target](empty_stage, ExportOptions()), f"<{target}>", "exec")
    compile(TARGETS[target](plans.make_plan("e", []), ExportOptions()), f"<{target}>", "exec")


@pytest.mark.parametrize("target", list(TARGETS))
def test_every_task_id_survives_as_an_exact_literal(target: str) -> None:
    plan = plans.awkward()
    tree = ast.parse(TARGETS[target](plan, ExportOptions()))
    position = 0 if target == "airflow" else 2
    found = calls(tree, task_call(target))
    first_args = [ast.literal_eval(call.args[position]) for call in found]
    assert sorted(first_args) == sorted(t.id for t in plan.tasks)


@pytest.mark.parametrize("make_plan", [plans.medallion, plans.diamond, plans.awkward])
def test_airflow_edges_are_exactly_the_plans_edges(make_plan: Callable[[], Plan]) -> None:
    plan = make_plan()
    tree = ast.parse(render_airflow(plan, ExportOptions()))
    task_of = {
        node.targets[0].id: ast.literal_eval(node.value.args[0])  # type: ignore[attr-defined]
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and is_call(node.value, "_quicketl_task")
    }
    shifts = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift)
    ]
    edges = {(task_of[s.left.id], task_of[s.right.id]) for s in shifts}  # type: ignore[attr-defined]
    assert edges == {(e.upstream, e.downstream) for e in plan.edges}
    assert len(shifts) == len(edges)


@pytest.mark.parametrize("make_plan", [plans.medallion, plans.diamond, plans.awkward])
def test_prefect_waits_for_exactly_the_real_upstream_futures(
    make_plan: Callable[[], Plan],
) -> None:
    plan = make_plan()
    tree = ast.parse(render_prefect(plan, ExportOptions()))
    edges = set()
    submitted: list[str] = []
    for call in calls(tree, "_submit"):
        task_id = ast.literal_eval(call.args[2])
        for upstream in ast.literal_eval(call.args[4]):
            assert upstream in submitted, "a future is awaited before it is submitted"
            edges.add((upstream, task_id))
        submitted.append(task_id)
    assert edges == {(e.upstream, e.downstream) for e in plan.edges}


def test_airflow_task_groups_follow_stage_dependency_order() -> None:
    tree = ast.parse(render_airflow(plans.diamond(), ExportOptions()))
    groups = [ast.literal_eval(c.keywords[0].value) for c in calls(tree, "TaskGroup")]
    assert groups == ["top", "middle", "bottom"]


@pytest.mark.parametrize("target", list(TARGETS))
def test_no_environment_value_is_written_into_the_file(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUICKETL_PROJECT_DIR", "/machine/specific/dir")
    monkeypatch.setenv("QUICKETL_CACHE_DIR", "/machine/cache")
    monkeypatch.setenv("LIMIT", "999999")
    monkeypatch.setenv("DB_PASSWORD", "hunter2-secret")
    plan = plans.linear_three(variables={"LIMIT": 10, "DB_PASSWORD": "from-yaml-default"})
    source = TARGETS[target](plan, ExportOptions())
    for value in ("/machine/specific/dir", "/machine/cache", "999999", "hunter2-secret"):
        assert value not in source
    assert str(Path.cwd()) not in source
    assert '"from-yaml-default"' in source


@pytest.mark.parametrize("target", list(TARGETS))
def test_project_dir_is_baked_in_only_when_asked_for(target: str) -> None:
    render = TARGETS[target]
    assert "\nPROJECT_DIR = None\n" in render(plans.medallion(), ExportOptions())
    baked = render(plans.medallion(), ExportOptions(project_dir="/srv/p"))
    assert '\nPROJECT_DIR = "/srv/p"\n' in baked


def test_importing_quicketl_export_imports_no_orchestrator_nor_jinja2() -> None:
    code = (
        "import sys, quicketl.export\n"
        "loaded = {'jinja2', 'airflow', 'prefect'} & set(sys.modules)\n"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def task_call(target: str) -> str:
    return "_quicketl_task" if target == "airflow" else "_submit"


def calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and is_call(node, name)]


def is_call(node: ast.AST, name: str) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )
