"""stdout and stderr with every secret value masked: the last line of defence for output.

Messages from DuckDB, tracebacks (`--verbose`) and reports may quote a value that came from a
secret; whatever writes it, the text passes through `mask` on its way out.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from quicketl.api import mask_secrets


class MaskedStream:
    """A text stream that masks secrets in everything written, delegating all else."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(mask_secrets(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def masked_output() -> Iterator[None]:
    """sys.stdout and sys.stderr masked for the duration, restored after (even on exit)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = MaskedStream(saved[0]), MaskedStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
