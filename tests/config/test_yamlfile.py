"""YAML loading: line numbers, YAML 1.2 booleans, located syntax errors, duplicate keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from quicketl.config.yamlfile import load_yaml_file, load_yaml_text
from quicketl.config.yamlguard import MAX_YAML_BYTES
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


# Hostile documents: each is loaded in a child process with a deadline, so a regression fails
# instead of hanging (or exhausting the memory of) the test run.
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def load_with_deadline(path: Path, seconds: float = 30.0) -> str:
    """The ConfigError message of loading `path` in a child process, which must end in time."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from quicketl.config.yamlfile import load_yaml_file\n"
        "from quicketl.errors import ConfigError\n"
        "try:\n"
        "    load_yaml_file(Path(sys.argv[1]))\n"
        "except ConfigError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(2)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=seconds,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    return done.stdout.strip()


def test_a_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yml"
    path.write_text(LAUGHS, encoding="utf-8")
    assert len(LAUGHS) < 400
    message = load_with_deadline(path)
    assert message.startswith(f"{path}:")
    assert "aliases expand to more than 100000 values" in message


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yml"
    path.write_text("name: p\nsource: &s [1, *s]\n", encoding="utf-8")
    assert load_with_deadline(path) == f"{path}:2: an alias refers to the value that contains it"


@pytest.mark.parametrize(
    "body",
    ["[" * 5000 + "]" * 5000, "{a: " * 5000 + "1" + "}" * 5000, "[" * 500 + "]" * 500],
    ids=["5000 lists", "5000 mappings", "500 lists"],
)
def test_deep_nesting_is_a_located_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "deep.yml"
    path.write_text(f"name: p\ndescription: {body}\n", encoding="utf-8")
    message = load_with_deadline(path)
    assert message.startswith(f"{path}:2: ")
    assert "nested more than 100 levels deep" in message


def test_nesting_an_honest_file_uses_is_fine(tmp_path: Path) -> None:
    deep = "[" * 90 + "]" * 90
    assert load_yaml_text(f"a: {deep}\n", tmp_path / "p.yml").data is not None


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    text = "base: &base {delimiter: ';'}\none: *base\ntwo: {<<: *base, header: true}\n"
    data = load_yaml_text(text, tmp_path / "p.yml").data
    assert data["two"] == {"delimiter": ";", "header": True}


def test_a_file_larger_than_the_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yml"
    with path.open("wb") as stream:
        stream.truncate(MAX_YAML_BYTES + 1)  # sparse: no time spent writing it
    assert load_with_deadline(path) == (
        f"{path}: file is larger than 16 MiB; quicketl reads YAML files up to that size"
    )


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_special_file_is_refused_unread(tmp_path: Path, special: str) -> None:
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "pipe.yml"
        os.mkfifo(path)
    kind = "a character device" if special == "/dev/zero" else "a named pipe (FIFO)"
    assert load_with_deadline(path) == f"{path}: cannot read: {kind}, not a regular file"


TREES = [
    "a: 1\nb: [1, 2.5, true, false, null, ~, '1', \"x\"]\n"
    "c: {d: 2020-01-02, e: 2020-01-02 10:00:00}\n",
    "on: yes\noff: no\nTrue: TRUE\nx: 0x1F\ny: 0o17\nz: 1_000\nw: 1:30\nv: .inf\n",
    "=: 1\nk: 2\n",
    "<<: {a: 1}\nb: 2\n",
    "a: !!str 12\nb: !!int '7'\nc: !!binary aGVsbG8=\nd: !!set {x, y}\ne: !!omap [{a: 1}]\n",
    "- a\n- - b\n  - {c: d}\n- ''\n- 12e3\n- 1.\n",
    "x: |\n  multi\n  line\ny: >\n  folded\n  text\n",
    "just a string\n",
]


@pytest.mark.parametrize("text", TREES)
def test_a_tree_built_directly_is_what_the_constructor_builds(text: str) -> None:
    from quicketl.config.yamlfile import _FastLoader

    expected = yaml.load(text, Loader=_FastLoader)
    data = load_yaml_text(text, Path("t.yml")).data
    assert (repr(data), type(data)) == (repr(expected), type(expected))


@pytest.mark.parametrize("text", [DOC, *TREES, "a: [1, {b: c, d: [e, f]}]\n", "- {x: 1}\n"])
def test_lines_built_on_demand_are_those_of_the_nodes(text: str) -> None:
    from quicketl.config.yamlfile import _FastLoader, _line_map_of

    loader = _FastLoader(text)  # the lines as they were always found: from the constructed node
    node = loader.get_single_node()
    loader.construct_document(node)
    expected = _line_map_of(node, Path("t.yml"))
    assert load_yaml_text(text, Path("t.yml")).lines == expected


@pytest.mark.parametrize(
    "text",
    ["a: 1\n1: x\n'1': y\n", "s: {a: 1, a: 2}\n", "- {k: 1}\n- {k: 1, k: 2}\n", "x: 1\nx: 1\n"],
)
def test_a_key_written_twice_is_found_at_load_however_it_is_spelt(text: str) -> None:
    with pytest.raises(ConfigError, match="duplicate key"):
        load_yaml_text(text, Path("t.yml"))


def test_a_document_with_no_line_asked_for_keeps_its_text_only(tmp_path: Path) -> None:
    doc = load_yaml_text(DOC, tmp_path / "p.yml")
    assert "lines" not in vars(doc)  # not built yet
    assert doc.line_of(("transforms", 1, "on")) == 8
