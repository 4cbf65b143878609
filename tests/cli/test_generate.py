"""`quicketl workflow generate`: --select, --var, --project-dir, --schedule, orchestrator blocks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from projects import Project, new_project

from .conftest import Invoke


def medallion_like(tmp_path: Path, extra_stage: str = "") -> Project:
    project = new_project(tmp_path)
    project.write("quicketl.yml", "name: Shop Data\n")
    project.csv("data/raw.csv")
    project.pipeline("ingest", "data/raw.csv", "out/ingest.parquet")
    project.pipeline("clean", "out/ingest.parquet", "out/clean.parquet")
    project.pipeline("report", "out/clean.parquet", "out/report.parquet")
    project.write(
        "workflows/wf.yml",
        "name: shop\n"
        "variables: {RUN_DATE: 2025-01-15, LIMIT: 10}\n"
        "stages:\n"
        "  - name: bronze\n"
        "    orchestrator: {pool: etl, tags: [nightly], execution_timeout: 30m, owner: data}\n"
        "    pipelines:\n"
        "      - path: pipelines/ingest.yml\n"
        "        orchestrator: {retries: 4, priority_weight: 7, tags: [ingest]}\n"
        "  - name: silver\n"
        "    depends_on: [bronze]\n"
        "    pipelines: [pipelines/clean.yml]\n"
        "  - name: 报告\n"
        "    depends_on: [silver]\n"
        "    pipelines: [pipelines/report.yml]\n" + extra_stage,
    )
    return project


def generate(cli: Invoke, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "out.py"
    result = cli("workflow", "generate", tmp_path / "workflows/wf.yml", "-o", out, *args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def constants(source: str) -> dict[str, object]:
    tree = ast.parse(source)
    return {
        node.targets[0].id: ast.literal_eval(node.value)  # type: ignore[attr-defined]
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.List)
    }


def test_select_keeps_only_the_chosen_tasks_and_the_edges_between_them(
    cli: Invoke, tmp_path: Path
) -> None:
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--target", "airflow", "--select", "clean+")
    assert "'bronze.ingest'" not in source and '"bronze.ingest"' not in source
    assert '"silver.clean"' in source and '"报告.report"' in source
    assert "silver__clean >> u62a5_u544a__report" in source
    assert constants(source)["SELECT"] == ["clean+"]
    assert "--select clean+" in str(constants(source)["REGENERATE"])


def test_select_naming_no_task_is_refused(cli: Invoke, tmp_path: Path) -> None:
    medallion_like(tmp_path)
    result = cli("workflow", "generate", tmp_path / "workflows/wf.yml", "--select", "nope")
    assert result.exit_code == 2
    assert "--select: no task or pipeline named 'nope'" in result.output


def test_var_values_become_the_parameters_defaults_but_secrets_never(
    cli: Invoke, tmp_path: Path
) -> None:
    medallion_like(tmp_path)
    source = generate(
        cli,
        tmp_path,
        "--var",
        "LIMIT=25",
        "--var",
        "RUN_DATE=2025-03-01",
        "--var",
        "API_TOKEN=s3cr3t",
    )
    assert '"LIMIT": Param(25, type="integer")' in source
    assert '"RUN_DATE": Param("2025-03-01", type="string")' in source
    assert "s3cr3t" not in source


def test_an_unquoted_date_variable_is_an_iso_string_parameter(cli: Invoke, tmp_path: Path) -> None:
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--target", "prefect")
    assert 'RUN_DATE: str = "2025-01-15"' in source


def test_project_dir_under_home_is_expanded(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--project-dir", "~/proj")
    assert constants(source)["PROJECT_DIR"] == str((tmp_path / "home" / "proj").resolve())


def test_orchestrator_blocks_are_rendered_for_airflow(cli: Invoke, tmp_path: Path) -> None:
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--target", "airflow")
    ingest = source[source.index("bronze__ingest = _quicketl_task(") :]
    ingest = ingest[: ingest.index("\n        )")]
    for expected in (
        'pool="etl"',
        "priority_weight=7",
        "retries=4",
        'owner="data"',
        "execution_timeout=timedelta(seconds=1800)",
        'outlets=["quicketl://shop-data/out/ingest.parquet"]',
        'inlets=["quicketl://shop-data/data/raw.csv"]',
    ):
        assert expected in ingest, expected
    clean = source[source.index("silver__clean = _quicketl_task(") :].split("\n")[0]
    assert "pool" not in clean


def test_orchestrator_blocks_are_rendered_for_prefect(cli: Invoke, tmp_path: Path) -> None:
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--target", "prefect")
    ingest = source[source.index("bronze__ingest = _prefect_task(") :]
    ingest = ingest[: ingest.index("\n)")]
    assert "retries=4" in ingest
    assert "timeout_seconds=1800" in ingest
    assert 'tags=["nightly", "ingest"]' in ingest


def test_a_bad_orchestrator_block_is_located(cli: Invoke, tmp_path: Path) -> None:
    medallion_like(tmp_path)
    path = tmp_path / "workflows/wf.yml"
    path.write_text(path.read_text().replace("retries: 4", "retries: -1, pool: ''"))
    result = cli("workflow", "validate", path)
    assert result.exit_code == 2
    assert "wf.yml:8: stages[0].pipelines[0].orchestrator.retries: " in result.output
    assert "stages[0].pipelines[0].orchestrator.pool: " in result.output
    path.write_text(path.read_text().replace("execution_timeout: 30m", "execution_timeout: soon"))
    result = cli("workflow", "validate", path)
    assert "'soon' is not a duration: give seconds, or a number with s, m, h or d" in result.output


def test_display_names_show_the_real_names(cli: Invoke, tmp_path: Path) -> None:
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--target", "airflow")
    assert 'group_id="u62a5_u544a", group_display_name="报告"' in source
    prefect = generate(cli, tmp_path, "--target", "prefect")
    assert '_prefect_task(\n    "报告.report",' in prefect


def test_schedule_asset_triggers_on_the_raw_inputs(cli: Invoke, tmp_path: Path) -> None:
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--target", "airflow", "--schedule", "asset")
    assert 'schedule=[Asset("quicketl://shop-data/data/raw.csv")],' in source
    result = cli(
        "workflow",
        "generate",
        tmp_path / "workflows/wf.yml",
        "-t",
        "prefect",
        "--schedule",
        "asset",
    )
    assert result.exit_code == 2
    assert "--schedule 'asset' exists only for --target airflow" in result.output


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("not a cron", "not a cron expression or preset; a cron expression has five fields"),
        ("0 25 * * *", "hour 25 is out of range 0-23"),
        ("*/0 * * * *", "minute field '*/0' has a step of 0"),
        ("0 0 * FOO *", "month 'FOO' is not a number"),
        ("@sometimes", "unknown preset; use one of"),
    ],
)
def test_a_bad_schedule_exits_2_and_writes_nothing(
    cli: Invoke, tmp_path: Path, schedule: str, message: str
) -> None:
    medallion_like(tmp_path)
    out = tmp_path / "dag.py"
    result = cli(
        "workflow", "generate", tmp_path / "workflows/wf.yml", "-o", out, "--schedule", schedule
    )
    assert result.exit_code == 2
    assert f"--schedule {schedule!r}: {message}" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "schedule", ["0 3 * * *", "@daily", "*/15 0-6 1,15 JAN-MAR mon-fri", "@once"]
)
def test_good_schedules_are_accepted(cli: Invoke, tmp_path: Path, schedule: str) -> None:
    medallion_like(tmp_path)
    source = generate(cli, tmp_path, "--schedule", schedule)
    assert f"schedule={schedule!r}".replace("'", '"') in source
