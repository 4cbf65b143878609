"""Restoring outputs from the output store instead of running: when, how safely, and when never."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from projects import Project, linear_three, new_project

from quicketl.state.objects import object_name

from .support import cli, explain, json_tasks, ran, reasons, restored, rows, run, statuses

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "medallion"
LINEAR = ["s1.a", "s2.b", "s3.c"]


def _outputs(root: Path) -> dict[str, bytes]:
    """Every file a run wrote, outside the cache, by relative path."""
    found = {}
    for path in sorted((root / "output").rglob("*")):
        if path.is_file():
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def _fresh_checkout(root: Path) -> None:
    """What a CI job has when it restores only `.quicketl-cache/objects/`: no outputs, no state."""
    shutil.rmtree(root / "output")
    for entry in (root / ".quicketl-cache").iterdir():
        if entry.name != "objects":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def test_proof_a_fresh_checkout_with_only_the_objects_runs_nothing(tmp_path: Path) -> None:
    root = tmp_path / "medallion"
    shutil.copytree(EXAMPLE, root)
    first = cli("workflow", "run", "workflows/medallion.yml", "--json", cwd=root)
    assert first.returncode == 0, first.stderr
    built = _outputs(root)
    assert len(built) == 5
    _fresh_checkout(root)
    assert not (root / "output").exists()
    assert [p.name for p in (root / ".quicketl-cache").iterdir()] == ["objects"]
    again = cli("workflow", "run", "workflows/medallion.yml", "--json", cwd=root)
    assert again.returncode == 0, again.stderr
    document = json.loads(again.stdout)
    assert document["summary"]["ran"] == 0
    assert document["summary"]["restored"] == 5
    assert {t["status"] for t in document["tasks"]} == {"restored"}
    assert all(t["result"] is None for t in document["tasks"])  # no pipeline executed
    assert _outputs(root) == built  # byte-identical
    _fresh_checkout(root)
    human = cli("workflow", "run", "workflows/medallion.yml", cwd=root)
    assert "Pipelines: 5/5 succeeded (0 up to date, 0 ran, 5 restored)" in human.stdout
    assert "restored bronze.ingest_users" in human.stderr + human.stdout
    assert "from the local cache, entry written by run 1 at" in human.stderr + human.stdout
    assert _outputs(root) == built
    history = cli("workflow", "log", "--json", cwd=root)
    latest = json.loads(history.stdout)["runs"][0]
    assert latest["status"] == "success"
    assert {t["status"] for t in latest["tasks"]} == {"restored"}  # the history says so too


def test_the_explanation_says_where_from_and_why_it_is_safe(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    (tmp_path / "out/a.parquet").unlink()
    result = run(workflow)
    why = reasons(result)["s1.a"]
    assert why[0].startswith("restored from the local cache, entry written by run ")
    assert "; key unchanged: " in why[0]
    assert (
        "(same config, variables, inputs and tool versions); 1 file(s) verified by hash" in why[0]
    )
    assert why[1:] == ["output out/a.parquet missing"]


def test_early_cutoff_treats_a_restored_output_as_a_built_one(tmp_path: Path) -> None:
    """Downstream decisions see the restored bytes: b and c stay up to date after a is
    restored, as they do after a re-run writing the same bytes."""
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    b_before = (tmp_path / "out/b.parquet").read_bytes()
    (tmp_path / "out/a.parquet").unlink()
    result = run(workflow)
    assert statuses(result) == {"s1.a": "restored", "s2.b": "up_to_date", "s3.c": "up_to_date"}
    assert (tmp_path / "out/b.parquet").read_bytes() == b_before
    assert statuses(run(workflow)) == dict.fromkeys(LINEAR, "up_to_date")


def test_a_chain_with_no_state_is_restored_top_down(tmp_path: Path) -> None:
    """With no records at all each key is computed from the restored upstream outputs."""
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    built = {p: (tmp_path / p).read_bytes() for p in ("out/a.parquet", "out/b.parquet")}
    shutil.rmtree(tmp_path / "out")
    (tmp_path / ".quicketl-cache/state.db").unlink()
    result = run(workflow)
    assert restored(result) == set(LINEAR)
    assert all(reasons(result)[t][-1] == "never run" for t in LINEAR)
    assert {p: (tmp_path / p).read_bytes() for p in built} == built


@pytest.mark.parametrize("damage", ["truncated", "bit-flipped"])
def test_a_corrupt_blob_is_evicted_and_the_task_runs(
    tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    target = tmp_path / "out/b.parquet"
    digest = _record_hash(tmp_path, "s2.b")
    blob = tmp_path / ".quicketl-cache/objects" / object_name(digest)
    data = bytearray(blob.read_bytes())
    blob.chmod(0o644)
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 3] ^= 0x10
    blob.write_bytes(bytes(data))
    target.unlink()
    result = run(workflow)
    assert statuses(result) == {"s1.a": "up_to_date", "s2.b": "ran", "s3.c": "up_to_date"}
    assert reasons(result)["s2.b"] == [
        "output out/b.parquet missing",
        f"could not restore from the local cache: blob {digest} in "
        f"{tmp_path / '.quicketl-cache/objects'} is corrupt (evicted)",
    ]
    warning = f"warning: s2.b: could not restore from the local cache: blob {digest} in "
    assert warning in capsys.readouterr().err
    assert rows(target) == [(0, "a0"), (1, "a1"), (2, "a2")]
    assert blob.read_bytes() != bytes(data)  # evicted, then stored afresh by the run
    target.unlink()
    assert statuses(run(workflow))["s2.b"] == "restored"


def _record_hash(root: Path, task_id: str) -> str:
    from .support import records

    return records(root)[task_id].outputs[0]["hash"]


def test_force_runs_and_never_restores(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    (tmp_path / "out/a.parquet").unlink()
    assert ran(run(workflow, force=True)) == set(LINEAR)


def test_a_partitioned_folder_output_is_restored_file_by_file(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.write("data/raw.csv", "id,year\n1,2024\n2,2025\n3,2025\n")
    project.pipeline("p", "data/raw.csv", "out/parts")
    doc = (tmp_path / "pipelines/p.yml").read_text()
    (tmp_path / "pipelines/p.yml").write_text(
        doc.replace("path: out/parts", "path: out/parts\n  partition_by: [year]")
    )
    workflow = project.workflow([{"name": "s", "pipelines": ["pipelines/p.yml"]}])
    run(workflow)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "out").rglob("*.*")}
    assert len(before) == 2
    shutil.rmtree(tmp_path / "out/parts")
    result = run(workflow)
    assert statuses(result) == {"s.p": "restored"}
    assert "2 file(s) verified by hash" in reasons(result)["s.p"][0]
    after = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "out").rglob("*.*")}
    assert after == before


# --- never restored ------------------------------------------------------------------------

NEVER = {
    "volatile": (
        "volatile: true\nsource: {type: file, path: data/raw.csv}\n"
        "sink: {type: file, path: out/x.parquet}\n",
        "never restored from the cache: volatile: true (it must run every time)",
    ),
    "append": (
        "source: {type: file, path: data/raw.csv}\n"
        "sink: {type: file, path: out/x.csv, format: csv, mode: append}\n",
        "never restored from the cache: appends to its output "
        "(a stored copy would only be one moment of it)",
    ),
    "database sink": (
        "source: {type: file, path: data/raw.csv}\n"
        'sink: {type: database, connection: "duckdb:///wh.duckdb", table: x, mode: replace}\n',
        "never restored from the cache: writes a database table (the cache holds files only)",
    ),
}


@pytest.mark.parametrize("kind", NEVER)
def test_never_restored_tasks_are_not_stored_and_status_says_why(tmp_path: Path, kind: str) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    body, note = NEVER[kind]
    project.write("pipelines/x.yml", "name: x\n" + body)
    workflow = project.workflow([{"name": "s", "pipelines": ["pipelines/x.yml"]}])
    assert run(workflow).succeeded
    objects = tmp_path / ".quicketl-cache/objects"
    assert not list(objects.rglob("*.json")) if objects.exists() else True
    project.csv("data/raw.csv", rows=4)  # so that every kind would run
    assert note in reasons(explain(workflow))["s.x"]
    done = cli("workflow", "status", workflow, "--json", cwd=tmp_path)
    assert note in json_tasks(done.stdout)["s.x"]["reasons"]
    assert statuses(run(workflow)) == {"s.x": "ran"}


def test_outputs_written_despite_failed_checks_are_never_stored(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("p", "data/raw.csv", "out/p.parquet", checks=[{"type": "row_count", "max": 1}])
    done = cli("run", "pipelines/p.yml", "--no-fail-on-checks", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out/p.parquet").is_file()
    assert not list((tmp_path / ".quicketl-cache/objects").rglob("*.json"))
    (tmp_path / "out/p.parquet").unlink()
    again = cli("run", "pipelines/p.yml", "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["checks"]["failed"] == 1  # it ran: nothing was restored


def test_no_variable_value_reaches_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, plain = "sk-live-93F1x", "plain-value-6021"
    monkeypatch.setenv("API_TOKEN", secret)
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline(
        "p",
        "data/raw.csv",
        "out/p.parquet",
        transforms=[
            {"op": "filter", "predicate": "'${secret:API_TOKEN}' <> '' AND '${TAG}' <> ''"}
        ],
    )
    workflow = project.workflow([{"name": "s", "pipelines": ["pipelines/p.yml"]}])
    assert run(workflow, {"TAG": plain}).succeeded
    stored = [p for p in (tmp_path / ".quicketl-cache/objects").rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in stored)
    for path in stored:
        data = path.read_bytes()
        assert secret.encode() not in data, path
        assert plain.encode() not in data, path


def test_a_restored_task_is_recorded_so_the_next_run_is_a_noop(tmp_path: Path) -> None:
    project: Project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    (tmp_path / "out/c.parquet").unlink()
    assert restored(run(workflow)) == {"s3.c"}
    assert statuses(run(workflow)) == dict.fromkeys(LINEAR, "up_to_date")


def test_status_says_which_tasks_would_be_restored_and_restores_nothing(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    (tmp_path / "out/a.parquet").unlink()
    done = cli("workflow", "status", workflow, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "would be restored from the local cache (entry written by run 1 at" in done.stdout
    assert not (tmp_path / "out/a.parquet").exists()


def test_a_store_that_cannot_be_written_is_one_warning_never_a_failed_task(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    (tmp_path / ".quicketl-cache").mkdir()
    (tmp_path / ".quicketl-cache/objects").write_text("a file where the store should be")
    result = run(workflow)
    assert statuses(result) == dict.fromkeys(LINEAR, "ran")
    err = capsys.readouterr().err
    assert err.count("warning: could not save outputs to the local output cache (") == 1
    assert "runs go on without it" in err
    (tmp_path / "out/a.parquet").unlink()
    assert statuses(run(workflow))["s1.a"] == "ran"


def test_a_sink_writing_to_a_url_is_never_restored() -> None:
    from quicketl.execute.restore import never_restored
    from quicketl.plan.model import Task

    def task(path: str) -> Task:
        sink = {"type": "file", "path": path}
        return Task("s.p", "s", "p", Path("p.yml"), {"sink": sink}, {}, {}, (), (path,))

    assert never_restored(task("s3://bucket/out.parquet")) == (
        "writes to a URL (the cache holds local files only)"
    )
    assert never_restored(task("out/p.parquet")) is None
    assert never_restored(task("/elsewhere/p.parquet")) == "writes outside the project"
