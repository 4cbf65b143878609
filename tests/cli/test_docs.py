"""Every YAML example in the docs is a pipeline that validates and runs on sample data.

A block with `name:` is a whole pipeline; a block holding only some of `source`, `sources`,
`transforms`, `checks` and `sink` is completed with a source reading `data/orders.csv` and a
parquet sink. JSON blocks must parse, and a documented `--json` shape must match the real one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from quicketl.config.yamlfile import load_yaml_text
from quicketl.engine.pipeline_result import PipelineResult
from quicketl.errors import ConfigError
from quicketl.report.json_report import error_document, pipeline_document

from .conftest import Invoke
from .docs_project import VARIABLES, write_docs_project

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["pipeline-yaml.md", "transforms.md", "checks.md", "variables.md", "cli.md"]
PARTS = {"source", "sources", "transforms", "checks", "sink"}
BASE = {"source": {"path": "data/orders.csv"}, "sink": {"path": "output/example.parquet"}}
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    text: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(lang: str) -> list[Block]:
    found = []
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            if match.group(1) == lang:
                line = text.count("\n", 0, match.start()) + 1
                found.append(Block(page, line, lang, match.group(2)))
    return found


def as_pipeline(block: Block) -> dict[str, Any]:
    data = load_yaml_text(block.text, Path(str(block))).data
    assert isinstance(data, dict), f"{block}: a YAML example must be a mapping"
    if "name" in data:
        return data
    assert set(data) <= PARTS, f"{block}: a fragment may hold only {sorted(PARTS)}"
    return {"name": "example", **BASE, **data}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    write_docs_project(root)
    return root


def test_every_page_has_examples() -> None:
    for page in PAGES:
        assert any(block.page == page for block in blocks("yaml")), page


@pytest.mark.parametrize("block", blocks("yaml"), ids=str)
def test_yaml_example_validates_and_runs(cli: Invoke, project: Path, block: Block) -> None:
    path = project / "pipelines" / f"{block.page}-{block.line}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(as_pipeline(block), sort_keys=False))
    var_args = [arg for name, value in VARIABLES.items() for arg in ("--var", f"{name}={value}")]
    validated = cli("validate", path, *var_args)
    assert validated.exit_code == 0, f"{block}\n{validated.output}"
    ran = cli("run", path, "--json", *var_args)
    assert ran.exit_code == 0, f"{block}\n{ran.output}"


@pytest.mark.parametrize("block", blocks("json"), ids=str)
def test_json_example_parses_and_matches_the_real_shape(block: Block) -> None:
    document = json.loads(block.text)
    if document.get("status") == "invalid":
        assert set(document) == set(error_document(ConfigError("x")))
    elif "pipeline" in document:
        assert list(document) == list(pipeline_document(PipelineResult("p", "success")))
        step_keys = set(pipeline_document(PipelineResult("p", "success"))["checks"])
        assert set(document["checks"]) == step_keys
