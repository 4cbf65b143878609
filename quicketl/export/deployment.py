"""The `prefect.yaml` that `generate --deployment` writes beside a Prefect flow."""

from __future__ import annotations

from typing import Any

from quicketl.errors import ExportError
from quicketl.export.names import BUILTIN_NAMES
from quicketl.export.options import ExportOptions
from quicketl.export.render import PREFECT_NAMES
from quicketl.export.view import WorkflowView, build_view
from quicketl.plan.model import Plan

MARKER = "# Written by `quicketl workflow generate --deployment`."
HEADER = (
    f"{MARKER} quicketl replaces only the deployments it\n"
    "# wrote, by name, when it generates again; deployments added by hand are kept.\n"
    "# Deploy with `prefect deploy --all` from this folder.\n"
)


def render_prefect_deployment(
    plan: Plan, options: ExportOptions, flow_file: str, existing: str | None = None
) -> str:
    """`prefect.yaml` with this flow's deployment; `existing` is the file quicketl wrote before.

    `flow_file` is the flow's file name, relative to the folder of `prefect.yaml`.
    """
    import yaml  # only --deployment pays for the import

    view = build_view(plan, options, BUILTIN_NAMES | PREFECT_NAMES)
    document = _existing_document(existing)
    others = [d for d in document.get("deployments") or [] if d.get("name") != view.dag_id]
    document["deployments"] = [*others, _deployment(view, options, flow_file)]
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def written_by_quicketl(text: str) -> bool:
    """Whether an existing `prefect.yaml` is one quicketl wrote (and so may update)."""
    return text.startswith(MARKER)


def _existing_document(existing: str | None) -> dict[str, Any]:
    import yaml

    if existing is None:
        return {"name": "quicketl", "build": None, "push": None, "pull": None}
    document = yaml.safe_load(existing)
    if not isinstance(document, dict):
        raise ExportError("prefect.yaml: not a mapping; remove it and generate again")
    return document


def _deployment(view: WorkflowView, options: ExportOptions, flow_file: str) -> dict[str, Any]:
    pool: dict[str, Any] = {"name": options.work_pool}
    if view.project_dir is not None:
        pool["job_variables"] = {"env": {"QUICKETL_PROJECT_DIR": view.project_dir}}
    schedules = [{"cron": view.schedule, "timezone": "UTC"}] if view.schedule else []
    return {
        "name": view.dag_id,
        "entrypoint": f"{flow_file}:{view.flow_function}",
        "description": view.description,
        "tags": ["quicketl"],
        "parameters": {v.param: v.default for v in view.variables},
        "work_pool": pool,
        "schedules": schedules,
    }
