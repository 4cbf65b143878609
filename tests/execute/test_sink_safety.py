"""Sinks never replace what quicketl did not write: end to end, through the CLI and the API."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from quicketl import api
from quicketl.errors import PlanError
from quicketl.state import StateStore

from .support import cli

PARTITIONED = (
    "name: p\nsource: {type: file, path: data/orders.csv}\n"
    "sink: {type: file, path: out/by_status, partition_by: [status]}\n"
)
WORKFLOW = "name: wf\nstages:\n  - name: s\n    pipelines: [p.yml]\n"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "data").mkdir(parents=True)
    (root / "quicketl.yml").write_text("name: t\n")
    (root / "data" / "orders.csv").write_text("id,status\n1,paid\n2,open\n")
    (root / "out").mkdir()
    (root / "out" / "keep.txt").write_text("a sibling of the sink folder\n")
    (root / "p.yml").write_text(PARTITIONED)
    (root / "wf.yml").write_text(WORKFLOW)
    return root


def hashes(folder: Path) -> dict[str, str]:
    """Every file below `folder` (outside the cache) with its content hash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and ".quicketl-cache" not in path.parts:
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return found


def partitions(root: Path) -> list[str]:
    folder = root / "out" / "by_status"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def change_input(root: Path) -> None:
    (root / "data" / "orders.csv").write_text("id,status\n1,paid\n2,open\n3,late\n")


def test_a_partitioned_sink_replaces_its_own_folder_and_nothing_beside_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert cli("run", "p.yml", cwd=root).returncode == 0
    change_input(root)
    around = {k: v for k, v in hashes(root).items() if not k.startswith("out/by_status/")}
    done = cli("run", "p.yml", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [p.split("/")[0] for p in partitions(root)] == [
        "status=late",
        "status=open",
        "status=paid",
    ]
    after = {k: v for k, v in hashes(root).items() if not k.startswith("out/by_status/")}
    assert after == around


def test_the_store_records_which_sink_wrote_the_folder(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert cli("run", "p.yml", cwd=root).returncode == 0
    with StateStore(root / ".quicketl-cache") as store:
        owner = store.owners()[os.path.realpath(root / "out" / "by_status")]
    assert (owner.scope, owner.task_id) == ("pipeline:p.yml", "pipeline.p")
    assert owner.inode == (root / "out" / "by_status").stat().st_ino


def test_after_cache_clean_the_folder_is_still_recognised_by_its_shape(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert cli("run", "p.yml", cwd=root).returncode == 0
    assert cli("cache", "clean", cwd=root).returncode == 0
    change_input(root)
    done = cli("run", "p.yml", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "status=late/data_0.parquet" in partitions(root)


def test_a_user_file_dropped_into_the_sink_folder_is_never_deleted(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert cli("run", "p.yml", cwd=root).returncode == 0
    (root / "out" / "by_status" / "notes.md").write_text("mine\n")
    change_input(root)
    before = hashes(root)
    done = cli("run", "p.yml", cwd=root)
    assert done.returncode == 2
    assert done.stdout + done.stderr == (
        "p.yml:3: sink.path: out/by_status is a folder holding 1 file quicketl did not write "
        "(notes.md); a partitioned sink replaces its whole folder: point it at a new or empty "
        "folder\n"
    )
    assert hashes(root) == before


def test_changing_partition_by_may_replace_the_sinks_own_folder(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert cli("run", "p.yml", cwd=root).returncode == 0
    (root / "p.yml").write_text(PARTITIONED.replace("[status]", "[id]"))
    done = cli("run", "p.yml", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [p.split("/")[0] for p in partitions(root)] == ["id=1", "id=2"]


def test_another_pipeline_may_not_take_over_a_folder_it_did_not_write(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert cli("run", "p.yml", cwd=root).returncode == 0
    (root / "q.yml").write_text(
        PARTITIONED.replace("name: p", "name: q").replace("[status]", "[id]")
    )
    before = hashes(root)
    done = cli("run", "q.yml", cwd=root)
    assert done.returncode == 2
    assert "out/by_status is a folder holding 2 files quicketl did not write" in done.stderr
    assert hashes(root) == before


def test_a_stored_plan_is_checked_again_before_any_task_starts(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert cli("workflow", "run", "wf.yml", cwd=root).returncode == 0
    (root / "out" / "by_status" / "status=paid" / "summary.xlsx").write_text("mine\n")
    change_input(root)
    before = hashes(root)
    done = cli("workflow", "run", "wf.yml", cwd=root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "p.yml:3: sink.path: out/by_status is a folder holding 1 file quicketl did not " in (
        done.stderr
    )
    assert "(status=paid/summary.xlsx)" in done.stderr
    assert hashes(root) == before


OUTSIDE = (
    "name: p\nsource: {type: file, path: data/orders.csv}\n"
    "sink: {type: file, path: ../shared/p.csv}\n"
)


@pytest.mark.parametrize(
    "command",
    [
        ["run", "p.yml"],
        ["validate", "p.yml"],
        ["workflow", "run", "wf.yml"],
        ["workflow", "validate", "wf.yml"],
        ["workflow", "status", "wf.yml"],
    ],
)
def test_outside_the_project_needs_the_flag_or_the_project_file(
    tmp_path: Path, command: list[str]
) -> None:
    root = project(tmp_path)
    (root / "p.yml").write_text(OUTSIDE)
    refused = cli(*command, cwd=root)
    assert refused.returncode == 2
    assert f"{tmp_path / 'shared' / 'p.csv'} is outside the project folder {root}" in refused.stderr
    assert not (root / ".quicketl-cache").exists() and not (tmp_path / "shared").exists()
    allowed = cli(*command, "--allow-outside-project", cwd=root)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    (root / "quicketl.yml").write_text("name: t\nallowed_output_roots: [../shared]\n")
    assert cli(*command, cwd=root).returncode == 0


def test_run_task_refuses_outside_the_project_unless_allowed(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "p.yml").write_text(OUTSIDE)
    with pytest.raises(PlanError, match="is outside the project folder"):
        api.run_task("wf.yml", "s.p", project_dir=str(root))
    assert not (root / ".quicketl-cache").exists()
    done = api.run_task("wf.yml", "s.p", project_dir=str(root), allow_outside_project=True)
    assert done["status"] == "ran"
    assert (tmp_path / "shared" / "p.csv").is_file()


def test_the_api_refuses_a_sink_over_its_source(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "p.yml").write_text(
        "name: p\nsource: {type: file, path: data/orders.csv}\n"
        "sink: {type: file, path: data/orders.csv}\n"
    )
    before = hashes(root)
    for call in (api.run_pipeline, api.validate_pipeline):
        with pytest.raises(PlanError, match=r"data/orders\.csv is an input of this pipeline"):
            call(root / "p.yml")
    with pytest.raises(PlanError, match=r"data/orders\.csv is an input of this pipeline"):
        api.run_pipeline(root / "p.yml", dry_run=True)
    assert hashes(root) == before
    assert not (root / ".quicketl-cache").exists()
