"""Prefect deployments of generated flows: the `prefect.yaml` written beside the flow file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from quicketl.errors import ExportError
from quicketl.export.deployment import render_prefect_deployment, written_by_quicketl
from quicketl.export.options import ExportOptions
from quicketl.plan.builder import build_plan

__all__ = ["prefect_deployment"]


def prefect_deployment(
    path: str | Path,
    options: ExportOptions,
    flow_file: Path | None,
    variables: Mapping[str, object] | None = None,
) -> tuple[Path, str]:
    """Where `prefect.yaml` goes (beside `flow_file`) and its text; writes nothing.

    A `prefect.yaml` that quicketl did not write is never replaced: the user's deployments
    and build steps live there.
    """
    if flow_file is None:
        raise ExportError("--deployment needs -o FILE: prefect.yaml is written beside the flow")
    target = flow_file.parent / "prefect.yaml"
    existing = target.read_text("utf-8") if target.is_file() else None
    if existing is not None and not written_by_quicketl(existing):
        raise ExportError(
            f"{target} exists and was not written by quicketl: add the deployment to it"
            " yourself, or write the flow into another folder"
        )
    plan = build_plan(Path(path), variables)
    return target, render_prefect_deployment(plan, options, flow_file.name, existing)
