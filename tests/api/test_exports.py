"""What `quicketl.api` exports: pinned, all resolvable, and declared to type checkers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import quicketl.api as api

INIT = Path(api.__file__)

EXPORTED = {
    "PROJECT_FILE",
    "CacheReport",
    "ConfigError",
    "EngineError",
    "ExportError",
    "InterruptedAfterCommit",
    "ExportOptions",
    "LoadedPipeline",
    "Pipeline",
    "PipelineResult",
    "Plan",
    "PlanError",
    "Problem",
    "QueryProgress",
    "QuickETLError",
    "QuickETLWarning",
    "RunReporter",
    "StalePlanError",
    "StateError",
    "Task",
    "TaskOutcome",
    "TransientError",
    "UnsafeVariableWarning",
    "VolatileSqlWarning",
    "Workflow",
    "WorkflowResult",
    "__version__",
    "airflow_layout",
    "backends_info",
    "cache_clean",
    "cache_gc",
    "cache_gc_remote",
    "cache_status",
    "check_sink",
    "check_workflow_sources",
    "environment_info",
    "execute_plan",
    "explain",
    "explain_pipeline",
    "explain_plan",
    "find_project_root",
    "generate",
    "json_schema",
    "load_pipeline_file",
    "mask_secrets",
    "parse_var_assignments",
    "plan_for_run",
    "plan_workflow",
    "prefect_deployment",
    "run_history",
    "run_loaded_pipeline",
    "run_pipeline",
    "run_record",
    "run_task",
    "run_workflow",
    "try_noop_run",
    "validate_pipeline",
    "watching_queries",
    "write_text_atomically",
}


def test_exported_members() -> None:
    assert set(api.__all__) == EXPORTED
    assert len(api.__all__) == len(EXPORTED)  # no name twice


def test_every_exported_name_resolves_and_is_listed_by_dir() -> None:
    for name in api.__all__:
        assert getattr(api, name) is not None, name
    assert set(api.__all__) <= set(dir(api))


def test_every_public_module_attribute_is_exported() -> None:
    # Like httpx's test: nothing public sits in the module without being in __all__ (the
    # submodules, and `annotations` / `TYPE_CHECKING` of the imports, are not exports).
    public = {
        name
        for name, value in vars(api).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert public - {"annotations", "TYPE_CHECKING", "importlib"} <= set(api.__all__)


def type_checking_imports() -> dict[str, tuple[str, str]]:
    """Name -> (module, name there) of every import in `if TYPE_CHECKING:` of __init__.py."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    found: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for item in node.body:
                assert isinstance(item, ast.ImportFrom) and item.module, ast.unparse(item)
                for alias in item.names:
                    found[alias.asname or alias.name] = (item.module, alias.name)
    return found


def test_every_lazy_name_is_declared_to_type_checkers_from_the_same_place() -> None:
    assert type_checking_imports() == api._LAZY


def test_unknown_names_are_attribute_errors() -> None:
    try:
        api.bogus  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "bogus" in str(error)
    else:
        raise AssertionError("api.bogus resolved")


def test_importing_the_api_imports_nothing_of_quicketl_yet() -> None:
    # `quicketl --version` and the no-op run import it; each name loads when first used.
    code = "import sys, quicketl.api; print(sorted(m for m in sys.modules if 'quicketl.' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['quicketl.api']"


def test_the_fast_path_module_imports_nothing_heavy() -> None:
    heavy = "{'duckdb', '_duckdb', 'pydantic', 'doit', 'jinja2', 'rich', 'typer', 'yaml'}"
    code = f"import sys, quicketl.api.noop; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_api_modules_do_not_import_each_other() -> None:
    # Each part stands alone (no cycle such as api.py <-> _builder.py had); only __init__.py
    # gathers them.
    for path in INIT.parent.glob("*.py"):
        if path.name == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("quicketl.api"), f"{path.name}: {node.module}"
                assert node.level == 0, path.name
            if isinstance(node, ast.ImportFrom) and node.module == "quicketl":
                assert "api" not in {alias.name for alias in node.names}, path.name
