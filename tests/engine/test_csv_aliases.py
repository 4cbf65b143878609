"""CSV options under QuickETL 1.x's and DuckDB's names: quote_char, delim, skip, nullstr."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.errors import ConfigError

from .helpers import Loader, write
from .test_sources import run_source


def test_duckdb_and_1x_option_names_read_like_ours(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "junk line\nid;name\n1;'a;b'\n2;NA\n")
    options = "{delim: ';', skip: 1, nullstr: NA, quote_char: \"'\"}"
    _, rows = run_source(load, project, f"path: data/a.csv\noptions: {options}")
    assert rows == [(1, "a;b"), (2, None)]


def test_an_alias_is_the_same_config_as_our_name(load: Loader) -> None:
    pipeline = "name: p\nsource: {{path: a.csv, options: {{{}}}}}\nsink: {{path: o.csv}}\n"
    ours = load(pipeline.format("delimiter: ';', quote: '|'"))
    theirs = load(pipeline.format("delim: ';', quote_char: '|'"))
    assert ours.config.model_dump() == theirs.config.model_dump()


def test_two_spellings_of_one_option_are_refused(load: Loader) -> None:
    text = "name: p\nsource:\n  path: a.csv\n  options: {delimiter: ';', delim: ','}\n"
    text += "sink: {path: o.csv}\n"
    with pytest.raises(
        ConfigError, match=r"p.yml:4: source.options: give one of 'delimiter' or 'delim'"
    ):
        load(text)
