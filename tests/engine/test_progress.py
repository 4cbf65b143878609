"""DuckDB's query progress, read from another thread while a watched session runs a query."""

from __future__ import annotations

import threading
import time

from quicketl.engine.duckdb_session import Session
from quicketl.engine.progress import QueryProgress, current_probe, watching_queries

LONG = "SELECT count(DISTINCT md5(CAST(i AS VARCHAR))) FROM range(8000000) t(i)"


def test_a_watched_session_reports_progress_while_its_query_runs() -> None:
    probe = QueryProgress()
    seen: list[float] = []
    with watching_queries(probe), Session(threads=1) as session:
        worker = threading.Thread(target=session.run, args=(LONG,))
        worker.start()
        while worker.is_alive():
            percent = probe.percent()
            if percent is not None:
                seen.append(percent)
            time.sleep(0.05)
        worker.join()
        assert session.scalar("SELECT current_setting('enable_progress_bar_print')") is False
    assert seen and 0 <= min(seen) <= max(seen) <= 100
    assert probe.percent() is None  # the session has closed: nothing is watched
    assert current_probe() is None


def test_an_unwatched_session_tracks_no_progress() -> None:
    with Session() as session:
        assert session.scalar("SELECT current_setting('enable_progress_bar')") is False
