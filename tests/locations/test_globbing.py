"""quicketl.locations.globbing lists exactly the files DuckDB's own glob() lists."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from quicketl.locations.globbing import glob_files, has_glob, path_matches

FILES = [
    "top.csv",
    ".dottop.csv",
    "x1.csv",
    "x2.csv",
    "xa.csv",
    "x].csv",
    "x-.csv",
    "br[k.csv",
    "a/one.csv",
    "a/.hidden.csv",
    "a/b/two.csv",
    "a/b/c/three.csv",
    "a/b/c/.h.csv",
    "a/.dot/six.csv",
    ".hid/four.csv",
    ".hid/x/five.csv",
    "real/r.csv",
    "br[ack]/k.csv",
    "data/2024-01/part.parquet",
]
LINKS = {
    "linkdir": "real",
    "linkfile.csv": "top.csv",
    "loop": ".",
    "a/b/up": "..",
    "a/b/link.csv": "../one.csv",
    "broken.csv": "nowhere.csv",
    "a/b/brokendir": "nowhere",
}
PATTERNS = [
    "*.csv",
    "*",
    "**",
    "**/*.csv",
    "**/.*.csv",
    "**/c/*.csv",
    "**/r.csv",
    "**/link.csv",
    "a/**",
    "a/**/*.csv",
    "a/**/c/*.csv",
    "a/b/*",
    "*/*.csv",
    "*/**/*.csv",
    "*/b/**",
    "*/b",
    ".*.csv",
    ".hid/**",
    "x[12].csv",
    "x[!1].csv",
    "x[^1].csv",
    "x[]a].csv",
    "x[a-].csv",
    "x?.csv",
    "br[k.csv",
    "br[[]ack]/*.csv",
    "[a-c]/*.csv",
    "linkdir/*.csv",
    "linkdir/**",
    "loop/*.csv",
    "a/b/up/*.csv",
    "data/*/*.parquet",
    "data/**/*.parquet",
    "a//*.csv",
    "a/./*.csv",
    "nothing/**/*.csv",
    "*/fifo.csv",
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("globs")
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("id\n1\n")
    for rel, target in LINKS.items():
        (root / rel).symlink_to(target)
    os.mkfifo(root / "a" / "fifo.csv")
    return root


def duckdb_glob(pattern: str, cwd: Path) -> list[str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        rows = duckdb.sql("SELECT file FROM glob(?)", params=[pattern]).fetchall()
    finally:
        os.chdir(old)
    return sorted(str(row[0]) for row in rows)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_relative_glob_lists_what_duckdb_lists(tree: Path, pattern: str) -> None:
    ours = glob_files(pattern, tree)
    assert ours == duckdb_glob(pattern, tree)


@pytest.mark.parametrize("pattern", ["*.csv", "**/*.csv", "a/**", "*/b/**", "x[!1].csv"])
def test_absolute_glob_lists_what_duckdb_lists(tree: Path, pattern: str) -> None:
    absolute = f"{tree}/{pattern}"
    assert glob_files(absolute) == duckdb_glob(absolute, tree)


def test_dotfiles_and_dot_folders_are_matched(tree: Path) -> None:
    assert ".dottop.csv" in glob_files("*.csv", tree)
    assert ".hid/x/five.csv" in glob_files("**/*.csv", tree)


def test_links_to_folders_are_not_entered_by_double_star(tree: Path) -> None:
    found = glob_files("**/*.csv", tree)
    assert not any(name.startswith(("loop/", "linkdir/", "a/b/up/")) for name in found)


def test_two_double_stars_match_nothing_as_duckdb_refuses_them(tree: Path) -> None:
    assert glob_files("**/**/*.csv", tree) == []
    with pytest.raises(duckdb.Error, match=r"multiple '\*\*'"):
        duckdb_glob("**/**/*.csv", tree)


def test_has_glob() -> None:
    assert has_glob("a/*.csv") and has_glob("x?.csv") and has_glob("x[1].csv")
    assert not has_glob("data/plain.csv")


@pytest.mark.parametrize("pattern", PATTERNS)
def test_path_matches_agrees_with_the_listing_for_plain_files(tree: Path, pattern: str) -> None:
    listed = set(glob_files(pattern, tree))
    for rel in FILES:
        assert path_matches(pattern, rel) == (rel in listed), rel
