"""Which entries of a partitioned sink's folder the sink did not write."""

from __future__ import annotations

from pathlib import Path

from quicketl.plan.sink_folder import foreign_entries


def make(root: Path, *files: str) -> Path:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return root


def test_an_empty_folder_holds_nothing_foreign(tmp_path: Path) -> None:
    assert not foreign_entries(tmp_path, ["status"])


def test_partition_output_of_this_sink_is_not_foreign(tmp_path: Path) -> None:
    make(
        tmp_path,
        "status=paid/region=n/data_0.parquet",
        "status=open/region=s/part_3f2a-b1.parquet",
        "status=NULL/region=n/data_12.csv.gz",
    )
    assert not foreign_entries(tmp_path, ["Status", "region"])


def test_user_files_anywhere_are_foreign_and_named(tmp_path: Path) -> None:
    make(tmp_path, "notes.txt", "status=paid/data_0.parquet", "status=paid/keep.xlsx")
    found = foreign_entries(tmp_path, ["status"])
    assert sorted(found.files) == ["notes.txt", "status=paid/keep.xlsx"]
    assert found.describe("out") == (
        "out is a folder holding 2 files quicketl did not write (notes.txt, status=paid/keep.xlsx)"
    )


def test_other_partition_columns_are_foreign_unless_any_columns(tmp_path: Path) -> None:
    make(tmp_path, "region=n/data_0.parquet")
    assert foreign_entries(tmp_path, ["status"]).files == ["region=n/data_0.parquet"]
    assert not foreign_entries(tmp_path, ["status"], any_columns=True)
    make(tmp_path, "region=n/readme.md")
    assert foreign_entries(tmp_path, ["status"], any_columns=True).files == ["region=n/readme.md"]


def test_part_files_at_the_wrong_depth_are_foreign(tmp_path: Path) -> None:
    make(tmp_path, "data_0.parquet")
    assert foreign_entries(tmp_path, ["status"]).files == ["data_0.parquet"]


def test_a_linked_partition_folder_is_foreign_and_not_followed(tmp_path: Path) -> None:
    elsewhere = make(tmp_path / "elsewhere", "data_0.parquet")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "status=paid").symlink_to(elsewhere)
    found = foreign_entries(folder, ["status"])
    assert found.folders == ["status=paid"] and found.files == []
    assert found.describe("out") == "out is a folder holding 1 folder quicketl did not write " + (
        "(status=paid/)"
    )


def test_a_huge_folder_is_cut_short(tmp_path: Path) -> None:
    make(tmp_path, *(f"f{i}.txt" for i in range(30)))
    found = foreign_entries(tmp_path, ["status"], limit=10)
    assert found.truncated
    assert found.describe("big").startswith("big is a folder holding more than 30 files")
    assert found.describe("big").endswith(", ...)")
