"""Ctrl-C during `quicketl run` at chosen moments: always "interrupted", exit 130, and the
output either as it was or whole and recorded, never half-written (docs/cli.md, Ctrl-C).

Each test sends this process a real SIGINT at one moment of the run (tests run on the main
thread, where Python delivers it): inside a DuckDB statement, which DuckDB turns into
RuntimeError("Query interrupted"), or between two Python steps, as KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from projects import new_project

from quicketl.cli.main import main
from quicketl.engine import filesink
from quicketl.engine.duckdb_session import Session
from quicketl.state import StateStore

NOT_REPLACED = "interrupted: pipelines/p.yml did not finish and its output was not replaced"
FINISHED = "interrupted: pipelines/p.yml had finished: its output was written and recorded"
OLD = b"what the last run wrote"
_DEADLINE_S = 15.0
# Long enough that the SIGINT always lands inside it (it never finishes in a test's time).
_ENDLESS = "SELECT max(md5(CAST(i AS VARCHAR))) FROM range(1000000000) t(i)"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    project = new_project(tmp_path)
    project.csv("data/raw.csv", rows=50)
    derive = {"op": "derive_column", "name": "h", "expr": "md5(CAST(id AS VARCHAR))"}
    project.pipeline("p", "data/raw.csv", "out/p.parquet", transforms=[derive])
    (tmp_path / "out").mkdir()
    (tmp_path / "out/p.parquet").write_bytes(OLD)
    return tmp_path


def quicketl(*args: str) -> tuple[int, str]:
    """`main()` in this process: (exit code, the last line it printed). A KeyboardInterrupt that
    escapes is a failure of the test, not of the session."""
    import io
    import sys

    err = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = err
    try:
        main(list(args))
        code: object = 0
    except SystemExit as exit_:
        code = exit_.code
    except KeyboardInterrupt:
        code = "KeyboardInterrupt escaped"
    finally:
        sys.stdout, sys.stderr = saved
    lines = err.getvalue().strip().splitlines()
    return (code if isinstance(code, int) else -1), (lines[-1] if lines else repr(code))


def sigint_inside_statement(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """The first statement whose SQL holds `marker` is preceded by a long one, during which
    the user presses Ctrl-C."""
    original = Session._execute  # every statement of a session passes here
    armed = [True]

    def execute(self: Session, sql: str) -> list[tuple[Any, ...]]:
        if armed[0] and marker in sql:
            armed[0] = False
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
            # A Ctrl-C the query never sees must fail the test, not hang it.
            deadline = threading.Timer(_DEADLINE_S, _interrupt_quietly, (self.con,))
            deadline.start()
            try:
                original(self, _ENDLESS)
            finally:
                deadline.cancel()
        return original(self, sql)

    monkeypatch.setattr(Session, "_execute", execute)


def _interrupt_quietly(con: Any) -> None:
    with contextlib.suppress(Exception):  # closed already: the KeyboardInterrupt came first
        con.interrupt()


def sigint_around(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, *, after: bool
) -> None:
    """Ctrl-C just before or just after `owner.name` runs (once)."""
    original: Callable[..., Any] = getattr(owner, name)
    armed = [True]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        fire = armed[0]
        armed[0] = False
        if fire and not after:
            signal.raise_signal(signal.SIGINT)
        value = original(*args, **kwargs)
        if fire and after:
            signal.raise_signal(signal.SIGINT)
        return value

    monkeypatch.setattr(owner, name, wrapped)


def recorded(root: Path) -> bool:
    """Whether the state claims a finished run of the pipeline."""
    if not (root / ".quicketl-cache").is_dir():
        return False
    with StateStore(root / ".quicketl-cache") as store:
        return any(store.get_all(scope) for scope in store.scopes())


def assert_untouched(root: Path) -> None:
    assert (root / "out/p.parquet").read_bytes() == OLD
    assert sorted(p.name for p in (root / "out").iterdir()) == ["p.parquet"]


def test_ctrl_c_while_the_first_run_checks_the_pipeline_against_its_sources(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With no cache yet, the pipeline is checked against its sources before the run starts:
    # DuckDB reads the CSV's schema then (this failed as "error: RuntimeError: Query
    # interrupted", exit 1).
    sigint_inside_statement(monkeypatch, "LIMIT 0")
    assert quicketl("run", "pipelines/p.yml", "--force") == (130, NOT_REPLACED)
    assert_untouched(project)
    assert not (project / ".quicketl-cache").exists()


def test_ctrl_c_inside_the_pipelines_query(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert quicketl("run", "pipelines/p.yml", "--force")[0] == 0  # the cache exists now
    (project / "out/p.parquet").write_bytes(OLD)
    sigint_inside_statement(monkeypatch, "COPY")
    started = time.monotonic()
    assert quicketl("run", "pipelines/p.yml", "--force") == (130, NOT_REPLACED)
    # At once: with DuckDB's progress tracking on (`run` shows it), DuckDB did not look for
    # Ctrl-C and the query went on to its end (here: to the test's deadline).
    assert time.monotonic() - started < _DEADLINE_S / 2
    assert_untouched(project)


def assert_written_and_recorded(root: Path) -> None:
    import duckdb

    rows = duckdb.sql(f"SELECT count(*) FROM '{root / 'out/p.parquet'}'").fetchall()
    assert rows == [(50,)]
    assert sorted(p.name for p in (root / "out").iterdir()) == ["p.parquet"]
    assert recorded(root)
    assert quicketl("run", "pipelines/p.yml", "--dry-run") == (0, "Pipeline 'p': up to date")


@pytest.mark.parametrize(
    ("owner", "name", "after"),
    [
        (filesink, "commit_path", False),  # as the output is renamed into place
        (filesink, "commit_path", True),  # just after
        (StateStore, "record_success", False),  # as the state is written
    ],
    ids=["before-rename", "after-rename", "before-record"],
)
def test_ctrl_c_as_the_output_is_committed_waits_for_the_record(
    project: Path, monkeypatch: pytest.MonkeyPatch, owner: object, name: str, after: bool
) -> None:
    # From the commit on, the run is finished: the output and its record go together, and
    # the line says what happened (before, the record was lost and the line said the output
    # was not replaced).
    assert quicketl("run", "pipelines/p.yml", "--force")[0] == 0
    (project / "out/p.parquet").write_bytes(OLD)
    sigint_around(monkeypatch, owner, name, after=after)
    assert quicketl("run", "pipelines/p.yml", "--force") == (130, FINISHED)
    assert_written_and_recorded(project)


def test_ctrl_c_inside_duckdb_before_a_workflows_tasks_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On the main thread, before any task starts, a workflow run may query DuckDB (a
    # freshness query, the tables of a database an interrupted append went to): a Ctrl-C
    # there failed the run as "error: RuntimeError: Query interrupted", exit 1.
    import duckdb
    from projects import linear_three

    from quicketl.execute import plan_run

    monkeypatch.chdir(tmp_path)
    workflow = linear_three(new_project(tmp_path))
    original = plan_run.settle_appends

    def settle_appends(*args: Any, **kwargs: Any) -> Any:
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        with duckdb.connect() as con:
            deadline = threading.Timer(_DEADLINE_S, _interrupt_quietly, (con,))
            deadline.start()
            try:
                con.execute(_ENDLESS).fetchall()
            finally:
                deadline.cancel()
        return original(*args, **kwargs)

    monkeypatch.setattr(plan_run, "settle_appends", settle_appends)
    code, last = quicketl("workflow", "run", str(workflow))
    assert (code, last) == (130, "interrupted: before any task started; nothing ran")
    assert not (tmp_path / "out").exists()
