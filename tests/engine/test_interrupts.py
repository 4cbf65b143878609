"""Ctrl-C held from a commit to the end of its window (quicketl/engine/interrupts.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from types import FrameType

import pytest

from quicketl.engine import duckdb_module
from quicketl.engine.interrupts import commit_window, ctrl_c_held, hold_ctrl_c, is_ctrl_c
from quicketl.errors import InterruptedAfterCommit


def test_a_held_ctrl_c_is_raised_as_the_window_ends_and_the_handler_put_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(InterruptedAfterCommit), commit_window():
        with commit_window():  # nested: only the outermost delivers
            hold_ctrl_c()
            assert ctrl_c_held()
            signal.raise_signal(signal.SIGINT)  # noted, not raised
        steps = "went on"
    assert steps == "went on"
    assert not ctrl_c_held()
    assert signal.getsignal(signal.SIGINT) is before


def test_without_a_ctrl_c_the_window_ends_quietly() -> None:
    with commit_window():
        hold_ctrl_c()
    assert not ctrl_c_held()


def test_a_host_programs_own_handler_gets_the_held_ctrl_c() -> None:
    seen: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        seen.append(signum)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        with commit_window():
            hold_ctrl_c()
            signal.raise_signal(signal.SIGINT)
            assert seen == []
        assert seen == [signal.SIGINT]
        assert signal.getsignal(signal.SIGINT) is handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_hold_outside_a_window_or_off_the_main_thread_does_nothing() -> None:
    hold_ctrl_c()
    assert not ctrl_c_held()
    held: list[bool] = []
    errors: list[bool] = []

    def worker() -> None:
        with commit_window():
            hold_ctrl_c()
            held.append(ctrl_c_held())
        errors.append(is_ctrl_c(RuntimeError("Query interrupted")))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert held == [False] and errors == [False]
    assert is_ctrl_c(RuntimeError("Query interrupted"))
    assert not is_ctrl_c(RuntimeError("something else"))


def test_an_interrupted_query_is_the_users_ctrl_c_with_duckdbs_compiled_module_alone() -> None:
    # The engine loads DuckDB's compiled module without the package (engine/duckdb_module.py):
    # the interrupted query's exception must be known without `duckdb` in sys.modules.
    code = (
        "import sys, threading\n"
        "from quicketl.engine.duckdb_module import duckdb\n"
        "from quicketl.engine.interrupts import is_ctrl_c\n"
        "con = duckdb.connect()\n"
        "threading.Timer(0.3, con.interrupt).start()\n"
        "try:\n"
        "    con.execute('SELECT count(*) FROM range(10000000000) t(i) WHERE i % 7 = 3')\n"
        "except Exception as error:\n"
        "    print(is_ctrl_c(error), 'duckdb' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    expected = "True False" if duckdb_module.COMPILED_ONLY else "True True"
    assert done.stdout.strip() == expected, done.stderr
