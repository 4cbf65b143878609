"""Scheduling on a thread of its own, so Ctrl-C lets the running tasks finish.

Used by the doit driver and by the one-task-to-run path of `plan_run`, which needs no
scheduler (and so does not import doit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_on_thread(schedule: Callable[[], object], on_interrupt: Callable[[], None]) -> None:
    """Run `schedule` on a thread and wait for it. On Ctrl-C, `on_interrupt` is called, the
    thread is waited for again, and the KeyboardInterrupt goes on; what `schedule` raises is
    raised here."""
    # Workers left inside DuckDB when Ctrl-C ends the process abort it at exit. So the
    # schedule runs on a thread of its own, Ctrl-C reaches only this one, and the run winds
    # down: running tasks finish and are recorded, no other starts. A second Ctrl-C stops
    # waiting.
    raised: list[BaseException] = []
    done = threading.Event()  # not Thread.join: an interrupted join can wrongly report the end

    def scheduler() -> None:
        try:
            schedule()
        except BaseException as exc:  # handed to the caller's thread below
            raised.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=scheduler, name="quicketl-scheduler", daemon=True)
    try:
        thread.start()  # inside: Ctrl-C may arrive while start() waits for the thread
        _wait(done)
    except KeyboardInterrupt:
        on_interrupt()
        _wait(done)
        raise
    finally:
        if done.is_set():  # set just before the thread ends: let it end
            thread.join()
    if raised:
        raise raised[0]


def _wait(done: threading.Event) -> None:
    # In short waits: Ctrl-C may be delivered to any thread, and Python sees it only once
    # this one wakes up.
    while not done.wait(0.05):
        pass
