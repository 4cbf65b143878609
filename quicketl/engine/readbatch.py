"""Checking many `needs_no_schema` pipelines at once: a few DuckDB statements, not two each.

`workflow validate` of a project of raw-file pipelines is one CSV detection (`sniff_csv`) and
one bind (`SELECT * FROM <read> LIMIT 0`) per file, each statement costing about 1 ms of
fixed overhead for a file of a few lines (docs/incremental.md, "Where the time goes"). Here
the detections of many files are asked in one `UNION ALL` statement and their reads bound in
another, which changes no verdict and no message:

- a detection is a function of the file's bytes and the options only, so asking many in one
  statement finds for each what asking it alone finds. Each result is handed to `csv_reader`
  (engine/sniff.py) through the session's sniff cache, under the very key it asks with, so it
  builds the read it would have built. A statement that fails is split in halves until the
  files that fail are alone, and those are not remembered: `csv_reader` asks them itself, as
  before.
- a statement binds only when every read in it binds, each bound as it is alone (a table
  function's bind depends on its own arguments). A pipeline is passed here only when its
  reads bound in a statement that succeeded; every other one (a read that fails, a file that
  is missing or not regular, a sink with a problem) is left to the one-by-one check, whose
  message is the one it always was.

Files are sniffed only when they are regular files (a pipe or a device is the one-by-one
check's to refuse, unread), and only with the sandbox of the pipelines that read them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from quicketl.config.loader import LoadedPipeline
from quicketl.config.sources import FileSource
from quicketl.engine.access import Access, normalised, pipeline_access
from quicketl.engine.datafiles import source_pattern
from quicketl.engine.duckdb_module import duckdb
from quicketl.engine.duckdb_session import DatabasePool, Session, SniffCache
from quicketl.engine.readers import csv_options
from quicketl.engine.sinkcheck import sink_problems
from quicketl.engine.sniff import _FIELDS, SAMPLE_ROWS, _cache_key
from quicketl.engine.sources import file_read
from quicketl.engine.sql import string_literal
from quicketl.errors import ConfigError
from quicketl.locations.globbing import has_glob
from quicketl.locations.urls import is_remote

Item = TypeVar("Item")
# DuckDB threads of a batch's database: DuckDB's default, every core (a batch's detections
# run side by side). Measured on 64-file batches of 3-line files: with 1 thread a detection
# costs 2-3 times the CPU (most of it system time); 4 or 8 (on 2 cores) cost as 2 do.
BATCH_THREADS: int | None = None


class SniffMemo:
    """Detections found by a batch, in memory, over the run's stored ones (if any)."""

    def __init__(self, stored: SniffCache | None) -> None:
        self._stored = stored
        self._found: dict[tuple[str, str], list[Any]] = {}
        self._lock = threading.Lock()

    def detected(self, path: str, options: str) -> Any:
        with self._lock:
            found = self._found.get((path, options))
        if found is not None:
            return list(found)
        return self._stored.detected(path, options) if self._stored is not None else None

    def remember(self, path: str, options: str, detected: Any) -> None:
        if self._stored is not None:
            self._stored.remember(path, options, detected)

    def keep(self, path: str, options: str, detected: list[Any]) -> None:
        with self._lock:
            self._found[(path, options)] = detected


def quickly_checked(
    databases: DatabasePool, memo: SniffMemo, pipelines: Sequence[LoadedPipeline]
) -> list[bool]:
    """For each `needs_no_schema` pipeline: True when its reads bind and its sink has no
    problem of its own, so that checking it alone would find nothing; False: check it alone."""
    passed = [False] * len(pipelines)
    groups: dict[Access, list[int]] = {}
    for index, loaded in enumerate(pipelines):
        groups.setdefault(normalised(pipeline_access(loaded)), []).append(index)
    for access, members in groups.items():
        try:
            with databases.session(BATCH_THREADS, access) as session:
                for index in _bound(session, memo, [pipelines[i] for i in members]):
                    passed[members[index]] = True
        except duckdb.Error:
            continue  # each one alone, then
    return [
        ok and not sink_problems(loaded, None) for ok, loaded in zip(passed, pipelines, strict=True)
    ]


def _bound(session: Session, memo: SniffMemo, pipelines: list[LoadedPipeline]) -> list[int]:
    """The indices of the pipelines whose every read binds, asked in as few statements."""
    _sniff_ahead(session, memo, pipelines)
    reads: list[tuple[int, list[str]]] = []
    for index, loaded in enumerate(pipelines):
        found = _reads_of(session, loaded)
        if found is not None:
            reads.append((index, found))
    bound = _passing(reads, lambda some: _bind(session, [r for _, rs in some for r in rs]))
    return [index for index, _ in bound]


def _reads_of(session: Session, loaded: LoadedPipeline) -> list[str] | None:
    """The table function calls of the pipeline's sources, as preparing builds them."""
    calls = []
    for name, source in loaded.config.named_sources().items():
        if not isinstance(source, FileSource):
            return None
        try:
            calls.append(file_read(session, loaded, loaded.source_loc(name), source)[1])
        except (ConfigError, duckdb.Error):
            return None
    return calls


def _bind(session: Session, calls: list[str]) -> None:
    if calls:
        each = [f"SELECT NULL FROM (SELECT * FROM {call} LIMIT 0)" for call in calls]
        session.run(" UNION ALL ".join(each))


def _sniff_ahead(session: Session, memo: SniffMemo, pipelines: list[LoadedPipeline]) -> None:
    """Detect at once every CSV file `csv_reader` would sniff, and keep what was found."""
    wanted: dict[tuple[str, str], None] = {}
    for loaded in pipelines:
        for source in loaded.config.named_sources().values():
            asked = _sniff_question(loaded, source)
            if asked is not None and memo.detected(asked[0], _cache_key(asked[1])) is None:
                wanted[asked] = None
    _passing(list(wanted), lambda some: _sniff(session, memo, some))


def _sniff_question(loaded: LoadedPipeline, source: object) -> tuple[str, str] | None:
    """(path, sniff_csv's options) for a source `csv_reader` sniffs, if a regular file."""
    if not isinstance(source, FileSource) or source.resolved_format != "csv":
        return None
    pattern = source_pattern(source, loaded.root)
    if has_glob(pattern) or is_remote(pattern) or source.options.header is False:
        return None
    if not os.path.isfile(pattern):  # missing, a folder, a pipe, a device: left alone
        return None
    return pattern, f"sample_size={SAMPLE_ROWS}{csv_options(source.options)}"


def _sniff(session: Session, memo: SniffMemo, asked: list[tuple[str, str]]) -> None:
    parts = [
        f"SELECT {number} AS asked, {_FIELDS} FROM sniff_csv({string_literal(path)}, {options})"
        for number, (path, options) in enumerate(asked)
    ]
    rows = session.run(" UNION ALL ".join(parts))
    count = [0] * len(asked)
    for row in rows:
        count[row[0]] += 1
    for row in rows:
        if count[row[0]] == 1:  # as csv_reader takes it: one row, or it reads auto-detecting
            path, options = asked[row[0]]
            memo.keep(path, _cache_key(options), list(row[1:]))


def _passing(items: list[Item], run: Callable[[list[Item]], None]) -> list[Item]:
    """The items `run` succeeds with: all at once, else each half the same way."""
    if not items:
        return []
    try:
        run(items)
    except duckdb.Error:
        if len(items) == 1:
            return []
        half = len(items) // 2
        return _passing(items[:half], run) + _passing(items[half:], run)
    return items
