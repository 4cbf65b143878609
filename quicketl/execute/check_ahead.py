"""Checking planned pipelines while planning goes on: validate's batches, started early.

Planning is Python on the main thread; DuckDB releases the GIL while it detects and binds, so
on two cores the batch checks (engine/readbatch.py) of the pipelines planned so far can run
beside it. The planner hands each task it makes to `on_task` (build_plan's hook); a thread
checks them BATCH_SIZE at a time. Which tasks validate checks is known only from the whole
plan (a task reading another's output is left to the run), so the verdicts are only kept, and
`check_against_sources` uses one only for a task it checks and only when that task carries the
very pipeline that was checked. A verdict is never more than "checking it would find
nothing": every other task is checked after planning as without this, and a failure here
(or a stop) only leaves more to check then.
"""

from __future__ import annotations

import queue
import threading
from contextlib import suppress
from typing import TYPE_CHECKING

from quicketl.plan.model import Task

if TYPE_CHECKING:
    from quicketl.config.loader import LoadedPipeline

# Pipelines checked together, here and by validate after planning: larger batches save
# statements, smaller ones share the work out between threads more evenly.
AHEAD_BATCH = 64


class CheckAhead:
    """Checks the tasks handed to `on_task` on a thread of its own; `passed()` says which
    needed no column and would have no problem. Close it in any case (Ctrl-C included)."""

    def __init__(self, batch: int = AHEAD_BATCH) -> None:
        self._batch = batch
        self._waiting: list[Task] = []
        self._sent: queue.SimpleQueue[list[Task] | None] = queue.SimpleQueue()
        self._passed: dict[str, LoadedPipeline] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def on_task(self, task: Task) -> None:
        """A task planned (main thread; costs a list append)."""
        if task.pipeline is None or self._stop.is_set():
            return
        self._waiting.append(task)
        if len(self._waiting) >= self._batch:
            self._send()

    def passed(self) -> dict[str, LoadedPipeline]:
        """Task id -> the pipeline found right, once the batches under way have ended (the
        tasks not sent yet are left to validate's own batches)."""
        self._end()
        return dict(self._passed)

    def close(self) -> None:
        """Stop: the batch under way ends, none other starts."""
        self._stop.set()
        self._end()

    def _send(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._work, name="quicketl-check-ahead", daemon=True
            )
            self._thread.start()
        self._sent.put(self._waiting)
        self._waiting = []

    def _end(self) -> None:
        self._waiting = []
        if self._thread is not None:
            self._sent.put(None)
            self._thread.join()
            self._thread = None

    def _work(self) -> None:
        with suppress(Exception):  # nothing passed: validate checks these itself
            self._check_sent()

    def _check_sent(self) -> None:
        from quicketl.engine.duckdb_session import DatabasePool  # loads DuckDB, on this thread
        from quicketl.engine.readbatch import SniffMemo, quickly_checked
        from quicketl.engine.readcheck import needs_no_schema

        memo = SniffMemo(None)
        databases = DatabasePool(sniffs=memo)
        try:
            while (tasks := self._sent.get()) is not None:
                if self._stop.is_set():
                    continue
                chosen = [(t.id, t.pipeline) for t in tasks if t.pipeline is not None]
                chosen = [(task_id, p) for task_id, p in chosen if needs_no_schema(p)]
                verdicts = quickly_checked(databases, memo, [p for _, p in chosen])
                for (task_id, loaded), ok in zip(chosen, verdicts, strict=True):
                    if ok:
                        self._passed[task_id] = loaded
        finally:
            databases.close()
