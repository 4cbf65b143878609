"""The `status` table drawn without rich, character for character as rich draws it.

rich measures every cell of a table before drawing it, which is most of the time `workflow
status` takes at 10,000 pipelines. When every cell is plain ASCII text and the table fits the
console (nothing for rich to wrap, colour or interpret), the table is simple enough to draw
here; anything else returns None and rich draws it. A test pins the two to each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from quicketl.execute.outcomes import WorkflowResult

HEADERS = ("Stage", "Pipeline", "Decision", "Reason")
LABELS = {
    "ran": "ran",
    "up_to_date": "up to date",
    "failed": "FAILED",
    "skipped": "skipped",
    "not_run": "not started",
    "would_run": "will run",
    "may_run": "may run",
}


def explain_lines(result: WorkflowResult, width: int) -> list[str] | None:
    """The table's lines, or None when rich would draw something this does not."""
    rows = [(t.stage, t.name, LABELS[t.status], _why(t.status, t.reasons)) for t in result.tasks]
    # The first two cells are rich markup (a `[` or an `:emoji:` would be interpreted).
    if not all(_plain(s, markup=True) and _plain(n, markup=True) for s, n, _, _ in rows):
        return None
    if not all(_plain(line) for row in rows for line in row[3].split("\n")):
        return None
    title = f"Workflow: {result.name}"
    return _table(title, rows, width) if _plain(title) else None


def _why(status: str, reasons: Sequence[str]) -> str:
    return "unchanged" if status == "up_to_date" else "\n".join(reasons)


def _plain(text: str, markup: bool = False) -> bool:
    if markup and ("[" in text or ":" in text):
        return False
    return text.isascii() and text.isprintable()


def _table(title: str, rows: list[tuple[str, str, str, str]], width: int) -> list[str] | None:
    cells = [[cell.split("\n") for cell in row] for row in rows]
    widths = [
        max(len(header), *(len(line) for row in cells for line in row[i]))
        for i, header in enumerate(HEADERS)
    ]
    total = sum(widths) + 3 * len(widths) + 1
    if total > width or len(title) > total:
        return None  # rich would wrap or shrink
    bar = ["━" * (w + 2) for w in widths]
    lines = [_centered(title, total), "┏" + "┳".join(bar) + "┓"]
    lines.append(
        "┃" + "┃".join(f" {h.ljust(w)} " for h, w in zip(HEADERS, widths, strict=True)) + "┃"
    )
    lines.append("┡" + "╇".join(bar) + "┩")
    for row in cells:
        for depth in range(max(len(cell) for cell in row)):
            texts = [cell[depth] if depth < len(cell) else "" for cell in row]
            lines.append(
                "│" + "│".join(f" {t.ljust(w)} " for t, w in zip(texts, widths, strict=True)) + "│"
            )
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return lines


def _centered(text: str, width: int) -> str:
    left = (width - len(text)) // 2
    return " " * left + text + " " * (width - len(text) - left)
