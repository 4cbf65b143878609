"""A run's task list kept by column in the history: a no-op of 10,000 tasks in about 0.1 MB.

Each run's document lists every task's outcome, about 200 bytes a task: 2 MB for a no-op
run of 10,000 tasks, some 200 MB of `state.db` for the 100 runs kept. Stored by column, a
value every task shares (status, reasons, timings of a skipped task) is written once, a
stage name once per run of tasks in it, and a task id made of its stage and pipeline names
not at all. Reading gives back the list exactly as json.loads gives the text a list would
have been stored as (same keys in the same order, same values, types included), so nothing
that reads the history (`workflow log`, its --json, `explain`) can tell. A list this cannot
pack exactly is stored as it is.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

MARK = "packed_by_column"  # no task list is a dict: a stored dict with this key is packed
_SCALARS = (str, int, bool, type(None))
_JOIN = "."  # a task id is "<stage>.<pipeline>"


class Damaged(ValueError):
    """A packed task list that is not one this module writes."""


def packed(tasks: object) -> object:
    """`tasks` by column when it is a list of dicts with the same string keys, else itself."""
    if type(tasks) is not list or len(tasks) < 2 or type(tasks[0]) is not dict:
        return tasks
    keys = list(tasks[0])
    if not _all_of(keys, str) or not _all_of(tasks, dict):
        return tasks
    if not all(list(task) == keys for task in tasks):
        return tasks
    columns = {key: list(map(itemgetter(key), tasks)) for key in keys}
    specs = {key: _column_spec(column) for key, column in columns.items()}
    texts = {key: column for key, column in columns.items() if _all_of(column, str)}
    for key, column in texts.items():
        joined = _joined_from(key, column, texts)
        if joined is not None:  # one at most: the columns it is made of are stored as such
            specs[key] = {"joined": joined}
            break
    return {MARK: 1, "count": len(tasks), "columns": specs}


def _all_of(values: list[Any], kind: type) -> bool:
    """Whether every value's type is exactly `kind` (one pass in C)."""
    return set(map(type, values)) == {kind}


def _column_spec(column: list[Any]) -> dict[str, Any]:
    first = column[0]
    kind = type(first)
    if _all_same(column, kind):
        return {"same": first}
    if kind is list and _same_flat_lists(column):
        return {"same": first}
    if _all_of(column, str):
        runs = [[value, len(list(group))] for value, group in groupby(column)]
        if len(runs) * 4 <= len(column):
            return {"runs": runs}
    return {"each": column}


def _all_same(column: list[Any], kind: type) -> bool:
    """Whether every value is the first, of the same type (True == 1 and -0.0 == 0.0, but
    their texts differ)."""
    if kind in _SCALARS:
        return column.count(column[0]) == len(column) and _all_of(column, kind)
    if kind is float and _all_of(column, float):
        return len(set(map(float.hex, column))) == 1
    return False


def _same_flat_lists(column: list[Any]) -> bool:
    """Whether every value is a list equal to the first, of scalars of the very same types."""
    first = column[0]
    types = list(map(type, first))
    if not all(kind in _SCALARS for kind in types) or not _all_of(column, list):
        return False
    if column.count(first) != len(column):
        return False
    # A string or None equals nothing of another type; 1, True (and 1.0) equal each other.
    return all(kind in (str, type(None)) for kind in types) or all(
        list(map(type, value)) == types for value in column
    )


def _joined_from(key: str, column: list[str], texts: dict[str, list[str]]) -> list[str] | None:
    """The two other string columns `key` is made of ("a.b"), if it is."""
    others = [name for name in texts if name != key]
    for left in others:
        for right in others:
            if left != right and _is_joined(column, texts[left], texts[right]):
                return [left, right]
    return None


def _is_joined(column: list[str], left: list[str], right: list[str]) -> bool:
    if column[0] != left[0] + _JOIN + right[0]:
        return False  # the usual answer, found without building a list
    return column == [a + _JOIN + b for a, b in zip(left, right, strict=True)]


def unpacked(tasks: object) -> object:
    """The task list `packed` was given; anything not packed as it is. `Damaged` if a packed
    list is not one `packed` writes."""
    if type(tasks) is not dict or MARK not in tasks:
        return tasks
    try:
        count, specs = tasks["count"], tasks["columns"]
        values = {key: _values(spec, count) for key, spec in specs.items() if "joined" not in spec}
        for key, spec in specs.items():
            if "joined" in spec:
                left, right = (values[name] for name in spec["joined"])
                values[key] = [a + _JOIN + b for a, b in zip(left, right, strict=True)]
        keys = sorted(values)  # as json.loads reads a list stored with sorted keys
        rows = zip(*(values[key] for key in keys), strict=True)
        return [dict(zip(keys, row, strict=True)) for row in rows]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Damaged(str(exc)) from exc


def _values(spec: dict[str, Any], count: int) -> list[Any]:
    (kind, value), *rest = spec.items()
    if rest or type(count) is not int:
        raise Damaged(f"not a packed column: {spec!r}")
    if kind == "same":
        # each task its own list, as when every task's entry was read from its own text
        return [list(value) for _ in range(count)] if type(value) is list else [value] * count
    if kind == "runs":
        return [text for text, times in value for _ in range(times)]
    if kind == "each" and type(value) is list and len(value) == count:
        return value
    raise Damaged(f"not a packed column: {spec!r}")
