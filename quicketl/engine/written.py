"""What a sink wrote: the new rows, the paths, and the profile of the query that read the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Written:
    rows: int
    outputs: list[Path]
    profile: dict[str, Any] | None = field(default=None, compare=False)
