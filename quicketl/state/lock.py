"""One run at a time per cache: an flock on `<cache>/lock`, released by the kernel on any exit.

Because the kernel drops an flock when its holder dies (even by kill -9), the lock is never
stale and the file is never deleted. The holder writes its pid into the file so that a run
that finds the lock taken can name it. The lock belongs to an open file, not a process: a
second `CacheLock` on the same folder in the same process conflicts with the first.

A task run by an orchestrator holds the cache lock shared (many such tasks run at once) and
its own task's lock exclusively; a workflow run, `cache gc` and `cache clean` hold it
exclusively, so none of them works while such a task does (docs/architecture.md, "The cache
lock"). Shared holders write no pid: there may be several.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from errno import ELOOP
from pathlib import Path
from types import TracebackType

from quicketl.errors import StateError

LOCK_NAME = "lock"
POLL_INTERVAL_S = 0.05
# The holder writes its pid just after taking the lock; give it this long to appear.
PID_GRACE_S = 0.2

WaitCallback = Callable[[int | None], None]


class CacheLock:
    """Context manager holding the cache lock. `on_wait(pid)` is called once if we must wait.

    `name` picks another lock file in the cache folder: a single task run from an orchestrator
    locks only that task (`locks/<task>`), so parallel orchestrator tasks do not queue.
    """

    def __init__(
        self,
        cache_dir: Path,
        wait: bool = True,
        timeout: float | None = None,
        on_wait: WaitCallback | None = None,
        name: str = LOCK_NAME,
        shared: bool = False,
        hint: str = "wait for it or run without --no-wait",
    ) -> None:
        self.path = Path(cache_dir) / name
        self.wait = wait
        self.timeout = timeout
        self.on_wait = on_wait
        self.shared = shared
        self.hint = hint  # what to do when the lock is taken and we do not wait
        self._fd: int | None = None

    def __enter__(self) -> CacheLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, waiting or failing as configured; raises `StateError` on failure."""
        if self._fd is not None:
            raise StateError(f"cache lock {self.path} is already held by this CacheLock")
        fd = self._open()
        try:
            self._take(fd)
            if not self.shared:
                _write_pid(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if not self.shared:
                os.ftruncate(fd, 0)  # no pid left behind to mislead a reader
        finally:
            os.close(fd)  # closing the last descriptor releases the flock

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Never through a link: the lock file is written to and truncated.
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
            return os.open(self.path, flags, 0o644)
        except OSError as error:
            hint = " (a link; `quicketl cache clean` removes it)" if error.errno == ELOOP else ""
            raise StateError(
                f"cannot open the cache lock {self.path}: {error.strerror or error}{hint}"
            ) from error

    def _take(self, fd: int) -> None:
        if _try_flock(fd, self.shared):
            return
        pid = _read_pid(fd)
        if not self.wait:
            raise StateError(
                f"another quicketl run (pid {_pid_text(pid)}) holds the cache lock {self.path}; "
                f"{self.hint}"
            )
        if self.on_wait is not None:
            self.on_wait(pid)
        self._poll(fd, pid)

    def _poll(self, fd: int, pid: int | None) -> None:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        while not _try_flock(fd, self.shared):
            if deadline is not None and time.monotonic() >= deadline:
                raise StateError(
                    f"timed out after {self.timeout:g} s waiting for the cache lock {self.path} "
                    f"held by another quicketl run (pid {_pid_text(pid)})"
                )
            time.sleep(POLL_INTERVAL_S)


def _try_flock(fd: int, shared: bool) -> bool:
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _write_pid(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _read_pid(fd: int) -> int | None:
    deadline = time.monotonic() + PID_GRACE_S
    while True:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def _pid_text(pid: int | None) -> str:
    return "unknown" if pid is None else str(pid)
