"""Loading pipeline and workflow files into validated models, with located errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from quicketl.config.errors import problems_from_validation
from quicketl.config.pipeline import PipelineConfig
from quicketl.config.suggest import did_you_mean
from quicketl.config.transforms import Join, Union
from quicketl.config.variables import VariableScope
from quicketl.config.workflow import WorkflowConfig
from quicketl.config.yamlfile import YamlDoc, load_yaml_file, load_yaml_text
from quicketl.errors import ConfigError, Problem

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class LoadedPipeline:
    """A validated pipeline with what it took to resolve it."""

    path: Path
    root: Path
    config: PipelineConfig
    used_vars: dict[str, str]
    doc: YamlDoc

    def line_of(self, *loc: str | int) -> int | None:
        return self.doc.line_of(loc)


@dataclass(frozen=True)
class LoadedWorkflow:
    path: Path
    root: Path
    config: WorkflowConfig
    used_vars: dict[str, str]
    doc: YamlDoc


def load_pipeline(path: Path, scope: VariableScope, root: Path) -> LoadedPipeline:
    """Read, substitute and validate a pipeline file; every problem is reported at once."""
    return pipeline_from_doc(load_yaml_file(path), scope, root)


def pipeline_from_text(text: str, path: Path, scope: VariableScope, root: Path) -> LoadedPipeline:
    return pipeline_from_doc(load_yaml_text(text, path), scope, root)


def pipeline_from_doc(doc: YamlDoc, scope: VariableScope, root: Path) -> LoadedPipeline:
    data = scope.substitute(doc)
    config = validate_model(PipelineConfig, data, doc)
    problems = reference_problems(config, doc)
    if problems:
        raise ConfigError(problems)
    return LoadedPipeline(doc.path, root, config, dict(scope.used), doc)


def load_workflow(path: Path, scope: VariableScope, root: Path) -> LoadedWorkflow:
    doc = load_yaml_file(path)
    data = scope.substitute(doc)
    config = validate_model(WorkflowConfig, data, doc)
    return LoadedWorkflow(doc.path, root, config, dict(scope.used), doc)


def validate_model(model: type[ModelT], data: Any, doc: YamlDoc) -> ModelT:
    """Validate `data`, translating pydantic's errors into located problems."""
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ConfigError([Problem(f"expected a mapping of keys, found {found}", str(doc.path))])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, doc)) from None


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
                loc = ("transforms", index, field)
                message = f"unknown source '{ref}'{did_you_mean(ref, names)}"
                message += f" (sources: {', '.join(names)})"
                problems.append(
                    Problem(
                        message, str(doc.path), doc.line_of(loc), f"transforms[{index}].{field}"
                    )
                )
    return problems
