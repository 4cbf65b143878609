"""Translation of pydantic validation errors into located, readable problems."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic_core import ErrorDetails

from quicketl.config.suggest import did_you_mean
from quicketl.config.yamlfile import Loc, YamlDoc, child
from quicketl.errors import Problem
from quicketl.locations.lazy_pattern import lazy_pattern

_TAGS = lazy_pattern(r"'([^']+)'")


def problems_from_errors(errors: list[ErrorDetails], doc: YamlDoc) -> list[Problem]:
    """One problem per distinct error, in pydantic's order."""
    seen: set[str] = set()
    problems = []
    for error in errors:
        if _other_member_fits(error, errors):
            continue
        problem = _problem(error, doc)
        if str(problem) not in seen:
            seen.add(str(problem))
            problems.append(problem)
    return problems


def _problem(error: ErrorDetails, doc: YamlDoc) -> Problem:
    kind = error["type"]
    loc = data_loc(error["loc"], doc.data, names_field=kind == "missing", found=error["input"])
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "unknown_key":
        loc = (*loc, ctx["key"])
    message = _message(kind, error["msg"], ctx)
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {_describe(error.get('input'))}"
    return doc.problem(loc, message)


def _other_member_fits(error: ErrorDetails, errors: list[ErrorDetails]) -> bool:
    """A mapping given where a name or a mapping belongs (`order_by: [{column: x}]`) was meant
    as the mapping: its own problems are reported, not that it is not a name."""
    loc = error["loc"]
    if error["type"] != "string_type" or not loc or loc[-1] != "str":
        return False
    if not isinstance(error.get("input"), dict):
        return False
    siblings = [e["loc"] for e in errors if e is not error]
    return any(
        len(other) > len(loc) - 1 and other[: len(loc) - 1] == loc[:-1] for other in siblings
    )


# Pydantic's wording for wrong types, said the way a YAML author thinks of them.
_EXPECTED = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping of keys",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
}


def _describe(value: Any) -> str:
    """A parsed YAML value as its author wrote it: `'many'`, `a list`, `a mapping`."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value)


def _message(kind: str, msg: str, ctx: dict[str, Any]) -> str:
    if kind == "union_tag_invalid":
        tag_field = ctx["discriminator"].strip("'")
        expected = _TAGS.findall(ctx["expected_tags"])
        hint = did_you_mean(str(ctx["tag"]), expected)
        return f"unknown {tag_field} '{ctx['tag']}'{hint} (expected one of: {', '.join(expected)})"
    if kind == "union_tag_not_found":
        tag_field = ctx["discriminator"].strip("'")
        return f"missing '{tag_field}'"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind == "too_short" and "min_length" in ctx:
        noun = "item" if ctx["min_length"] == 1 else "items"
        return f"needs at least {ctx['min_length']} {noun}, got {ctx.get('actual_length', 0)}"
    return msg.removeprefix("Value error, ")


# The default of `found`: any value will do.
_ANY: Any = object()


def data_loc(
    loc: tuple[int | str, ...], data: Any, *, names_field: bool = False, found: Any = _ANY
) -> Loc:
    """Pydantic's loc without its union-member and tag entries, so it matches the YAML.

    `names_field` says the last entry is a field of the model (a missing one) even though
    the data lacks it; otherwise an entry the data lacks is a member name, such as the
    `file` of a source whose `type` was left out. A member name can also be a key of the
    same mapping (`{op: limit, limit: 10}`); then both readings are tried, and the one
    whose value looks like `found` (the error's input) wins, the member name on a tie.
    """
    readings = list(_readings(loc, data, names_field, arrived=False))
    for path, node in readings:
        if found is _ANY or _looks_like(node, found):
            return path
    return readings[0][0]


def _readings(
    loc: tuple[int | str, ...], node: Any, names_field: bool, *, arrived: bool
) -> Iterator[tuple[Loc, Any]]:
    """Each way to read `loc` against the data: (data path, value there), member name first."""
    if not loc:
        yield (), node
        return
    part, rest = loc[0], loc[1:]
    if arrived and _is_own_tag(part, node):
        yield from _readings(rest, node, names_field, arrived=False)
        if part not in node:
            return
    elif _is_member_name(part, node) or _is_absent_tag(part, node, not rest, names_field):
        yield from _readings(rest, node, names_field, arrived=False)
        return
    for path, value in _readings(rest, child(node, part), names_field, arrived=True):
        yield (part, *path), value


def _is_own_tag(part: int | str, node: Any) -> bool:
    """`part` is the tag a union member of `node` is named by: its op or type, or the default."""
    if not isinstance(node, dict) or not isinstance(part, str):
        return False
    tag = node.get("op", node.get("type"))
    if tag is None and "op" not in node:
        tag = "database" if "connection" in node else "file"
    return part == tag


def _looks_like(node: Any, found: Any) -> bool:
    """Whether the value at a reading could be what pydantic validated (defaults aside)."""
    if isinstance(found, dict):
        return isinstance(node, dict) and set(found) <= set(node) | {"type"}
    return not isinstance(node, dict)


def _is_absent_tag(part: int | str, node: Any, is_last: bool, names_field: bool) -> bool:
    if not isinstance(part, str) or not isinstance(node, dict) or part in node:
        return False
    return not (is_last and names_field)


_TYPE_NAME = lazy_pattern(r"^([a-z]+\[|(str|int|float|bool|none|dict|list)$|[A-Z]|function-)")


def _is_member_name(part: int | str, node: Any) -> bool:
    if not isinstance(part, str):
        return False
    if isinstance(node, dict):
        if part in node:
            return False
        if part in (node.get("op"), node.get("type")):
            return True
    return bool(_TYPE_NAME.match(part))
