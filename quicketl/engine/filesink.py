"""File sinks. Every write goes to a temporary path beside the target, renamed in on success.

Append really appends. Parquet cannot grow in place, so the old rows and the new are written
to a new file (columns matched by name). CSV and JSON keep the old file's bytes and add the new
rows after them; for CSV the header must match. A partitioned folder is rebuilt as hard links
to its existing files plus new `part_<uuid>` files, then swapped in whole.

An append is not idempotent: run twice, it adds the rows twice. So every append (even the first,
to a missing target) calls `before_commit(staged, target)` just before its commit, and the
caller saves what is about to happen; a retry after a kill can then tell whether it did.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from quicketl.config.sinks import FileSink
from quicketl.engine.duckdb_session import Session
from quicketl.engine.interrupts import hold_ctrl_c
from quicketl.engine.sql import idents, string_literal
from quicketl.engine.staging import link_tree, scratch, staged
from quicketl.engine.written import Written
from quicketl.errors import EngineError
from quicketl.state.atomic import commit_path

_COMPRESSION = {".gz": "gzip", ".zst": "zstd"}

BeforeCommit = Callable[[Path, Path], None]
"""Called with (staged temp, target) just before an append's commit."""


def compression_of(path: str) -> str | None:
    """gzip or zstd for a `.csv.gz`/`.json.zst` target; DuckDB cannot tell from a temp name."""
    return next((kind for ext, kind in _COMPRESSION.items() if path.lower().endswith(ext)), None)


def write_file(
    session: Session,
    sink: FileSink,
    query: str,
    target: Path,
    *,
    profile: bool,
    before_commit: BeforeCommit | None = None,
) -> Written:
    """Write the rows `query` returns to `target` as the sink says."""
    commit = _Commit(before_commit if sink.mode == "append" else None)
    if sink.partition_by:
        return _write_partitioned(session, sink, query, target, profile, commit)
    if sink.mode == "append" and target.is_file() and target.stat().st_size > 0:
        if sink.resolved_format == "parquet":
            return _append_parquet(session, sink, query, target, profile, commit)
        return _append_text(session, sink, query, target, profile, commit)
    with staged(target) as tmp:
        rows, report = _copy(session, query, tmp, _options(sink), profile)
        commit(tmp, target)
    return Written(rows, [target], report)


class _Commit:
    """`commit_path`, preceded for appends by the caller's `before_commit`."""

    def __init__(self, before_commit: BeforeCommit | None) -> None:
        self.before_commit = before_commit

    def __call__(self, tmp: Path, target: Path) -> None:
        hold_ctrl_c()  # from here the output and its record go together
        if self.before_commit is not None:
            self.before_commit(tmp, target)
        commit_path(tmp, target)


def _options(sink: FileSink) -> list[str]:
    fmt = sink.resolved_format
    options = [f"FORMAT {fmt}"]
    if fmt == "csv":
        options.append("HEADER true")
        if sink.path.lower().removesuffix(".gz").removesuffix(".zst").endswith(".tsv"):
            options.append("DELIMITER '\t'")
    compression = compression_of(sink.path) if fmt != "parquet" else None
    if compression:
        options.append(f"COMPRESSION {compression}")
    return options


def _copy(
    session: Session, query: str, tmp: Path, options: list[str], profile: bool
) -> tuple[int, dict[str, Any] | None]:
    sql = f"COPY ({query}) TO {string_literal(str(tmp))} ({', '.join(options)})"
    rows, report = session.profiled(sql) if profile else (session.run(sql), None)
    return int(rows[0][0]) if rows else 0, report


def _write_partitioned(
    session: Session, sink: FileSink, query: str, target: Path, profile: bool, commit: _Commit
) -> Written:
    options = [*_options(sink), f"PARTITION_BY ({idents(sink.partition_by)})"]
    with staged(target) as tmp:
        if sink.mode == "append" and target.is_dir():
            link_tree(target, tmp)
            # New files get unique names, so they sit beside the old ones, never over them.
            options += ["OVERWRITE_OR_IGNORE true", "FILENAME_PATTERN 'part_{uuid}'"]
        rows, report = _copy(session, query, tmp, options, profile)
        tmp.mkdir(exist_ok=True)  # no rows writes no partition, but the folder is the output
        commit(tmp, target)
    return Written(rows, [target], report)


def _append_parquet(
    session: Session, sink: FileSink, query: str, target: Path, profile: bool, commit: _Commit
) -> Written:
    old = f"read_parquet({string_literal(str(target))})"
    before = int(session.scalar(f"SELECT count(*) FROM {old}"))
    both = f"SELECT * FROM {old} UNION ALL BY NAME SELECT * FROM ({query})"
    with staged(target) as tmp:
        rows, report = _copy(session, both, tmp, _options(sink), profile)
        commit(tmp, target)
    return Written(rows - before, [target], report)


def _append_text(
    session: Session, sink: FileSink, query: str, target: Path, profile: bool, commit: _Commit
) -> Written:
    with scratch(target) as fresh, staged(target) as tmp:
        rows, report = _copy(session, query, fresh, _options(sink), profile)
        shutil.copyfile(target, tmp)
        _add_rows(tmp, fresh, header=sink.resolved_format == "csv", target=target)
        commit(tmp, target)
    return Written(rows, [target], report)


def _add_rows(tmp: Path, fresh: Path, *, header: bool, target: Path) -> None:
    with tmp.open("rb+") as out, fresh.open("rb") as new:
        if header:
            _same_header(_first_line(out), new.readline(), target)
        out.seek(0, io.SEEK_END)
        if out.tell() and not _ends_with_newline(out):
            out.write(b"\n")
        shutil.copyfileobj(new, out)


def _first_line(handle: Any) -> bytes:
    handle.seek(0)
    return bytes(handle.readline())


def _ends_with_newline(handle: Any) -> bool:
    handle.seek(-1, io.SEEK_END)
    last = bytes(handle.read(1))
    handle.seek(0, io.SEEK_END)
    return last == b"\n"


def _same_header(old: bytes, new: bytes, target: Path) -> None:
    old_names, new_names = _fields(old), _fields(new)
    if old_names != new_names:
        raise EngineError(
            f"cannot append to {target}: its columns ({', '.join(old_names)}) differ from "
            f"the new rows' ({', '.join(new_names)})"
        )


def _fields(line: bytes) -> list[str]:
    text = line.decode("utf-8", errors="replace").strip("\r\n")
    return next(csv.reader([text]), [])
