"""Every op and type crossed with every key name any op or type takes: no spelling crashes.

The corpus is generated from the pydantic models, so a new op, check, source or sink is
covered as soon as it joins its union. Each combination must load, or fail with a
ConfigError whose every problem names its field and line: never any other exception.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from quicketl.config.checks import Check
from quicketl.config.sinks import Sink
from quicketl.config.sources import Source
from quicketl.config.transforms import Transform
from quicketl.errors import ConfigError

from .helpers import load_text

# Where each union sits in a pipeline, and the key that names its members.
UNIONS: dict[str, tuple[Any, str]] = {
    "transforms": (Transform, "op"),
    "checks": (Check, "type"),
    "source": (Source, "type"),
    "sink": (Sink, "type"),
}
BASE = {"name": "p", "source": {"path": "in.csv"}, "sink": {"path": "out.csv"}}
# Required fields whose value must mean something beyond its type.
MEANINGFUL = {"path": "a.csv", "right": "source", "sources": ["source"]}
# Members valid only with an optional field set.
EXTRA: dict[str, dict[str, Any]] = {"row_count": {"min": 1}, "database": {"table": "t"}}


def members(union: Any) -> list[type[BaseModel]]:
    annotated, *_ = typing.get_args(union)
    return list(typing.get_args(annotated))


def tag_of(model: type[BaseModel], tag_field: str) -> str:
    default = model.model_fields[tag_field].default
    assert isinstance(default, str)
    return default


def keys_of(model: type[BaseModel]) -> set[str]:
    known: set[str] = model._known_keys()  # type: ignore[attr-defined]
    return known


def every_key() -> list[str]:
    """Every key any member takes, and every member's tag: the spellings a user may mix up."""
    names: set[str] = set()
    for union, tag_field in UNIONS.values():
        for model in members(union):
            names |= keys_of(model) | {tag_of(model, tag_field)}
    return sorted(names)


def sample(annotation: Any) -> Any:
    """A value of the annotated type, good enough to pass validation."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return sample(next(a for a in args if a is not type(None)))
    if origin is typing.Literal:
        return args[0]
    if origin is list:
        return [sample(args[0])]
    if origin is dict:
        return {"a": sample(args[1])}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return filled(annotation, {})
    return {int: 1, bool: False, str: "a"}.get(annotation, "a")


def filled(model: type[BaseModel], item: dict[str, Any]) -> dict[str, Any]:
    """`item` with every required field of `model` given a value."""
    required = {n: f for n, f in model.model_fields.items() if f.is_required() and n not in item}
    values = {name: MEANINGFUL.get(name, sample(f.annotation)) for name, f in required.items()}
    return {**item, **values}


def sample_item(model: type[BaseModel], tag_field: str) -> dict[str, Any]:
    tag = tag_of(model, tag_field)
    return filled(model, {tag_field: tag, **EXTRA.get(tag, {})})


def pipeline(place: str, item: dict[str, Any]) -> dict[str, Any]:
    return {**BASE, place: [item] if place in ("transforms", "checks") else item}


def corpus() -> Iterator[tuple[str, dict[str, Any]]]:
    keys = every_key()
    for place, (union, tag_field) in UNIONS.items():
        for model in members(union):
            tag = tag_of(model, tag_field)
            bases = [{tag_field: tag}, sample_item(model, tag_field)]
            for base in bases:
                for key in (k for k in keys if k != tag_field):
                    for value in ("x", 10, [key], {key: "x"}):
                        item = {**base, key: value}
                        yield f"{place}:{tag}+{key}={value!r}", pipeline(place, item)


def test_the_samples_are_valid(tmp_path: Path) -> None:
    for place, (union, tag_field) in UNIONS.items():
        for model in members(union):
            item = sample_item(model, tag_field)
            load_text(yaml.safe_dump(pipeline(place, item)), tmp_path)


def test_no_spelling_crashes_the_loader(tmp_path: Path) -> None:
    count = 0
    for name, data in corpus():
        count += 1
        try:
            load_text(yaml.safe_dump(data, sort_keys=False), tmp_path)
        except ConfigError as exc:
            unlocated = [p for p in exc.problems if p.line is None or p.field is None]
            assert not unlocated, f"{name}: {unlocated}"
        except Exception as exc:  # the point: nothing else escapes
            pytest.fail(f"{name}: {type(exc).__name__}: {exc}")
    assert count > 1000
