"""YAML loading that remembers the line of every key and list item."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quicketl.config.suggest import format_loc
from quicketl.config.yamlguard import MAX_DEPTH, check_aliases, read_yaml_source, too_deep
from quicketl.config.yamlsimple import NOT_SIMPLE, Scalars, simple_data
from quicketl.errors import ConfigError, Problem
from quicketl.values import FrozenValue

Loc = tuple[str | int, ...]


def _yaml12_booleans(loader: Any) -> Any:
    """Only true/false are booleans (YAML 1.2), so a key such as `on:` stays the string "on"."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return loader


def _no_path_resolvers(loader: Any) -> Any:
    """The composer asks the resolver to descend into and ascend from every node, for path
    resolvers, which these loaders never have: the asking is made to cost nothing."""

    def descend_resolver(self: Any, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self: Any) -> None:
        return None

    loader.descend_resolver = descend_resolver
    loader.ascend_resolver = ascend_resolver
    return loader


@_yaml12_booleans
class _Loader(yaml.SafeLoader):
    """The pure-Python loader: slower, but its syntax errors say more (it names a tab)."""


def _remembered_tags(loader: Any) -> Any:
    """Plain scalars' tags remembered by their text: the resolver tries a list of regular
    expressions on every scalar, and pipeline files repeat the same few words (`type`,
    `file`, `path`...) thousands of times. The answer depends on the text alone here: the
    loader has no path resolvers, and a plain scalar's tag is either an implicit one or str."""
    resolve = loader.resolve
    tags: dict[str, str] = {}

    def remembered(self: Any, kind: Any, value: str, implicit: tuple[bool, bool]) -> Any:
        if kind is not yaml.ScalarNode or not implicit[0] or self.yaml_path_resolvers:
            if kind is yaml.MappingNode and not self.yaml_path_resolvers:
                return _MAP  # what `resolve` answers, without its checks, for every map
            return resolve(self, kind, value, implicit)
        tag = tags.get(value)
        if tag is None:
            if len(tags) >= _REMEMBERED_TAGS:
                tags.clear()
            tag = tags[value] = resolve(self, kind, value, implicit)
        return tag

    loader.resolve = remembered
    return loader


_REMEMBERED_TAGS = 1 << 16

# libyaml's parser, when the wheel has it, is about ten times faster: a workflow of 200
# pipelines is parsed on every run that has work to do. Its marks are as good.
_FastLoader: Any = _no_path_resolvers(
    _remembered_tags(
        _yaml12_booleans(type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {}))
    )
)


@dataclass(frozen=True, repr=False, eq=False)
class YamlDoc(FrozenValue):
    """Parsed YAML data plus the 1-based line where each path starts (`lines`)."""

    path: Path
    data: Any
    text: str | None = field(default=None, repr=False)  # what `data` was parsed from

    @functools.cached_property
    def lines(self) -> dict[Loc, int]:
        """The line of every key and list item, from the text parsed again on first use:
        only a problem needs a line, and a well-formed file reports none, so most files
        never build this (it was a fifth of loading a pipeline file)."""
        return {} if self.text is None else _line_map(self.text, self.path)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest located ancestor."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def problem(self, loc: Loc, message: str) -> Problem:
        """`message` about the value at `loc`, placed at its file, line and field path."""
        return Problem(message, str(self.path), self.line_of(loc), format_loc(loc) or None)

    def locator(self, loc: Loc) -> Callable[[str], Problem]:
        """A function placing a message at `loc` (for the engine's error translation)."""
        return functools.partial(self.problem, loc)

    def spelling_at(self, loc: Loc, *spellings: str) -> str:
        """Which spelling of an aliased key the file uses at `loc` (`aggs`, `aggregations`)."""
        node = self.node_at(loc)
        if isinstance(node, dict):
            return next((name for name in spellings if name in node), spellings[0])
        return spellings[0]

    def node_at(self, loc: Loc) -> Any:
        """The parsed value at `loc`, or None where the document has nothing."""
        node = self.data
        for part in loc:
            node = child(node, part)
        return node


def child(node: Any, part: str | int) -> Any:
    """`node[part]` of parsed YAML, or None when it is absent or `node` is a scalar."""
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def load_yaml_text(text: str, path: Path) -> YamlDoc:
    """Parse `text`; a syntax error becomes a ConfigError with line and column."""
    data = simple_data(text, _SCALARS)  # the usual pipeline file, without PyYAML's parser
    if data is not NOT_SIMPLE:
        return YamlDoc(path, data, text)  # its lines, should one be asked for, from PyYAML's
    try:
        node, data = _parse(text, _FastLoader, path)
    except yaml.YAMLError as fast_error:
        try:  # parse again for the pure-Python parser's clearer message
            node, data = _parse(text, _Loader, path)
        except yaml.MarkedYAMLError as exc:
            raise ConfigError([_syntax_problem(exc, path)]) from None
        except yaml.YAMLError as exc:
            raise ConfigError([Problem(f"invalid YAML: {exc}", str(path))]) from None
        except RecursionError:  # the pure-Python composer recurses once per level
            raise ConfigError([_too_deep(fast_error, path)]) from None
    except RecursionError:  # no libyaml: the pure-Python composer went first
        raise ConfigError([_too_deep(None, path)]) from None
    doc = YamlDoc(path, data, text)
    if node is not None:  # not built directly: check it (and keep its lines) now
        doc.__dict__["lines"] = _line_map_of(node, path)  # what `lines` would compute
    return doc


# Scalars valued by the pure-Python loader: the same resolvers and constructors as the fast one.
_SCALARS = Scalars(_Loader(""))


def _parse(text: str, loader_class: Any, path: Path) -> tuple[yaml.Node | None, Any]:
    """The data, and its node unless it was built directly as a tree: a tree built directly
    has no key written twice and no nesting past MAX_DEPTH (else it is not built directly),
    so the walk that checks those and finds lines can wait until a line is asked for."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        check_aliases(node, text, path)  # before anything walks the data
        if "&" not in text:  # no anchor, so no alias: a tree, each node built once
            try:
                return None, _tree_data(node, loader, 0)
            except _NotPlain:
                pass  # a tag, a merge key, a key twice, deep nesting: the careful way
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def _line_map(text: str, path: Path) -> dict[Loc, int]:
    """The lines of a text that parsed before (so it parses again the same way)."""
    try:
        node = _compose(text, _FastLoader)
    except yaml.YAMLError:  # the fast parser refused it, so the pure-Python one read it
        node = _compose(text, _Loader)
    return {} if node is None else _line_map_of(node, path)


def _compose(text: str, loader_class: Any) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _line_map_of(node: yaml.Node, path: Path) -> dict[Loc, int]:
    """Every path's line; a ConfigError for each key written twice or for deep nesting."""
    lines: dict[Loc, int] = {}
    duplicates: list[tuple[int, str, str]] = []
    _collect_lines(node, (), lines, path, duplicates)
    if duplicates:
        raise ConfigError(
            [Problem(message, str(path), line, field) for line, field, message in duplicates]
        )
    return lines


class _NotPlain(Exception):
    """A node `_tree_data` leaves to PyYAML's constructor."""


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map"))


def _tree_data(node: yaml.Node, loader: Any, depth: int) -> Any:
    """What the safe constructor builds from a tree of plain maps, lists and scalars, built
    directly: the constructor's bookkeeping per node was a third of parsing a pipeline file.
    Scalars other than strings (numbers, booleans, null, dates) still go through it."""
    if depth >= MAX_DEPTH:  # where `_collect_lines` refuses it
        raise _NotPlain
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        return node.value if tag == _STR else loader.construct_object(node)
    if isinstance(node, yaml.SequenceNode) and tag == _SEQ:
        return [_tree_data(item, loader, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode) and tag == _MAP:
        data = {}
        texts_differ = True  # keys are strings, so one key per text unless the dict is short
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag in _SPECIAL_KEYS:
                raise _NotPlain  # a list or map as a key, `<<` or `=`
            if key_node.tag == _STR:
                key = key_node.value
            else:
                texts_differ = False  # `1` and '1' are two keys but one text
                key = loader.construct_object(key_node)
            leaf = value_node.tag == _STR and isinstance(value_node, yaml.ScalarNode)
            if leaf and depth + 1 < MAX_DEPTH:  # the usual value: a string, built in place
                data[key] = value_node.value
            else:
                data[key] = _tree_data(value_node, loader, depth + 1)
        if len(data) != len(node.value) or not (texts_differ or _distinct_texts(node)):
            raise _NotPlain  # a key written twice: `_collect_lines` names both lines
        return data
    raise _NotPlain


def _distinct_texts(node: yaml.MappingNode) -> bool:
    return len({str(key.value) for key, _ in node.value}) == len(node.value)


_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


def _too_deep(fast_error: yaml.YAMLError | None, path: Path) -> Problem:
    """libyaml stops at 1,000 levels with a located error; say it in our words."""
    mark = getattr(fast_error, "problem_mark", None)
    return too_deep(path, mark.line + 1 if mark is not None else None).problems[0]


def load_yaml_file(path: Path) -> YamlDoc:
    """Read and parse a YAML file, with clear errors for a missing or unreadable file."""
    try:
        text = read_yaml_source(path)
    except FileNotFoundError:
        raise ConfigError([Problem("file not found", str(path))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(f"cannot read file: {exc}", str(path))]) from None
    return load_yaml_text(text, path)


def _syntax_problem(exc: yaml.MarkedYAMLError, path: Path) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "invalid YAML"
    if mark is None:
        return Problem(f"YAML syntax error: {what}", str(path))
    message = f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {what}"
    return Problem(message, str(path), mark.line + 1)


def _collect_lines(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    path: Path,
    duplicates: list[tuple[int, str, str]],
) -> None:
    """The line of every path, and (line, field, message) in `duplicates` for each key written
    twice in a mapping (YAML keeps the last): one walk for both, it is once per file parsed."""
    # Every later walk over the data recurses once or twice per level, so the depth is capped
    # here, on the first walk, well inside Python's recursion limit.
    if len(loc) >= MAX_DEPTH:
        raise too_deep(path, node.start_mark.line + 1)
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in first_line:
                message = f"duplicate key (first written at line {first_line[key]})"
                duplicates.append((line, format_loc((*loc, key)), message))
            first_line.setdefault(key, line)
            lines[(*loc, key)] = line
            _collect_lines(value_node, (*loc, key), lines, path, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*loc, index), lines, path, duplicates)
