"""`quicketl info`: the versions and platform, as a two-column table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text


def render_info(console: Console, info: dict[str, str]) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    for key, value in info.items():
        table.add_row(Text(key, style="bold"), Text(value))
    console.print(table)
