"""Python literals for values written into generated code: never pasted raw, always `repr`-safe."""

from __future__ import annotations

import math
from typing import Any

from quicketl.errors import ExportError


def python_literal(value: Any) -> str:
    """`value` as Python source that evaluates back to it (the templates' `pyrepr` filter)."""
    if isinstance(value, str):
        return string_literal(value)
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        items = [python_literal(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    if isinstance(value, dict):
        pairs = ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items())
        return "{" + pairs + "}"
    raise ExportError(f"cannot write a {type(value).__name__} into generated code: {value!r}")


def string_literal(text: str) -> str:
    """`repr(text)` in the quotes `ruff format` prefers: double, unless that escapes more."""
    body = repr(text)
    if body.startswith('"'):
        return body  # repr chose double quotes itself: the text holds ' and no "
    if '"' not in text:
        return '"' + body[1:-1].replace("\\'", "'") + '"'
    if text.count('"') > text.count("'"):
        return body
    return '"' + body[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
