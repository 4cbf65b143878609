"""quicketl.execute.noop: the cyclic garbage collector is paused while the no-op path decides.

Loading a stored plan of 10,000 tasks makes millions of objects, almost none of them cyclic;
the collector's passes over them were a quarter of a no-op run. Paused, and always restored.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from projects import linear_three, new_project

from quicketl.execute import noop
from quicketl.execute.noop import try_noop_run

from .support import cli


@pytest.fixture
def done_three(tmp_path: Path) -> Path:
    workflow = linear_three(new_project(tmp_path))
    assert cli("workflow", "run", workflow, cwd=tmp_path).returncode == 0
    return workflow


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_while_deciding_and_on_again_after(
    done_three: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    decide_all = noop._decide_all

    def watched(*args: object) -> object:
        seen.append(gc.isenabled())
        return decide_all(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(noop, "_decide_all", watched)
    assert try_noop_run(done_three, {}) is not None
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_on_again_when_the_no_op_path_fails(
    done_three: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(noop, "_decide_all", broken)
    with pytest.raises(RuntimeError):
        try_noop_run(done_three, {})
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(done_three: Path) -> None:
    gc.disable()
    assert try_noop_run(done_three, {}) is not None
    assert not gc.isenabled()
