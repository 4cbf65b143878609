"""Limits on YAML input, so a hostile file is refused quickly instead of hanging the process.

A ~300-byte "billion laughs" document composes in microseconds (an alias is a reference), but
every walk over the data afterwards visits each value once per path to it: a billion times.
A deep nesting exhausts Python's recursion limit, and a recursive alias never ends. So the
composed node graph is measured, without recursion, before anything walks it. The caps are far
above anything an honest pipeline, workflow or project file reaches: a 10,000-pipeline
workflow is under 1 MiB, 5 levels deep, and uses no alias at all.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import yaml

from quicketl.config.filekind import special_kind
from quicketl.errors import ConfigError, Problem

MAX_YAML_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 100
MAX_ALIAS_VALUES = 100_000
_CHUNK = 1 << 16


def read_yaml_source(path: Path) -> str:
    """The text of a regular file of at most MAX_YAML_BYTES; a pipe or device is not read.

    Opening with O_NONBLOCK keeps a FIFO without a writer from blocking the open itself.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        mode, size = info.st_mode, info.st_size
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        kind = special_kind(mode)
        if kind is not None:
            raise ConfigError([Problem(f"cannot read: {kind}, not a regular file", str(path))])
        if size > MAX_YAML_BYTES:
            limit = f"{MAX_YAML_BYTES // (1024 * 1024)} MiB"
            message = f"file is larger than {limit}; quicketl reads YAML files up to that size"
            raise ConfigError([Problem(message, str(path))])
        # Plain reads on the descriptor: a buffered file object per file cost more than the
        # read itself (10,000 pipeline files are read to plan a large workflow).
        parts = [os.read(fd, size + 1)]
        while parts[-1]:  # to the end, should the file have grown since fstat
            parts.append(os.read(fd, _CHUNK))
        return b"".join(parts).decode("utf-8")
    finally:
        os.close(fd)


def too_deep(path: Path, line: int | None) -> ConfigError:
    message = f"the document is nested more than {MAX_DEPTH} levels deep"
    return ConfigError([Problem(message, str(path), line)])


def check_aliases(root: yaml.Node, text: str, path: Path) -> None:
    """Refuse a recursive alias, or aliases that expand to more than MAX_ALIAS_VALUES values;
    a ConfigError names the line.

    Without an anchor (`&`) there is no alias, the graph is a tree, and there is nothing to
    measure: the walk that records line numbers checks the depth as it goes, for free.
    """
    if "&" not in text:
        return
    sizes, heights = _measure(root, path)
    if heights[id(root)] > MAX_DEPTH:
        raise too_deep(path, _deep_line(root, heights))
    if sizes[id(root)] - len(sizes) > MAX_ALIAS_VALUES:
        line = _largest_line(root, sizes)
        message = (
            f"aliases expand to more than {MAX_ALIAS_VALUES} values (a 'billion laughs' "
            "document?); write the values out or use fewer nested aliases"
        )
        raise ConfigError([Problem(message, str(path), line)])


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _measure(root: yaml.Node, path: Path) -> tuple[dict[int, int], dict[int, int]]:
    """Expanded size and height of every distinct node, bottom-up with an explicit stack
    (heights too: an alias can nest a deep value deeper still).

    Each node is measured once however many aliases point at it, so this is linear in the
    document even when its expansion is not. A node met again while its own children are
    being measured is a recursive alias.
    """
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        kids = _children(node)
        if children_done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(kid)] for kid in kids)
            heights[key] = 1 + max((heights[id(kid)] for kid in kids), default=0)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            message = "an alias refers to the value that contains it"
            raise ConfigError([Problem(message, str(path), node.start_mark.line + 1)])
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((kid, False) for kid in kids if id(kid) not in sizes)
    return sizes, heights


def _deep_line(root: yaml.Node, heights: dict[int, int]) -> int:
    """The line of the value that goes past MAX_DEPTH, following the deepest branch."""
    node = root
    for _ in range(MAX_DEPTH):
        node = max(_children(node), key=lambda kid: heights[id(kid)])
    return node.start_mark.line + 1


def _largest_line(root: yaml.Node, sizes: dict[int, int]) -> int:
    """The line of the smallest value whose expansion alone is past the cap."""
    node = root
    while True:
        kids = [kid for kid in _children(node) if sizes[id(kid)] > MAX_ALIAS_VALUES]
        if not kids:
            return node.start_mark.line + 1
        node = kids[0]
