"""Laying out generated calls and literals the way `ruff format` leaves them unchanged.

A bracket that fits in the line stays on it; one that does not is split one item per line
with a trailing comma (the "magic trailing comma" keeps ruff from joining it again). Long
string atoms cannot be split, and ruff leaves them where they are.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from quicketl.values import FrozenValue

LINE = 88  # ruff's default line-length
INDENT = 4


@dataclass(frozen=True, repr=False, eq=False)
class Bracket(FrozenValue):
    """`head` + items + `close`: a call (`f(` ... `)`), a list (`[` ... `]`), a dict."""

    head: str
    items: Sequence[Item]
    close: str


Item = str | tuple[str, "Bracket"]  # an atom, or a prefix (`outlets=`, `"key": `) + a bracket


def width(text: str) -> int:
    """Columns the text takes, as ruff counts them (East Asian wide letters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def flat(bracket: Bracket) -> str:
    return bracket.head + ", ".join(_flat_item(i) for i in bracket.items) + bracket.close


def _flat_item(item: Item) -> str:
    return item if isinstance(item, str) else item[0] + flat(item[1])


def lay_out(bracket: Bracket, indent: int, prefix: str = "", suffix: str = "") -> str:
    """`prefix` + the bracket + `suffix`, starting at column `indent` (not indented itself)."""
    one_line = prefix + flat(bracket) + suffix
    if indent + width(one_line) <= LINE or not bracket.items:
        return one_line
    inner = indent + INDENT
    lines = [prefix + bracket.head]
    for item in bracket.items:
        text = item + "," if isinstance(item, str) else lay_out(item[1], inner, item[0], ",")
        lines.append(" " * inner + text)
    lines.append(" " * indent + bracket.close + suffix)
    return "\n".join(lines)


def assignment(name: str, atom: str, indent: int = 0) -> str:
    """`name = atom`, parenthesised onto its own line when that makes it fit (as ruff does)."""
    line = f"{name} = {atom}"
    if indent + width(line) <= LINE or indent + INDENT + width(atom) > LINE:
        return line
    pad = " " * indent
    return f"{name} = (\n{pad}{' ' * INDENT}{atom}\n{pad})"


def binary(left: str, operator: str, right: str, indent: int) -> str:
    """`left op right` as a statement, or split in parentheses when it does not fit."""
    line = f"{left} {operator} {right}"
    if indent + width(line) <= LINE:
        return line
    pad = " " * (indent + INDENT)
    return f"(\n{pad}{left}\n{pad}{operator} {right}\n{' ' * indent})"
