"""PipelineFiles finds and resolves a workflow's pipeline files as `pathlib` did."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quicketl.plan.files import PipelineFiles, file_stem
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


@pytest.mark.parametrize("workflow_folder", ["workflows", "."])
def test_one_finder_for_every_ref_answers_as_pathlib_does(
    project: Path, workflow_folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    folder = Path(workflow_folder)
    files = PipelineFiles(folder, project)  # its folders listed from the second question on
    for ref in [*REFS, *REFS, *REFS]:
        assert files.find(ref) == by_pathlib(folder, project, ref), ref


def test_a_file_made_after_its_folder_was_listed_is_found(project: Path) -> None:
    files = PipelineFiles(project / "workflows", project)
    assert files.find("pipelines/a.yml") is not None
    assert files.find("pipelines/b.yml") is None  # the folder is listed by now
    (project / "pipelines" / "b.yml").write_text("name: b\n")
    assert files.find("pipelines/b.yml") == (project / "pipelines/b.yml",) * 2


def test_many_files_in_one_folder_take_no_system_call_each(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(50):
        (project / "pipelines" / f"p{index}.yml").write_text("name: p\n")
    files = PipelineFiles(project, project)
    calls: list[str] = []
    for name in ("stat", "lstat"):
        real = getattr(os, name)
        monkeypatch.setattr(
            os, name, lambda path, *a, _real=real, **k: calls.append(path) or _real(path, *a, **k)
        )
    found = [files.find(f"pipelines/p{index}.yml") for index in range(50)]
    assert all(found)
    assert len(calls) < 10  # the folder and the first file; the rest from one listing


@pytest.mark.parametrize(
    "ref",
    [
        *REFS,
        "a.b.yml",
        ".hidden",
        "x/.yml",
        "x/y.",
        "x/..yml",
        "noext",
        "a/b.c/d",
        "~/p.yml",
        "/abs/q.yml",
    ],
)
def test_a_file_stem_is_pathlibs(ref: str) -> None:
    assert file_stem(ref) == Path(ref).stem
