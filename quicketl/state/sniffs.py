"""CSV sniffing results kept by the file's content hash and the read options (issue 14).

DuckDB detects a CSV file's dialect and column types by reading a sample of it, which costs
more than a tiny pipeline's own query. What it found depends only on the bytes and on the
options the read was given (and on DuckDB's version, which is in the options text), so it is
kept under (content hash, options): a file edited in place, even to the same size, has another
hash, and its old entry is never used. The hash comes from the stat cache, so a file the run
has hashed already is not read again; `hash_unknown=False` (validate) never hashes at all and
uses only entries of files the stat cache knows.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from quicketl.state.hashing import StatCache, canonical_json
from quicketl.state.readonly import connect_read_only
from quicketl.state.records import parse_json, stat_entry_from_row
from quicketl.state.store import DB_NAME

Lookup = Callable[[str, str], "str | None"]


class SniffCache:
    """Sniff results in memory, backed by the state store's `csv_sniffs` table when given."""

    def __init__(
        self,
        stat_cache: StatCache,
        stored: Lookup | None = None,
        *,
        hash_unknown: bool = True,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._on_close = on_close
        self._stat_cache = stat_cache
        self._stored = stored
        self._hash_unknown = hash_unknown
        self._memory: dict[tuple[str, str], str] = {}
        self._new: dict[tuple[str, str], str] = {}
        self._asked: dict[tuple[str, str], str] = {}  # (path, options) -> hash when asked
        self._lock = threading.Lock()

    def detected(self, path: str, options: str) -> Any:
        """The stored result for the file's current content, or None (then sniff it)."""
        digest = self._digest(path)
        if digest is None:
            return None
        with self._lock:
            self._asked[(path, options)] = digest
            text = self._memory.get((digest, options))
        if text is None and self._stored is not None:
            text = self._stored(digest, options)
        return parse_json(text)

    def remember(self, path: str, options: str, detected: Any) -> None:
        """Keep what was sniffed, if the file kept its content from the question until now."""
        digest = self._digest(path)
        with self._lock:
            if digest is None or self._asked.pop((path, options), None) != digest:
                return
            text = canonical_json(detected)
            self._memory[(digest, options)] = text
            self._new[(digest, options)] = text

    def take_new(self) -> list[tuple[str, str, str]]:
        """(content_hash, options, detected) rows sniffed since the last call, to store."""
        with self._lock:
            new, self._new = self._new, {}
        return [(digest, options, text) for (digest, options), text in sorted(new.items())]

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()

    def _digest(self, path: str) -> str | None:
        try:
            if self._hash_unknown:
                return self._stat_cache.hash_file(path)
            return self._stat_cache.known(path)
        except OSError:
            return None


def read_only_sniffs(cache_dir: Path) -> SniffCache | None:
    """The sniff cache of an existing state database, opened read-only (validate looks, and
    changes nothing); None when there is none or it cannot be read."""
    path = cache_dir / DB_NAME
    if not path.is_file():
        return None
    try:
        conn = connect_read_only(path)
        rows = conn.execute("SELECT path, size, mtime_ns, ctime_ns, inode, hash FROM stat_cache")
        entries = [entry for entry in map(stat_entry_from_row, rows) if entry is not None]
        conn.execute("SELECT 1 FROM csv_sniffs LIMIT 1")
    except (sqlite3.Error, OSError):
        with suppress(UnboundLocalError, sqlite3.Error):
            conn.close()
        return None
    lock = threading.Lock()

    def stored(digest: str, options: str) -> str | None:
        sql = "SELECT detected FROM csv_sniffs WHERE content_hash = ? AND options = ?"
        try:
            with lock:
                row = conn.execute(sql, (digest, options)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row is not None and isinstance(row[0], str) else None

    return SniffCache(StatCache(entries), stored, hash_unknown=False, on_close=conn.close)
