"""Render a `Plan` into the Python source of an Airflow DAG or a Prefect flow."""

from __future__ import annotations

import keyword
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quicketl.errors import ExportError
from quicketl.export import parts
from quicketl.export.literals import python_literal
from quicketl.export.modes import airflow_template, check_target, default_requirements
from quicketl.export.names import BUILTIN_NAMES
from quicketl.export.options import ExportOptions
from quicketl.export.schedule import check_schedule
from quicketl.export.settings import ExportInputs
from quicketl.export.view import WorkflowView, build_view
from quicketl.plan.model import Plan

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"

# Module-level and flow-local names of each template, which no generated name may shadow.
AIRFLOW_NAMES = frozenset(
    {"annotations", "logging", "os", "sys", "datetime", "timedelta", "Any"}
    | {"DAG", "Asset", "AssetAny", "Param", "TaskGroup", "get_current_context", "task"}
    | {"AirflowFailException", "AirflowSkipException", "WORKFLOW_PATH", "PROJECT_DIR"}
    | {"VARIABLES", "SELECT", "Dataset", "_TaskGroup2"}
    | {"PLAN_FINGERPRINT", "REGENERATE", "QUICKETL_VERSION", "MAX_ACTIVE_TASKS", "log", "dag"}
    # the isolated and dynamic templates (--execution, --mode dynamic)
    | {"json", "timezone", "PythonVirtualenvOperator", "DockerOperator", "KubernetesPodOperator"}
    | {"PARAMS_JSON", "REQUIREMENTS", "IMAGE", "LAYOUT", "airflow_layout", "tasks"}
)
PREFECT_NAMES = frozenset(
    {"os", "sys", "Any", "flow", "get_run_logger", "task", "materialize", "NO_CACHE"}
    | {"PrefectFuture", "ThreadPoolTaskRunner", "WORKFLOW_PATH", "PROJECT_DIR", "SCHEDULE"}
    | {"SELECT", "PLAN_FINGERPRINT", "REGENERATE", "QUICKETL_VERSION", "MAX_WORKERS"}
    | {"TASK_OPTIONS", "run_quicketl", "variables", "runs", "run", "task_id"}
)


def render_airflow(plan: Plan, options: ExportOptions, inputs: ExportInputs | None = None) -> str:
    """The source of an Airflow DAG module (Airflow 3, falling back to 2.x imports)."""
    if options.schedule is not None:
        check_schedule(options.schedule, "airflow")
    check_target(options, "airflow")
    view = build_view(plan, options, BUILTIN_NAMES | AIRFLOW_NAMES, inputs=inputs)
    return _render(airflow_template(options), view)


def render_prefect(plan: Plan, options: ExportOptions, inputs: ExportInputs | None = None) -> str:
    """The source of a Prefect 3 flow module."""
    if options.schedule is not None:
        check_schedule(options.schedule, "prefect")
    check_target(options, "prefect")
    reserved = BUILTIN_NAMES | PREFECT_NAMES
    view = build_view(plan, options, reserved, target="prefect", inputs=inputs)
    return _render("prefect.py.j2", view)


def _render(template: str, view: WorkflowView) -> str:
    env = _environment()
    return env.get_template(template).render(view=view, regenerate=parts.regenerate_command(view))


def _environment() -> jinja2.Environment:
    import jinja2  # only code generation pays for jinja2's import

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Python, not HTML: strings go through `pyrepr` instead
        keep_trailing_newline=True,
    )
    env.filters["pyrepr"] = python_literal
    env.filters["ident"] = checked_identifier
    env.globals.update(
        {name: getattr(parts, name) for name in dir(parts) if not name.startswith("_")}
    )
    env.globals["default_requirements"] = default_requirements
    return env


def checked_identifier(value: Any) -> str:
    """`value` if it is a safe Python identifier; a bug in naming otherwise, never a user error."""
    if not (isinstance(value, str) and value.isidentifier() and not keyword.iskeyword(value)):
        raise ExportError(f"internal error: {value!r} is not a safe identifier")
    return value
