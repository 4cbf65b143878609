"""The usual shape of a pipeline file read without PyYAML's parser: block maps and lists
whose values are one-line plain scalars.

Parsing is most of planning a large workflow, and most of PyYAML's time (even with libyaml)
goes on making a node object, a resolver call and marks per value, then walking the nodes
again. Here a file of printable ASCII made only of `key: value`, `key:` and `- ` lines (and
comments) is read line by line, and each scalar gets its value from the loader's own resolver
and constructors, so the data is what the loader builds. A file with anything else (quotes, a
flow `[...]` or `{...}`, `|`, an anchor, a tag, a tab, a key written twice, a value going on
to a second line, an indentation YAML would refuse...) is `NOT_SIMPLE` and goes to PyYAML,
whose messages stay the ones users see: nothing here decides that a file is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Any

import yaml

NOT_SIMPLE: Any = object()  # what `simple_data` answers for a file PyYAML must parse

# Printable ASCII and line feeds only: no tab, carriage return, byte order mark, control or
# non-ASCII character, so every character below means what this module assumes it does.
_PRINTABLE = re.compile(r"[\x20-\x7e\n]*")
# A plain key (well inside YAML's 1,024-character limit for a key on one line) and its colon,
# which ends it only before a space or the end of the line (`a:b` is one scalar).
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,199}):(?= |$)")
# Characters that make a plain scalar's first character mean something else (a quote, a
# flow collection, a block scalar, an anchor, alias, tag, comment, directive, reserved...).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_MAX_DEPTH = 40  # past this, PyYAML's path (and its located depth check) decides
_DASH, _KEY_LINE, _ITEM = 0, 1, 2
_STR = "tag:yaml.org,2002:str"
_REMEMBERED = 1 << 16


class _NotSimple(Exception):
    """The text is not of the simple shape."""


# A token: (column, kind, key, value, line). Kinds: a `- `; a `key:` with its value (None
# when nothing follows the colon); the scalar of a `- ` item. Plain tuples: a named tuple per
# token cost a tenth of the parse.
_Token = tuple[int, int, str, str | None, int]
_NOT_STR = ("", None)
# The usual line, in one match: `key: value` with a value that needs no second look (no
# `:` or `#` in it, a first character that means nothing special, no trailing space).
_KEY_VALUE = re.compile(
    r"( *)([A-Za-z_][A-Za-z0-9_.-]{0,199}):(?: +([A-Za-z0-9_./$(](?:[^:#]*[^:# ])?))? *"
)


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


class Scalars:
    """A plain scalar's value as `loader` constructs it, remembered by its text (its tag
    depends on the text alone: the loaders here have no path resolvers)."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader
        self.known: dict[str, tuple[str, Any]] = {}  # text: (tag, value)
        # The resolver tries the patterns filed under a scalar's first character (and those
        # filed under None, for any); with none to try, the scalar is a string. So a text
        # whose first character has none (`out/...`, `enrich_1`) is one, without asking.
        # `[` and `{` are here too: they open a flow collection, never a plain scalar.
        resolvers = loader.yaml_implicit_resolvers
        self.special_first: Container[str] = (
            _Everything()
            if resolvers.get(None)
            else frozenset([*(first for first, tried in resolvers.items() if tried), "", "[", "{"])
        )

    def tagged(self, text: str) -> tuple[str, Any]:
        """The tag the loader resolves `text` to, and the value it constructs."""
        known = self.known.get(text)
        if known is None:
            if len(self.known) >= _REMEMBERED:
                self.known.clear()
            known = self.known[text] = self._construct(text)
        return known

    def _construct(self, text: str) -> tuple[str, Any]:
        loader = self._loader
        tag: str = loader.resolve(yaml.ScalarNode, text, (True, False))
        if tag == _STR:
            return tag, text
        # Implicit tags are null, bool, int, float and timestamp: immutable values, so one
        # object may serve every occurrence of the text.
        return tag, loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, text))


def simple_data(text: str, scalars: Scalars) -> Any:
    """The document's data, or NOT_SIMPLE when it is not a block mapping of the simple shape."""
    if not _PRINTABLE.fullmatch(text):
        return NOT_SIMPLE
    try:
        tokens = _tokens(text)
        if not tokens or tokens[0][0] != 0 or tokens[0][1] != _KEY_LINE:
            return NOT_SIMPLE  # empty, a list or a scalar at the top: rare, PyYAML's
        parser = _Parser(tokens, scalars)
        return parser.mapping(0, 0)  # at column 0 it ends only with the tokens
    except _NotSimple:
        return NOT_SIMPLE


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    append, key_value = tokens.append, _KEY_VALUE.fullmatch
    for number, line in enumerate(text.split("\n")):
        match = key_value(line)
        if match is not None:
            indent, key, value = match.groups()
            append((len(indent), _KEY_LINE, key, value, number))
        else:
            _other_line(line, number, tokens)
    return tokens


def _other_line(line: str, number: int, tokens: list[_Token]) -> None:
    """A line that is not the usual `key: value`: blank, a comment, `- ` items, or a key
    whose value needs a closer look."""
    content = line.lstrip(" ")
    if not content or content[0] == "#":
        return  # a blank or comment line: ignored wherever it is in block YAML
    column = len(line) - len(content)
    while content[0] == "-":
        if content[1:2] != " ":
            raise _NotSimple  # `-` alone (an item on the next lines), `-1`, `---`
        tokens.append((column, _DASH, "", None, number))
        rest = content[1:].lstrip(" ")
        if not rest or rest[0] == "#":
            raise _NotSimple
        column += len(content) - len(rest)
        content = rest
    match = _KEY.match(content)
    if match is not None:
        value = _plain(content[match.end() :])
        tokens.append((column, _KEY_LINE, match.group(1), value, number))
    elif tokens and tokens[-1][4] == number:  # the scalar of a `- ` item
        tokens.append((column, _ITEM, "", _plain(content), number))
    else:
        raise _NotSimple  # a scalar going on from the line above, or not a key at all


def _plain(text: str) -> str | None:
    """The plain scalar in `text` (what follows `key:` or `- `), None when there is none.
    On one line, a plain scalar ends at ` #` (a comment) and loses its surrounding spaces."""
    cut = text.find(" #")
    if cut != -1:
        text = text[:cut]
    value = text.strip(" ")
    if not value:
        return None
    first = value[0]
    if first in "[{":
        return value  # a flow collection on one line, parsed (or refused) by `_Parser.value`
    if first in _INDICATORS and (first != "-" or value[1:2] in ("", " ")):
        raise _NotSimple
    if ": " in value or value[-1] == ":":
        raise _NotSimple  # a second `key:` on the line: an error PyYAML reports
    return value


def _opens_block(token: _Token, column: int) -> bool:
    """Whether `token` starts the value of a `key:` at `column`: anything deeper, or a list
    at the key's own column (`key:` then `- a` below it)."""
    return token[0] > column or (token[0] == column and token[1] == _DASH)


class _Parser:
    """Block maps and lists from the tokens, by their columns, as YAML nests them."""

    def __init__(self, tokens: list[_Token], scalars: Scalars) -> None:
        self.tokens = tokens
        self.at = 0
        self.scalars = scalars

    def node(self, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise _NotSimple
        column, kind, _, _, _ = self.tokens[self.at]
        if kind == _DASH:
            return self.sequence(column, depth)
        return self.mapping(column, depth)  # a key (an item scalar follows a dash)

    def sequence(self, column: int, depth: int) -> list[Any]:
        items: list[Any] = []
        tokens, end = self.tokens, len(self.tokens)
        while self.at < end:
            token = tokens[self.at]
            if token[1] != _DASH or token[0] != column:
                break  # whoever holds the list decides whether the next token may follow it
            self.at += 1
            item = tokens[self.at]  # a dash is followed on its line by its item: `_tokens`
            if item[1] == _ITEM:
                self.at += 1
                items.append(self.value(item[3]))
            else:
                items.append(self.node(depth + 1))
        return items

    def mapping(self, column: int, depth: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        tokens, end, count = self.tokens, len(self.tokens), 0
        known, special = self.scalars.known, self.scalars.special_first
        at = self.at  # a local while the loop runs: this loop is most of the parse
        while at < end:
            token_column, kind, key, value, _ = tokens[at]
            if token_column < column:
                break  # the end of this map: the holder checks what follows
            if kind != _KEY_LINE or token_column != column:
                raise _NotSimple  # deeper than a key of this map, or a `- ` beside its keys
            at += 1
            count += 1
            if key[0] in special and known.get(key, _NOT_STR)[0] != _STR:
                self.key(key)  # refused unless a string
            if value is not None:
                if value[0] not in special:
                    data[key] = value  # a string, by the resolver's own table
                    continue
                tagged = known.get(value)
                data[key] = tagged[1] if tagged is not None else self.value(value)
            elif at < end and _opens_block(tokens[at], column):
                self.at = at
                data[key] = self.node(depth + 1)
                at = self.at
            else:
                data[key] = self.value("")  # `key:` and nothing: null
        self.at = at
        if len(data) != count:
            raise _NotSimple  # a key written twice: PyYAML's path names both lines
        return data

    def key(self, text: str) -> str:
        tag, value = self.scalars.tagged(text)
        if tag != _STR:
            raise _NotSimple  # `true:`, `null:`: a key that is not a string
        return str(value)

    def value(self, text: str | None) -> Any:
        if text and text[0] in "[{":
            return _Flow(text, self).parse()
        return self.scalars.tagged(text or "")[1]


# A flow collection's parts: a bracket, brace or comma; `: `; or a plain scalar of the
# characters that mean nothing else in a flow (no `:`, `#`, quote or bracket), spaces
# around it dropped as YAML drops them.
_FLOW_FIRST = r"[A-Za-z0-9_./~$(]"
_FLOW_LAST = r"[A-Za-z0-9_./~$()+=<>!'\"-]"
_FLOW_TOKEN = re.compile(
    rf" *(?:([][{{}},])|(: )|({_FLOW_FIRST}(?:(?:{_FLOW_LAST}| )*{_FLOW_LAST})?))"
)


class _Flow:
    """`[a, b]` and `{k: v, ...}` written on one line, nested or not, no trailing comma."""

    def __init__(self, text: str, parser: _Parser) -> None:
        self.tokens = _flow_tokens(text)
        self.at = 0
        self.parser = parser

    def parse(self) -> Any:
        data = self.node(0)
        if self.at != len(self.tokens):
            raise _NotSimple
        return data

    def next(self) -> str:
        if self.at >= len(self.tokens):
            raise _NotSimple  # not closed on this line
        token = self.tokens[self.at]
        self.at += 1
        return token

    def node(self, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise _NotSimple
        token = self.next()
        if token == "[":
            return self.sequence(depth)
        if token == "{":
            return self.mapping(depth)
        if token in _FLOW_MARKS:
            raise _NotSimple  # an empty entry (`[a, , b]`, a trailing comma) or a stray mark
        return self.parser.scalars.tagged(token)[1]

    def sequence(self, depth: int) -> list[Any]:
        items: list[Any] = []
        if self.tokens[self.at : self.at + 1] == ["]"]:
            self.at += 1
            return items
        while True:
            items.append(self.node(depth + 1))
            token = self.next()
            if token == "]":
                return items
            if token != ",":
                raise _NotSimple  # `[a: b]` (a pair) or anything else

    def mapping(self, depth: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.tokens[self.at : self.at + 1] == ["}"]:
            self.at += 1
            return data
        count = 0
        while True:
            key = self.next()
            if key in _FLOW_MARKS or self.next() != ": ":
                raise _NotSimple  # a key that is not a plain scalar, or no value
            data[self.parser.key(key)] = self.node(depth + 1)
            count += 1
            token = self.next()
            if token == "}":
                break
            if token != ",":
                raise _NotSimple
        if len(data) != count:
            raise _NotSimple  # a key written twice
        return data


_FLOW_MARKS = frozenset(("[", "]", "{", "}", ",", ": "))


def _flow_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    at, end = 0, len(text)
    while at < end:
        match = _FLOW_TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise _NotSimple
        tokens.append(match.group(match.lastindex or 0))
        at = match.end()
    return tokens
