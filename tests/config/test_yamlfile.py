"""YAML loading: line numbers, YAML 1.2 booleans, located syntax errors, duplicate keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.yamlfile import load_yaml_file, load_yaml_text
from quicketl.errors import ConfigError

DOC = """\
name: p
source:
  path: a.csv
transforms:
  - op: filter
    predicate: x > 1
  - op: join
    on: [id]
"""


def test_every_key_and_list_item_has_its_line(tmp_path: Path) -> None:
    doc = load_yaml_text(DOC, tmp_path / "p.yml")
    assert doc.line_of(("name",)) == 1
    assert doc.line_of(("source", "path")) == 3
    assert doc.line_of(("transforms", 0)) == 5
    assert doc.line_of(("transforms", 1, "on")) == 8


def test_an_unknown_path_falls_back_to_its_nearest_ancestor(tmp_path: Path) -> None:
    doc = load_yaml_text(DOC, tmp_path / "p.yml")
    assert doc.line_of(("transforms", 0, "missing_field")) == 5


def test_on_stays_the_key_on(tmp_path: Path) -> None:
    doc = load_yaml_text(DOC, tmp_path / "p.yml")
    assert doc.data["transforms"][1] == {"op": "join", "on": ["id"]}


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "OFF"])
def test_yaml_11_boolean_words_stay_strings(tmp_path: Path, word: str) -> None:
    assert load_yaml_text(f"v: {word}\n", tmp_path / "x.yml").data == {"v": word}


@pytest.mark.parametrize(("word", "value"), [("true", True), ("False", False), ("TRUE", True)])
def test_true_and_false_are_booleans(tmp_path: Path, word: str, value: bool) -> None:
    assert load_yaml_text(f"v: {word}\n", tmp_path / "x.yml").data == {"v": value}


def test_numbers_and_nulls_keep_their_types(tmp_path: Path) -> None:
    data = load_yaml_text("a: 1\nb: 2.5\nc: null\nd: '1'\n", tmp_path / "x.yml").data
    assert data == {"a": 1, "b": 2.5, "c": None, "d": "1"}


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_yaml_text("name: p\nsource: {path: a.csv\nsink: x\n", tmp_path / "p.yml")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "YAML syntax error at line 3, column 5" in problem.message


def test_duplicate_key_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_yaml_text("name: a\nsink:\n  path: x\n  path: y\nname: b\n", tmp_path / "p.yml")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'p.yml'}:4: sink.path: duplicate key (first written at line 3)",
        f"{tmp_path / 'p.yml'}:5: name: duplicate key (first written at line 1)",
    ]


def test_empty_text_is_no_data(tmp_path: Path) -> None:
    assert load_yaml_text("# only a comment\n", tmp_path / "p.yml").data is None


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_yaml_file(tmp_path / "nope.yml")


def test_a_folder_is_not_readable_as_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read file"):
        load_yaml_file(tmp_path)
