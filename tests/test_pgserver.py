"""The test cluster (tests/pgserver.py) is stopped and removed when the tests using it fail."""

from __future__ import annotations

import socket
import tempfile
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


# A test process that starts both servers, says where they are, and waits to be killed.
_SERVERS_THEN_WAIT = """
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from moto_s3 import moto_server
from pgserver import running_server
with running_server() as pg, moto_server() as s3:
    print(json.dumps({"pg_port": pg.port, "s3": s3}), flush=True)
    time.sleep(600)
"""


def test_a_sigkilled_test_process_leaves_no_server_running(tmp_path: Path) -> None:
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    before = set(Path(tempfile.gettempdir()).glob("quicketl-pg-*"))
    script = tmp_path / "servers.py"
    script.write_text(_SERVERS_THEN_WAIT)
    tests = Path(__file__).parent
    process = subprocess.Popen(
        [sys.executable, str(script), str(tests)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        port, endpoint = started["pg_port"], started["s3"]
        postmasters = [p for p in Path("/proc").glob("[0-9]*") if _postmaster_of(p, port)]
        assert postmasters, "the cluster runs while its test process does"
        (folder,) = set(Path(tempfile.gettempdir()).glob("quicketl-pg-*")) - before
        s3_port = int(endpoint.rsplit(":", 1)[1])
        assert _listening(port) and _listening(s3_port)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        any(p.exists() for p in postmasters) or folder.exists() or _listening(port)
    ):
        time.sleep(0.1)
    assert not any(p.exists() for p in postmasters), "the postmaster outlived its test process"
    assert not _listening(port) and not _listening(s3_port)
    assert not folder.exists(), "the cluster's folder was left in tmp"


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
