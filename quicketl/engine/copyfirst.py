"""The chain of a pipeline whose checks could only find what its own COPY would fail on.

Preparing a pipeline (engine/prepare.py) costs a sniff, a stand-in table and a view per step
before the one `COPY` that does the work: three or four DuckDB statements for a tiny pipeline
whose `COPY` alone is one. For the pipelines chosen here, every problem preparing can find is
one the `COPY` fails on too, so the run writes first (to a temporary file, renamed in only on
success: a failed `COPY` leaves nothing) and prepares the full way only when it fails, which
then says what is wrong in the message it always gave (engine/pipeline_run.py).

Chosen: one local file source, steps that compile without knowing a column (filter, limit: a
WHERE or LIMIT over the previous step, no probes, no checks), no data checks, and a file sink
that replaces its target, whole (no append, no partition_by) and has no problem of its own.
What preparing finds for them, and why the `COPY` finds it too:
- no file to read, a named pipe: checked here in Python, the same test (then the full way);
- a read that does not bind (undetectable CSV layout, unknown encoding, a type override naming
  a missing column, a file that is not its format): the `COPY` binds that read;
- a predicate that does not bind: the `COPY` binds the same SELECT, over the same columns
  (its CTEs bear the names the stand-in and the views have: `qetl_src_0`, `qetl_step_N`);
  user SQL naming anything `qetl_` goes the full way, so no name can resolve differently;
- a `;` smuggling in a second statement: user SQL with any `;` goes the full way.
A CSV file is sniffed first only when it is large (`SNIFF_FROM_BYTES`), so that its detection
is stored for the other pipelines and runs reading it; a small one is detected by the COPY's
own auto-detecting read, the read engine/sniff.py falls back to, which DuckDB detects the same.
Everything else (several sources, joins, columns named by a step, checks, database sources or
sinks, appends, partitions, remote files, a dry run) is prepared first, as before.
"""

from __future__ import annotations

import os
from typing import NoReturn

from quicketl.config.filekind import special_file
from quicketl.config.loader import LoadedPipeline
from quicketl.config.sinks import FileSink
from quicketl.config.sources import FileSource
from quicketl.config.transforms import Filter, Limit
from quicketl.engine.chain import Chain, Step
from quicketl.engine.datafiles import matching_files, source_pattern
from quicketl.engine.duckdb_session import Session
from quicketl.engine.readers import file_reader
from quicketl.engine.relation import Relation
from quicketl.engine.sinkcheck import sink_problems
from quicketl.engine.sniff import csv_reader
from quicketl.engine.sources import SourceTable
from quicketl.engine.transforms import StepContext, compile_step
from quicketl.locations.urls import is_remote

# Steps whose SQL is `SELECT * FROM <previous> ...` whatever the columns are.
_SCHEMA_FREE = (Filter, Limit)
_RESERVED = "qetl_"  # the prefix of the engine's own relation names
# A CSV file this big is sniffed first, its detection stored (engine/sniff.py): read by several
# pipelines or runs, it is then detected once. A smaller one is detected by its COPY: a sniff
# and its record cost more than detecting a few rows again (1.7 ms per tiny pipeline).
SNIFF_FROM_BYTES = 1 << 20


def copy_first_chain(session: Session, loaded: LoadedPipeline) -> Chain | None:
    """The chain to run as one COPY before any check, or None: prepare it the full way."""
    config = loaded.config
    sink = config.sink
    if config.checks or not isinstance(sink, FileSink) or sink.mode == "append":
        return None
    if sink.partition_by or not all(isinstance(s, _SCHEMA_FREE) for s in config.transforms):
        return None
    sources = config.named_sources()
    if len(sources) != 1:
        return None
    ((name, source),) = sources.items()
    if not isinstance(source, FileSource) or is_remote(source.path):
        return None
    if sink_problems(loaded, None):
        return None
    table = _source_table(session, loaded, name, source)
    return None if table is None else _with_steps(loaded, Chain({name: table}, name))


def _source_table(
    session: Session, loaded: LoadedPipeline, name: str, source: FileSource
) -> SourceTable | None:
    pattern = source_pattern(source, loaded.root)
    if not _regular_files(pattern):
        return None
    fmt = source.resolved_format
    if fmt == "csv":
        reader = csv_reader(session, source, pattern, sniff=_large(pattern))
    else:
        reader = file_reader(source, pattern)
    relation = Relation("qetl_src_0", ())  # the stand-in's name; its columns are not needed
    detail = f"{fmt} {source.path}"
    return SourceTable(name, fmt, relation, f"SELECT * FROM {reader}", None, pattern, detail)


def _large(pattern: str) -> bool:
    """Worth a detection of its own, kept for the other pipelines and runs that read it."""
    try:
        return os.stat(pattern).st_size >= SNIFF_FROM_BYTES
    except OSError:  # a glob: read_csv detects on its own anyway (engine/sniff.py)
        return False


def _regular_files(pattern: str) -> bool:
    """Files to read and none that would never end; else the full way says which is wrong."""
    files = matching_files(pattern)
    return bool(files) and all(special_file(path) is None for path in files)


def _with_steps(loaded: LoadedPipeline, chain: Chain) -> Chain | None:
    for index, step in enumerate(loaded.config.transforms):
        compiled = compile_step(step, _context(chain))
        plain = _plain(list(compiled.texts.values())) and ";" not in compiled.sql
        if compiled.issues or compiled.checks or compiled.probes or not plain:
            return None
        name = f"qetl_step_{index}"
        chain.steps.append(Step(index, step.op, Relation(name, ()), compiled.sql))
    return chain


def _plain(texts: list[str]) -> bool:
    """No `;` and no name of the engine's own in the user's SQL."""
    return not any(";" in text or _RESERVED in text.casefold() for text in texts)


def _context(chain: Chain) -> StepContext:
    def never(*_: object) -> NoReturn:
        raise AssertionError("a schema-free step asked about the data")

    relations = {name: source.relation for name, source in chain.sources.items()}
    return StepContext(chain.final, relations, chain.primary, never, never, never)
