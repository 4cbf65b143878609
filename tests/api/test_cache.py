"""`quicketl cache clean|status` on caches in every state of disrepair: no traceback, ever."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from execute.support import cli, statuses
from projects import linear_three, new_project

from quicketl.api import run_workflow

CACHE = ".quicketl-cache"
LINEAR = ["s1.a", "s2.b", "s3.c"]


def project_files(root: Path) -> dict[str, str]:
    """Every file of the project outside the cache folder, by content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and CACHE not in path.parts
    }


def garbage(cache: Path) -> None:
    (cache / "state.db").write_bytes(b"\x00garbage, not a database\n" * 200)


def future_schema(cache: Path) -> None:
    raw = sqlite3.connect(cache / "state.db")
    with raw:
        raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    raw.close()


def database_is_a_folder(cache: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (cache / f"state.db{suffix}").unlink(missing_ok=True)
    (cache / "state.db" / "inside").mkdir(parents=True)


def lock_is_a_folder(cache: Path) -> None:
    (cache / "lock").unlink()
    (cache / "lock").mkdir()


def plans_link_out(cache: Path) -> None:
    (cache / "plans" / "elsewhere").symlink_to(cache.parent / "data")


def lock_links_out(cache: Path) -> None:
    (cache / "lock").unlink()
    (cache / "lock").symlink_to(cache.parent / "data" / "raw.csv")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "lock links to a user file": lock_links_out,
    "garbage": garbage,
    "future schema": future_schema,
    "database is a folder": database_is_a_folder,
    "lock is a folder": lock_is_a_folder,
    "a link out of the cache": plans_link_out,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_cache_clean_always_works_and_touches_nothing_outside(tmp_path: Path, damage: str) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run_workflow(workflow)
    cache = tmp_path / CACHE
    (cache / "plans").mkdir(exist_ok=True)
    DAMAGE[damage](cache)
    before = project_files(tmp_path)
    done = cli("cache", "clean", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in cache.iterdir()] in ([], ["lock"])
    assert project_files(tmp_path) == before
    again = cli("workflow", "run", "workflows/wf.yml", "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "warning" not in again.stderr


def test_a_future_schema_stops_a_run_with_a_message_naming_cache_clean(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    run_workflow(linear_three(project))
    future_schema(tmp_path / CACHE)
    before = (tmp_path / CACHE / "state.db").read_bytes()
    done = cli("workflow", "run", "workflows/wf.yml", cwd=tmp_path)
    assert done.returncode == 1
    assert "written by a newer quicketl (schema 99" in done.stderr
    assert "quicketl cache clean" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / CACHE / "state.db").read_bytes() == before


def test_a_garbage_database_is_set_aside_and_the_work_runs(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    run_workflow(linear_three(project))
    garbage(tmp_path / CACHE)
    kept = (tmp_path / CACHE / "state.db").read_bytes()
    done = cli("workflow", "run", "workflows/wf.yml", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: ") == 1
    assert "was not a SQLite database; moved it to state.db.unreadable" in done.stderr
    assert (tmp_path / CACHE / "state.db.unreadable").read_bytes() == kept
    assert statuses(run_workflow(tmp_path / "workflows/wf.yml")) == dict.fromkeys(
        LINEAR, "up_to_date"
    )


def test_bad_task_rows_make_those_tasks_run_with_one_warning(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    run_workflow(linear_three(project))
    raw = sqlite3.connect(tmp_path / CACHE / "state.db")
    with raw:
        raw.execute("UPDATE tasks SET components = '{broken', key = 'other'")
        raw.execute("UPDATE tasks SET outputs = 'not json' WHERE task_id = 's3.c'")
    raw.close()
    done = cli("workflow", "run", "workflows/wf.yml", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("warning: ") == 1, done.stderr
    assert "task records in the cache could not be read" in done.stderr
    assert '"never run"' in done.stdout


def test_a_lock_that_links_to_a_user_file_never_truncates_it(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    run_workflow(linear_three(project))
    (tmp_path / CACHE / "lock").unlink()
    (tmp_path / CACHE / "lock").symlink_to(tmp_path / "data" / "raw.csv")
    before = project_files(tmp_path)
    done = cli("workflow", "run", "workflows/wf.yml", cwd=tmp_path)
    assert done.returncode == 1
    assert (
        "cannot open the cache lock" in done.stderr
        and "(a link; `quicketl cache clean`" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert project_files(tmp_path) == before
    assert cli("cache", "clean", cwd=tmp_path).returncode == 0
    assert project_files(tmp_path) == before


@pytest.mark.parametrize("text", ["[]", '{"plan": []}', '{"plan": {"workflow_path": 7}}', "{"])
def test_cache_gc_drops_a_damaged_stored_plan(tmp_path: Path, text: str) -> None:
    project = new_project(tmp_path)
    run_workflow(linear_three(project))
    [snapshot] = (tmp_path / CACHE / "plans").glob("*.json")
    snapshot.write_text(text)
    done = cli("cache", "gc", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"removed stored plan {snapshot.name}" in done.stdout
    assert not snapshot.exists()


# --- the output store --------------------------------------------------------------------


def _entries(root: Path) -> set[str]:
    return {p.stem for p in (root / CACHE / "objects" / "entries").glob("*.json")}


def test_cache_gc_keeps_what_the_current_records_use(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run_workflow(workflow)
    old = _entries(tmp_path)
    project.csv("data/raw.csv", rows=5)  # every key changes
    run_workflow(workflow)
    current = _entries(tmp_path) - old
    assert len(old) == len(current) == 3
    before = project_files(tmp_path)
    done = cli("cache", "gc", "--older-than", "0", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "removed 3 output entries and 2 blobs" in done.stdout
    assert _entries(tmp_path) == current
    assert project_files(tmp_path) == before  # the outputs themselves are never touched
    for path in ("out/a.parquet", "out/b.parquet", "out/c.parquet"):
        (tmp_path / path).unlink()
    assert statuses(run_workflow(workflow)) == dict.fromkeys(LINEAR, "restored")


def test_cache_status_shows_the_store_and_the_last_runs_restores(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run_workflow(workflow)
    (tmp_path / "out/c.parquet").unlink()
    run_workflow(workflow)
    done = cli("cache", "status", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # b and c hold the same bytes: one blob for both
    assert "  output store: 3 entries, 2 blobs, " in done.stdout
    assert "  last run (#2, wf): 1 restored, 2 up to date, 0 ran" in done.stdout


def test_cache_clean_empties_the_output_store(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    run_workflow(linear_three(project))
    before = project_files(tmp_path)
    done = cli("cache", "clean", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "removed objects" in done.stdout
    assert not (tmp_path / CACHE / "objects").exists()
    assert project_files(tmp_path) == before


def test_a_bad_gc_size_is_refused_before_anything_is_touched(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    run_workflow(linear_three(project))
    entries = _entries(tmp_path)
    done = cli("cache", "gc", "--max-size", "lots", cwd=tmp_path)
    assert done.returncode == 2
    assert "--max-size: not a size: 'lots'" in done.stderr and "Traceback" not in done.stderr
    assert _entries(tmp_path) == entries
