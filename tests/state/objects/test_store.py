"""The output store: save by content, restore verified and atomically, evict bad blobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quicketl.state import hash_dir, hash_file
from quicketl.state.objects import OutputSource, entry_name, local_output_store, object_name
from quicketl.state.objects.manifest import ManifestError, parse_manifest

KEY = "0123456789abcdef0123456789abcdef"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "out" / "part" / "year=2025").mkdir(parents=True)
    (root / "out" / "a.parquet").write_bytes(b"A" * 5000)
    (root / "out" / "part" / "year=2025" / "data_0.parquet").write_bytes(b"P1")
    (root / "out" / "part" / "year=2025" / "data_1.parquet").write_bytes(b"P2")
    return root


def test_save_then_restore_is_byte_identical(tmp_path: Path) -> None:
    root = _project(tmp_path)
    store = local_output_store(root / ".quicketl-cache")
    outputs = [OutputSource("out/a.parquet", 10), OutputSource("out/part")]
    manifest = store.save(KEY, outputs, root, pipeline="p", run_id=3)
    assert manifest.outputs[0].hash == hash_file(root / "out/a.parquet")
    assert manifest.outputs[1].hash == hash_dir(root / "out/part")
    assert [f.path for f in manifest.outputs[1].files] == [
        "year=2025/data_0.parquet",
        "year=2025/data_1.parquet",
    ]
    before = {p: p.read_bytes() for p in (root / "out").rglob("*") if p.is_file()}
    import shutil

    shutil.rmtree(root / "out")
    entry = store.entry(KEY)
    assert entry == manifest
    result = store.restore(entry, root)
    assert result.ok and result.written == ["out/a.parquet", "out/part"]
    assert result.verified == 3
    after = {p: p.read_bytes() for p in (root / "out").rglob("*") if p.is_file()}
    assert after == before
    again = store.restore(entry, root)
    assert again.kept == ["out/a.parquet", "out/part"] and again.written == []


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_corrupt_blob_is_evicted_and_nothing_changes(tmp_path: Path, damage: str) -> None:
    root = _project(tmp_path)
    store = local_output_store(root / ".quicketl-cache")
    manifest = store.save(KEY, [OutputSource("out/a.parquet")], root, pipeline="p")
    blob = root / ".quicketl-cache" / "objects" / object_name(manifest.outputs[0].hash)
    data = bytearray(blob.read_bytes())
    blob.chmod(0o644)
    if damage == "truncate":
        blob.write_bytes(bytes(data[:100]))
    else:
        data[2000] ^= 0x01
        blob.write_bytes(bytes(data))
    (root / "out" / "a.parquet").write_bytes(b"edited by hand")
    result = store.restore(manifest, root)
    assert not result.ok
    assert result.problem is not None and "is corrupt (evicted)" in result.problem
    assert result.evicted == [manifest.outputs[0].hash]
    assert not blob.exists()
    assert (root / "out" / "a.parquet").read_bytes() == b"edited by hand"
    assert not [p for p in (root / "out").iterdir() if "quicketl-tmp" in p.name]


def test_a_missing_blob_refuses_the_restore(tmp_path: Path) -> None:
    root = _project(tmp_path)
    store = local_output_store(root / ".quicketl-cache")
    manifest = store.save(KEY, [OutputSource("out/part")], root, pipeline="p")
    store.backend.delete(object_name(manifest.outputs[0].files[1].hash))
    import shutil

    shutil.rmtree(root / "out" / "part")
    result = store.restore(manifest, root)
    assert result.problem is not None and "is missing from" in result.problem
    assert not (root / "out" / "part").exists()
    assert not [p for p in (root / "out").iterdir() if "quicketl-tmp" in p.name]


def test_an_unreadable_entry_is_no_entry_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = local_output_store(tmp_path)
    store.backend.put_bytes(entry_name(KEY), b"{not json")
    assert store.entry(KEY) is None
    assert store.entry(KEY) is None
    err = capsys.readouterr().err
    assert err.count("an output cache entry could not be read") <= 1


@pytest.mark.parametrize(
    "path", ["../escape.parquet", "/etc/passwd", "out/../../x", "a//b", "a\\b", ""]
)
def test_an_entry_naming_a_path_outside_is_refused(path: str) -> None:
    doc = {
        "format": "quicketl-outputs",
        "version": 1,
        "task_key": KEY,
        "pipeline": "p",
        "created_at": 1.0,
        "quicketl_version": "2.0.0",
        "run_id": None,
        "outputs": [
            {"path": path, "kind": "file", "hash": "0" * 32, "size": 1, "rows": 1, "files": []}
        ],
    }
    with pytest.raises(ManifestError, match="unsafe path"):
        parse_manifest(json.dumps(doc).encode(), KEY)


def test_an_entry_under_another_key_is_refused() -> None:
    doc = {"format": "quicketl-outputs", "version": 1, "task_key": "f" * 32}
    with pytest.raises(ManifestError, match="another task key"):
        parse_manifest(json.dumps(doc).encode(), KEY)


def test_an_empty_folder_output_is_stored_and_restored(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "out" / "empty").mkdir(parents=True)
    store = local_output_store(root / ".quicketl-cache")
    manifest = store.save(KEY, [OutputSource("out/empty", 0)], root, pipeline="p")
    assert store.entry(KEY) == manifest
    (root / "out" / "empty").rmdir()
    assert store.restore(manifest, root).ok
    assert (root / "out" / "empty").is_dir()
