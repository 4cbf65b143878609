"""The fast indented JSON writer: the very text `json.dumps(indent=2, ...)` writes."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quicketl.report.json_report import to_json
from quicketl.report.json_text import indented_json


def _standard(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


class Colour(str, enum.Enum):  # noqa: UP042 - the mixin form, as older code writes it
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Text(str):
    pass


SAMPLES: list[Any] = [
    {},
    [],
    {"a": {}, "b": [], "c": [{}], "d": [[]]},
    {"nested": {"deeper": [1, 2.5, None, True, False, "x", {"k": [0]}]}},
    ("tuple", ("inside",)),
    {'quote"s': "back\\slash\n\t\u0000 é 日本 \u2028 \ud83d\ude00"},
    {7: "int key", 2.5: "float key", True: "t", False: "f", None: "n"},
    {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "big": 1e300},
    {"neg": -0.0, "small": 5e-324, "int": 10**30, "-int": -7},
    {"date": datetime.date(2026, 11, 30), "dec": decimal.Decimal("1.10"), "path": Path("a/b")},
    {"enum": Colour.RED, "int enum": Level.HIGH, Text("sub key"): Text("sub value")},
    {"set": {1}, "bytes": b"\x00\xff", "obj": object.__new__(type("Thing", (), {}))},
    "a bare string",
    42,
    None,
]


@pytest.mark.parametrize("value", SAMPLES, ids=range(len(SAMPLES)))
def test_same_text_as_json_dumps(value: object) -> None:
    assert indented_json(value, default=str) == _standard(value)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


@given(json_values)
def test_same_text_as_json_dumps_for_any_document(value: object) -> None:
    assert indented_json(value, default=str) == _standard(value)


def test_a_key_json_refuses_is_refused_the_same_way() -> None:
    with pytest.raises(TypeError, match="keys must be str"):
        indented_json({(1, 2): "tuple key"}, default=str)


def test_to_json_writes_the_standard_text() -> None:
    document = {"status": "success", "tasks": [{"id": "a.b", "reasons": []}], "at": 1.5}
    assert to_json(document) == _standard(document)
