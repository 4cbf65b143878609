"""Warnings for SQL whose value changes between runs in a pipeline that may be skipped.

A pipeline is skipped while its key is unchanged, and `now()` is not part of the key: the
output keeps the value of the run that wrote it. That is the right default (a rerun must not
change what nothing changed), but a user who meant "the current time, every run" is told so,
with the field, the line and the way out: `volatile: true`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from quicketl.config.pipeline import PipelineConfig
from quicketl.config.rawsql import is_sql_field
from quicketl.config.sources import DatabaseSource
from quicketl.config.sqlscan import calls, words
from quicketl.config.yamlfile import Loc, YamlDoc
from quicketl.errors import Problem

_CALLS = frozenset(
    {
        *("now", "today", "current_timestamp", "current_date", "current_time"),
        *("get_current_timestamp", "get_current_time", "transaction_timestamp"),
        *("localtimestamp", "localtime", "random", "uuid", "gen_random_uuid", "uuidv4", "uuidv7"),
    }
)
# The SQL standard's niladic functions, written without parentheses.
_WORDS = frozenset(
    {"current_timestamp", "current_date", "current_time", "localtimestamp", "localtime"}
)
_NAMES = _CALLS | _WORDS
# `freshness:` is run on every run by design: it is how a pipeline asks to be re-run.
_NOT_KEYED = frozenset({"freshness"})
# Only SQL that shapes the output: a check writes nothing, and one that fails leaves the
# pipeline not done, so it runs again.
_SHAPING = frozenset({"source", "sources", "transforms"})


def volatile_sql_warnings(config: PipelineConfig, doc: YamlDoc) -> list[Problem]:
    """One warning per SQL field that reads the clock or a random source, unless it always runs."""
    if config.volatile or _always_runs(config) or not _may_name_one(doc):
        return []
    found = []
    for loc, text in _strings(doc.data, ()):
        if loc[0] in _SHAPING and is_sql_field(loc) and loc[-1] not in _NOT_KEYED:
            used = volatile_names(text)
            if used:
                found.append(doc.problem(loc, _message(used)))
    return found


def volatile_names(sql: str) -> list[str]:
    """The functions of `sql` whose value changes from one run to the next, as written."""
    names = [f"{c.name}()" for c in calls(sql) if c.name.lower() in _CALLS and c.after != "."]
    names += [w.text for w in words(sql) if w.text.lower() in _WORDS]
    return list(dict.fromkeys(names))


def _may_name_one(doc: YamlDoc) -> bool:
    """Whether the file's text holds one of the names at all (most hold none, and this is a
    scan of the text where the walk below visits every value). Without a backslash, every
    string of the document is written out in the text as it is, give or take the line breaks
    YAML folds into spaces, which no name holds."""
    if doc.text is None or "\\" in doc.text:
        return True
    text = doc.text.lower()
    return any(name in text for name in _NAMES)


def _always_runs(config: PipelineConfig) -> bool:
    """A database source without `freshness:` is read on every run."""
    sources = config.named_sources().values()
    return any(isinstance(s, DatabaseSource) and not s.freshness for s in sources)


def _strings(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, str):
        yield loc, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*loc, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*loc, index))


def _message(used: list[str]) -> str:
    listed = ", ".join(used)
    verb = "changes" if len(used) == 1 else "change"
    return (
        f"{listed} {verb} on every run, but this pipeline is skipped while its inputs are "
        "unchanged, so its output keeps the value of the run that wrote it; add "
        "`volatile: true` to the pipeline to run it (and refresh the value) every time"
    )
