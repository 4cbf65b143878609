"""`workflow validate` checks the pipelines that need no column many at a time.

Their CSV detections are asked in one statement and their reads bound in another
(engine/readbatch.py); whatever does not pass is checked one by one, so every verdict and
every message is the one checking each pipeline alone gives. These tests pin both halves.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from projects import Project, new_project

import quicketl.engine.readbatch as readbatch

from .support import invoke

GOOD = 8


def good_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    project = new_project(tmp_path)
    names = []
    for i in range(GOOD):
        project.csv(f"data/r{i}.csv", salt=str(i))
        names.append(project.pipeline(f"p{i}", f"data/r{i}.csv", f"out/p{i}.parquet"))
    project.workflow([{"name": "s", "parallel": True, "pipelines": names}])
    monkeypatch.chdir(tmp_path)
    return project


def test_raw_pipelines_are_checked_in_a_few_statements(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    statements: list[str],
) -> None:
    good_project(tmp_path, monkeypatch)
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err
    # Two batches (one per thread), each one detection and one bind: not two per file.
    assert len(statements) == 4, statements
    sniffs = [sql for sql in statements if "sniff_csv(" in sql]
    binds = [sql for sql in statements if sql not in sniffs]
    assert len(sniffs) == 2 and all(sql.count("sniff_csv(") == GOOD // 2 for sql in sniffs)
    # Each read is built from its file's detection, as csv_reader builds it alone.
    assert sum(sql.count("auto_detect=false") for sql in binds) == GOOD
    assert not (tmp_path / ".quicketl-cache").exists()


BAD_FILES = {
    "data/ragged.csv": "id,name\r\n1,a\r\n2,b\n3,c,d\n",
    "data/empty.csv": "",
    "data/latin.csv": "id,name\n1,caf\xe9\n",
    "data/rag/one.csv": "id,name\r\n1,a\r\n2,b\n3,c,d\n",
    "data/folder/x.csv": "id,value\n1,2\n",
    "data/parts/a.csv": "id,value\n1,2\n",
    "data/parts/b.csv": "id,value\n3,4\n",
}
# name -> (source, exit message substring or None when the pipeline is right)
CASES: dict[str, tuple[dict[str, object], str | None]] = {
    "ragged": ({"path": "data/ragged.csv"}, "DuckDB cannot detect this CSV file's layout"),
    "missing": ({"path": "data/nowhere.csv"}, "file not found:"),
    "empty": ({"path": "data/empty.csv"}, None),
    "notcsv": ({"path": "data/notcsv.csv"}, "DuckDB cannot detect this CSV file"),
    "latin": ({"path": "data/latin.csv", "options": {"encoding": "latin-1"}}, None),
    "badenc": ({"path": "data/r0.csv", "options": {"encoding": "klingon"}}, "klingon"),
    "override": ({"path": "data/r0.csv", "options": {"columns": {"nope": "int"}}}, "nope"),
    "globrag": ({"path": "data/rag/*.csv"}, "source.path"),
    "globnone": ({"path": "data/none/*.csv"}, "no file matches"),
    "glob": ({"path": "data/parts/*.csv"}, None),
    "folder": ({"path": "data/folder/", "format": "csv"}, None),
    "fifo": ({"path": "data/pipe.csv"}, "not a regular file"),
}


@pytest.fixture
def mixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Good raw pipelines and one pipeline for each way a read can go wrong, mixed."""
    project = good_project(tmp_path, monkeypatch)
    for relpath, text in BAD_FILES.items():
        target = tmp_path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("latin-1"))
    (tmp_path / "data/notcsv.csv").write_bytes(bytes(range(256)) * 8)
    os.mkfifo(tmp_path / "data/pipe.csv")
    names = []
    for i, (name, (source, _)) in enumerate(CASES.items()):
        doc = {"name": name, "source": {"type": "file", **source}, "sink": {"path": f"o/{name}"}}
        names += [project.write(f"pipelines/{name}.yml", yaml.safe_dump(doc)), f"p{i % GOOD}"]
    stage = [f"pipelines/{Path(name).stem}.yml" for name in dict.fromkeys(map(str, names))]
    project.workflow([{"name": "s", "parallel": True, "pipelines": stage}])
    return project


def test_every_problem_is_reported_as_when_each_is_checked_alone(
    mixed: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, batched = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 2, batched
    # The same project with every pipeline checked alone, as validate did before batches.
    monkeypatch.setattr(readbatch, "quickly_checked", lambda _d, _m, some: [False] * len(some))
    assert invoke(capsys, "workflow", "validate", "workflows/wf.yml") == (code, out, batched)
    for name, (_, message) in CASES.items():
        if message is None:
            assert f"{name}.yml" not in batched
        else:
            located = [line for line in batched.splitlines() if f"{name}.yml:" in line]
            assert located and message in "\n".join(located), (name, batched)
    assert "Traceback" not in batched


def test_an_empty_file_a_glob_a_folder_and_an_encoding_pass_as_they_do_alone(
    mixed: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # (DuckDB reads an empty file as a one-column table: validate has no objection.)
    names = [f"pipelines/{name}.yml" for name in ("empty", "latin", "glob", "folder")]
    mixed.workflow([{"name": "s", "parallel": True, "pipelines": names}])
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert code == 0, err


class CtrlCInBatch:
    """Presses Ctrl-C while a batch is being checked and holds it until the main thread has
    seen the interrupt."""

    def __init__(self) -> None:
        self.seen = threading.Event()
        self.pressed = threading.Lock()
        self.original = readbatch.quickly_checked

    def checked(self, *args: object) -> list[bool]:
        if self.pressed.acquire(blocking=False):
            os.kill(os.getpid(), signal.SIGINT)
            assert self.seen.wait(30), "the main thread never saw Ctrl-C"
        return self.original(*args)  # type: ignore[arg-type]

    def on_sigint(self, signum: int, frame: object) -> None:
        self.seen.set()
        raise KeyboardInterrupt


@pytest.fixture
def ctrl_c(monkeypatch: pytest.MonkeyPatch) -> Iterator[CtrlCInBatch]:
    presser = CtrlCInBatch()
    monkeypatch.setattr(readbatch, "quickly_checked", presser.checked)
    previous = signal.signal(signal.SIGINT, presser.on_sigint)
    try:
        yield presser
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_during_the_batches_ends_cleanly(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ctrl_c: CtrlCInBatch,
) -> None:
    good_project(tmp_path, monkeypatch)
    threads = threading.active_count()
    code, _, err = invoke(capsys, "workflow", "validate", "workflows/wf.yml")
    assert ctrl_c.seen.is_set()
    assert code == 130, err
    assert "Traceback" not in err
    # Every check thread ends (one Ctrl-C caught while starting may end a moment later).
    deadline = time.monotonic() + 10
    while threading.active_count() > threads and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == threads, threading.enumerate()
    assert not (tmp_path / ".quicketl-cache").exists()
    assert not (tmp_path / "out").exists()
