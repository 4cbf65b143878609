"""The remote cache with real parts: a folder shared by two project folders, a real S3 API
(moto's server) shared by two projects, a read-only job that never writes, two runs pushing
at once, an unreachable remote, and no secret in the bucket or the outputs."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from moto_s3 import S3, SECRET_KEY

from quicketl.state import hash_bytes

from .support import cli, popen

EXAMPLE = Path(__file__).parents[2] / "examples" / "medallion"
WORKFLOW = "workflows/medallion.yml"
TASKS = 5


def medallion(tmp_path: Path, name: str) -> Path:
    """A fresh checkout of the medallion example: sources, no outputs, no cache."""
    root = tmp_path / name
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".quicketl-cache", "output"))
    return root


def outputs(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "output").rglob("*"))
        if p.is_file()
    }


def run_json(root: Path, *args: str) -> tuple[dict[str, str], subprocess.CompletedProcess[str]]:
    done = cli("workflow", "run", WORKFLOW, "--json", *args, cwd=root)
    assert done.returncode == 0, done.stderr
    return {t["task_id"]: t["status"] for t in json.loads(done.stdout)["tasks"]}, done


def test_a_remote_folder_shared_by_two_project_folders(tmp_path: Path) -> None:
    remote = tmp_path / "shared-cache"
    first, second = medallion(tmp_path, "ci-job-1"), medallion(tmp_path, "ci-job-2")
    statuses, _ = run_json(first, "--remote-cache", str(remote))
    assert set(statuses.values()) == {"ran"}
    done = cli("workflow", "run", WORKFLOW, "-v", "--remote-cache", str(remote), cwd=second)
    assert done.returncode == 0, done.stderr
    assert "Pipelines: 5/5 succeeded (0 up to date, 0 ran, 5 restored)" in done.stdout
    assert done.stderr.count(f"restored from the remote cache {remote}, entry written") == TASKS
    assert outputs(second) == outputs(first) and len(outputs(first)) == TASKS
    statuses, _ = run_json(second, "--remote-cache", str(remote))
    assert set(statuses.values()) == {"up_to_date"}


def test_two_projects_share_one_bucket_and_a_read_only_job_never_writes(
    s3: S3, tmp_path: Path
) -> None:
    first, second, pull_request = (medallion(tmp_path, n) for n in ("main-1", "main-2", "pr"))
    statuses, _ = run_json(first, "--remote-cache", s3.url())
    assert set(statuses.values()) == {"ran"}
    bucket = s3.listing()
    assert len([k for k in bucket if k.startswith("cache/entries/")]) == TASKS
    statuses, done = run_json(second, "--remote-cache", s3.url())
    assert set(statuses.values()) == {"restored"}, done.stderr
    assert outputs(second) == outputs(first)
    # A pull request changes one input: its readers run, the rest restore; nothing is pushed.
    users = pull_request / "data/raw/users.csv"
    users.write_text(users.read_text() + "999,new@example.com,US,2025-01-20\n")
    statuses, done = run_json(
        pull_request, "--remote-cache", s3.url(), "--remote-cache-mode", "read"
    )
    assert statuses["bronze.ingest_users"] == "ran", done.stderr
    assert statuses["bronze.ingest_events"] == "restored"
    assert s3.listing() == bucket


def test_the_mode_and_url_come_from_the_environment_and_the_project_file(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = medallion(tmp_path, "one"), medallion(tmp_path, "two")
    (first / "quicketl.yml").write_text(f"name: one\nremote_cache: {s3.url()}\n")
    run_json(first)
    assert s3.listing()
    before = s3.listing()
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE", s3.url())
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE_MODE", "read")
    events = second / "data/raw/events.csv"
    events.write_text(events.read_text() + "9999,4,view,2025-06-24 16:35:00\n")
    statuses, _ = run_json(second)
    assert statuses["bronze.ingest_users"] == "restored"
    assert s3.listing() == before


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_remote_is_one_warning_and_the_run_goes_on(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    root = medallion(tmp_path, "offline")
    statuses, done = run_json(root, "--remote-cache", s3.url())
    assert set(statuses.values()) == {"ran"}
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, done.stderr
    assert warnings[0].startswith(f"warning: the remote cache {s3.url()} cannot be reached (")
    assert warnings[0].endswith("); this run goes on without it")


def _remote_is_intact(blobs: dict[str, bytes]) -> set[str]:
    """Every entry parses and names blobs that are there; every blob hashes to its name; no
    temporary is left. `blobs`: name -> bytes of everything in the remote."""
    for name, data in blobs.items():
        assert name.startswith(("objects/", "entries/")), f"a stray name: {name}"
        if name.startswith("objects/"):
            assert hash_bytes(data) == name.rsplit("/", 1)[1], f"corrupt blob {name}"
    keys = set()
    for name, data in blobs.items():
        if name.startswith("entries/"):
            for output in json.loads(data)["outputs"]:
                digest = output["hash"]
                assert f"objects/{digest[:2]}/{digest}" in blobs, f"{name} names a missing blob"
            keys.add(name.removeprefix("entries/").removesuffix(".json"))
    return keys


def _folder_blobs(remote: Path) -> dict[str, bytes]:
    return {
        p.relative_to(remote).as_posix(): p.read_bytes() for p in remote.rglob("*") if p.is_file()
    }


def _bucket_blobs(s3: S3) -> dict[str, bytes]:
    client = s3.client()
    return {
        key.removeprefix("cache/"): client.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
        for key in s3.listing()
    }


@pytest.mark.parametrize("kind", ["folder", "s3"])
def test_two_runs_pushing_at_once_lose_nothing_and_corrupt_nothing(
    request: pytest.FixtureRequest, tmp_path: Path, kind: str
) -> None:
    if kind == "s3":
        s3: S3 = request.getfixturevalue("s3")
        remote, contents = s3.url(), lambda: _bucket_blobs(s3)
    else:
        remote, contents = (
            str(tmp_path / "shared-cache"),
            lambda: _folder_blobs(tmp_path / "shared-cache"),
        )
    one, two = medallion(tmp_path, "one"), medallion(tmp_path, "two")
    payments = two / "data/raw/payments.csv"  # two's payments differ: its own keys there
    payments.write_text(payments.read_text().replace("settled", "paid"))
    args = ("workflow", "run", WORKFLOW, "--json", "--remote-cache", remote)
    first, second = popen(*args, cwd=one), popen(*args, cwd=two)
    (out_one, err_one), (out_two, err_two) = first.communicate(120), second.communicate(120)
    assert (first.returncode, second.returncode) == (0, 0), (err_one, err_two)
    for out in (out_one, out_two):  # at once: each ran (or restored what the other pushed)
        assert {t["status"] for t in json.loads(out)["tasks"]} <= {"ran", "restored"}
    keys = _remote_is_intact(contents())
    assert len(keys) == TASKS + 1  # the changed payments, one more key
    for source in (one, two):  # each result comes back whole into a fresh folder
        fresh = tmp_path / f"fresh-{source.name}"
        shutil.copytree(source, fresh, ignore=shutil.ignore_patterns(".quicketl-cache"))
        shutil.rmtree(fresh / "output")
        statuses, _ = run_json(fresh, "--remote-cache", remote)
        assert set(statuses.values()) == {"restored"}
        assert outputs(fresh) == outputs(source)


def test_no_secret_reaches_the_bucket_the_cache_or_the_output(s3: S3, tmp_path: Path) -> None:
    first, second = medallion(tmp_path, "one"), medallion(tmp_path, "two")
    runs = [run_json(root, "--remote-cache", s3.url(), "-v")[1] for root in (first, second)]
    secret = SECRET_KEY.encode()
    assert secret not in s3.all_bytes()
    for root in (first, second):
        for path in root.rglob("*"):
            if path.is_file():
                assert secret not in path.read_bytes(), path
    for done in runs:
        assert SECRET_KEY not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--remote-cache-mode", "readonly"], "expected read, write or readwrite, got 'readonly'"),
        (["--remote-cache", "gs://bucket/x"], "use a folder or an s3:// URL, not gs://"),
        (
            ["--remote-cache", f"s3://AKIA:{SECRET_KEY}@bucket/x"],
            "remote cache s3://***@bucket/x: a URL must not carry credentials",
        ),
    ],
)
def test_an_unusable_remote_is_refused_before_anything_is_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    root = medallion(tmp_path, "p")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    done = cli("workflow", "run", WORKFLOW, *args, cwd=root)
    assert done.returncode == 2
    assert message in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert SECRET_KEY not in done.stderr + done.stdout
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_the_no_op_fast_path_refuses_a_bad_remote_setting_as_the_full_path_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = medallion(tmp_path, "p")
    run_json(root)
    run_json(root)  # stores the plan: the next run may take the fast path
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE_MODE", "sometimes")
    done = cli("workflow", "run", WORKFLOW, cwd=root)
    assert done.returncode == 2
    assert "QUICKETL_REMOTE_CACHE_MODE: expected read, write or readwrite, got 'sometimes'" in (
        done.stderr
    )
    monkeypatch.delenv("QUICKETL_REMOTE_CACHE_MODE")
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE", "gs://bucket/x")
    done = cli("workflow", "run", WORKFLOW, cwd=root)
    assert done.returncode == 2
    assert "remote cache gs://bucket/x: use a folder or an s3:// URL, not gs://" in done.stderr
