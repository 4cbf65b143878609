"""Planning pauses the cyclic collector and leaves it as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from projects import linear_three, new_project

from quicketl.errors import QuickETLError
from quicketl.plan.builder import build_plan


@pytest.fixture
def collector() -> Iterator[None]:
    was_on = gc.isenabled()
    yield
    gc.unfreeze()
    if was_on:
        gc.enable()
    else:
        gc.disable()


def test_planning_runs_with_the_collector_paused(tmp_path: Path, collector: None) -> None:
    seen: list[bool] = []
    import quicketl.plan.builder as builder

    real = builder._add_stage_tasks

    def spy(*args: object) -> None:
        seen.append(gc.isenabled())
        real(*args)  # type: ignore[arg-type]

    workflow = linear_three(new_project(tmp_path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builder, "_add_stage_tasks", spy)
        gc.enable()
        build_plan(workflow)
    assert seen and not any(seen)
    assert gc.isenabled()  # turned back on


def test_a_collector_that_was_off_stays_off(tmp_path: Path, collector: None) -> None:
    workflow = linear_three(new_project(tmp_path))
    gc.disable()
    build_plan(workflow)
    assert not gc.isenabled()


def test_objects_frozen_by_someone_else_stay_frozen(
    tmp_path: Path, collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Watched by its calls: the freeze count falls whenever a frozen object is freed.
    workflow = linear_three(new_project(tmp_path))
    gc.freeze()
    calls: list[str] = []
    for name in ("freeze", "unfreeze"):
        real = getattr(gc, name)
        monkeypatch.setattr(gc, name, lambda real=real, name=name: (calls.append(name), real())[1])
    build_plan(workflow)
    assert calls == []
    assert gc.get_freeze_count() > 0


def test_a_failed_plan_turns_the_collector_back_on(tmp_path: Path, collector: None) -> None:
    gc.enable()
    with pytest.raises(QuickETLError):
        build_plan(tmp_path / "missing.yml")
    assert gc.isenabled()
