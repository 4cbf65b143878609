"""`Pipeline`: a pipeline built in Python from config models or dicts, or loaded from YAML."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

    from quicketl.config.loader import LoadedPipeline
    from quicketl.config.pipeline import PipelineConfig
    from quicketl.engine.result import PipelineResult

    Spec = BaseModel | Mapping[str, Any]

# The name a lone `source:` gets (quicketl.config.pipeline.PRIMARY), kept here so that
# building a pipeline does not import pydantic before it has to.
PRIMARY_SOURCE = "source"


class Pipeline:
    """A pipeline assembled step by step; validated on first use, then run on DuckDB.

        Pipeline("orders").source(FileSource(path="data/orders.csv")).transform(
            Filter(predicate="amount > 0")
        ).sink(FileSink(path="out/orders.parquet")).run()

    Steps are config models (`FileSource`, `Filter`, `NotNull`, ...) or plain dicts written
    as in YAML. Keyword settings (`description`, `volatile`, ...) are top-level pipeline keys.
    """

    def __init__(
        self,
        name: str,
        *,
        variables: Mapping[str, object] | None = None,
        root: str | os.PathLike[str] | None = None,
        **settings: Any,
    ) -> None:
        self.name = name
        self.variables = dict(variables or {})
        self.root = Path(root) if root is not None else None
        self.settings = settings
        self._sources: dict[str, dict[str, Any]] = {}
        self._transforms: list[dict[str, Any]] = []
        self._checks: list[dict[str, Any]] = []
        self._sink: dict[str, Any] | None = None
        self._loaded: LoadedPipeline | None = None

    @classmethod
    def from_yaml(
        cls, path: str | os.PathLike[str], variables: Mapping[str, object] | None = None
    ) -> Pipeline:
        """Load and validate a pipeline file; it can then be run, inspected or extended."""
        from quicketl.api import load_pipeline_file

        loaded = load_pipeline_file(path, variables)
        pipeline = cls.from_config(loaded.config, root=loaded.root)
        pipeline.variables = dict(variables or {})
        pipeline._loaded = loaded
        return pipeline

    @classmethod
    def from_config(
        cls, config: PipelineConfig, *, root: str | os.PathLike[str] | None = None
    ) -> Pipeline:
        """A builder holding every part of a validated `PipelineConfig`."""
        top = config.model_dump(exclude_unset=True, include={"description", "engine", "volatile"})
        pipeline = cls(config.name, root=root, **top)
        for name, source in config.named_sources().items():
            pipeline.source(source, name=name)
        return pipeline.transform(*config.transforms).check(*config.checks).sink(config.sink)

    def source(self, spec: Spec, name: str | None = None) -> Pipeline:
        """Add a source; name every source after the first one (joins refer to names)."""
        key = name or PRIMARY_SOURCE
        if key in self._sources:
            raise ValueError(f"pipeline {self.name!r} already has a source named {key!r}")
        self._sources[key] = spec_dict(spec)
        return self._changed()

    def transform(self, *steps: Spec) -> Pipeline:
        self._transforms += [spec_dict(step) for step in steps]
        return self._changed()

    def check(self, *checks: Spec) -> Pipeline:
        self._checks += [spec_dict(check) for check in checks]
        return self._changed()

    def sink(self, spec: Spec) -> Pipeline:
        self._sink = spec_dict(spec)
        return self._changed()

    def _changed(self) -> Pipeline:
        self._loaded = None
        return self

    def to_dict(self) -> dict[str, Any]:
        """The pipeline as the mapping its YAML file would hold."""
        data: dict[str, Any] = {"name": self.name, **copy.deepcopy(self.settings)}
        if list(self._sources) == [PRIMARY_SOURCE]:
            data["source"] = copy.deepcopy(self._sources[PRIMARY_SOURCE])
        elif self._sources:
            data["sources"] = copy.deepcopy(self._sources)
        if self._transforms:
            data["transforms"] = copy.deepcopy(self._transforms)
        if self._checks:
            data["checks"] = copy.deepcopy(self._checks)
        if self._sink is not None:
            data["sink"] = copy.deepcopy(self._sink)
        return data

    def to_yaml(self) -> str:
        """The pipeline as YAML text, ready to save as a pipeline file."""
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    def load(self) -> LoadedPipeline:
        """The validated pipeline (fields only; no source is read). Raises ConfigError."""
        if self._loaded is None:
            self._loaded = self._load_dict()
        return self._loaded

    def _load_dict(self) -> LoadedPipeline:
        from quicketl.config.loader import pipeline_from_doc
        from quicketl.config.variables import VariableScope
        from quicketl.config.yamlfile import YamlDoc

        root = (self.root or Path.cwd()).resolve()
        doc = YamlDoc(Path(f"<pipeline {self.name}>"), self.to_dict())
        return pipeline_from_doc(doc, VariableScope.standard(self.variables, root=root), root)

    @property
    def config(self) -> PipelineConfig:
        return self.load().config

    def validate(self) -> LoadedPipeline:
        """Validate the fields, then every column and expression against the real sources."""
        loaded = self.load()
        from quicketl.engine.prepare import validate_pipeline as check_against_sources

        check_against_sources(loaded)
        return loaded

    def run(self, *, dry_run: bool = False, fail_on_checks: bool = True) -> PipelineResult:
        """Run on DuckDB; a failure is a result with status "failed"."""
        from quicketl.api import run_loaded_pipeline

        return run_loaded_pipeline(self.load(), dry_run=dry_run, fail_on_checks=fail_on_checks)

    def __repr__(self) -> str:
        return f"Pipeline({self.name!r}, steps={len(self._transforms)})"


def spec_dict(spec: Spec) -> dict[str, Any]:
    """A step as the mapping YAML would hold: a dict as given, a model as the fields it set."""
    if isinstance(spec, Mapping):
        return copy.deepcopy(dict(spec))
    from pydantic import BaseModel

    if not isinstance(spec, BaseModel):
        raise TypeError(f"expected a quicketl config model or a mapping, got {spec!r}")
    data = spec.model_dump(exclude_unset=True)
    for tag in ("op", "type"):
        # The tag picks the model when validating; keep it even where it is a default.
        if tag in type(spec).model_fields:
            data[tag] = getattr(spec, tag)
    return data
