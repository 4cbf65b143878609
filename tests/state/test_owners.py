"""Sink owners: which sink wrote an output, recorded in the state store."""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.state import StateStore
from quicketl.state.owners import owners_of, owns, read_owners


def test_owners_round_trip_through_the_store(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    missing = tmp_path / "missing.csv"
    with StateStore(tmp_path / "cache") as store:
        store.record_owners(owners_of([out, missing], "wf.yml", "s.p"))
    owners = read_owners(tmp_path / "cache")
    assert list(owners) == [os.path.realpath(out)]
    assert owns(owners[str(out)], out, "wf.yml", "s.p")
    assert not owns(owners[str(out)], out, "wf.yml", "s.other")
    assert not owns(owners[str(out)], out, "other.yml", "s.p")


def test_a_folder_replaced_by_someone_else_is_no_longer_owned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (owner,) = owners_of([out], "wf.yml", "s.p")
    out.rename(tmp_path / "aside")  # keep the old inode alive, so the new one differs
    out.mkdir()
    assert not owns(owner, out, "wf.yml", "s.p")


def test_reading_owners_without_a_cache_creates_nothing(tmp_path: Path) -> None:
    assert read_owners(tmp_path / ".quicketl-cache") == {}
    assert list(tmp_path.iterdir()) == []


def test_an_unusable_cache_has_no_owners(tmp_path: Path) -> None:
    (tmp_path / "state.db").write_bytes(b"not a database at all" * 100)
    assert read_owners(tmp_path) == {}
