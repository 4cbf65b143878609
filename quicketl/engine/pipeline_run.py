"""Running one pipeline: prepare, read once, check, write. Runtime failures are returned.

Without checks, the whole chain runs as one `COPY (...) TO` statement, as fast as the same SQL
written by hand; rows read come from DuckDB's profile of it and per-transform row counts are
not computed (None). With checks, a database sink or a dry run, the final table is
materialised once into a temporary table, the checks run on it, and the sink copies from it.
A dry run also counts every step's rows, and writes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from quicketl.config.connections import postgres_url
from quicketl.config.loader import LoadedPipeline
from quicketl.config.sinks import DatabaseSink, FileSink
from quicketl.engine.access import pipeline_access
from quicketl.engine.chain import Chain
from quicketl.engine.checks import run_checks
from quicketl.engine.copyfirst import copy_first_chain
from quicketl.engine.datafiles import sink_target
from quicketl.engine.dburl import duckdb_file
from quicketl.engine.duckdb_module import duckdb
from quicketl.engine.duckdb_session import DatabasePool, Session
from quicketl.engine.filesink import BeforeCommit, write_file
from quicketl.engine.interrupts import commit_window, ctrl_c_restored
from quicketl.engine.pipeline_result import CheckResult, PipelineResult, StepResult, StepStatus
from quicketl.engine.prepare import prepare
from quicketl.engine.relation import Relation
from quicketl.engine.rowcount import source_rows
from quicketl.engine.sql import ident
from quicketl.engine.translate import runtime_message
from quicketl.engine.written import Written
from quicketl.errors import EngineError, StateError
from quicketl.locations.paths import relative_to_root
from quicketl.values import FrozenValue

if TYPE_CHECKING:
    from quicketl.engine.appendmarks import MarkAppend

FINAL_TABLE = "qetl_final"
RUNTIME_ERRORS = (duckdb.Error, OSError, EngineError, StateError)


def run_pipeline(
    loaded: LoadedPipeline,
    *,
    dry_run: bool = False,
    fail_on_checks: bool = True,
    threads: int | None = None,
    before_commit: BeforeCommit | None = None,
    databases: DatabasePool | None = None,
    mark_append: MarkAppend | None = None,
) -> PipelineResult:
    """Run one pipeline. Invalid input raises ConfigError before anything is written;
    a failure while running is returned as status "failed" with a readable `error`.
    `before_commit` is called just before an append to a file commits (see filesink), and
    `mark_append` inside an append's transaction into a table, before its COMMIT (appendmarks).
    With `databases`, the run uses a fresh connection to a database the pool keeps."""
    started = time.perf_counter()
    result = PipelineResult(loaded.config.name, "success", dry_run=dry_run)
    # Ctrl-C: a KeyboardInterrupt, held from a commit to the end of the window (the caller's
    # when it records the task: execute/task_run.py).
    with commit_window(), ctrl_c_restored(), _session(loaded, threads, databases) as session:
        try:
            if dry_run or not _copied_first(session, loaded, result):
                chain = prepare(session, loaded, materialise=True)
                hooks = _Hooks(before_commit, mark_append)
                _execute(session, loaded, chain, result, fail_on_checks, hooks)
        except duckdb.InterruptException:
            raise  # Ctrl-C (engine/interrupts.py)
        except RUNTIME_ERRORS as exc:
            _fail(result, runtime_message(exc))
    result.duration_ms = _since(started)
    return result


@dataclass(frozen=True, repr=False, eq=False)
class _Hooks(FrozenValue):
    """Called just before an append commits: into a file (`file`), into a table (`table`)."""

    file: BeforeCommit | None
    table: MarkAppend | None


def _session(
    loaded: LoadedPipeline, threads: int | None, databases: DatabasePool | None
) -> Session:
    access = pipeline_access(loaded)
    return databases.session(threads, access) if databases else Session(threads, access)


def _execute(
    session: Session,
    loaded: LoadedPipeline,
    chain: Chain,
    result: PipelineResult,
    fail_on_checks: bool,
    hooks: _Hooks,
) -> None:
    config = loaded.config
    if result.dry_run or config.checks or isinstance(config.sink, DatabaseSink):
        _materialised(session, loaded, chain, result, fail_on_checks, hooks)
        return
    started = time.perf_counter()
    written = _write_file(session, loaded, chain.query(), True, hooks.file)
    _record_steps(session, loaded, chain, result, written.profile, None)
    _record_write(loaded, result, written, started)


def _copied_first(session: Session, loaded: LoadedPipeline, result: PipelineResult) -> bool:
    """Run a pipeline that needs no checks before it as its COPY alone (engine/copyfirst.py);
    False when it is not one, or when its COPY failed: then it is prepared and run the full
    way, which gives the message it always gave (the failed COPY left nothing behind)."""
    chain = copy_first_chain(session, loaded)
    if chain is None:
        return False
    started = time.perf_counter()
    # Without steps every row read is written: the COPY's own count is the rows read, so it
    # needs no profile (0.4-0.7 ms), and a Parquet source no count of its own.
    profile = bool(chain.steps)
    try:
        written = _write_file(session, loaded, chain.query(), profile, None)
    except duckdb.InterruptException:
        raise  # Ctrl-C: stop, as from any statement
    except duckdb.Error:
        return False
    if not profile:
        chain.sources = {n: replace(s, rows=written.rows) for n, s in chain.sources.items()}
    _record_steps(session, loaded, chain, result, written.profile, None)
    _record_write(loaded, result, written, started)
    return True


def _materialised(
    session: Session,
    loaded: LoadedPipeline,
    chain: Chain,
    result: PipelineResult,
    fail_on_checks: bool,
    hooks: _Hooks,
) -> None:
    query = f"CREATE TEMP TABLE {ident(FINAL_TABLE)} AS {chain.query()}"
    stored, profile = session.profiled(query)
    total = int(stored[0][0])  # CREATE TABLE AS returns the rows it stored
    final = session.describe(FINAL_TABLE)
    counts = _step_counts(session, chain, total, every=result.dry_run)
    _record_steps(session, loaded, chain, result, profile, counts)
    result.checks = run_checks(session, final, list(loaded.config.checks), total)
    blocking = [c for c in result.checks if not c.passed and c.severity == "error"]
    if blocking and fail_on_checks:
        _fail(result, _checks_message(blocking), blocked=True)
    elif result.dry_run:
        result.steps.append(StepResult("sink", "sink", "skipped", detail="dry run"))
    else:
        started = time.perf_counter()
        written = _write_final(session, loaded, final, hooks)
        _record_write(loaded, result, written, started)


def _step_counts(session: Session, chain: Chain, total: int, *, every: bool) -> list[int | None]:
    """Rows after each transform: the last is the final table; others only when asked."""
    counts: list[int | None] = []
    for position in range(len(chain.steps)):
        if position == len(chain.steps) - 1:
            counts.append(total)
        elif every:
            counts.append(int(session.scalar(f"SELECT count(*) FROM ({chain.query(position)})")))
        else:
            counts.append(None)
    return counts


def _record_steps(
    session: Session,
    loaded: LoadedPipeline,
    chain: Chain,
    result: PipelineResult,
    profile: dict[str, Any] | None,
    counts: list[int | None] | None,
) -> None:
    rows = source_rows(session, chain, loaded.config, profile)
    result.rows_read = sum(rows.values())
    for name, source in chain.sources.items():
        result.steps.append(StepResult(name, "source", "ok", rows[name], detail=source.detail))
    for position, step in enumerate(chain.steps):
        count = counts[position] if counts else None
        detail = f"transforms[{step.index}]"
        result.steps.append(StepResult(step.op, "transform", "ok", count, detail=detail))


def _write_file(
    session: Session,
    loaded: LoadedPipeline,
    query: str,
    profile: bool,
    before_commit: BeforeCommit | None,
) -> Written:
    sink = loaded.config.sink
    assert isinstance(sink, FileSink)
    target = sink_target(sink, loaded.root)
    return write_file(session, sink, query, target, profile=profile, before_commit=before_commit)


def _write_final(
    session: Session, loaded: LoadedPipeline, final: Relation, hooks: _Hooks
) -> Written:
    sink = loaded.config.sink
    if isinstance(sink, FileSink):
        return _write_file(session, loaded, f"SELECT * FROM {final.ref}", False, hooks.file)
    # the database sinks (with append marks and the PostgreSQL client) are imported by the
    # pipelines that write a table: most runs write files only
    url = postgres_url(sink.connection, loaded.root)
    if url is not None:
        from quicketl.engine.pgsink import write_postgres

        return write_postgres(session, loaded.config.name, url, sink, final, hooks.table)
    from quicketl.engine.dbsink import write_table

    path = duckdb_file(sink.connection, loaded.root)
    return write_table(session, sink, final, path, hooks.table)


def _record_write(
    loaded: LoadedPipeline, result: PipelineResult, written: Written, started: float
) -> None:
    outputs = [relative_to_root(path, loaded.root) for path in written.outputs]
    result.rows_written = written.rows
    result.outputs = outputs
    if result.steps and result.steps[-1].kind == "transform":
        result.steps[-1].rows = written.rows
    sink = StepResult("sink", "sink", "ok", written.rows, _since(started), ", ".join(outputs))
    result.steps.append(sink)


def _checks_message(failed: list[CheckResult]) -> str:
    listed = "; ".join(f"{c.name}: {c.message}" for c in failed)
    noun = "check" if len(failed) == 1 else "checks"
    return f"{len(failed)} error-level {noun} failed, nothing was written: {listed}"


def _fail(result: PipelineResult, error: str, *, blocked: bool = False) -> None:
    """Record a failure; the sink step is skipped when checks blocked it, else failed."""
    result.status = "failed"
    result.error = error
    if not any(step.kind == "sink" for step in result.steps):
        status: StepStatus = "skipped" if blocked else "failed"
        detail = "checks failed" if blocked else error
        result.steps.append(StepResult("sink", "sink", status, detail=detail))


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
