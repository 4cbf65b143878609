"""A stored plan's head (its opening members, parsed without the plan) and file names."""

from __future__ import annotations

import json
from pathlib import Path

from quicketl.plan.snapshot import _resolved
from quicketl.plan.snapshot_text import snapshot_head, snapshot_text

BODY = {
    "format": 6,
    "tool": {"quicketl": "2.0.0", "duckdb": "1.0"},
    "files": {"/p/a.yml": "aa", "/p/b.yml": "bb"},
    "lookups": {},
    "plan": {"tasks": [{"id": "s.a"}]},
    "scopes": {},
}


def test_the_head_of_a_written_snapshot() -> None:
    head = snapshot_head(snapshot_text(BODY, ['{"k":1}']))
    assert head == {key: BODY[key] for key in ("format", "tool", "files")}


def test_a_snapshot_laid_out_otherwise_has_no_head() -> None:
    # Rewritten by another tool, reordered, or damaged: the caller parses it whole.
    assert snapshot_head(json.dumps(BODY, indent=2)) is None
    reordered = {"files": BODY["files"], "format": 6, "tool": BODY["tool"]}
    assert snapshot_head(json.dumps(reordered)) is None
    assert snapshot_head(snapshot_text(BODY, ["{}"])[:40]) is None
    assert snapshot_head("[1, 2]") is None


def test_a_head_of_the_wrong_shape_is_none() -> None:
    assert snapshot_head(json.dumps({**BODY, "format": "6"})) is None
    assert snapshot_head(json.dumps({**BODY, "files": {"/p/a.yml": 1}})) is None
    assert snapshot_head(json.dumps({**BODY, "tool": []})) is None


def test_stored_file_paths_are_resolved_as_path_resolve_does(tmp_path: Path) -> None:
    # The stored plan names each file by its real path; folders are resolved once each.
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.yml").write_text("x")
    (tmp_path / "link").symlink_to(real)
    (real / "l.yml").symlink_to(real / "a.yml")
    paths = [
        tmp_path / "link/a.yml",
        tmp_path / "link/l.yml",
        tmp_path / "real/../real/a.yml",
        tmp_path / "link/missing.yml",
        tmp_path / "link/..",
        Path("relative/p.yml"),
    ]
    folders: dict[Path, Path] = {}
    assert [_resolved(path, folders) for path in paths] == [path.resolve() for path in paths]
