"""`quicketl info`: the versions and platform, one aligned `key  value` line each."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text


def render_info(console: Console, info: dict[str, str]) -> None:
    width = max(len(key) for key in info) + 2
    for key, value in info.items():
        console.print(Text.assemble((key.ljust(width), "bold"), value), soft_wrap=True)
