"""quicketl.plan.keys: the components of a task key and the reasons drawn from their diff."""

from __future__ import annotations

from typing import Any

import pytest

from quicketl.plan.keys import (
    ALWAYS,
    KEY_FORMAT,
    SECRET_PREFIX,
    always_runs,
    changed_paths,
    components,
    diff_reasons,
    masked_vars,
)
from quicketl.state import canonical_json, key_of

KEY = b"k" * 32


def parts(**overrides: Any) -> dict[str, Any]:
    base = components(
        {"name": "p", "transforms": [{"op": "filter", "predicate": "x > 1"}]},
        {"RUN_DATE": "2025-01-14"},
        {"data/raw.csv": "h1"},
        {},
        KEY,
    )
    return {**base, **overrides}


def test_the_six_components() -> None:
    assert sorted(parts()) == ["config", "external", "format", "inputs", "tool", "vars"]
    assert parts()["format"] == KEY_FORMAT
    assert set(parts()["tool"]) == {"quicketl", "duckdb"}


def test_equal_components_have_equal_keys_and_no_reasons() -> None:
    assert key_of(parts()) == key_of(parts())
    assert diff_reasons(parts(), parts()) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"format": KEY_FORMAT + 1}, "cache format changed"),
        ({"tool": {"quicketl": "2.0.0", "duckdb": "1.2.0"}}, "quicketl 1.0.0 -> 2.0.0"),
        ({"vars": {"RUN_DATE": "2025-01-15"}}, "var RUN_DATE: 2025-01-14 -> 2025-01-15"),
        ({"vars": {}}, "var RUN_DATE no longer used"),
        ({"vars": {"RUN_DATE": "2025-01-14", "N": "3"}}, "var N now used: 3"),
        ({"inputs": {"data/raw.csv": "h2"}}, "input data/raw.csv changed"),
        ({"inputs": {}}, "input data/raw.csv no longer read"),
        ({"inputs": {"data/raw.csv": "h1", "data/b.csv": "h"}}, "input data/b.csv added"),
        (
            {"config": {"name": "p", "transforms": [{"op": "filter", "predicate": "x > 2"}]}},
            "config changed: transforms[0].predicate",
        ),
    ],
)
def test_each_difference_has_its_reason(change: dict[str, Any], reason: str) -> None:
    old = parts(tool={"quicketl": "1.0.0", "duckdb": "1.2.0"})
    new = {**old, **change}
    assert reason in diff_reasons(old, new)


def test_reasons_come_in_a_stable_order() -> None:
    old = parts()
    new = parts(vars={"RUN_DATE": "x"}, inputs={"data/raw.csv": "h2"})
    assert diff_reasons(old, new) == ["var RUN_DATE: 2025-01-14 -> x", "input data/raw.csv changed"]


def test_a_secret_variable_is_stored_as_a_keyed_hash_and_never_shown() -> None:
    masked = masked_vars({"DB_PASSWORD": "hunter2", "REGION": "eu"}, KEY)
    assert masked["REGION"] == "eu"
    assert masked["DB_PASSWORD"].startswith(SECRET_PREFIX)
    assert "hunter2" not in masked["DB_PASSWORD"]
    assert masked_vars(masked, KEY) == masked  # idempotent: a restored plan holds masked values
    again = masked_vars({"DB_PASSWORD": "hunter3"}, KEY)
    old, new = parts(vars=masked), parts(vars={**masked, **again})
    assert diff_reasons(old, new) == ["var DB_PASSWORD changed (secret, value not shown)"]


def test_a_secret_reference_is_masked_by_its_provider() -> None:
    assert masked_vars({"secret:API": "v"}, KEY)["secret:API"].startswith(SECRET_PREFIX)


def test_a_different_cache_key_gives_a_different_hash() -> None:
    one = masked_vars({"TOKEN": "t"}, KEY)["TOKEN"]
    assert masked_vars({"TOKEN": "t"}, b"other-key")["TOKEN"] != one


@pytest.mark.parametrize(
    ("external", "reason"),
    [
        ("database:duckdb:///w.duckdb", "reads duckdb:///w.duckdb (not a file: always runs)"),
        (
            "url:https://example.com/x.csv",
            "reads https://example.com/x.csv (not a file: always runs)",
        ),
        ("volatile", "volatile: true (always runs)"),
    ],
)
def test_an_unchecked_external_input_always_runs(external: str, reason: str) -> None:
    current = parts(external={external: ALWAYS})
    assert always_runs(current)
    assert diff_reasons(current, current) == [reason]


def test_a_freshness_value_runs_only_when_it_changes() -> None:
    old = parts(external={"freshness:duckdb:///w.duckdb": "5"})
    new = parts(external={"freshness:duckdb:///w.duckdb": "6"})
    assert not always_runs(new)
    assert diff_reasons(old, old) == []
    assert diff_reasons(old, new) == ["freshness of duckdb:///w.duckdb: 5 -> 6"]


@pytest.mark.parametrize(
    ("old", "new", "paths"),
    [
        ({"a": 1}, {"a": 1}, []),
        ({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": 3}}, ["a.c"]),
        ({"a": 1}, {"b": 1}, ["a", "b"]),
        ({"t": [{"p": 1}, {"p": 2}]}, {"t": [{"p": 1}, {"p": 3}]}, ["t[1].p"]),
        ({"t": [1, 2]}, {"t": [1, 2, 3]}, ["t"]),  # a list that grew changed as a whole
        ([1], {"a": 1}, ["(whole file)"]),
    ],
)
def test_changed_paths_are_the_deepest_differences(old: Any, new: Any, paths: list[str]) -> None:
    assert changed_paths(old, new) == paths


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"name": "p", "transforms": [{"op": "filter", "predicate": "x > 1"}]},
        {"name": "né\u2603", "n": [1, 2.5, None, True], "z": {"b": {}, "a": []}},
    ],
)
def test_a_key_from_the_configs_known_canonical_text_is_the_same_key(
    config: dict[str, Any],
) -> None:
    # A stored plan keeps each task's canonical config text, so a no-op run does not encode
    # every config again: the key must not change by it.
    whole = parts(config=config)
    assert key_of(whole, config_json=canonical_json(config)) == key_of(whole)


@pytest.mark.parametrize(
    "whole",
    [
        {"config": {"a": 1}},
        {"config": {"a": 1}, "a_first": 2, "zed": [3]},
        {"other": 1},
    ],
)
def test_a_key_from_known_config_text_holds_for_any_set_of_names(whole: dict[str, Any]) -> None:
    known = canonical_json(whole["config"]) if "config" in whole else "{}"
    assert key_of(whole, config_json=known) == key_of(whole)
