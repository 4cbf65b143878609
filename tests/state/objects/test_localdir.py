"""The local folder backend: atomic, idempotent, read-only blobs; temporaries never listed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from quicketl.state.objects import Backend, LocalDirBackend
from quicketl.state.objects.clone import clone_file


def test_put_get_list_delete(tmp_path: Path) -> None:
    backend = LocalDirBackend(tmp_path / "store")
    assert isinstance(backend, Backend)
    src = tmp_path / "a.bin"
    src.write_bytes(b"hello")
    backend.put("objects/ab/abcdef0123456789", src)
    backend.put_bytes("entries/0123456789abcdef.json", b"{}")
    assert backend.exists("objects/ab/abcdef0123456789")
    assert backend.get_bytes("entries/0123456789abcdef.json") == b"{}"
    dest = tmp_path / "out.bin"
    assert backend.get("objects/ab/abcdef0123456789", dest)
    assert dest.read_bytes() == b"hello"
    assert not backend.get("objects/cd/cdef", tmp_path / "none")
    assert not (tmp_path / "none").exists()
    assert backend.get_bytes("entries/none.json") is None
    names = [info.name for info in backend.list("objects/")]
    assert names == ["objects/ab/abcdef0123456789"]
    assert [i.size for i in backend.list("entries/")] == [2]
    backend.delete("objects/ab/abcdef0123456789")
    backend.delete("objects/ab/abcdef0123456789")  # absent: nothing happens
    assert not backend.exists("objects/ab/abcdef0123456789")


def test_blobs_are_read_only_and_put_is_idempotent(tmp_path: Path) -> None:
    backend = LocalDirBackend(tmp_path)
    backend.put_bytes("entries/k.json", b"first")
    backend.put_bytes("entries/k.json", b"second")  # present: kept as it is
    path = tmp_path / "entries" / "k.json"
    assert path.read_bytes() == b"first"
    assert not os.access(path, os.W_OK) or os.geteuid() == 0
    assert oct(path.stat().st_mode & 0o777) == oct(0o444)


def test_temporaries_are_never_listed(tmp_path: Path) -> None:
    backend = LocalDirBackend(tmp_path)
    backend.put_bytes("objects/ab/abcd", b"x")
    (tmp_path / "objects" / "ab" / ".abce.quicketl-tmp-1-00ff00ff").write_bytes(b"half")
    assert [i.name for i in backend.list("objects/")] == ["objects/ab/abcd"]


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "objects//x", "a/./b", "a\\b", ""])
def test_names_never_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="not a blob name"):
        LocalDirBackend(tmp_path).put_bytes(name, b"x")


def test_clone_is_a_separate_file_never_a_link(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.write_bytes(b"data" * 1000)
    dest = tmp_path / "dest"
    assert clone_file(src, dest) in ("reflink", "copy")
    assert dest.read_bytes() == src.read_bytes()
    assert not dest.is_symlink()
    assert dest.stat().st_ino != src.stat().st_ino and dest.stat().st_nlink == 1
    with dest.open("r+b") as stream:  # an edit in place of the copy
        stream.write(b"XXXX")
    assert src.read_bytes() == b"data" * 1000


def test_concurrent_puts_of_one_blob_leave_it_whole(tmp_path: Path) -> None:
    """Two runs (or CI jobs) storing the same content at once: one whole blob, no temps."""
    import threading

    sources = []
    for n in range(8):
        src = tmp_path / f"src{n}"
        src.write_bytes(b"same content " * 100_000)
        sources.append(src)
    backend = LocalDirBackend(tmp_path / "store")
    name = "objects/ab/" + "ab" * 16
    threads = [threading.Thread(target=backend.put, args=(name, src)) for src in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (tmp_path / "store" / name).read_bytes() == b"same content " * 100_000
    assert [p.name for p in (tmp_path / "store/objects/ab").iterdir()] == ["ab" * 16]


def test_stale_temps_of_a_dead_writer_are_removed(tmp_path: Path) -> None:
    backend = LocalDirBackend(tmp_path)
    backend.put_bytes("objects/ab/abcd", b"x")
    dead = tmp_path / "objects/ab/.abce.quicketl-tmp-999999999-00ff00ff"
    alive = tmp_path / f"objects/ab/.abcf.quicketl-tmp-{os.getpid()}-00ff00ff"
    dead.write_bytes(b"half")
    alive.write_bytes(b"being written")
    assert backend.remove_stale_temps() == 1
    assert not dead.exists() and alive.exists()
    assert backend.exists("objects/ab/abcd")


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_without_reflinks_a_clone_is_a_plain_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copy: bool
) -> None:
    from quicketl.state.objects import clone

    monkeypatch.setattr(clone, "_reflink", lambda source, target: False)
    if not kernel_copy:
        monkeypatch.setattr(clone, "_copy_range", lambda source, target: False)
    src = tmp_path / "src"
    src.write_bytes(os.urandom(3 << 20))
    assert clone_file(src, tmp_path / "dest") == "copy"
    assert (tmp_path / "dest").read_bytes() == src.read_bytes()
    with pytest.raises(FileExistsError):  # never over an existing file
        clone_file(src, tmp_path / "dest")


def test_a_put_after_its_folder_was_removed_makes_it_again(tmp_path: Path) -> None:
    backend = LocalDirBackend(tmp_path / "store")  # it remembers the folders it made
    src = tmp_path / "a.bin"
    src.write_bytes(b"hello")
    backend.put("objects/ab/abcdef0123456789", src)
    backend.put_bytes("entries/0123456789abcdef.json", b"{}")
    shutil.rmtree(tmp_path / "store")  # a cache clean by another process, say
    backend.put("objects/ab/abcdef0123456780", src)
    backend.put_bytes("entries/0123456789abcde0.json", b"[]")
    assert backend.get_bytes("entries/0123456789abcde0.json") == b"[]"
    assert [info.name for info in backend.list("objects/")] == ["objects/ab/abcdef0123456780"]
    assert sorted(p.name for p in (tmp_path / "store/objects/ab").iterdir()) == ["abcdef0123456780"]


def test_a_missing_source_fails_and_leaves_no_temporary(tmp_path: Path) -> None:
    backend = LocalDirBackend(tmp_path / "store")
    backend.put_bytes("entries/0123456789abcdef.json", b"{}")
    with pytest.raises(FileNotFoundError):
        backend.put("objects/ab/abcdef0123456789", tmp_path / "missing.bin")
    assert not (tmp_path / "store/objects/ab").exists() or not any(
        (tmp_path / "store/objects/ab").iterdir()
    )
