"""What a generated DAG or flow reads from the project beside the plan: each task's
`orchestrator:` settings and the name its asset URIs carry (used by generate and by a dynamic
DAG while Airflow parses it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quicketl.config.loader import load_workflow
from quicketl.config.orchestrator import settings_by_task
from quicketl.config.variables import VariableScope
from quicketl.config.yamlfile import load_yaml_file


def task_settings(
    workflow_path: Path, variables: Mapping[str, object], root: Path
) -> dict[str, dict[str, Any]]:
    """Task id -> its merged `orchestrator:` settings (stage, then pipeline entry)."""
    scope = VariableScope.standard(dict(variables), root=root)
    return settings_by_task(load_workflow(workflow_path, scope, root).config.stages)


def asset_namespace(root: Path) -> str:
    """quicketl.yml's `name:` as a URI host (assets are named by it), or `project`."""
    project_file = root / "quicketl.yml"
    data = load_yaml_file(project_file).data if project_file.is_file() else None
    name = data.get("name") if isinstance(data, dict) else None
    host = re.sub(r"[^a-z0-9-]+", "-", str(name or "").lower()).strip("-")
    return host or "project"
