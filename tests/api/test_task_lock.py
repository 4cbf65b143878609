"""A task run by an orchestrator holds the cache lock shared: `cache gc`, `cache clean` and
workflow runs never work on the cache while it runs, and it waits for a workflow run."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from execute.support import cli
from projects import Project, new_project

from quicketl import api
from quicketl.engine import filesink
from quicketl.errors import StateError
from quicketl.state.lock import CacheLock

WORKFLOW = "workflows/wf.yml"
HELD = r"another quicketl run \(pid unknown\) holds the cache lock .*lock; "


def one_task(project: Project) -> None:
    project.csv("data/raw.csv")
    project.pipeline("a", "data/raw.csv", "out/a.parquet")
    project.workflow([{"name": "one", "pipelines": ["pipelines/a.yml"]}])


def cache_digest(cache: Path) -> dict[str, str]:
    """Every file of the cache byte for byte, the state store by its rows (reading it may
    fold SQLite's write-ahead log into it, which changes its files but not what it holds)."""
    files = {
        str(path.relative_to(cache)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(cache.rglob("*"))
        if path.is_file() and not path.name.startswith("state.db")
    }
    with closing(sqlite3.connect(f"file:{cache / 'state.db'}?mode=ro", uri=True)) as db:
        files["state.db rows"] = "\n".join(db.iterdump())
    return files


class TaskInFlight:
    """`run_task` on a thread, held at its sink's commit until `finish()`."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at_commit = threading.Event()
        self.go_on = threading.Event()
        self.result: dict[str, Any] = {}
        real = filesink.commit_path

        def held_commit(tmp: Path, final: Path) -> None:
            self.at_commit.set()
            assert self.go_on.wait(60)
            real(tmp, final)

        monkeypatch.setattr(filesink, "commit_path", held_commit)
        self.thread = threading.Thread(target=self._run, args=(root,))

    def _run(self, root: Path) -> None:
        self.result.update(api.run_task(WORKFLOW, "one.a", project_dir=str(root)))

    def finish(self) -> dict[str, Any]:
        self.go_on.set()
        self.thread.join(60)
        assert not self.thread.is_alive()
        return self.result


@pytest.fixture
def in_flight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TaskInFlight]:
    one_task(new_project(tmp_path))
    api.run_task(WORKFLOW, "one.a", project_dir=str(tmp_path))  # a cache with records to keep
    (tmp_path / "data" / "raw.csv").write_text("id,value\n1,b\n")  # so that it runs again
    task = TaskInFlight(tmp_path, monkeypatch)
    task.thread.start()
    assert task.at_commit.wait(60)
    yield task
    task.go_on.set()
    task.thread.join(60)


def test_cache_gc_and_clean_refuse_while_a_task_runs(
    tmp_path: Path, in_flight: TaskInFlight
) -> None:
    cache = tmp_path / ".quicketl-cache"
    api.cache_status(tmp_path)  # reading the cache, as gc and clean do first, may add a table
    before = cache_digest(cache)
    with pytest.raises(StateError, match=HELD):
        api.cache_gc(tmp_path, max_size=0)
    with pytest.raises(StateError, match=HELD):
        api.cache_clean(tmp_path)
    assert cache_digest(cache) == before
    assert in_flight.finish()["status"] == "ran"
    assert api.cache_gc(tmp_path).exists  # free again


def test_a_workflow_run_does_not_start_while_a_task_runs(
    tmp_path: Path, in_flight: TaskInFlight
) -> None:
    with pytest.raises(StateError, match=HELD):
        api.run_workflow(tmp_path / WORKFLOW, wait=False)
    assert in_flight.finish()["status"] == "ran"


def test_a_task_waits_for_a_workflow_run(tmp_path: Path) -> None:
    one_task(new_project(tmp_path))
    done: dict[str, Any] = {}
    cache = tmp_path / ".quicketl-cache"
    with CacheLock(cache, wait=False):  # what a workflow run holds
        thread = threading.Thread(
            target=lambda: done.update(api.run_task(WORKFLOW, "one.a", project_dir=str(tmp_path)))
        )
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()
        assert not (tmp_path / "out" / "a.parquet").exists()
    thread.join(60)
    assert done["status"] == "ran"
    assert (tmp_path / "out" / "a.parquet").is_file()


@pytest.mark.parametrize("command", [("cache", "gc"), ("cache", "clean")])
def test_the_cli_says_to_try_again_when_the_cache_is_busy(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    one_task(new_project(tmp_path))
    api.run_task(WORKFLOW, "one.a", project_dir=str(tmp_path))
    with CacheLock(tmp_path / ".quicketl-cache", shared=True):  # what a task run holds
        done = cli(*command, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        "error: another quicketl run (pid unknown) holds the cache lock "
        f"{tmp_path / '.quicketl-cache' / 'lock'}; try again once it has finished\n"
    )
    assert (tmp_path / ".quicketl-cache" / "state.db").is_file()
