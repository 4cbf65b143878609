"""quicketl.locations.paths: one spelling for the paths pipelines write."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.locations.paths import (
    data_path_text,
    lexical_normal,
    normalise,
    relative_path,
    relative_to_root,
    resolve_data_path,
    root_relative,
)


def test_relative_data_paths_resolve_against_the_root(tmp_path: Path) -> None:
    assert resolve_data_path("data/a.csv", tmp_path) == tmp_path / "data" / "a.csv"
    assert resolve_data_path("/srv/a.csv", tmp_path) == Path("/srv/a.csv")


@pytest.mark.parametrize(
    ("written", "named"),
    [
        ("data/a.csv", "data/a.csv"),
        ("./data/a.csv", "data/a.csv"),
        ("data/gold/", "data/gold"),
        ("data/../b.csv", "b.csv"),
        ("../up.csv", "../up.csv"),
        ("data/*.csv", "data/*.csv"),
        (".", "."),
    ],
)
def test_normalise_is_lexical_and_root_relative(written: str, named: str, tmp_path: Path) -> None:
    assert normalise(written, tmp_path) == named


@pytest.mark.parametrize(
    "written",
    [
        "data/a.csv",
        "a",
        "out/x/b1/p1.parquet",
        "data//a.csv",
        "data/./a.csv",
        "data/",
        "./a",
        "a/..",
        "..",
        "~/a.csv",
        "~",
        "a~/b",
        "a b/c d.csv",
        "data/*.csv",
        "data/.hidden",
        "data/..x",
        "",
        "/",
        "//a",
    ],
)
def test_normalise_shortcut_gives_what_pathlib_gives(written: str, tmp_path: Path) -> None:
    assert normalise(written, tmp_path) == lexical_normal(written, tmp_path)


@pytest.mark.parametrize("root", [Path("/srv/project"), Path("/")])
@pytest.mark.parametrize(
    "written",
    [
        *("data/a.csv", "a", "data//a.csv", "data/./a.csv", "data/", "./a", "a/..", ".."),
        *("~/a.csv", "~", "a~/b", "a b/c d.csv", "data/*.csv", "data/.hidden", "/", "//a"),
        "/srv/x.csv",
    ],
)
def test_data_path_text_is_the_text_of_the_resolved_path(written: str, root: Path) -> None:
    assert data_path_text(written, root) == str(resolve_data_path(written, root))


def test_normalise_keeps_an_absolute_path_outside_the_root(tmp_path: Path) -> None:
    assert normalise(f"{tmp_path}/data/a.csv", tmp_path) == "data/a.csv"
    assert normalise("/srv/data/", tmp_path) == "/srv/data"


def test_root_relative_spellings(tmp_path: Path) -> None:
    inside, outside = tmp_path / "a" / "b.csv", Path("/srv/x.csv")
    assert relative_to_root(inside, tmp_path) == "a/b.csv"
    assert relative_to_root(outside, tmp_path) == "/srv/x.csv"
    assert root_relative(inside, tmp_path.resolve()) == "a/b.csv"
    assert relative_path(tmp_path / "wf.yml", tmp_path / "project") == "../wf.yml"
