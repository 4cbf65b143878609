"""The error corpus for workflow files: one clear located message, exit 2, nothing written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from projects import Project, new_project

from .support import cli, invoke


@dataclass(frozen=True)
class Case:
    id: str
    workflow: str
    message: str  # a regex over stderr; `{root}` stands for the project root
    files: dict[str, str] = field(default_factory=dict)


TWO_STAGES = """\
name: wf
stages:
  - name: bronze
    pipelines: [pipelines/a.yml]
  - name: silver
    depends_on: [{dep}]
    pipelines: [pipelines/b.yml]
"""

ONE_STAGE = """\
name: wf
{extra}stages:
  - name: only
    pipelines: [{pipelines}]
"""

BAD_PIPELINE = """\
name: bad
source:
  path: data/raw.csv
transforms:
  - op: filter
    predicat: id > 1
sink:
  path: out/bad.parquet
"""

CORPUS = [
    Case(
        "unknown-depends-on-with-close-match",
        TWO_STAGES.format(dep="bronz"),
        r"^workflows/wf\.yml:6: stages\[1\]\.depends_on\[0\]: unknown stage 'bronz' in "
        r"depends_on; did you mean 'bronze'\?$",
    ),
    Case(
        "cycle-named-in-full",
        "name: wf\nstages:\n  - name: a\n    depends_on: [b]\n    pipelines: [pipelines/a.yml]\n"
        "  - name: b\n    depends_on: [a]\n    pipelines: [pipelines/b.yml]\n",
        r"^workflows/wf\.yml:2: stages: cycle in stage depends_on: a -> b -> a$",
    ),
    Case(
        "stage-depending-on-itself",
        "name: wf\nstages:\n  - name: a\n    depends_on: [a]\n    pipelines: [pipelines/a.yml]\n",
        r"^workflows/wf\.yml:2: stages: cycle in stage depends_on: a -> a$",
    ),
    Case(
        "missing-pipeline-file",
        ONE_STAGE.format(extra="", pipelines="pipelines/a.yml, pipelines/nope.yml"),
        r"^workflows/wf\.yml:4: stages\[0\]\.pipelines\[1\]\.path: pipeline file not found: "
        r"pipelines/nope\.yml \(looked in .+\)$",
    ),
    Case(
        "invalid-pipeline-file-with-its-own-location",
        ONE_STAGE.format(extra="", pipelines="pipelines/bad.yml"),
        r"^{root}/pipelines/bad\.yml:6: transforms\[0\]\.predicat: unknown key 'predicat'; "
        r"did you mean 'predicate'\?$",
        {"pipelines/bad.yml": BAD_PIPELINE},
    ),
    Case(
        "two-pipelines-write-the-same-output",
        ONE_STAGE.format(extra="", pipelines="pipelines/a.yml, pipelines/also_a.yml"),
        r"^workflows/wf\.yml:4: stages\[0\]\.pipelines\[1\]\.path: only\.a and only\.also_a "
        r"both write out/a\.parquet$",
        {
            "pipelines/also_a.yml": "name: also_a\nsource: {path: data/raw.csv}\n"
            "sink: {path: out/a.parquet}\n"
        },
    ),
    Case(
        "unknown-workflow-key",
        ONE_STAGE.format(extra="fail_fats: false\n", pipelines="pipelines/a.yml"),
        r"^workflows/wf\.yml:2: fail_fats: unknown key 'fail_fats'; did you mean 'fail_fast'\?$",
    ),
    Case(
        "unknown-stage-key",
        "name: wf\nstages:\n  - name: a\n    paralel: true\n    pipelines: [pipelines/a.yml]\n",
        r"^workflows/wf\.yml:4: stages\[0\]\.paralel: unknown key 'paralel'; "
        r"did you mean 'parallel'\?$",
    ),
    Case(
        "unknown-pipeline-entry-key",
        "name: wf\nstages:\n  - name: a\n    pipelines:\n      - path: pipelines/a.yml\n"
        "        varibles: {X: 1}\n",
        r"^workflows/wf\.yml:6: stages\[0\]\.pipelines\[0\]\.varibles: unknown key 'varibles'; "
        r"did you mean 'variables'\?$",
    ),
    Case(
        "yaml-syntax-error",
        "name: wf\nstages:\n  - name: a\n    pipelines: [pipelines/a.yml\n  - name: b\n",
        r"^workflows/wf\.yml:5: YAML syntax error at line 5, column \d+: .+$",
    ),
    Case(
        "empty-stages",
        "name: wf\nstages: []\n",
        r"^workflows/wf\.yml:2: stages: .*at least 1 item.*$",
    ),
    Case(
        "duplicate-stage-names",
        "name: wf\nstages:\n  - name: a\n    pipelines: [pipelines/a.yml]\n"
        "  - name: a\n    pipelines: [pipelines/b.yml]\n",
        r"^workflows/wf\.yml:5: stages\[1\]\.name: duplicate stage name 'a'$",
    ),
    Case(
        "workflow-engine-not-duckdb",
        ONE_STAGE.format(extra="engine: spark\n", pipelines="pipelines/a.yml"),
        r"^workflows/wf\.yml:2: engine: quicketl runs on DuckDB only; engine 'spark' is not "
        r"supported$",
    ),
    Case(
        "pipeline-engine-not-duckdb",
        ONE_STAGE.format(extra="", pipelines="pipelines/spark.yml"),
        r"^{root}/pipelines/spark\.yml:2: engine: quicketl runs on DuckDB only; "
        r"engine 'polars' is not supported$",
        {
            "pipelines/spark.yml": "name: spark\nengine: polars\nsource: {path: data/raw.csv}\n"
            "sink: {path: out/s.parquet}\n"
        },
    ),
    Case(
        "unresolved-variable",
        ONE_STAGE.format(extra="", pipelines="pipelines/uses_var.yml"),
        r"^{root}/pipelines/uses_var\.yml:3: source\.path: unresolved variable \$\{NOPE\}: "
        r"pass --var NOPE=\.\.\. or set it$",
        {
            "pipelines/uses_var.yml": "name: uses_var\nsource:\n  path: data/${NOPE}.csv\n"
            "sink:\n  path: out/v.parquet\n"
        },
    ),
    Case(
        "two-pipelines-with-one-name-in-a-stage",
        "name: wf\nstages:\n  - name: a\n    pipelines:\n      - path: pipelines/a.yml\n"
        "      - path: pipelines/a.yml\n",
        r"^workflows/wf\.yml:6: stages\[0\]\.pipelines\[1\]\.path: two pipelines named 'a' in "
        r"stage 'a'; give one a distinct `name:`$",
    ),
]


def make_project(tmp_path: Path, case: Case) -> Project:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("a", "data/raw.csv", "out/a.parquet")
    project.pipeline("b", "out/a.parquet", "out/b.parquet")
    for relpath, text in case.files.items():
        project.write(relpath, text)
    project.write("workflows/wf.yml", case.workflow)
    return project


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_bad_workflow_is_one_located_message_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: Case,
    command: str,
) -> None:
    make_project(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    code, out, err = invoke(capsys, "workflow", command, "workflows/wf.yml")
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    pattern = case.message.replace("{root}", re.escape(str(tmp_path.resolve())))
    assert re.search(pattern, err, re.MULTILINE), err
    assert snapshot(tmp_path) == before, "a rejected workflow must write nothing"


def test_json_error_is_one_document_on_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    make_project(tmp_path, CORPUS[0])
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "workflow", "run", "workflows/wf.yml", "--json")
    assert code == 2
    document = json.loads(out)
    assert "did you mean 'bronze'?" in json.dumps(document)
    assert "Traceback" not in out + err


def test_cycle_between_pipelines_by_lineage_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = new_project(tmp_path)
    project.pipeline("ping", "out/pong.parquet", "out/ping.parquet")
    project.pipeline("pong", "out/ping.parquet", "out/pong.parquet")
    project.workflow([{"name": "loop", "pipelines": ["pipelines/ping.yml", "pipelines/pong.yml"]}])
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 2
    assert "cycle between pipelines: loop.ping -> loop.pong -> loop.ping" in err


def test_every_problem_is_listed_not_only_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = TWO_STAGES.format(dep="bronz").replace("pipelines/b.yml", "pipelines/bad.yml")
    workflow += "  - name: gold\n    pipelines: [pipelines/nope.yml]\n"
    make_project(tmp_path, Case("many", workflow, "", {"pipelines/bad.yml": BAD_PIPELINE}))
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 2
    assert "stages[1].depends_on[0]: unknown stage 'bronz'" in err
    assert "bad.yml:6: transforms[0].predicat: unknown key 'predicat'" in err
    assert "stages[2].pipelines[0].path: pipeline file not found: pipelines/nope.yml" in err


def test_missing_depends_on_for_a_lineage_edge_is_a_warning_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = (
        "name: wf\nstages:\n  - name: late\n    pipelines: [pipelines/b.yml]\n"
        "  - name: early\n    pipelines: [pipelines/a.yml]\n"
    )
    make_project(tmp_path, Case("lineage", workflow, ""))
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err
    text = " ".join((out + err).split())
    assert (
        "warning: workflows/wf.yml:4: stages[0].pipelines[0].path: late.b reads out/a.parquet, "
        "written by early.a, but stage 'late' does not depend on 'early'; add depends_on: [early]"
    ) in text


def test_lineage_warning_still_runs_in_lineage_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = (
        "name: wf\nstages:\n  - name: late\n    pipelines: [pipelines/b.yml]\n"
        "  - name: early\n    pipelines: [pipelines/a.yml]\n"
    )
    make_project(tmp_path, Case("lineage", workflow, ""))
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(capsys, "workflow", "run", "workflows/wf.yml", "--workers", "1")
    assert code == 0, out + err
    assert "add depends_on: [early]" in " ".join((out + err).split())
    assert (tmp_path / "out/b.parquet").is_file()


@pytest.mark.parametrize("command", ["validate", "run"])
def test_installed_command_prints_no_traceback(tmp_path: Path, command: str) -> None:
    case = CORPUS[0]
    make_project(tmp_path, case)
    before = snapshot(tmp_path)
    done = cli("workflow", command, "workflows/wf.yml", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert re.search(case.message, done.stderr, re.MULTILINE), done.stderr
    assert snapshot(tmp_path) == before
