"""Tests for quicketl.state.lock: one run per cache, a named holder, never a stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from quicketl.errors import StateError
from quicketl.state.lock import CacheLock

REPO_ROOT = Path(__file__).resolve().parents[2]
HOLDER_SCRIPT = """
import sys, time
from pathlib import Path
from quicketl.state.lock import CacheLock

with CacheLock(Path(sys.argv[1]), wait=False):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def start_holder(cache_dir: Path, hold_s: float = 60.0) -> subprocess.Popen[str]:
    """Another quicketl process holding the lock; returns once it holds it."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(cache_dir), str(hold_s)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = start_holder(tmp_path / "cache")
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_lock_creates_the_folder_and_records_our_pid(tmp_path: Path) -> None:
    with CacheLock(tmp_path / "cache") as lock:
        assert lock.held
        assert (tmp_path / "cache" / "lock").read_text().strip() == str(os.getpid())
    assert not lock.held
    assert (tmp_path / "cache" / "lock").read_text() == ""


def test_lock_is_reusable_after_release(tmp_path: Path) -> None:
    for _ in range(2):
        with CacheLock(tmp_path / "cache", wait=False) as lock:
            assert lock.held


def test_no_wait_names_the_holding_process(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    message = rf"another quicketl run \(pid {holder.pid}\) holds the cache lock .*cache/lock; "
    with pytest.raises(StateError, match=message + "wait for it or run without --no-wait"):
        CacheLock(tmp_path / "cache", wait=False).acquire()


def test_killed_holder_leaves_the_lock_free(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with CacheLock(tmp_path / "cache", wait=False) as lock:
        assert lock.held


def test_wait_times_out_after_telling_whom_it_waits_for(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    waited_for: list[int | None] = []
    lock = CacheLock(tmp_path / "cache", timeout=0.2, on_wait=waited_for.append)
    started = time.monotonic()
    with pytest.raises(StateError, match=rf"timed out after 0.2 s .*pid {holder.pid}"):
        lock.acquire()
    assert time.monotonic() - started >= 0.2
    assert waited_for == [holder.pid]
    assert not lock.held


def test_wait_acquires_once_the_holder_dies(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    threading.Timer(0.2, holder.kill).start()
    waited_for: list[int | None] = []
    with CacheLock(tmp_path / "cache", timeout=10, on_wait=waited_for.append) as lock:
        assert lock.held
        assert (tmp_path / "cache" / "lock").read_text().strip() == str(os.getpid())
    assert waited_for == [holder.pid]


def test_a_second_lock_in_the_same_process_conflicts(tmp_path: Path) -> None:
    with CacheLock(tmp_path / "cache"), pytest.raises(StateError, match=rf"pid {os.getpid()}"):
        CacheLock(tmp_path / "cache", wait=False).acquire()


def test_shared_holders_coexist_and_write_no_pid(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with CacheLock(cache, wait=False, shared=True), CacheLock(cache, wait=False, shared=True):
        assert (cache / "lock").read_text() == ""


def test_a_shared_holder_keeps_out_an_exclusive_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with CacheLock(cache, wait=False, shared=True):
        message = r"another quicketl run \(pid unknown\) holds the cache lock .*cache/lock; "
        with pytest.raises(StateError, match=message):
            CacheLock(cache, wait=False).acquire()
    with CacheLock(cache, wait=False) as lock:  # free again once the shared holder is gone
        assert lock.held


def test_an_exclusive_holder_keeps_out_a_shared_one(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(StateError, match=rf"pid {holder.pid}"):
        CacheLock(tmp_path / "cache", wait=False, shared=True).acquire()
    holder.kill()
    holder.wait()
    with CacheLock(tmp_path / "cache", wait=False, shared=True) as lock:
        assert lock.held
