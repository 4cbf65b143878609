"""Glob expansion: Python's rules, except that `**` never enters a linked folder."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest
from deadline import DEADLINE_S, within

from quicketl.state.fileglob import glob_files, glob_paths

TREE = [
    "a.csv",
    "b.txt",
    ".hidden.csv",
    "sub/c.csv",
    "sub/deeper/d.csv",
    "sub/.dot/e.csv",
    ".dotdir/f.csv",
    "x1/g.csv",
    "x2/h.csv",
]
PATTERNS = [
    "*.csv",
    "**/*.csv",
    "sub/**/*.csv",
    "*/*.csv",
    "x[12]/*.csv",
    "?.csv",
    ".*.csv",
    "**",
    "sub/**",
    "a.csv",
    "nope/*.csv",
    "sub/deeper/d.csv",
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in TREE:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    return tmp_path


@pytest.mark.parametrize("pattern", PATTERNS)
def test_without_links_it_matches_pythons_glob(tree: Path, pattern: str) -> None:
    def trimmed(paths: list[str]) -> list[str]:  # Python spells the folder of `**` as `sub/`
        return sorted(p.rstrip(os.sep) for p in paths)

    expected = trimmed(glob.glob(pattern, root_dir=tree, recursive=True))
    assert trimmed(glob_paths(pattern, tree)) == expected
    absolute = str(tree / pattern)
    assert trimmed(glob_paths(absolute)) == trimmed(glob.glob(absolute, recursive=True))


def test_a_folder_linking_to_its_parents_ends(tree: Path) -> None:
    for name in ("up", "up2", "up3"):
        (tree / "sub" / name).symlink_to("..")
    found = within(DEADLINE_S, glob_paths, "**/*.csv", tree)
    assert found == ["a.csv", "sub/c.csv", "sub/deeper/d.csv", "x1/g.csv", "x2/h.csv"]


def test_glob_files_lists_pipes_but_not_folders(tree: Path) -> None:
    os.mkfifo(tree / "sub" / "pipe.csv")
    assert glob_files(str(tree / "sub" / "*")) == [
        tree / "sub" / "c.csv",
        tree / "sub" / "pipe.csv",
    ]
