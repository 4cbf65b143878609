"""`${VAR}` substitution: precedence, literals, types, located errors, `.env` files."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.loader import pipeline_from_doc
from quicketl.config.transforms import Filter, Limit
from quicketl.config.variables import (
    VariableScope,
    as_text,
    parse_var_assignments,
    read_dotenv,
)
from quicketl.config.yamlfile import load_yaml_text
from quicketl.errors import ConfigError

from .helpers import load_text

PATH_FROM_VAR = "name: p\nsource: {path: '${DATA:-inline.csv}'}\nsink: {path: o.csv}\n"


def source_path(root: Path, variables: dict[str, object] | None = None) -> str:
    loaded = load_text(PATH_FROM_VAR, root, variables)
    assert loaded.config.source is not None
    return loaded.config.source.path


@pytest.fixture(autouse=True)
def no_data_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATA", raising=False)


def test_inline_default_is_the_last_resort(tmp_path: Path) -> None:
    assert source_path(tmp_path) == "inline.csv"


def test_dotenv_beats_inline_default(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATA=dotenv.csv\n")
    assert source_path(tmp_path) == "dotenv.csv"


def test_environment_beats_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("DATA=dotenv.csv\n")
    monkeypatch.setenv("DATA", "env.csv")
    assert source_path(tmp_path) == "env.csv"


def test_explicit_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA", "env.csv")
    assert source_path(tmp_path, {"DATA": "cli.csv"}) == "cli.csv"


def test_double_dollar_is_the_literal_text(tmp_path: Path) -> None:
    text = "name: p\nsource: {path: a.csv}\ntransforms:\n  - op: filter\n"
    text += "    predicate: \"note = '$${HOME}'\"\nsink: {path: o.csv}\n"
    step = load_text(text, tmp_path).config.transforms[0]
    assert isinstance(step, Filter)
    assert step.predicate == "note = '${HOME}'"


def test_substitution_keeps_the_yaml_type_and_pydantic_coerces(tmp_path: Path) -> None:
    text = "name: p\nsource: {path: a.csv}\ntransforms:\n  - op: limit\n    n: ${N}\n"
    text += "sink: {path: o.csv}\n"
    loaded = load_text(text, tmp_path, {"N": 5})
    scope = VariableScope.standard({"N": 5})
    assert scope.substitute(loaded.doc)["transforms"][0]["n"] == "5"
    step = loaded.config.transforms[0]
    assert isinstance(step, Limit)
    assert step.n == 5


@pytest.mark.parametrize("value", ["a: b", "x # not a comment", "'quoted'", "{braces}", "- item"])
def test_yaml_syntax_inside_a_value_does_not_break_the_document(tmp_path: Path, value: str) -> None:
    text = "name: p\nsource: {path: a.csv}\ntransforms:\n  - op: filter\n"
    text += "    predicate: ${P}\nsink: {path: o.csv}\n"
    step = load_text(text, tmp_path, {"P": value}).config.transforms[0]
    assert isinstance(step, Filter)
    assert step.predicate == value


def test_unresolved_variables_are_all_reported_with_file_and_line(tmp_path: Path) -> None:
    text = "name: p\nsource: {path: '${IN_FILE}'}\nsink: {path: '${OUT_FILE}'}\n"
    with pytest.raises(ConfigError) as caught:
        load_text(text, tmp_path)
    messages = [str(problem) for problem in caught.value.problems]
    assert messages == [
        f"{tmp_path / 'p.yml'}:2: source.path: unresolved variable ${{IN_FILE}}: "
        "pass --var IN_FILE=... or set it",
        f"{tmp_path / 'p.yml'}:3: sink.path: unresolved variable ${{OUT_FILE}}: "
        "pass --var OUT_FILE=... or set it",
    ]


def test_only_referenced_variables_are_recorded_as_used(tmp_path: Path) -> None:
    loaded = load_text(PATH_FROM_VAR, tmp_path, {"DATA": "x.csv", "OTHER": "1"})
    assert loaded.used_vars == {"DATA": "x.csv"}


def test_a_default_is_recorded_as_the_value_used(tmp_path: Path) -> None:
    assert load_text(PATH_FROM_VAR, tmp_path).used_vars == {"DATA": "inline.csv"}


def test_variables_in_keys_are_not_substituted(tmp_path: Path) -> None:
    scope = VariableScope.standard({"K": "v"})
    from quicketl.config.yamlfile import load_yaml_text

    doc = load_yaml_text("${K}: ${K}\n", tmp_path / "x.yml")
    assert scope.substitute(doc) == {"${K}": "v"}


@pytest.mark.parametrize(
    ("value", "text"), [(True, "true"), (False, "false"), (None, ""), (3, "3"), (1.5, "1.5")]
)
def test_values_become_yaml_spellings(value: object, text: str) -> None:
    assert as_text(value) == text


def test_dotenv_reads_comments_exports_and_quotes(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "# a comment\n\nexport A=1\nB = 'two words'\nC=\"x # y\"\nD=plain # trailing\nnot a line\n"
    )
    assert read_dotenv(env) == {"A": "1", "B": "two words", "C": "x # y", "D": "plain"}


def test_missing_dotenv_is_empty(tmp_path: Path) -> None:
    assert read_dotenv(tmp_path / ".env") == {}


def test_var_assignments_split_at_the_first_equals() -> None:
    assert parse_var_assignments(["A=1", "B=x=y", "C="]) == {"A": "1", "B": "x=y", "C": ""}


@pytest.mark.parametrize("pair", ["NOEQUALS", "=value"])
def test_var_assignment_without_a_name_is_an_error(pair: str) -> None:
    with pytest.raises(ConfigError, match="--var expects KEY=VALUE"):
        parse_var_assignments([pair])


def test_a_dotenv_that_is_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_bytes(b"A=1\nB=caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        read_dotenv(env)
    assert str(caught.value) == f"{env}:2: byte 0xe9 is not UTF-8 text; save the file as UTF-8"


def test_a_dotenv_that_is_not_utf8_fails_loading_cleanly(tmp_path: Path) -> None:
    # UTF-16, as some editors save it
    (tmp_path / ".env").write_bytes(b"\xff\xfeD\x00=\x00x\x00\n\x00")
    with pytest.raises(ConfigError, match=r"\.env:1: byte 0xff is not UTF-8 text"):
        source_path(tmp_path)


SHARED = """\
name: p
source: {path: data/in.csv}
transforms:
  - op: filter
    predicate: x > 1
checks:
  - type: accepted_values
    column: k
    values: [a, b]
sink: {path: out/o.parquet, extra_key: 1}
"""


def test_a_document_with_nothing_to_resolve_is_given_uncopied_to_read_only_callers() -> None:
    doc = load_yaml_text(SHARED.replace(", extra_key: 1", ""), Path("p.yml"))
    scope = VariableScope.standard({}, root=Path("."))
    assert scope.substitute(doc, read_only=True) is doc.data
    copied = scope.substitute(doc)
    assert copied == doc.data and copied is not doc.data
    assert copied["transforms"][0] is not doc.data["transforms"][0]


@pytest.mark.parametrize("text", [SHARED, SHARED.replace(", extra_key: 1", "")])
def test_loading_a_pipeline_leaves_its_parsed_document_as_it_was(text: str, tmp_path: Path) -> None:
    import contextlib
    import copy

    doc = load_yaml_text(text, tmp_path / "p.yml")
    before = copy.deepcopy(doc.data)
    with contextlib.suppress(ConfigError):  # the unknown key: validated again without it
        pipeline_from_doc(doc, VariableScope.standard({}, root=tmp_path), tmp_path)
    assert doc.data == before  # no `type` filled in, no key stripped
