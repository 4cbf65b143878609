"""Values written into generated code evaluate back to exactly themselves."""

from __future__ import annotations

import math

import pytest

from quicketl.errors import ExportError
from quicketl.export.literals import python_literal


@pytest.mark.parametrize(
    "value",
    [None, True, 0, -7, 1.5, "", 'it\'s "x"\n\\', "数据\u2028", [1, "a"], (1,), (), {"k": [None]}],
)
def test_python_literal_evaluates_back_to_the_value(value: object) -> None:
    assert eval(python_literal(value), {}) == value


def test_python_literal_writes_non_finite_floats_as_calls() -> None:
    assert math.isnan(eval(python_literal(math.nan), {}))
    assert eval(python_literal(-math.inf), {}) == -math.inf


def test_python_literal_refuses_anything_else() -> None:
    with pytest.raises(ExportError, match="cannot write a set into generated code"):
        python_literal({1})
