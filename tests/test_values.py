"""quicketl.values gives its dataclasses what `eq=True, repr=True` would have generated."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, asdict, dataclass, field, fields, replace

import pytest

from quicketl.values import FrozenValue, MutableValue


@dataclass(frozen=True)
class PlainFrozen:
    name: str
    count: int = 0
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, repr=False, eq=False)
class Frozen(FrozenValue):
    name: str
    count: int = 0
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)
    tags: tuple[str, ...] = ()


@dataclass
class PlainMutable:
    items: list[int] = field(default_factory=list)
    label: str = "x"


@dataclass(repr=False, eq=False)
class Mutable(MutableValue):
    items: list[int] = field(default_factory=list)
    label: str = "x"


@dataclass(frozen=True, repr=False, eq=False)
class One(FrozenValue):
    only: int


@dataclass(frozen=True, repr=False, eq=False)
class Empty(FrozenValue):
    pass


@dataclass(frozen=True, repr=False, eq=False)
class OtherFrozen(FrozenValue):
    name: str
    count: int = 0


FROZEN_ARGS = [
    ("a",),
    ("a", 1),
    ("a", 1, "n1"),
    ("a", 1, "n2"),
    ("a", 1, "", "s"),
    ("b", 2, "", "", ("t",)),
    ("a", 1.0),
    ("a", float("nan")),
]


@pytest.mark.parametrize("left", FROZEN_ARGS)
@pytest.mark.parametrize("right", FROZEN_ARGS)
def test_frozen_equality_and_hash_are_the_dataclass_ones(
    left: tuple[object, ...], right: tuple[object, ...]
) -> None:
    ours = (Frozen(*left), Frozen(*right))  # type: ignore[arg-type]
    plain = (PlainFrozen(*left), PlainFrozen(*right))  # type: ignore[arg-type]
    assert (ours[0] == ours[1]) is (plain[0] == plain[1])
    assert (ours[0] != ours[1]) is (plain[0] != plain[1])
    assert hash(ours[0]) == hash(plain[0])
    assert repr(ours[0]) == repr(plain[0]).replace("PlainFrozen", "Frozen")


def test_instances_of_other_classes_are_never_equal() -> None:
    assert Frozen("a", 1) != OtherFrozen("a", 1)
    assert Frozen("a", 1) != ("a", 1, "", "", ())
    assert Frozen("a").__eq__(OtherFrozen("a")) is NotImplemented
    assert Frozen("a") == Frozen("a") and Frozen("a") in {Frozen("a")}


def test_one_and_no_fields() -> None:
    assert One(1) == One(1) and One(1) != One(2)
    assert hash(One(1)) == hash((1,)) and hash(Empty()) == hash(())
    assert Empty() == Empty() and repr(Empty()) == "Empty()" and repr(One(3)) == "One(only=3)"


def test_frozen_refuses_assignment_and_stays_a_dataclass() -> None:
    value = Frozen("a", 1, tags=("x",))
    with pytest.raises(FrozenInstanceError):
        value.name = "b"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del value.name  # type: ignore[misc]
    assert [f.name for f in fields(value)] == ["name", "count", "note", "secret", "tags"]
    assert replace(value, count=2) == Frozen("a", 2, tags=("x",))
    assert asdict(value) == asdict(PlainFrozen("a", 1, tags=("x",)))
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value) == value and copy.copy(value) is not value


def test_mutable_compares_like_a_dataclass_and_is_unhashable() -> None:
    assert Mutable([1]) == Mutable([1]) and Mutable([1]) != Mutable([2])
    assert (Mutable() == Mutable()) is (PlainMutable() == PlainMutable())
    assert repr(Mutable([1], "y")) == "Mutable(items=[1], label='y')"
    with pytest.raises(TypeError, match="unhashable"):
        hash(Mutable())
    with pytest.raises(TypeError, match="unhashable"):
        hash(PlainMutable())
    value = Mutable()
    value.items.append(3)
    value.label = "z"
    assert value == Mutable([3], "z") and Mutable().items is not Mutable().items


def test_recursive_values_compare_and_show_their_members() -> None:
    outer = Frozen("a", tags=(One(1),))  # type: ignore[arg-type]
    assert outer == Frozen("a", tags=(One(1),))  # type: ignore[arg-type]
    assert repr(outer) == "Frozen(name='a', count=0, note='', tags=(One(only=1),))"


def test_a_value_inside_itself_is_shown_as_the_generated_repr_shows_it() -> None:
    ours, plain = Mutable(), PlainMutable()
    ours.items.append(ours)  # type: ignore[arg-type]
    plain.items.append(plain)  # type: ignore[arg-type]
    assert (
        repr(ours)
        == repr(plain).replace("PlainMutable", "Mutable")
        == "Mutable(items=[...], label='x')"
    )
