"""DuckDB's query progress as a live line on a terminal, while one long pipeline runs."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.live import Live
from rich.text import Text

_BAR = 24


class ProgressSource(Protocol):
    def percent(self) -> float | None: ...


class QueryProgressLine:
    """`query  37.3% ━━━━━━━━━─────────────── 4.2s`, drawn only on a terminal and erased
    when the run ends; nothing while no query reports progress."""

    def __init__(self, console: Console, source: ProgressSource) -> None:
        self.console = console
        self.source = source
        self._live: Live | None = None
        self._started = time.monotonic()

    def __enter__(self) -> QueryProgressLine:
        if self.console.is_terminal:
            self._live = Live(
                console=self.console,
                get_renderable=self._line,
                transient=True,
                refresh_per_second=4,
            )
            self._live.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:  # on Ctrl-C too: the cursor comes back
            self._live.stop()
            self._live = None

    def _line(self) -> Text:
        percent = self.source.percent()
        if percent is None:
            return Text("")
        done = round(_BAR * min(percent, 100.0) / 100.0)
        elapsed = time.monotonic() - self._started
        text = Text(f"query {percent:5.1f}% ", style="cyan", no_wrap=True, overflow="ellipsis")
        text.append("━" * done, style="cyan")
        text.append("─" * (_BAR - done), style="dim")
        text.append(f" {elapsed:.1f}s")
        return text
