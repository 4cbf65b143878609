"""A throwaway PostgreSQL cluster for the tests: initdb, pg_ctl, a free loopback port.

`make test` installs the server binaries when missing (mk/postgres.mk). initdb refuses to run
as root, so as root the cluster belongs to the unprivileged `postgres` user (Debian's package
creates it; else `nobody`) and its commands run through runuser. The cluster listens on
127.0.0.1 only, with password (scram) authentication over TCP, so bad credentials really fail.
It is stopped with `pg_ctl stop -m immediate` and its folder removed, whatever the tests did,
and by a watchdog process (tests/server_watchdog.py) when the test process itself is killed,
even by SIGKILL: the postmaster is a daemon of pg_ctl's, not the test process's child.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server_watchdog import dismiss, watch

SUPERUSER = "postgres"
PASSWORD = "Sup3r-secret-PG-pw"


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{SUPERUSER}:{password}@{self.host}:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        with _connection(self.url(database)) as conn, conn.cursor() as cursor:
            cursor.execute(sql)

    def query(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        with _connection(self.url(database)) as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows


@contextmanager
def _connection(url: str) -> Iterator[Any]:
    import adbc_driver_postgresql.dbapi as pg

    conn = pg.connect(url, autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


def binaries() -> Path:
    """The folder holding initdb and pg_ctl: PATH first, then Debian's versioned folders."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if versions:
        return Path(versions[0]).parent
    raise RuntimeError(
        "PostgreSQL's initdb and pg_ctl are needed for these tests: run `make postgres-server` "
        "(it installs Debian's postgresql package)"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unprivileged_user() -> str:
    """Debian's `postgres` user, else `nobody`: the cluster's files are chowned to it."""
    for name in (SUPERUSER, "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("initdb refuses to run as root, and there is no postgres or nobody user")


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def running_server() -> Iterator[PgServer]:
    """A started cluster, stopped and removed on the way out (tests failing included)."""
    bin_dir = binaries()
    owner = _unprivileged_user() if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="quicketl-pg-"))
    data, log, pwfile = folder / "data", folder / "server.log", folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if owner:
        entry = pwd.getpwnam(owner)
        for path in (folder, pwfile):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = free_port()
    started = False
    stop = _as_owner(
        [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], owner
    )
    # Before anything is made: a test process killed from here on (SIGKILL too) still has its
    # cluster stopped and its folder removed (tests/server_watchdog.py).
    watchdog = watch(stop, [folder])
    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-E", "UTF8"]
        initdb += ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
        initdb += ["--no-sync", "--no-instructions"]
        subprocess.run(_as_owner(initdb, owner), check=True, capture_output=True)
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off"
        start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log)]
        started = True
        subprocess.run(_as_owner([*start, "-w", "start"], owner), check=True, capture_output=True)
        yield PgServer("127.0.0.1", port)
    finally:
        if started:
            subprocess.run(stop, capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)
        dismiss(watchdog)
