"""Helpers for execute tests: run workflows in-process or through the CLI, and read results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from quicketl import api
from quicketl.cli.main import main
from quicketl.execute.outcomes import WorkflowResult
from quicketl.state import StateStore, TaskRecord

QUICKETL = Path(sys.executable).with_name("quicketl")
CLI_ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def killed_by(killer: Path, root: Path, when: str, *args: str) -> None:
    """Run a kill script (it kills quicketl at a commit, `when` before or after it) with
    `args`; the process must really die there, by SIGKILL."""
    done = subprocess.run(
        [sys.executable, str(killer), when, *args],
        cwd=root,
        env={**os.environ, **CLI_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -9, (done.returncode, done.stdout, done.stderr)


def run(workflow: Path, variables: Mapping[str, object] | None = None, **kw: Any) -> WorkflowResult:
    """One real run through the public API (in this process, so DuckDB is imported once)."""
    kw.setdefault("workers", 2)
    return api.run_workflow(workflow, variables, **kw)


def explain(
    workflow: Path, variables: Mapping[str, object] | None = None, **kw: Any
) -> WorkflowResult:
    return api.explain(workflow, variables, **kw)


def statuses(result: WorkflowResult) -> dict[str, str]:
    return {t.task_id: t.status for t in result.tasks}


def reasons(result: WorkflowResult) -> dict[str, list[str]]:
    return {t.task_id: list(t.reasons) for t in result.tasks}


def ran(result: WorkflowResult) -> set[str]:
    return {t.task_id for t in result.tasks if t.status == "ran"}


def restored(result: WorkflowResult) -> set[str]:
    return {t.task_id for t in result.tasks if t.status == "restored"}


def cli(*args: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed `quicketl` console script, as a user runs it."""
    return subprocess.run(
        [str(QUICKETL), *map(str, args)],
        cwd=cwd,
        env={**os.environ, **CLI_ENV},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def invoke(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """`main()` exactly as the console script calls it (fast path included), in this process:
    (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def popen(*args: str | Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(QUICKETL), *map(str, args)],
        cwd=cwd,
        env={**os.environ, **CLI_ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_lock(cache: Path, process: subprocess.Popen[str], timeout: float = 30) -> bool:
    """Wait until `process` holds the cache lock (its pid is in the lock file); False if it
    ended first."""
    deadline = time.monotonic() + timeout
    lock = cache / "lock"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        text = lock.read_text().strip() if lock.exists() else ""
        if text == str(process.pid):
            return True
        time.sleep(0.005)
    raise AssertionError(f"pid {process.pid} never took the cache lock {lock}")


def json_tasks(stdout: str) -> dict[str, dict[str, Any]]:
    """`--json` output: exactly one document; its tasks by id."""
    document = json.loads(stdout)
    return {task["task_id"]: task for task in document["tasks"]}


def rows(path: Path, order_by: str = "ALL") -> list[tuple[Any, ...]]:
    """Every row of a parquet file, read by DuckDB; raises if the file is not valid parquet."""
    with duckdb.connect() as conn:
        query = f"SELECT * FROM read_parquet(?) ORDER BY {order_by}"
        return conn.execute(query, [str(path)]).fetchall()


def records(root: Path, scope: str = "workflows/wf.yml") -> dict[str, TaskRecord]:
    """What the state store holds for a workflow (default cache folder of `root`)."""
    with StateStore(root / ".quicketl-cache") as store:
        return store.get_all(scope)


def touch(path: Path, seconds: int = -10) -> None:
    """A new mtime (same bytes), far enough away that no timestamp granularity hides it; in
    the past by default, so the new stat is settled and may be remembered by the stat cache."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def write_yaml(path: Path, doc: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(dict(doc), sort_keys=False), encoding="utf-8")
    return path


def pipeline_doc(
    name: str,
    reads: Sequence[str],
    writes: str,
    predicate: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A pipeline reading `reads` (union all), optionally filtered, writing `writes`."""
    doc: dict[str, Any] = {"name": name}
    if len(reads) == 1:
        doc["source"] = {"type": "file", "path": reads[0]}
        transforms: list[dict[str, Any]] = []
    else:
        doc["sources"] = {f"s{i}": {"type": "file", "path": p} for i, p in enumerate(reads)}
        transforms = [{"op": "union", "sources": [f"s{i}" for i in range(1, len(reads))]}]
    if predicate is not None:
        transforms.append({"op": "filter", "predicate": predicate})
    if transforms:
        doc["transforms"] = transforms
    doc["sink"] = {"type": "file", "path": writes}
    doc.update(extra)
    return doc


def reformat(path: Path) -> None:
    """The same pipeline or workflow in another YAML spelling: a comment, flow style, quoted
    strings, and the top-level keys in reverse order (their order carries no meaning)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    reordered = dict(reversed(list(doc.items())))
    text = yaml.dump(reordered, Dumper=_QuotingDumper, sort_keys=False, default_flow_style=True)
    path.write_text("# reformatted by hand\n" + text + "\n# the end\n", encoding="utf-8")


class _QuotingDumper(yaml.SafeDumper):
    """Single-quotes every string, so the text differs while every value keeps its type."""


_QuotingDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style="'")
)


def big_csv(path: Path, rows: int, groups: int = 1000) -> Path:
    """A CSV of `rows` rows (id, grp, amount), written by DuckDB."""
    path.parent.mkdir(parents=True, exist_ok=True)
    query = (
        f"COPY (SELECT i AS id, i % {groups} AS grp, (i * 7919) % 1000 AS amount "
        f"FROM range({rows}) t(i)) TO '{path}' (HEADER, DELIMITER ',')"
    )
    with duckdb.connect() as conn:
        conn.execute(query)
    return path
