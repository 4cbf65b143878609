"""Rows read from each source, counted without a second pass over CSV or JSON when possible.

Parquet files and DuckDB tables are counted from metadata, and a database query's rows are
known once it has been read. Counting a CSV or JSON file costs a full scan, so instead the
count is taken from DuckDB's profile of the query that ran: a scan reads every row of its
file unless a limit or a join may stop it early, or a filter was pushed into it. When any of
that may have happened, or the profile does not show exactly one scan of the source, the
source is counted with a separate query, so the number is always exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from quicketl.config.pipeline import PipelineConfig
from quicketl.config.transforms import Join, Limit, Union
from quicketl.engine.chain import Chain
from quicketl.engine.duckdb_session import Session
from quicketl.engine.sources import SourceTable
from quicketl.values import FrozenValue

_TEXT_SCANS = {
    "READ_CSV",
    "READ_CSV_AUTO",
    "READ_JSON",
    "READ_JSON_AUTO",
    "READ_NDJSON",
    "READ_NDJSON_AUTO",
    "READ_JSON_OBJECTS",
    "READ_NDJSON_OBJECTS",
}


@dataclass(frozen=True, repr=False, eq=False)
class Scan(FrozenValue):
    """One table-function scan in a query profile."""

    function: str
    files: str
    rows: int
    filtered: bool


def scans(profile: dict[str, Any] | None) -> list[Scan]:
    """The CSV and JSON scans of a DuckDB JSON profile (tolerant of its layout across versions)."""
    if not profile:
        return []
    return [scan for node in _nodes(profile) if (scan := _scan(node)) is not None]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for key in ("children", "operator"):
        for child in node.get(key) or []:
            if isinstance(child, dict):
                yield from _nodes(child)


def _scan(node: dict[str, Any]) -> Scan | None:
    info = node.get("extra_info")
    if not isinstance(info, dict) or str(info.get("Function", "")).upper() not in _TEXT_SCANS:
        return None
    rows = node.get("operator_cardinality", node.get("intermediate_rows"))
    if not isinstance(rows, int):
        return None
    filtered = "Filters" in info or "Dynamic Filters" in info
    return Scan(str(info["Function"]).upper(), str(info.get("Filename(s)", "")), rows, filtered)


def reads_sources_fully(config: PipelineConfig) -> bool:
    """Whether the query surely reads each source to its end: no limit, no join."""
    return not any(isinstance(step, Join | Limit) for step in config.transforms)


def references(config: PipelineConfig) -> dict[str, int]:
    """How many times the query reads each source."""
    counts = dict.fromkeys(config.named_sources(), 0)
    counts[config.primary_name()] = 1
    for step in config.transforms:
        if isinstance(step, Union):
            for name in step.sources:
                if name != config.primary_name():
                    counts[name] += 1
    return counts


def source_rows(
    session: Session, chain: Chain, config: PipelineConfig, profile: dict[str, Any] | None
) -> dict[str, int]:
    """Exact rows of every source, from the profile of the query that read them when it can."""
    found = scans(profile) if reads_sources_fully(config) else []
    once = {name for name, count in references(config).items() if count == 1}
    return {
        name: _rows(session, source, found if name in once else [])
        for name, source in chain.sources.items()
    }


def _rows(session: Session, source: SourceTable, found: list[Scan]) -> int:
    if source.rows is not None:
        return source.rows
    if source.kind in ("csv", "json"):
        matches = [scan for scan in found if scan.files == source.pattern]
        if len(matches) == 1 and not matches[0].filtered:
            return matches[0].rows
    return count_source(session, source)


def count_source(session: Session, source: SourceTable) -> int:
    """A separate count: metadata only for Parquet and tables, a full scan for CSV or JSON."""
    body = source.body or f"SELECT * FROM {source.relation.ref}"
    return int(session.scalar(f"SELECT count(*) FROM ({body})"))
