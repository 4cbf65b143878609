"""Benchmark: a fresh checkout restored from a remote cache (a folder, and S3 through a local
moto server), against recomputing it.

The 200-pipeline synthetic workflow of bench_workflow.py is run once with the remote, which
pushes every task; then, as a CI job on another machine, every output and the whole cache
folder are deleted and the workflow runs again: (a) from the remote, where every task is
pulled and restored, and (b) without it, where every task runs. moto serves S3 on loopback, so
the S3 numbers are the client's cost (requests, hashing), not a real network's.

    python benchmarks/bench_remote.py [--pipelines 200] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from bench_restore import fresh_checkout, outputs, statuses
from bench_workflow import build_project, timed_run


def best(
    workflow: Path, args: argparse.Namespace, remote: str | None, expect: str, local: bool = False
) -> float:
    """Best time of a run from a fresh checkout (`local`: the local store kept)."""
    if remote is None:
        os.environ.pop("QUICKETL_REMOTE_CACHE", None)
    else:
        os.environ["QUICKETL_REMOTE_CACHE"] = remote
    times = []
    for _ in range(args.repeat):
        fresh_checkout(workflow.parents[1], keep_objects=local)
        ms, document = timed_run(workflow, args.workers, workflow.parents[1])
        assert statuses(document) == {expect: args.pipelines}, statuses(document)
        times.append(ms)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    top = Path(tempfile.mkdtemp(prefix="quicketl-bench-remote-"))
    try:
        host, port = server.get_host_and_port()
        os.environ.update(
            AWS_ENDPOINT_URL=f"http://{host}:{port}",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="us-east-1",
        )
        boto3.client("s3").create_bucket(Bucket="bench")
        rows = measure(args, top)
    finally:
        server.stop()
        shutil.rmtree(top, ignore_errors=True)
    print(f"{args.pipelines} pipelines, fresh checkout, --workers {args.workers}", end=", ")
    print(f"best of {args.repeat}")
    for label, ms in rows:
        print(f"  {label:<34} {ms:>9.0f} ms   {rows[0][1] / ms:>5.1f}x faster than recompute")


def measure(args: argparse.Namespace, top: Path) -> list[tuple[str, float]]:
    workflow, _ = build_project(top, args.pipelines)
    rows = [("recompute", best(workflow, args, None, "ran"))]
    rows.append(("restore from the local store", best(workflow, args, None, "restored", True)))
    once = argparse.Namespace(**{**vars(args), "repeat": 1})
    for label, remote in (("folder", str(top / "remote")), ("S3 (moto)", "s3://bench/q")):
        best(workflow, once, remote, "ran")  # fills the remote
        built = outputs(top)
        rows.append((f"restore from a remote {label}", best(workflow, args, remote, "restored")))
        assert outputs(top) == built, "a restored output differs from the built one"
    return rows


if __name__ == "__main__":
    main()
