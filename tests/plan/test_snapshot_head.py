"""`snapshot_head`: the opening members of a stored plan, parsed without the plan itself."""

from __future__ import annotations

import json

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
