"""$QUICKETL_SECRET_KEY: caches that share it key secret-using tasks alike, so a remote cache
serves them to another checkout; a key too short is refused before anything is written; and
neither the key nor the secret reaches any file or output."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from quicketl.state.secretkey import KEY_FILE

from .support import cli

TOKEN = "tok-3318-never-on-disk"
SHARED_KEY = "k" * 16 + "0123456789abcdef-shared"  # 39 characters
WORKFLOW = "workflows/wf.yml"
FILES = {
    "quicketl.yml": "name: shared\n",
    "data/raw.csv": "id,value\n1,x\n2,y\n",
    # uses a secret: keyed with an HMAC of its value
    "pipelines/a.yml": (
        "name: a\nsource: {type: file, path: data/raw.csv}\n"
        "transforms:\n  - op: filter\n    predicate: \"'${secret:API_TOKEN}' <> ''\"\n"
        "sink: {type: file, path: out/a.parquet}\n"
    ),
    "pipelines/b.yml": (
        "name: b\nsource: {type: file, path: out/a.parquet}\n"
        "sink: {type: file, path: out/b.parquet}\n"
    ),
    "workflows/wf.yml": (
        "name: wf\nstages:\n  - name: first\n    pipelines: [{path: ../pipelines/a.yml}]\n"
        "  - name: second\n    depends_on: [first]\n"
        "    pipelines: [{path: ../pipelines/b.yml}]\n"
    ),
}


def checkout(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    for relative, text in FILES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def run(root: Path, remote: Path) -> tuple[dict[str, str], subprocess.CompletedProcess[str]]:
    done = cli("workflow", "run", WORKFLOW, "--json", "--remote-cache", remote, cwd=root)
    assert done.returncode == 0, done.stderr
    return {t["task_id"]: t["status"] for t in json.loads(done.stdout)["tasks"]}, done


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_TOKEN", TOKEN)
    monkeypatch.delenv("QUICKETL_SECRET_KEY", raising=False)


def test_without_a_shared_key_a_secret_using_task_runs_again_in_another_checkout(
    tmp_path: Path,
) -> None:
    remote = tmp_path / "remote"
    first, _ = run(checkout(tmp_path, "job-1"), remote)
    second, _ = run(checkout(tmp_path, "job-2"), remote)
    assert first == {"first.a": "ran", "second.b": "ran"}
    # each cache hashes the secret under its own key; b reads the same bytes: restored
    assert second == {"first.a": "ran", "second.b": "restored"}


def test_caches_sharing_the_key_restore_secret_using_tasks_and_keep_both_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUICKETL_SECRET_KEY", SHARED_KEY)
    remote = tmp_path / "remote"
    one, two = checkout(tmp_path, "job-1"), checkout(tmp_path, "job-2")
    first, done_one = run(one, remote)
    second, done_two = run(two, remote)
    assert first == {"first.a": "ran", "second.b": "ran"}
    assert second == {"first.a": "restored", "second.b": "restored"}
    assert (one / "out/a.parquet").read_bytes() == (two / "out/a.parquet").read_bytes()
    # the cache's own key is not made while a shared one is set
    assert not (one / ".quicketl-cache" / KEY_FILE).exists()
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(".quicketl-cache" in str(path) for path in files) and remote.is_dir()
    for secret in (TOKEN, SHARED_KEY):
        for done in (done_one, done_two):
            assert secret not in done.stdout + done.stderr
        for path in files:
            assert secret.encode() not in path.read_bytes(), path


def test_another_shared_key_reruns_the_secret_using_task_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote, root = tmp_path / "remote", checkout(tmp_path, "job")
    monkeypatch.setenv("QUICKETL_SECRET_KEY", SHARED_KEY)
    run(root, remote)
    monkeypatch.setenv("QUICKETL_SECRET_KEY", SHARED_KEY.replace("k", "q"))
    statuses, _ = run(root, remote)
    assert statuses == {"first.a": "ran", "second.b": "up_to_date"}  # same bytes out of a


@pytest.mark.parametrize(
    "command",
    [
        ("workflow", "run", WORKFLOW),
        ("workflow", "run", WORKFLOW, "--json"),
        ("run", "pipelines/a.yml"),
    ],
)
def test_a_short_shared_key_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    short = "short-key-0451"
    monkeypatch.setenv("QUICKETL_SECRET_KEY", short)
    root = checkout(tmp_path, "job")
    before = sorted(path.relative_to(root) for path in root.rglob("*"))
    done = cli(*command, cwd=root)
    assert done.returncode == 2
    assert done.stderr == (
        "QUICKETL_SECRET_KEY: expected a key of at least 32 characters, got 14 "
        "(make one with `python -c 'import secrets; print(secrets.token_hex(32))'`)\n"
    )
    assert "Traceback" not in done.stderr and short not in done.stdout + done.stderr
    assert sorted(path.relative_to(root) for path in root.rglob("*")) == before


def test_a_short_shared_key_is_refused_with_a_cache_already_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = checkout(tmp_path, "job")
    assert cli("workflow", "run", WORKFLOW, cwd=root).returncode == 0
    cache = root / ".quicketl-cache"
    before = {p: p.read_bytes() for p in sorted(cache.rglob("*")) if p.is_file()}
    monkeypatch.setenv("QUICKETL_SECRET_KEY", "too-short")
    for command in (("workflow", "run", WORKFLOW), ("workflow", "status", WORKFLOW)):
        done = cli(*command, cwd=root)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "QUICKETL_SECRET_KEY: expected a key of at least 32 characters, got 9" in done.stderr
    after = {p: p.read_bytes() for p in sorted(cache.rglob("*")) if p.is_file()}
    assert after == before
    shutil.rmtree(cache)


@pytest.mark.parametrize("shared", [False, True])
def test_workers_without_a_shared_disk_need_the_shared_key_for_a_secret_using_upstream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: bool
) -> None:
    # As generated DAGs run on workers without a shared disk (docs/deploy.md): each worker
    # has its own cache; b's worker restores a's outputs from the remote under a's key.
    if shared:
        monkeypatch.setenv("QUICKETL_SECRET_KEY", SHARED_KEY)
    remote = tmp_path / "remote"
    one, two = checkout(tmp_path, "worker-1"), checkout(tmp_path, "worker-2")
    task = ("workflow", "run-task", WORKFLOW)
    assert cli(*task, "first.a", "--remote-cache", remote, cwd=one).returncode == 0
    done = cli(*task, "second.b", "--remote-cache", remote, cwd=two)
    if shared:
        assert done.returncode == 0, done.stderr
        assert (two / "out/b.parquet").is_file()
    else:  # a's key here is not the key a's worker pushed under
        assert done.returncode == 1
        assert done.stderr.endswith(
            "under its current key (did its own task run with the same --remote-cache? It uses "
            "a secret variable, which each cache hashes under its own key unless every worker "
            "sets the same $QUICKETL_SECRET_KEY: docs/deploy.md)\n"
        )
        assert done.stderr.startswith("error: second.b: cannot restore upstream first.a: ")
        assert not (two / "out/b.parquet").exists()
