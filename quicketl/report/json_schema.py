"""The published JSON Schema of every `--json` document (results.schema.json, package data)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "results.schema.json"


def results_schema() -> dict[str, Any]:
    """The schema `quicketl schema --results` prints; tests validate every --json output on it."""
    text = resources.files("quicketl.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
