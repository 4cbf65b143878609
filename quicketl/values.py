"""Equality, hashing and repr for quicketl's dataclasses, written once instead of per class.

On Python 3.11 `@dataclass` compiles every method it generates separately, six for a frozen
class: about 1.1-1.3 ms per class on this project's machine, and a cold run creates some sixty
(docs/performance.md, "Start-up, sixth round"). The classes are declared
`@dataclass(frozen=True, repr=False, eq=False)` on `FrozenValue` (or `@dataclass(repr=False,
eq=False)` on `MutableValue`), so `@dataclass` generates only `__init__` (and, frozen, the two
methods that refuse assignment), and these bases give what `eq=True, repr=True` would have
generated: the same comparison of the fields with `compare=True` between instances of the
same class, the same hash of them (frozen) or none (mutable, as `eq=True` leaves it), and the
same repr of the fields with `repr=True`. They stay dataclasses: `fields`, `replace` and
`asdict` work on them as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any

_Getter = Callable[[Any], tuple[Any, ...]]
_COMPARED: dict[type, _Getter] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


def _compared(cls: type) -> _Getter:
    """The tuple of `cls`'s compared fields of an instance, as `eq=True` compares them."""
    getter = _COMPARED.get(cls)
    if getter is None:
        getter = _COMPARED[cls] = _tuple_getter(tuple(f.name for f in fields(cls) if f.compare))
    return getter


def _tuple_getter(names: tuple[str, ...]) -> _Getter:
    if len(names) > 1:
        return attrgetter(*names)  # a tuple already, read in C
    if names:
        single = attrgetter(names[0])
        return lambda value: (single(value),)
    return lambda value: ()


def _shown(cls: type) -> tuple[str, ...]:
    names = _SHOWN.get(cls)
    if names is None:
        names = _SHOWN[cls] = tuple(f.name for f in fields(cls) if f.repr)
    return names


class _Value:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = _compared(self.__class__)
        return bool(values(self) == values(other))

    @recursive_repr()  # as the generated one: a value inside itself is shown as "..."
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _shown(self.__class__))
        return f"{self.__class__.__qualname__}({shown})"


class FrozenValue(_Value):
    """The base of a `@dataclass(frozen=True, repr=False, eq=False)`: compared, hashed and
    shown by its fields."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(_compared(self.__class__)(self))


class MutableValue(_Value):
    """The base of a `@dataclass(repr=False, eq=False)`: compared and shown by its fields,
    and unhashable, as a mutable dataclass is."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]
