"""The test cluster (tests/pgserver.py) is stopped and removed when the tests using it fail."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pgserver import PgServer, running_server


def test_a_failing_block_still_stops_and_removes_the_cluster() -> None:
    seen: list[PgServer] = []
    with pytest.raises(RuntimeError, match="a test failed"), running_server() as server:
        seen.append(server)
        assert server.query("SELECT 1") == [(1,)]
        folders = [p for p in Path("/proc").glob("[0-9]*") if _postmaster_of(p, server.port)]
        assert folders, "the server runs while the block does"
        raise RuntimeError("a test failed")
    (server,) = seen
    with socket.socket() as probe:
        assert probe.connect_ex((server.host, server.port)) != 0, "still listening"
    assert not any(_postmaster_of(p, server.port) for p in Path("/proc").glob("[0-9]*"))


def _postmaster_of(proc: Path, port: int) -> bool:
    try:
        command = (proc / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool(command) and command[0].endswith(b"postgres") and str(port).encode() in command
