"""Checking a pipeline that needs no source's columns: its reads are bound, nothing is created.

Preparing a pipeline (engine/prepare.py) can find a problem in four places: a source (no file
to read, or a read that does not bind: an undetectable CSV layout, an unknown encoding, a type
override naming a missing column, a file that is not what its format says), a step, a check,
and the sink (its own settings, and the columns `partition_by` or `upsert_keys` name). Without
steps, checks and sink columns, nothing looks at a source's schema: the only question left
about a file source is whether its read binds. `SELECT * FROM <read> LIMIT 0` binds exactly the
read the stand-in table would be created from (the same call, built by the same code), so
when every read binds, preparing would find the sink's own problems and nothing else. The
stand-in tables and their DESCRIBE are skipped; a read that does not bind is checked the full
way, so its message is the one it always was. Database sources are always checked the full
way (attaching, a server).
"""

from __future__ import annotations

from quicketl.config.loader import LoadedPipeline
from quicketl.config.sinks import FileSink
from quicketl.config.sources import FileSource
from quicketl.engine.duckdb_module import duckdb
from quicketl.engine.duckdb_session import Session
from quicketl.engine.sources import file_read
from quicketl.errors import ConfigError


def needs_no_schema(loaded: LoadedPipeline) -> bool:
    """No step, no check, no sink column, and only file sources: no columns are looked at."""
    config = loaded.config
    if config.transforms or config.checks:
        return False
    sink = config.sink
    named = sink.partition_by if isinstance(sink, FileSink) else sink.upsert_keys
    if named:
        return False
    return all(isinstance(source, FileSource) for source in config.named_sources().values())


def reads_bind(session: Session, loaded: LoadedPipeline) -> bool:
    """Whether every source of a `needs_no_schema` pipeline has files and a read that binds
    (False: check it the full way, which says what is wrong)."""
    for name, source in loaded.config.named_sources().items():
        assert isinstance(source, FileSource)
        try:
            _, reader = file_read(session, loaded, loaded.source_loc(name), source)
            session.run(f"SELECT * FROM {reader} LIMIT 0")
        except (ConfigError, duckdb.Error):
            return False
    return True
