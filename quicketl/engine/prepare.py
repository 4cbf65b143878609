"""Preparing a pipeline: every source, step, check and sink checked against the real schema.

All problems are collected and raised as one ConfigError. After a step that fails, later
steps can be checked only when the failed step keeps its input's columns (a filter, a sort,
...); otherwise their input schema is unknown and checking stops there. The sink's own
settings are still checked.
"""

from __future__ import annotations

from quicketl.config.loader import LoadedPipeline
from quicketl.config.transforms import Pivot
from quicketl.engine.access import pipeline_access
from quicketl.engine.chain import Chain, build_chain
from quicketl.engine.checks import check_problems
from quicketl.engine.duckdb_module import duckdb
from quicketl.engine.duckdb_session import DatabasePool, Session
from quicketl.engine.interrupts import ctrl_c_restored
from quicketl.engine.readcheck import needs_no_schema, reads_bind
from quicketl.engine.sinkcheck import sink_problems
from quicketl.engine.translate import runtime_message
from quicketl.errors import ConfigError, EngineError


def prepare(session: Session, loaded: LoadedPipeline, *, materialise: bool) -> Chain:
    """The pipeline's chain, or a ConfigError listing every problem found."""
    chain, problems = build_chain(session, loaded, materialise=materialise)
    final = chain.final if chain else None
    if final is not None:
        problems += check_problems(session, loaded, final)
    problems += sink_problems(loaded, final)
    if problems or chain is None:
        raise ConfigError(problems)
    return chain


def validate_pipeline(
    loaded: LoadedPipeline, databases: DatabasePool | None = None, threads: int | None = None
) -> None:
    """Check every transform and check against the sources' real schema; read no data rows.

    (Only a pivot reads data, to learn its output columns.) Raises ConfigError. With
    `databases`, the check uses a fresh connection to a database the pool keeps; `threads`:
    DuckDB's threads for it (all cores when None).
    """
    # A pivot's columns come from the data, so a database query it may read is read too.
    pivots = any(isinstance(step, Pivot) for step in loaded.config.transforms)
    access = pipeline_access(loaded)
    session = databases.session(threads, access) if databases else Session(threads, access)
    with session, ctrl_c_restored():  # Ctrl-C while checking stops, as during the run
        try:
            if _only_reads_to_check(session, loaded):
                return
            prepare(session, loaded, materialise=pivots)
        except duckdb.InterruptException:
            raise  # Ctrl-C (engine/interrupts.py)
        except duckdb.Error as exc:
            raise EngineError(f"{loaded.path}: {runtime_message(exc)}") from None


def _only_reads_to_check(session: Session, loaded: LoadedPipeline) -> bool:
    """True when the pipeline needs no source's columns, every read binds and the sink has no
    problem of its own: preparing it would find nothing (engine/readcheck.py)."""
    return (
        needs_no_schema(loaded) and reads_bind(session, loaded) and not sink_problems(loaded, None)
    )
