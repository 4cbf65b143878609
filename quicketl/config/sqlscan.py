"""A small scanner of user SQL: its words and function calls outside strings and comments.

It is not a parser. It knows enough to find `name(...)` calls with their matching
parenthesis, and bare words such as `current_date`, without being fooled by the same text
inside a string literal, a quoted identifier or a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from quicketl.values import FrozenValue

_TOKEN = re.compile(
    r"""(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    |(?P<string>'(?:[^']|'')*(?:'|\Z))
    |(?P<quoted>"(?:[^"]|"")*(?:"|\Z))
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<space>\s+)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, repr=False, eq=False)
class Token(FrozenValue):
    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, repr=False, eq=False)
class Call(FrozenValue):
    """`name(args)`: where the name starts, and the span of the text between the parentheses."""

    name: str
    start: int
    args_start: int
    args_end: int
    after: str  # the code token before the name ("" at the start), e.g. "." or "="

    @property
    def end(self) -> int:
        """Just past the closing parenthesis (the end of the text when it is missing)."""
        return self.args_end + 1


def tokens(text: str) -> list[Token]:
    """Every token of `text`, comments and spaces included."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        found.append(Token(kind, match.group(), match.start()))
    return found


def _code(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.kind not in ("space", "comment")]


def words(text: str) -> Iterator[Token]:
    """Bare words (names and keywords) that are not called as functions."""
    code = _code(text)
    for index, token in enumerate(code):
        following = code[index + 1].text if index + 1 < len(code) else ""
        if token.kind == "word" and following != "(":
            yield token


def calls(text: str) -> list[Call]:
    """Every function call, outermost first, nested ones after the call holding them."""
    code = _code(text)
    found = []
    for index, token in enumerate(code[:-1]):
        if token.kind == "word" and code[index + 1].text == "(":
            close = _closing(code, index + 1)
            args_end = code[close].start if close is not None else len(text)
            before = code[index - 1].text if index > 0 else ""
            found.append(Call(token.text, token.start, code[index + 1].end, args_end, before))
    return found


def _closing(code: list[Token], open_index: int) -> int | None:
    depth = 0
    for index in range(open_index, len(code)):
        depth += {"(": 1, ")": -1}.get(code[index].text, 0)
        if depth == 0:
            return index
    return None
