"""Tests for quicketl.state.outputs: recording outputs and noticing edits made outside quicketl."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from quicketl.state.hashing import MISSING, StatCache, hash_bytes, hash_dir, hash_file
from quicketl.state.outputs import output_record, outputs_changed

ONE_HOUR_NS = 3600 * 10**9


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def shift_mtime(path: Path, delta_ns: int) -> None:
    mtime_ns = os.stat(path).st_mtime_ns + delta_ns
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_output_record_of_a_file(tmp_path: Path) -> None:
    path = write(tmp_path / "gold" / "summary.csv", b"a,b\n")
    stat = os.stat(path)
    assert output_record("gold/summary.csv", tmp_path, StatCache()) == {
        "path": "gold/summary.csv",
        "size": 4,
        "mtime_ns": stat.st_mtime_ns,
        "ctime_ns": stat.st_ctime_ns,
        "hash": hash_bytes(b"a,b\n"),
    }


def test_output_record_of_a_partitioned_folder_totals_its_files(tmp_path: Path) -> None:
    write(tmp_path / "out" / "year=2024" / "data_0.parquet", b"123")
    write(tmp_path / "out" / "year=2025" / "data_0.parquet", b"4567")
    record = output_record("out", tmp_path)
    assert record["size"] == 7
    assert record["hash"] == hash_dir(tmp_path / "out")


def test_output_record_of_a_missing_path(tmp_path: Path) -> None:
    record = output_record("nothing.csv", tmp_path)
    assert (record["size"], record["mtime_ns"], record["hash"]) == (0, 0, MISSING)


def test_unchanged_outputs_are_not_reported(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", b"a")
    write(tmp_path / "dir" / "p.parquet", b"p")
    records = [output_record("a.csv", tmp_path), output_record("dir", tmp_path)]
    assert outputs_changed(records, tmp_path) == []


def test_missing_edited_and_touched_outputs_are_told_apart(tmp_path: Path) -> None:
    for name in ("missing.csv", "edited.csv", "touched.csv"):
        write(tmp_path / name, b"original")
    records = [output_record(n, tmp_path) for n in ("missing.csv", "edited.csv", "touched.csv")]
    (tmp_path / "missing.csv").unlink()
    write(tmp_path / "edited.csv", b"by hand")
    shift_mtime(tmp_path / "touched.csv", ONE_HOUR_NS)
    assert outputs_changed(records, tmp_path) == [
        ("missing.csv", "missing"),
        ("edited.csv", "edited"),
    ]


def test_same_size_edit_is_found_by_hashing_after_the_stat_moved(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"aaaa")
    records = [output_record("a.csv", tmp_path)]
    path.write_bytes(b"bbbb")
    shift_mtime(path, ONE_HOUR_NS)
    assert outputs_changed(records, tmp_path) == [("a.csv", "edited")]


def test_same_size_edit_with_the_mtime_set_back_is_found(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"aaaa")
    records = [output_record("a.csv", tmp_path)]
    before = os.stat(path)
    path.write_bytes(b"bbbb")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert outputs_changed(records, tmp_path) == [("a.csv", "edited")]


def test_a_record_from_before_ctime_was_kept_is_settled_by_hashing(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", b"aaaa")
    old = dict(output_record("a.csv", tmp_path))
    del old["ctime_ns"]
    assert outputs_changed([old], tmp_path) == []  # type: ignore[list-item]


def test_stat_decides_and_a_touched_output_is_hashed_once(tmp_path: Path) -> None:
    reads: list[str] = []

    def counting_hasher(path: str) -> str:
        reads.append(path)
        return hash_file(path)

    cache = StatCache(hasher=counting_hasher)
    path = write(tmp_path / "a.csv", b"a")
    records = [output_record("a.csv", tmp_path)]
    assert outputs_changed(records, tmp_path, cache) == []
    assert reads == []
    shift_mtime(path, ONE_HOUR_NS)
    for _ in range(2):
        assert outputs_changed(records, tmp_path, cache) == []
    assert reads == [str(path)]


def test_folder_output_edits_are_found(tmp_path: Path) -> None:
    write(tmp_path / "out" / "year=2024" / "data_0.parquet", b"2024")
    write(tmp_path / "out" / "year=2025" / "data_0.parquet", b"2025")
    records = [output_record("out", tmp_path)]
    write(tmp_path / "out" / "year=2025" / "data_0.parquet", b"XXXX")
    assert outputs_changed(records, tmp_path) == [("out", "edited")]
    shutil.rmtree(tmp_path / "out")
    assert outputs_changed(records, tmp_path) == [("out", "missing")]


def test_folder_output_with_an_added_file_is_edited(tmp_path: Path) -> None:
    write(tmp_path / "out" / "year=2024" / "data_0.parquet", b"2024")
    for folder in (tmp_path / "out", tmp_path / "out" / "year=2024"):
        shift_mtime(folder, -ONE_HOUR_NS)  # written long before the file is added
    records = [output_record("out", tmp_path)]
    write(tmp_path / "out" / "year=2024" / "extra.parquet", b"")
    assert outputs_changed(records, tmp_path) == [("out", "edited")]


def test_output_recorded_missing_stays_reported_while_absent(tmp_path: Path) -> None:
    records = [output_record("never.csv", tmp_path)]
    assert outputs_changed(records, tmp_path) == [("never.csv", "missing")]
    write(tmp_path / "never.csv", b"now here")
    assert outputs_changed(records, tmp_path) == [("never.csv", "edited")]
