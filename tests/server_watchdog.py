"""Stops a test server when the test process that started it dies, however it dies.

A PostgreSQL cluster started with `pg_ctl` outlives its starter: the postmaster is a
daemon, not pytest's child, so a SIGKILLed pytest left it running (and its folder in tmp).
`watch` starts this script as a process of its own session (a Ctrl-C in pytest's terminal
does not reach it). It waits for the test process: a line `done` on its stdin means the
server was stopped as usual; the end of stdin without it (every holder of the pipe's other
end, the test process, has gone) or a new parent means the test process died, and the
script then runs the stop command and removes the folders.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

_POLL_S = 0.2


def watch(stop: Sequence[str], folders: Sequence[Path]) -> subprocess.Popen[bytes]:
    """A watchdog for the calling process: `stop` runs and `folders` go when it dies.
    Call `dismiss` once the server is stopped."""
    args = [sys.executable, __file__, str(os.getpid()), *map(str, folders), "--", *stop]
    return subprocess.Popen(args, stdin=subprocess.PIPE, start_new_session=True)


def dismiss(watchdog: subprocess.Popen[bytes]) -> None:
    """The server was stopped as usual: the watchdog ends without doing anything."""
    assert watchdog.stdin is not None
    try:
        watchdog.stdin.write(b"done\n")
        watchdog.stdin.close()
    except BrokenPipeError:
        pass
    watchdog.wait(timeout=10)


def _parent_gone(parent: int) -> bool:
    """Whether the test process died: stdin ended without `done`, or this was reparented."""
    while True:
        ready, _, _ = select.select([sys.stdin.buffer], [], [], _POLL_S)
        if ready:
            line = sys.stdin.buffer.readline()
            if line.strip() == b"done":
                return False
            if not line:
                return True
        elif os.getppid() != parent:
            return True


def main(argv: list[str]) -> None:
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # only the test process's end ends the watch
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    split = argv.index("--")
    parent, folders, stop = int(argv[0]), argv[1:split], argv[split + 1 :]
    if not _parent_gone(parent):
        return
    subprocess.run(stop, capture_output=True, check=False, timeout=60)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
