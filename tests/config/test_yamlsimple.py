"""The simple-YAML path: whatever it builds is what PyYAML's loader builds, else it declines."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from quicketl.config.yamlfile import _SCALARS, _FastLoader, load_yaml_text
from quicketl.config.yamlsimple import NOT_SIMPLE, simple_data

PIPELINE = """\
name: enrich_0  # a comment
sources:
  r0: {type: file, path: out/clean/b0/p0.parquet}
  r1: {type: file, path: out/clean/b0/p1.parquet}

# a comment line
transforms:
  - op: union
    sources: [r1, r0]
  - op: filter
    predicate: value >= 0 and note != 'x'
sink:
  type: file
  path: s3://bucket/${ENV}/out.parquet
  options:
  partition_by:
  - year
  - month
limits: {rows: 10, ratio: 0.5, on: true, off: false, when: 2024-01-02, none: null, t: ~}
"""


def _pyyaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return _REFUSED


_REFUSED = object()


def _same(text: str) -> bool:
    """Whether the simple path declines `text` or builds exactly what PyYAML builds."""
    data = simple_data(text, _SCALARS)
    if data is NOT_SIMPLE:
        return True
    expected = _pyyaml(text)
    return expected is not _REFUSED and repr(data) == repr(expected)


def test_a_usual_pipeline_file_is_read_simply_and_as_pyyaml_reads_it() -> None:
    data = simple_data(PIPELINE, _SCALARS)
    assert data is not NOT_SIMPLE
    assert repr(data) == repr(_pyyaml(PIPELINE))
    assert data["limits"]["on"] is True and data["sink"]["options"] is None


@pytest.mark.parametrize(
    "text",
    [
        "a: 'quoted'\n",  # quotes, block scalars, anchors, tags: PyYAML's
        "a: |\n  x\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: b\n  c\n",  # a scalar going on to the next line
        "a: b: c\n",  # an error PyYAML names
        "a:\n  b: 1\n c: 2\n",
        "- a\n- b\n",  # a list at the top
        "a: 1\na: 2\n",  # a key written twice
        "true: 1\n",  # a key that is not a string
        "a:\tb\n",
        "a: b\r\n",
        "a: [b, c\n",
        "a: [b, , c]\n",
        "a: [b] c\n",
        "a: {b: c}}\n",
        "a: {b: c, b: d}\n",
        "a: é\n",
        "",
    ],
)
def test_anything_else_is_left_to_pyyaml(text: str) -> None:
    assert simple_data(text, _SCALARS) is NOT_SIMPLE


def test_errors_and_lines_are_pyyamls(tmp_path: Path) -> None:
    doc = load_yaml_text(PIPELINE, tmp_path / "p.yml")
    assert doc.line_of(("transforms", 1, "predicate")) == 11
    assert doc.line_of(("sink", "partition_by", 1)) == 18


# Pieces random documents are made of: each one legal somewhere, many of them not everywhere.
_WORDS = ["a", "b_c", "on", "yes", "null", "true", "1", "0x1F", "1:30", "2024-01-02", "1e3"]
_WORDS += [".inf", "~", "-1", "- x", "a: b", "a #c", "a#c", "x:", ":x", "'q'", '"q"', "[x]"]
_WORDS += ["{x: y}", "[x, y]", "{x: [1, 2]}", "[]", "{}", "a b", "${V}", "&a", "*a", "!t"]
_WORDS += ["|", ">", "?", "%", "@", "`", ",", "a, b", "[a, {b: c}]", "{a : b}", "[a,b]"]


def _random_document(rng: random.Random) -> str:
    lines: list[str] = []
    _block(rng, lines, 0, 0)
    for _ in range(rng.randrange(3)):  # a nudge: a space more or less, a line moved
        if lines:
            index = rng.randrange(len(lines))
            choice = rng.randrange(4)
            if choice == 0:
                lines[index] = " " + lines[index]
            elif choice == 1:
                lines[index] = lines[index][1:]
            elif choice == 2:
                lines.insert(rng.randrange(len(lines)), " " * rng.randrange(6) + "# note")
            else:
                lines.insert(rng.randrange(len(lines) + 1), "")
    return "\n".join(lines) + rng.choice(["\n", "", "\n\n"])


def _block(rng: random.Random, lines: list[str], indent: int, depth: int) -> None:
    if depth and rng.random() < 0.4:
        for _ in range(rng.randrange(1, 4)):
            _item(rng, lines, indent, depth)
        return
    keys = rng.sample(["a", "b", "c", "on", "d.e", "f-g", "a"], rng.randrange(1, 5))
    for key in keys:
        _entry(rng, lines, " " * indent + key + ":", indent, depth)


def _item(rng: random.Random, lines: list[str], indent: int, depth: int) -> None:
    dash = " " * indent + "-" + " " * rng.randrange(1, 3)
    if depth < 4 and rng.random() < 0.4:  # a map in the item, its first key on the dash line
        inner: list[str] = []
        _block(rng, inner, len(dash), depth + 1)
        inner[0] = dash + inner[0].lstrip(" ")
        lines.extend(inner)
    else:
        lines.append(dash + rng.choice(_WORDS))


def _entry(rng: random.Random, lines: list[str], head: str, indent: int, depth: int) -> None:
    roll = rng.random()
    if depth < 4 and roll < 0.35:
        lines.append(head + rng.choice(["", " ", "  # c"]))
        _block(rng, lines, indent + rng.choice([0, 2, 2, 3]), depth + 1)
    elif roll < 0.45:
        lines.append(head)
    else:
        spaces = " " * rng.randrange(1, 3)
        tail = rng.choice(["", "", " ", " # note", "# x"])
        lines.append(head + spaces + rng.choice(_WORDS) + tail)


def test_random_documents_are_built_as_pyyaml_builds_them_or_declined() -> None:
    rng = random.Random(20261130)
    simple = 0
    for _ in range(4000):
        text = _random_document(rng)
        assert _same(text), text
        simple += simple_data(text, _SCALARS) is not NOT_SIMPLE
    assert simple > 500  # the shapes the simple path reads did come up


@pytest.mark.parametrize(
    "value",
    [
        "{a : b}",
        "[a , b]",
        "[ a, b ]",
        "{ }",
        "[ ]",
        "{a: [b, {c: d}], e: []}",
        "[it's, a\"b, x!y, (1+2)=3, ~, $v]",
        "{a: ~, b: .inf, c: 0x1F, d: 1_000, f: 2024-01-02, g: true, h: True}",
        "[a b, c  d]",
        "[a, b]  # a comment",
        "[[a], [b, [c]]]",
    ],
)
def test_a_flow_collection_on_one_line_is_what_pyyaml_builds(value: str) -> None:
    text = f"k: {value}\nl:\n  - {value}\n"
    data = simple_data(text, _SCALARS)
    assert data is not NOT_SIMPLE
    assert repr(data) == repr(_pyyaml(text))
