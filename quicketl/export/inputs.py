"""What export reads beside the plan (each task's `orchestrator:` block, the selection, the
generate-time variables, the project's name), for generate and for a dynamic DAG's parse.

The API calls it (generate, and a dynamic DAG as Airflow parses it); it imports only the
configuration layer, the selection and the settings, so that a dynamic DAG stays light."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quicketl.export.options import ExportOptions
    from quicketl.export.settings import ExportInputs
    from quicketl.plan.model import Plan


def export_inputs(
    plan: Plan, options: ExportOptions, variables: Mapping[str, object]
) -> ExportInputs:
    """What export needs beside the plan: the selection, each task's `orchestrator:` block,
    the generate-time variables and the project's name for asset URIs."""
    from quicketl.config.loader import load_workflow
    from quicketl.config.orchestrator import settings_by_task
    from quicketl.config.variables import VariableScope
    from quicketl.execute.select import select_tasks
    from quicketl.export.settings import ExportInputs, TaskSettings

    assert plan.workflow_path is not None  # a workflow file was planned
    scope = VariableScope.standard(dict(variables), root=plan.root)
    config = load_workflow(plan.workflow_path, scope, plan.root).config
    settings = {k: TaskSettings(**v) for k, v in settings_by_task(config.stages).items()}
    # A secret given with --var never goes into the file: the task resolves it on the worker.
    given = {k: v for k, v in variables.items() if not _is_secret(k, v)}
    return ExportInputs(
        selected=tuple(select_tasks(plan, options.select)) if options.select else None,
        settings=settings,
        variables=given,
        namespace=_project_name(plan.root),
    )


def _is_secret(name: str, value: object) -> bool:
    from quicketl.config.secrets import holds_secret, looks_secret

    return looks_secret(name) or holds_secret(str(value))


def _project_name(root: Path) -> str:
    """quicketl.yml's `name:` as a URI host (assets are named by it), or `project`."""
    import re

    from quicketl.config.yamlfile import load_yaml_file

    project_file = root / "quicketl.yml"
    data = load_yaml_file(project_file).data if project_file.is_file() else None
    name = data.get("name") if isinstance(data, dict) else None
    host = re.sub(r"[^a-z0-9-]+", "-", str(name or "").lower()).strip("-")
    return host or "project"
