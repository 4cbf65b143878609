"""Close-match suggestions and field paths."""

from __future__ import annotations

import pytest

from quicketl.config.suggest import close_match, did_you_mean, format_loc

OPS = ["select", "rename", "filter", "derive_column", "aggregate"]


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("filtr", "filter"), ("selct", "select"), ("derive_col", "derive_column"), ("agg", None)],
)
def test_close_match_finds_likely_typos_only(typo: str, meant: str | None) -> None:
    assert close_match(typo, OPS) == meant


def test_did_you_mean_is_a_suffix_or_nothing() -> None:
    assert did_you_mean("renam", OPS) == "; did you mean 'rename'?"
    assert did_you_mean("zzz", OPS) == ""


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("transforms", 0, "predicate"), "transforms[0].predicate"),
        (("sources", "orders", "path"), "sources.orders.path"),
        (("checks", 2), "checks[2]"),
        ((), ""),
    ],
)
def test_format_loc(loc: tuple[str | int, ...], text: str) -> None:
    assert format_loc(loc) == text
