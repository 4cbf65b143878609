"""PipelineFiles finds and resolves a workflow's pipeline files as `pathlib` did."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quicketl.plan.files import PipelineFiles
from quicketl.plan.tasks import resolve_file

REFS = [
    "pipelines/a.yml",
    "./pipelines/a.yml",
    "pipelines//a.yml",
    "pipelines/./a.yml",
    "pipelines/a.yml/",
    "pipelines/a.yml/.",
    "pipelines/../pipelines/a.yml",
    "local.yml",
    "both.yml",
    "missing.yml",
    "nowhere/a.yml",
    "pipelines",
    "pipelines/..",
    "link.yml",
    "linked/a.yml",
    "pipelines/a.yml/x.yml",
    "",
    ".",
]


def by_pathlib(workflow_folder: Path, root: Path, ref: str) -> tuple[Path, Path] | None:
    """What planning did before: `base / Path(ref)` in each folder, `is_file`, resolved."""
    raw = Path(ref).expanduser()
    candidates = [raw] if raw.is_absolute() else [workflow_folder / raw, root / raw]
    for candidate in candidates:
        if candidate.is_file():
            return candidate, resolve_file(candidate, {})
    return None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "workflows").mkdir()
    for path in ("pipelines/a.yml", "workflows/local.yml", "workflows/both.yml", "both.yml"):
        (tmp_path / path).write_text("name: p\n")
    os.symlink(tmp_path / "pipelines/a.yml", tmp_path / "link.yml")
    os.symlink(tmp_path / "pipelines", tmp_path / "linked")
    return tmp_path


@pytest.mark.parametrize("ref", REFS)
@pytest.mark.parametrize("workflow_folder", ["workflows", "."])
def test_found_and_resolved_as_pathlib_does(
    project: Path, ref: str, workflow_folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    folder = Path(workflow_folder)
    assert PipelineFiles(folder, project).find(ref) == by_pathlib(folder, project, ref)


def test_an_absolute_path_is_taken_as_it_is(project: Path) -> None:
    ref = str(project / "linked" / "a.yml")
    found = PipelineFiles(project / "workflows", project).find(ref)
    assert found == (Path(ref), project / "pipelines" / "a.yml")


def test_a_link_is_resolved_to_its_target(project: Path) -> None:
    found = PipelineFiles(project / "workflows", project).find("link.yml")
    assert found == (project / "link.yml", project / "pipelines" / "a.yml")


def test_the_workflow_folder_comes_first(project: Path) -> None:
    found = PipelineFiles(project / "workflows", project).find("both.yml")
    assert found is not None and found[0] == project / "workflows" / "both.yml"
