"""Loading pipeline and workflow files into validated models, with located errors."""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from quicketl.config.doctype import require_kind
from quicketl.config.pipeline import PipelineConfig
from quicketl.config.pydantic_problems import data_loc, problems_from_errors
from quicketl.config.rawsql import raw_sql_warnings
from quicketl.config.suggest import did_you_mean
from quicketl.config.transforms import Join, Union
from quicketl.config.variables import VariableScope
from quicketl.config.workflow import WorkflowConfig
from quicketl.config.yamlfile import Loc, YamlDoc, child, load_yaml_file
from quicketl.errors import ConfigError, Problem, UnsafeVariableWarning
from quicketl.values import FrozenValue

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True, repr=False, eq=False)
class LoadedPipeline(FrozenValue):
    """A validated pipeline with what it took to resolve it."""

    path: Path
    root: Path
    config: PipelineConfig
    used_vars: dict[str, str]
    doc: YamlDoc

    def source_loc(self, name: str) -> Loc:
        """Where a source is declared: `source` alone, or its entry in the `sources` map."""
        return ("sources", name) if self.config.sources else ("source",)


@dataclass(frozen=True, repr=False, eq=False)
class LoadedWorkflow(FrozenValue):
    path: Path
    root: Path
    config: WorkflowConfig
    used_vars: dict[str, str]
    doc: YamlDoc


def load_pipeline(path: Path, scope: VariableScope, root: Path) -> LoadedPipeline:
    """Read, substitute and validate a pipeline file; every problem is reported at once."""
    return pipeline_from_doc(load_yaml_file(path), scope, root)


def pipeline_from_doc(doc: YamlDoc, scope: VariableScope, root: Path) -> LoadedPipeline:
    require_kind(doc, "pipeline")
    data = scope.substitute(doc, read_only=True)  # validated, never changed
    config = validate_model(PipelineConfig, data, doc)
    problems = reference_problems(config, doc)
    if problems:
        raise ConfigError(problems)
    for warning in raw_sql_warnings(scope.splices, doc):
        warnings.warn(str(warning), UnsafeVariableWarning, stacklevel=2)
    return LoadedPipeline(doc.path, root, config, dict(scope.used), doc)


def load_workflow(path: Path, scope: VariableScope, root: Path) -> LoadedWorkflow:
    doc = load_yaml_file(path)
    require_kind(doc, "workflow")
    data = scope.substitute(doc, read_only=True)  # validated, never changed
    config = validate_model(WorkflowConfig, data, doc)
    return LoadedWorkflow(doc.path, root, config, dict(scope.used), doc)


def validate_model(model: type[ModelT], data: Any, doc: YamlDoc) -> ModelT:
    """Validate `data`, translating pydantic's errors into located problems."""
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ConfigError([Problem(f"expected a mapping of keys, found {found}", str(doc.path))])
    problems: list[Problem] = []
    stripped: set[Loc] = set()
    for _ in range(_MAX_ROUNDS):
        try:
            config = model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            kept = [e for e in errors if not _caused_by_stripping(e, data, stripped)]
            problems += problems_from_errors(kept, doc)
            unknown = unknown_key_paths(errors, data)
            if unknown:
                data = _without(data, unknown)
                stripped |= {path[:-1] for path in unknown}
                continue
        else:
            if not problems:
                return config
        break
    raise ConfigError(_in_file_order(problems))


# An unknown key stops validation of the mapping holding it, so the document is validated
# again without it: every problem is reported in one pass. What the removal itself causes
# (the field the typo meant is now missing) is not reported.
_MAX_ROUNDS = 5


def unknown_key_paths(errors: list[ErrorDetails], data: Any) -> list[Loc]:
    """Where in `data` each unknown key reported in `errors` is."""
    return [
        (*data_loc(error["loc"], data, found=error["input"]), (error.get("ctx") or {})["key"])
        for error in errors
        if error["type"] == "unknown_key"
    ]


def _caused_by_stripping(error: ErrorDetails, data: Any, stripped: set[Loc]) -> bool:
    missing = error["type"] == "missing"
    loc = data_loc(error["loc"], data, names_field=missing, found=error["input"])
    if missing:
        return loc[:-1] in stripped
    return error["type"] != "unknown_key" and loc in stripped


def _without(data: Any, paths: list[Loc]) -> Any:
    data = copy.deepcopy(data)
    for path in paths:
        node = data
        for part in path[:-1]:
            node = child(node, part)
        if isinstance(node, dict):  # a path that misses is left alone, never a crash
            node.pop(path[-1], None)
    return data


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: problem.line or 0)


def reference_problems(config: PipelineConfig, doc: YamlDoc) -> list[Problem]:
    """`join` and `union` must name sources the pipeline declares."""
    names = list(config.named_sources())
    problems = []
    for index, step in enumerate(config.transforms):
        refs = [("right", step.right)] if isinstance(step, Join) else []
        if isinstance(step, Union):
            refs = [("sources", name) for name in step.sources]
        for field, ref in refs:
            if ref not in names:
                message = f"unknown source '{ref}'{did_you_mean(ref, names)}"
                message += f" (sources: {', '.join(names)})"
                problems.append(doc.problem(("transforms", index, field), message))
    return problems
