"""The workflow report drawn without rich, character for character as rich draws it.

Used by the no-op fast path, which must finish (interpreter start included) in a fraction of
the time importing rich takes. A test pins this output to rich's for the same result.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence

from quicketl.execute.outcomes import WorkflowResult
from quicketl.plan.model import Plan
from quicketl.report.formatting import duration
from quicketl.report.workflow_summary import summary_line

_BOLD_GREEN, _BOLD_RED, _GREEN, _RESET = "\x1b[1;32m", "\x1b[1;31m", "\x1b[32m", "\x1b[0m"


def console_width() -> int:
    """The width rich would use: $COLUMNS, else the terminal's, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def use_color() -> bool:
    """Colour as rich decides it: on a terminal, unless NO_COLOR is set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def header_lines(plan: Plan) -> list[str]:
    """The header on stdout; its warnings are diagnostics (`warning_lines`, on stderr)."""
    return [
        f"Running workflow: {plan.name}",
        f"  Stages: {len(plan.stages)}",
        f"  Pipelines: {len(plan.tasks)}",
        "",
    ]


def warning_lines(plan: Plan) -> list[str]:
    return [f"warning: {warning}" for warning in plan.warnings]


def result_lines(result: WorkflowResult, width: int, color: bool = False) -> list[str]:
    status = "SUCCESS" if result.succeeded else "FAILED"
    if color:
        status = (_BOLD_GREEN if result.succeeded else _BOLD_RED) + status + _RESET
    lines = panel(
        f"Workflow: {result.name}",
        status,
        len("SUCCESS" if result.succeeded else "FAILED"),
        f"Duration: {duration(result.duration_ms)}",
        width,
    )
    rows = [
        [s.name, s.status, f"{s.succeeded}/{s.total}", duration(s.duration_ms)]
        for s in result.stages()
    ]
    lines += table(
        "Stages",
        ["Stage", "Status", "Pipelines", "Duration"],
        rows,
        right=(False, False, True, True),
    )
    return [*lines, summary_line(result)]


def panel(title: str, body: str, body_len: int, subtitle: str, width: int) -> list[str]:
    inner = width - 2
    return [
        "╭" + _centered(f" {title} ", inner, "─") + "╮",
        "│ " + body + " " * (inner - 2 - body_len) + " │",
        "╰" + _centered(f" {subtitle} ", inner, "─") + "╯",
    ]


def table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]
) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    total = sum(widths) + 3 * len(widths) + 1
    bar = [("━" * (w + 2)) for w in widths]
    thin = [("─" * (w + 2)) for w in widths]
    lines = [_centered(title, total, " ")]
    lines.append("┏" + "┳".join(bar) + "┓")
    lines.append(
        "┃" + "┃".join(f" {h.ljust(w)} " for h, w in zip(headers, widths, strict=True)) + "┃"
    )
    lines.append("┡" + "╇".join(bar) + "┩")
    for row in rows:
        cells = [
            f" {c.rjust(w) if r else c.ljust(w)} "
            for c, w, r in zip(row, widths, right, strict=True)
        ]
        lines.append("│" + "│".join(cells) + "│")
    lines.append("└" + "┴".join(thin) + "┘")
    return lines


def _centered(text: str, width: int, fill: str) -> str:
    if len(text) >= width:
        return text[:width]
    left = (width - len(text)) // 2
    return fill * left + text + fill * (width - len(text) - left)
