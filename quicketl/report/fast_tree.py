"""A rich `Tree` that prints plain one-line labels without laying each one out.

rich renders every node of a tree as its own renderable; `workflow validate` of 10,000
pipelines spent four seconds there. A label that is a plain string (no markup, no emoji
code, printable ASCII) and fits the width renders as exactly itself, so this tree writes
such lines directly and leaves anything else to rich, node by node, with the same guides.
Where no style can show at all (no colour system: output to a file or a pipe), a tree of
plain labels is written as text without making a `Tree` (`plain_tree_text`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.tree import Tree

_PLAIN = frozenset(chr(code) for code in range(32, 127)) - {"[", ":", "\\"}


class FastTree(Tree):
    """`Tree`, same output; plain labels skip rich's per-node layout."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not _simple(self, console, options):
            yield from super().__rich_console__(console, options)
            return
        guides = self.ASCII_GUIDES if options.ascii_only else self.TREE_GUIDES[0]
        post = Style(bold=False, underline2=False)
        yield from _lines(self, console, options, guides, post)


def _simple(tree: Tree, console: Console, options: ConsoleOptions) -> bool:
    """Default styles, no hidden root, and nothing that could be bold or underlined guides."""
    if tree.hide_root or options.legacy_windows or options.justify is not None:
        return False
    null = Style.null()
    return all(
        (console.get_style(node.style, default="") or null) == null
        and (console.get_style(node.guide_style, default="") or null) == null
        for node in _nodes(tree)
    )


def _is_plain(label: str, width: int) -> bool:
    """A label rich would print as exactly its text on one line."""
    return 0 < len(label) <= width and label == label.strip() and _PLAIN.issuperset(label)


def _nodes(tree: Tree) -> Iterator[Tree]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if node.expanded:
            stack.extend(node.children)


def _lines(
    root: Tree,
    console: Console,
    options: ConsoleOptions,
    guides: tuple[str, str, str, str],
    post: Style,
) -> Iterator[Segment]:
    space, cont, fork, end = guides
    stack: list[tuple[Tree, str, str]] = [(root, "", "")]  # node, its first prefix, the rest
    while stack:
        node, first, rest = stack.pop()
        yield from _label(node, root.highlight, first, rest, console, options, post)
        if node.expanded and node.children:
            last = len(node.children) - 1
            for index in range(last, -1, -1):
                child = node.children[index]
                tail = end if index == last else fork
                more = space if index == last else cont
                stack.append((child, rest + tail, rest + more))


def _label(
    node: Tree,
    highlight: bool,
    first: str,
    rest: str,
    console: Console,
    options: ConsoleOptions,
    post: Style,
) -> Iterator[Segment]:
    label = node.label
    width = options.max_width - len(first)
    if isinstance(label, str) and _is_plain(label, width):
        lines: list[list[Segment]] = [[Segment(label)]]
    else:  # as rich's Tree does it (its highlight setting is the root's, for every node)
        lines = console.render_lines(
            label, options.update(width=width, highlight=highlight, height=None), pad=False
        )
    for index, line in enumerate(lines):
        prefix = first if index == 0 else rest
        if prefix:
            yield Segment(prefix, post)
        yield from line
        yield Segment.line()


Node = tuple[str, list["Node"]]  # a label (rich markup, as `Tree.add` takes it) and children


def plain_tree_text(root: str, children: Sequence[Node], console: Console) -> str | None:
    """What `console.print(Tree(Text(root, style=...)).add(...)...)` writes, without making a
    `Tree` at all, when no style can show (no colour system) and every label is plain and
    fits; else None, and rich draws it. `root` is plain text, not markup."""
    options = console.options
    if console.color_system is not None or options.legacy_windows:
        return None
    width = options.max_width
    if not (0 < len(root) <= width and root == root.strip() and _printable_ascii(root)):
        return None
    guides = Tree.ASCII_GUIDES if options.ascii_only else Tree.TREE_GUIDES[0]
    lines = [root]
    if not _add_lines(children, "", lines, width, guides):
        return None
    return "\n".join(lines) + "\n"


def _printable_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _add_lines(
    children: Sequence[Node],
    rest: str,
    lines: list[str],
    width: int,
    guides: tuple[str, str, str, str],
) -> bool:
    """Append each child's line, then its children's, as `_lines` draws them; False at the
    first label that is not plain."""
    space, cont, fork, end = guides
    last = len(children) - 1
    for index, (label, grandchildren) in enumerate(children):
        first = rest + (end if index == last else fork)
        if not _is_plain(label, width - len(first)):
            return False
        lines.append(first + label)
        more = rest + (space if index == last else cont)
        if grandchildren and not _add_lines(grandchildren, more, lines, width, guides):
            return False
    return True
