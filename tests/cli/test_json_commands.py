"""`--json` on `info` and `workflow graph`: one JSON document on stdout, nothing else."""

from __future__ import annotations

import json
import platform
from pathlib import Path

from projects import linear_three, new_project

from quicketl import __version__

from .conftest import Invoke


def test_info_json(cli: Invoke) -> None:
    result = cli("info", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["quicketl"] == __version__
    assert document["platform"] == platform.platform()
    assert set(document) == {"quicketl", "python", "duckdb", "platform"}


def test_info_backends_json(cli: Invoke, in_tmp: Path) -> None:
    (in_tmp / "quicketl.yml").write_text("name: t\n")
    (in_tmp / "p.yml").write_text(
        "name: p\nengine: polars\nsource: {path: a.csv}\nsink: {path: b.csv}\n"
    )
    document = json.loads(cli("info", "--backends", "--json").stdout)
    assert document["backends"][0]["name"] == "duckdb"
    assert document["backends"][0]["supported"] is True
    assert document["backends"][1] == {
        "name": "polars",
        "supported": False,
        "detail": "not supported: named in p.yml",
    }


def test_graph_json(tmp_path: Path, cli: Invoke) -> None:
    workflow = linear_three(new_project(tmp_path))
    result = cli("workflow", "graph", workflow, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["workflow"] == "wf"
    assert [t["id"] for t in document["tasks"]] == ["s1.a", "s2.b", "s3.c"]
    assert document["tasks"][0] == {"id": "s1.a", "stage": "s1", "pipeline": "a", "status": None}
    assert document["edges"][0] == {
        "upstream": "s1.a",
        "downstream": "s2.b",
        "reason": "depends_on",
    }


def test_graph_json_with_status(tmp_path: Path, cli: Invoke) -> None:
    workflow = linear_three(new_project(tmp_path))
    document = json.loads(cli("workflow", "graph", workflow, "--status", "--json").stdout)
    assert [t["status"] for t in document["tasks"]] == ["would_run"] * 3


def test_graph_json_of_a_bad_workflow_is_the_error_document(tmp_path: Path, cli: Invoke) -> None:
    workflow = linear_three(new_project(tmp_path))
    (tmp_path / "pipelines" / "a.yml").unlink()
    result = cli("workflow", "graph", workflow, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["status"] == "invalid"
