"""`quicketl schema`: JSON Schemas that accept what quicketl accepts, for YAML editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quicketl.config.yamlfile import load_yaml_text

from .conftest import Invoke

ROOT = Path(__file__).resolve().parents[2]


def schema_from_cli(cli: Invoke, *args: str) -> dict[str, Any]:
    result = cli("schema", *args)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_pipeline_schema_describes_pipeline_files(cli: Invoke) -> None:
    schema = schema_from_cli(cli)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "quicketl pipeline file"
    assert {"name", "source", "sources", "transforms", "checks", "sink"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False


def test_workflow_schema(cli: Invoke) -> None:
    schema = schema_from_cli(cli, "--workflow")
    assert schema["title"] == "quicketl workflow file"
    assert "stages" in schema["properties"]


def test_output_file(cli: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "schemas" / "pipeline.json"
    result = cli("schema", "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["title"] == "quicketl pipeline file"


def test_transform_ops_are_required_and_aliases_allowed(cli: Invoke) -> None:
    defs = schema_from_cli(cli)["$defs"]
    assert defs["Filter"]["required"] == ["op", "predicate"]
    assert defs["Rename"]["oneOf"] == [{"required": ["mapping"]}, {"required": ["columns"]}]
    assert "columns" in defs["Rename"]["properties"]


def test_numbers_also_accept_variable_text(cli: Invoke) -> None:
    limit_n = schema_from_cli(cli)["$defs"]["Limit"]["properties"]["n"]
    assert limit_n["anyOf"][1]["type"] == "string"


def pipeline_files() -> list[Path]:
    return sorted((ROOT / "examples").glob("*/pipelines/*.yml"))


@pytest.mark.parametrize("path", pipeline_files(), ids=lambda p: p.parent.parent.name)
def test_examples_are_valid_against_the_schema(cli: Invoke, path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = schema_from_cli(cli)
    # YAML 1.2, as the YAML language server reads it: `on:` is a key, not `true`.
    jsonschema.validate(load_yaml_text(path.read_text(), path).data, schema)


def test_a_typo_is_invalid_against_the_schema(cli: Invoke) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = schema_from_cli(cli)
    bad = {"name": "p", "source": {"path": "a.csv"}, "sink": {"path": "o.csv", "mod": "x"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_the_workflow_schema_knows_orchestrator_blocks(cli: Invoke) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = schema_from_cli(cli, "--workflow")
    block = {"pool": "etl", "execution_timeout": "30m", "retries": 2, "tags": ["a"]}
    stage = {"name": "s", "orchestrator": block, "pipelines": [{"path": "p.yml"}]}
    good = {"name": "w", "stages": [stage]}
    jsonschema.validate(good, schema)
    entry = {"path": "p.yml", "orchestrator": {"execution_timeout": 90, "owner": "me"}}
    jsonschema.validate({"name": "w", "stages": [{"name": "s", "pipelines": [entry]}]}, schema)
    for bad in ({"pol": "etl"}, {"execution_timeout": "soon"}):
        bad_stage = {**stage, "orchestrator": bad}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"name": "w", "stages": [bad_stage]}, schema)
