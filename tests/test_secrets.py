"""Secrets never leave the process: every command, every file under the project, all output.

Secrets are set four ways (environment, `.env`, `--var`, a workflow variable referring to the
environment) and reach the pipelines as `${NAME}` and `${secret:NAME}`. After every command has
run, no byte of any secret is found in any file of the project (cache included) nor in any
output.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from quicketl.api import run_pipeline, run_task
from quicketl.execute.noop import stored_plan
from tests.execute.support import cli, reasons, run

ENV_PASSWORD = "env-pw-7395"
DOTENV_TOKEN = "dotenv-tok-4821"
CLI_KEY = "cli-sk-5530"
URL_PASSWORD = "url-pw-6612"
SECRETS = (ENV_PASSWORD, DOTENV_TOKEN, CLI_KEY, URL_PASSWORD)
VAR = ("--var", f"SECRET_KEY={CLI_KEY}")

PIPELINE_A = """\
name: a
source: {type: file, path: data/raw.csv}
transforms:
  - op: filter
    predicate: "'${DB_PASSWORD}' <> '' AND '${secret:API_TOKEN}' <> ''"
sink: {type: file, path: out/a.parquet}
"""
PIPELINE_B = """\
name: b
source: {type: file, path: out/a.parquet}
transforms:
  - op: derive_column
    name: tag
    expr: "length('${DB_URL}') + length('${SECRET_KEY}')"
sink: {type: file, path: out/b.parquet}
"""
# Fails at run time with a DuckDB error quoting the value: Could not convert string '...'.
PIPELINE_BAD = """\
name: bad
source: {type: file, path: data/raw.csv}
transforms:
  - op: filter
    predicate: "id = '${DB_PASSWORD}' AND '${secret:API_TOKEN}' <> ''"
sink: {type: file, path: out/bad.parquet}
"""
# A connection string whose password comes from a secret; its scheme is refused.
PIPELINE_URL = """\
name: url
source:
  type: database
  connection: postgresql://etl:${secret:PG_PASSWORD}@db.example:5432/sales
  table: orders
sink: {type: file, path: out/url.parquet}
"""
WORKFLOW = """\
name: wf
variables:
  DB_URL: ${DB_PASSWORD}
stages:
  - name: first
    pipelines: [{path: ../pipelines/a.yml}]
  - name: second
    depends_on: [first]
    pipelines: [{path: ../pipelines/b.yml}]
"""
BAD_WORKFLOW = """\
name: bad_wf
stages:
  - name: only
    pipelines: [{path: ../pipelines/bad.yml}, {path: ../pipelines/url.yml}]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DB_PASSWORD", ENV_PASSWORD)
    monkeypatch.setenv("PG_PASSWORD", URL_PASSWORD)
    monkeypatch.delenv("API_TOKEN", raising=False)
    files = {
        "quicketl.yml": "name: leak\n",
        ".env": f"API_TOKEN={DOTENV_TOKEN}\n",
        "data/raw.csv": "id,value\n1,x\n2,y\n",
        "pipelines/a.yml": PIPELINE_A,
        "pipelines/b.yml": PIPELINE_B,
        "pipelines/bad.yml": PIPELINE_BAD,
        "pipelines/url.yml": PIPELINE_URL,
        "workflows/wf.yml": WORKFLOW,
        "workflows/bad.yml": BAD_WORKFLOW,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


COMMANDS: list[tuple[str, ...]] = [
    ("validate", "pipelines/a.yml"),
    ("validate", "pipelines/a.yml", "--json", "--verbose"),
    ("validate", "pipelines/bad.yml", "--json"),
    ("run", "pipelines/a.yml"),
    ("run", "pipelines/a.yml", "--json"),
    ("run", "pipelines/a.yml", "--verbose"),
    ("run", "pipelines/bad.yml"),
    ("run", "pipelines/bad.yml", "--verbose"),
    ("run", "pipelines/bad.yml", "--json"),
    ("run", "pipelines/url.yml", "--verbose"),
    ("workflow", "validate", "workflows/wf.yml"),
    ("workflow", "info", "workflows/wf.yml"),
    ("workflow", "info", "workflows/wf.yml", "--json"),
    ("workflow", "graph", "workflows/wf.yml"),
    ("workflow", "validate", "workflows/wf.yml", "--json", "--verbose"),
    ("workflow", "run", "workflows/wf.yml"),
    ("workflow", "run", "workflows/wf.yml"),  # the no-op fast path
    ("workflow", "run", "workflows/wf.yml", "--json"),
    ("workflow", "run", "workflows/wf.yml", "--verbose", "--force"),
    ("workflow", "status", "workflows/wf.yml"),
    ("workflow", "status", "workflows/wf.yml", "--json"),
    ("workflow", "graph", "workflows/wf.yml", "--status"),
    ("workflow", "generate", "workflows/wf.yml", "--target", "airflow", "-o", "dags/wf.py"),
    ("workflow", "generate", "workflows/wf.yml", "--target", "prefect"),
    ("workflow", "run", "workflows/bad.yml", "--verbose"),
    ("workflow", "run", "workflows/bad.yml", "--json"),
    ("workflow", "status", "workflows/bad.yml", "--verbose"),
    ("cache", "status"),
    ("cache", "status", "--json"),
]


def test_no_secret_reaches_any_file_or_output(project: Path) -> None:
    outputs: list[tuple[tuple[str, ...], subprocess.CompletedProcess[str]]] = []
    for command in COMMANDS:
        args = [*command, *VAR]
        if command[0] == "cache":
            args = list(command)
        outputs.append((command, cli(*args, cwd=project)))
    codes = {" ".join(c): r.returncode for c, r in outputs}
    assert codes["workflow run workflows/wf.yml"] == 0, codes
    assert codes["run pipelines/bad.yml"] in (1, 2)
    assert (project / "dags/wf.py").is_file()
    hits = [
        f"{' '.join(c)}: {secret}"
        for c, r in outputs
        for secret in SECRETS
        if secret in r.stdout + r.stderr
    ]
    hits += [
        f"{path.relative_to(project)}: {secret}"
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.name != ".env"
        for secret in SECRETS
        if secret.encode() in path.read_bytes()
    ]
    assert hits == [], "\n".join(hits)


def test_generated_code_carries_the_unresolved_expression(project: Path) -> None:
    result = cli(
        "workflow", "generate", "workflows/wf.yml", "--target", "airflow", *VAR, cwd=project
    )
    assert result.returncode == 0, result.stderr
    assert '"${DB_PASSWORD}"' in result.stdout  # double quotes: the file is ruff-formatted


def test_workflow_info_shows_a_secret_variable_as_its_expression(project: Path) -> None:
    result = cli("workflow", "info", "workflows/wf.yml", *VAR, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "│ DB_URL │ '${DB_PASSWORD}' │" in result.stdout


def test_the_no_op_fast_path_still_holds_with_secrets(project: Path) -> None:
    workflow = project / "workflows/wf.yml"
    variables = {"SECRET_KEY": CLI_KEY}
    assert run(workflow, variables).succeeded
    assert stored_plan(workflow, variables) is not None
    assert stored_plan(workflow, {"SECRET_KEY": "another-key"}) is None


def test_a_changed_secret_reruns_without_showing_either_value(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workflow = project / "workflows/wf.yml"
    assert run(workflow, {"SECRET_KEY": CLI_KEY}).succeeded
    monkeypatch.setenv("DB_PASSWORD", "env-pw-0000")
    result = run(workflow, {"SECRET_KEY": CLI_KEY})
    assert reasons(result)["first.a"] == ["var DB_PASSWORD changed (secret, value not shown)"]
    assert "var DB_URL changed (secret, value not shown)" in reasons(result)["second.b"]


def test_a_worker_resolves_the_expression_a_generated_dag_passes(project: Path) -> None:
    variables = {"DB_URL": "${DB_PASSWORD}", "SECRET_KEY": CLI_KEY}
    run_task("workflows/wf.yml", "first.a", project_dir=str(project), variables=variables)
    summary = run_task(
        "workflows/wf.yml", "second.b", project_dir=str(project), variables=variables
    )
    assert summary["status"] == "ran"
    tag = duckdb.sql(f"SELECT DISTINCT tag FROM '{project / 'out/b.parquet'}'").fetchall()
    assert tag == [(len(ENV_PASSWORD) + len(CLI_KEY),)]


def test_the_python_api_masks_a_secret_in_a_failed_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = run_pipeline(project / "pipelines/bad.yml")
    assert result.error is not None
    assert "Could not convert string '***' to INT" in result.error
    assert ENV_PASSWORD not in result.error
