"""Run a command on a pseudo-terminal, as a user at a real terminal would, with a deadline."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

# CSI sequences (colours, cursor moves), OSC sequences (titles, links) and lone escapes.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


class TerminalTimeout(AssertionError):
    """The command was still running at the deadline; it has been killed."""


def run_on_pty(
    args: Sequence[str | Path],
    *,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    size: tuple[int, int] = (40, 120),
    interrupt_on: str | None = None,
    interrupt_after: float | None = None,
) -> tuple[int, str]:
    """Run `args` with stdin, stdout and stderr on one pty of `size` (rows, columns): (exit
    code, everything it wrote, escape sequences kept). With `interrupt_on`, the command gets
    SIGINT (a user's Ctrl-C) when that text first shows in its plain output; with
    `interrupt_after`, that many seconds after it started. Past `timeout`
    seconds its whole process group is killed and `TerminalTimeout` is raised with the
    output so far."""
    master, slave = pty.openpty()
    rows, columns = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    try:
        process = subprocess.Popen(
            [str(arg) for arg in args],
            cwd=cwd,
            env=_terminal_env(env),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,  # its own process group, so a hang is killed whole
        )
    finally:
        os.close(slave)  # only the child holds it now: reading then ends when the child does
    try:
        now = time.monotonic()
        deadline = now + timeout
        at = None if interrupt_after is None else now + interrupt_after
        output = _read_until_closed(master, process, deadline, (interrupt_on, at))
        return process.wait(timeout=5), output
    finally:
        os.close(master)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def plain(output: str) -> str:
    """Terminal output without its escape sequences and carriage returns."""
    return _ESCAPES.sub("", output).replace("\r", "")


def _terminal_env(env: Mapping[str, str] | None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    return {**base, "TERM": "xterm-256color", **(env or {})}


def _read_until_closed(
    master: int,
    process: subprocess.Popen[bytes],
    deadline: float,
    interrupt: tuple[str | None, float | None],
) -> str:
    """`interrupt`: the text on which, or the time (monotonic) at which, to send Ctrl-C."""
    chunks: list[bytes] = []
    interrupt_on, at = interrupt
    while True:
        shown = interrupt_on and interrupt_on in plain(b"".join(chunks).decode("utf-8", "replace"))
        if shown or (at is not None and time.monotonic() >= at):
            with contextlib.suppress(ProcessLookupError):  # it may have ended already
                os.killpg(process.pid, signal.SIGINT)  # the terminal sends Ctrl-C to the group
            interrupt_on, at = None, None
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.killpg(process.pid, signal.SIGKILL)
            text = b"".join(chunks).decode("utf-8", "replace")
            raise TerminalTimeout(f"still running after the deadline; its output:\n{text}")
        wait = remaining if at is None else max(0.0, min(remaining, at - time.monotonic()))
        ready, _, _ = select.select([master], [], [], min(wait, 0.2))
        if not ready:
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every holder of the pty's other end has closed it
            data = b""
        if not data:
            return b"".join(chunks).decode("utf-8", "replace")
        chunks.append(data)
