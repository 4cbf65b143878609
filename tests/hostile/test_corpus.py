"""Every hostile case: the expected exit code and message, no traceback, and no file harmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import Case, all_cases, apply_damage, build, guarded, run_cli, snapshot

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    build(case, root)
    for args in case.setup:
        done = run_cli(case, root, args)
        assert done.returncode == 0, f"setup {args} failed:\n{done.stdout}\n{done.stderr}"
    apply_damage(case, root)
    before = snapshot(tmp_path)
    done = run_cli(case, root, case.command)
    after = snapshot(tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == case.exit, output
    assert "Traceback" not in output
    if case.message is not None:
        assert case.message.replace("{root}", str(root)) in output, output
    for rel, digest in guarded(case, before).items():
        assert after.get(rel) == digest, f"{rel} changed or vanished"
    if case.must_create_nothing:
        assert sorted(set(after) - set(before)) == [], "refused input left files behind"


def test_the_corpus_is_not_empty() -> None:
    assert len(CASES) >= 1
