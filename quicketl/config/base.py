"""The base model: frozen, and strict about unknown keys with a close-match hint."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from quicketl.config import plugin_scan
from quicketl.config.suggest import did_you_mean

# before any model here builds its validator: pydantic's plugin loader only if plugins are
# wanted (config/plugin_scan.py)
plugin_scan.install()


def as_list(value: Any) -> Any:
    """A lone string as a one-item list: YAML authors write `columns: id` for `[id]`."""
    return [value] if isinstance(value, str) else value


def new_list() -> list[Any]:
    """A fresh empty list, as a field's `default_factory`. Not `list` itself: pydantic reads a
    factory's signature when it builds a validator, and a builtin's is parsed from its text
    signature with tokenize, whose large pattern is then compiled (3-4 ms of a cold run)."""
    return []


def new_dict() -> dict[Any, Any]:
    """A fresh empty dict, as a field's `default_factory` (see `new_list`)."""
    return {}


_KNOWN_KEYS: dict[type, frozenset[str]] = {}
_SPELLINGS: dict[type, tuple[tuple[str, ...], ...]] = {}
# Each model's keys that have other spellings: a mapping using none of them needs no check.
_SPELT: dict[type, frozenset[str]] = {}


class StrictModel(BaseModel):
    """Every config model: unknown keys are errors that suggest the field meant."""

    # defer_build: a model's validator is built when it first validates, not at import; a
    # nested model is built into its parent's, so only the models a path validates are built
    # at all (docs/performance.md).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = cls._known_keys()
        if not known.issuperset(data):  # one C call for the usual case, every key known
            for key in data:
                if str(key) not in known:
                    hint = cls._tag_hint(str(key), data) or did_you_mean(str(key), sorted(known))
                    raise PydanticCustomError(
                        "unknown_key", "unknown key '{key}'{hint}", {"key": str(key), "hint": hint}
                    )
        spelt = _SPELT.get(cls)
        if spelt is None:
            spelt = _SPELT[cls] = frozenset(name for group in cls._spellings() for name in group)
        if not spelt.isdisjoint(data):
            cls._one_spelling_each(data)
        return data

    @classmethod
    def _one_spelling_each(cls, data: dict[Any, Any]) -> None:
        """A field with other spellings (`delim` for `delimiter`) is given under one only."""
        for choices in cls._spellings():
            given = [c for c in choices if c in data]
            if len(given) > 1:
                listed = " or ".join(f"'{name}'" for name in given)
                raise PydanticCustomError(
                    "two_spellings", "give one of {listed}", {"listed": listed}
                )

    @classmethod
    def _spellings(cls) -> tuple[tuple[str, ...], ...]:
        """The spellings of each field that has more than one; worked out once per model
        (asked for every mapping validated, like `_known_keys`)."""
        groups = _SPELLINGS.get(cls)
        if groups is None:
            every = (
                tuple(
                    c
                    for c in getattr(f.validation_alias, "choices", None) or []
                    if isinstance(c, str)
                )
                for f in cls.model_fields.values()
            )
            groups = _SPELLINGS[cls] = tuple(g for g in every if len(g) > 1)
        return groups

    @classmethod
    def _tag_hint(cls, key: str, data: dict[Any, Any]) -> str:
        """For a key spelt like the op or type itself (`{op: limit, limit: 10}`): the real key."""
        default = "file" if "type" in cls.model_fields else None  # a source's omitted type
        if key != data.get("op", data.get("type", default)):
            return ""
        required = [name for name, field in cls.model_fields.items() if field.is_required()]
        if len(required) == 1:
            return f"; did you mean '{required[0]}'?"
        listed = ", ".join(f"'{name}'" for name in required)
        return f"; {key} takes {listed}" if required else ""

    @classmethod
    def _known_keys(cls) -> frozenset[str]:
        # Asked once per mapping validated: 30,000 times for 10,000 pipelines.
        known = _KNOWN_KEYS.get(cls)
        if known is None:
            known = _KNOWN_KEYS[cls] = frozenset(cls._field_names())
        return known

    @classmethod
    def _field_names(cls) -> set[str]:
        names = set(cls.model_fields)
        names |= {f.alias for f in cls.model_fields.values() if f.alias}
        for field in cls.model_fields.values():
            choices = getattr(field.validation_alias, "choices", None) or []
            names |= {c for c in choices if isinstance(c, str)}
        return names
