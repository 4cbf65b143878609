"""FastTree prints exactly what rich's Tree prints, only faster on plain labels."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from quicketl.report.fast_tree import FastTree, Node, plain_tree_text

LABELS = [
    "p0  pipelines/ingest/p0.yml",
    "ingest (parallel, after raw)",
    "a label long enough to wrap at a narrow width: it keeps going and going and going on",
    "[bold]markup[/bold] in a path",
    "an :emoji: code",
    "  padded  ",
    "ünïcödé and 全角 wide characters",
    "tab\there",
    "x",
]


def grow(tree: Tree) -> Tree:
    for index, label in enumerate(LABELS):
        branch = tree.add(label)
        for child in LABELS[index:]:
            node = branch.add(child)
            if index % 3 == 0:
                node.add(f"reads: {child}")
                node.add(Text("styled text", style="yellow"))
    tree.add("collapsed", expanded=False).add("hidden")
    return tree


def printed(tree: Tree, **console: object) -> str:
    out = io.StringIO()
    Console(file=out, highlight=False, **console).print(tree)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize(
    "console",
    [
        {"width": 100},
        {"width": 30},
        {"width": 12},
        {"width": 80, "force_terminal": True, "color_system": "truecolor"},
        {"width": 80, "force_terminal": True, "legacy_windows": False, "safe_box": True},
        {"width": 60, "force_terminal": False, "emoji": False},
    ],
)
def test_fast_tree_prints_what_rich_prints(console: dict[str, object]) -> None:
    header = Text("wf: valid", style="bold green")
    expected = printed(grow(Tree(header)), **console)
    assert printed(grow(FastTree(header)), **console) == expected


def test_ascii_only_terminals_get_the_same_ascii_guides() -> None:
    outputs = []
    for cls in (Tree, FastTree):
        raw = io.BytesIO()
        out = io.TextIOWrapper(raw, encoding="ascii", errors="replace")
        Console(file=out, width=50, highlight=False).print(grow(cls("root")))
        out.flush()
        outputs.append(raw.getvalue())
    assert b"+-- " in outputs[0]
    assert outputs[1] == outputs[0]


def test_a_styled_guide_falls_back_to_rich() -> None:
    kwargs = {"width": 80, "force_terminal": True, "color_system": "truecolor"}
    expected = printed(grow(Tree("root", guide_style="bold red")), **kwargs)
    assert printed(grow(FastTree("root", guide_style="bold red")), **kwargs) == expected


def nodes(labels: list[str], depth: int = 2) -> list[Node]:
    """Each label with the labels after it as children, `depth` levels down."""
    if depth == 0:
        return []
    return [(label, nodes(labels[index:], depth - 1)) for index, label in enumerate(labels)]


def rich_tree(root: str, children: list[Node]) -> Tree:
    tree = Tree(Text(root, style="bold green"))

    def grow_from(node: Tree, kids: list[Node]) -> None:
        for label, grandchildren in kids:
            grow_from(node.add(label), grandchildren)

    grow_from(tree, children)
    return tree


PLAIN = ["p0  pipelines/ingest/p0.yml", "ingest (parallel, after raw)", "x", "a  b", "-"]


@pytest.mark.parametrize("width", [100, 40, 30, 12])
@pytest.mark.parametrize(
    "labels", [PLAIN, LABELS, [*PLAIN, "[bold]x[/bold]"], [*PLAIN, "a:b"]], ids=str
)
@pytest.mark.parametrize("root", ["wf: valid", "[wf]: valid", " wf: valid", "wf:  valid"])
def test_plain_tree_text_is_what_rich_prints(width: int, labels: list[str], root: str) -> None:
    out = io.StringIO()
    console = Console(file=out, highlight=False, width=width)
    text = plain_tree_text(root, nodes(labels), console)
    expected = printed(rich_tree(root, nodes(labels)), width=width)
    assert text is None or text == expected
    if labels == PLAIN and width >= 40 and root == "wf: valid":
        assert text == expected  # the case it exists for is taken


def test_plain_tree_text_uses_ascii_guides_where_rich_does() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", errors="replace")
    console = Console(file=out, width=50, highlight=False)
    text = plain_tree_text("root", nodes(PLAIN), console)
    console.print(rich_tree("root", nodes(PLAIN)))
    out.flush()
    assert text is not None and "+-- " in text
    assert text.encode("ascii") == raw.getvalue()


def test_plain_tree_text_leaves_colour_to_rich() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")
    assert plain_tree_text("root", nodes(PLAIN), console) is None
