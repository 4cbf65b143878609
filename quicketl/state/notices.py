"""Warnings about the cache (an unreadable record, a database set aside), said once on stderr.

The cache is only a cache: what cannot be read is treated as no record, the work runs, and
the user is told once, not once per row. Each message is said at most once per process,
so the no-op fast path and the full path that may follow it do not both say it.
"""

from __future__ import annotations

import sys
import threading

_said: set[str] = set()
_lock = threading.Lock()


def cache_warning(message: str) -> None:
    """Print `warning: <message>` on stderr, unless this process already said it."""
    with _lock:
        if message in _said:
            return
        _said.add(message)
    sys.stderr.write(f"warning: {message}\n")
    sys.stderr.flush()
