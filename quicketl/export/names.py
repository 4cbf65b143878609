"""Sanitising names into safe, unique Python identifiers (which are also valid Airflow ids)."""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable

MAX_LENGTH = 64
BANNED_IN_PREFECT_NAMES = "/%&><"

_RUNS_OF_UNDERSCORES = re.compile(r"_+")
BUILTIN_NAMES = frozenset(dir(builtins))


def identifier(name: str, *, fallback: str = "x") -> str:
    """A Python identifier of [A-Za-z0-9_] that still reads like `name`.

    Accented letters lose their accent (``é`` -> ``e``); other letters become their code point
    (``数`` -> ``u6570``); everything else becomes ``_``. Keywords get a trailing ``_``.
    """
    text = _RUNS_OF_UNDERSCORES.sub("_", "".join(_ascii_pieces(name))).strip("_")
    if not text:
        text = fallback
    if text[0].isdigit():
        text = f"{fallback}_{text}"
    text = text[:MAX_LENGTH].rstrip("_")
    return f"{text}_" if keyword.iskeyword(text) else text


def _ascii_pieces(name: str, keep: str = "_") -> Iterable[str]:
    for char in unicodedata.normalize("NFKD", name):
        if char.isascii():
            yield char if char.isalnum() or char in keep else "_"
        elif unicodedata.combining(char):
            continue
        elif char.isalnum():
            yield f"_u{ord(char):04x}_"
        else:
            yield "_"


class Namer:
    """Hands out identifiers that are unique among themselves and never a reserved name."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken = set(reserved)

    def take(self, name: str, *, fallback: str = "x") -> str:
        """A unique identifier for any `name`."""
        return self.claim(identifier(name, fallback=fallback))

    def claim(self, base: str) -> str:
        """`base` (already an identifier), or `base_2`, `base_3`... if it is taken."""
        candidate, number = base, 2
        while candidate in self._taken:
            candidate = f"{base}_{number}"
            number += 1
        self._taken.add(candidate)
        return candidate


def dag_id(name: str) -> str:
    """An Airflow dag_id (and Prefect flow name) for a workflow name: [A-Za-z0-9_.-] only."""
    text = _RUNS_OF_UNDERSCORES.sub("_", "".join(_ascii_pieces(name, keep="_.-"))).strip("_.-")
    return text[:200] or "quicketl_workflow"


def prefect_name(name: str) -> str:
    """`name` without the characters Prefect refuses in flow and task names."""
    return "".join("_" if c in BANNED_IN_PREFECT_NAMES else c for c in name)
