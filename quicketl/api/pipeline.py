"""The pipeline part of the public API: load, validate and run pipeline files, or pipelines
built in code with `Pipeline`.

Importing this module is cheap: pydantic, DuckDB and the engine load on first use, so the
command line can import it for every command and pay only for what a command does.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quicketl.errors import ConfigError, EngineError, VolatileSqlWarning

if TYPE_CHECKING:
    from pydantic import BaseModel

    from quicketl.config.loader import LoadedPipeline
    from quicketl.config.pipeline import PipelineConfig
    from quicketl.engine.pipeline_result import PipelineResult
    from quicketl.execute.outcomes import TaskOutcome

    Spec = BaseModel | Mapping[str, Any]

PathLike = str | os.PathLike[str]
Variables = Mapping[str, object] | None

__all__ = [
    "Pipeline",
    "check_sink",
    "load_pipeline_file",
    "run_loaded_pipeline",
    "run_pipeline",
    "validate_pipeline",
]


def load_pipeline_file(path: PathLike, variables: Variables = None) -> LoadedPipeline:
    """Read a pipeline file, substitute its variables and validate its fields (no DuckDB).

    The project root is the nearest folder above the file holding `quicketl.yml`; variables
    resolve from `variables`, then the environment, then the root's `.env`.
    """
    from quicketl.config.loader import load_pipeline
    from quicketl.config.project import find_project_root
    from quicketl.config.variables import VariableScope

    file = Path(path)
    root = find_project_root(file)
    return load_pipeline(file, VariableScope.standard(variables, root=root), root)


def validate_pipeline(
    path: PathLike,
    variables: Variables = None,
    *,
    allow_outside_project: bool = False,
    cache_dir: PathLike | None = None,
) -> LoadedPipeline:
    """Load a pipeline, check where its sink writes, and check every column and expression
    against its real sources."""
    loaded = load_pipeline_file(path, variables)
    check_sink(loaded, allow_outside_project=allow_outside_project, cache_dir=cache_dir)
    from quicketl.engine.prepare import validate_pipeline as check_against_sources

    check_against_sources(loaded)
    _warn_volatile_sql(loaded)
    return loaded


def check_sink(
    loaded: LoadedPipeline,
    *,
    allow_outside_project: bool = False,
    cache_dir: PathLike | None = None,
) -> None:
    """Raise PlanError if the pipeline's sink would replace what quicketl did not write, or
    write outside the project without leave (see `quicketl.plan.sink_guard`)."""
    from quicketl.plan.single import single_task_plan
    from quicketl.plan.sink_guard import require_safe_sinks

    cache = Path(cache_dir) if cache_dir is not None else None
    plan = single_task_plan(loaded)
    require_safe_sinks(plan, cache_dir=cache, allow_outside=allow_outside_project)


def _warn_volatile_sql(loaded: LoadedPipeline) -> None:
    import warnings

    from quicketl.config.volatile import volatile_sql_warnings

    for problem in volatile_sql_warnings(loaded.config, loaded.doc):
        warnings.warn(str(problem), VolatileSqlWarning, stacklevel=3)


def run_pipeline(
    path: PathLike,
    variables: Variables = None,
    dry_run: bool = False,
    fail_on_checks: bool = True,
    *,
    force: bool = False,
    cache_dir: PathLike | None = None,
    allow_outside_project: bool = False,
    remote_cache: str | None = None,
    remote_cache_mode: str | None = None,
) -> PipelineResult:
    """Run a pipeline file, skipping it while nothing it depends on has changed.

    The pipeline is keyed like a workflow task (its resolved config, used variables and input
    contents) in the project's `.quicketl-cache/`; `force` runs it regardless. A dry run reads,
    transforms and checks but writes nothing and records nothing. A failed run is a result
    with status "failed", not an exception; invalid input raises `ConfigError`. A sink
    outside the project root is refused unless `quicketl.yml` allows its folder or
    `allow_outside_project` is set. With a remote cache (`remote_cache`, else
    $QUICKETL_REMOTE_CACHE, else quicketl.yml's), its outputs are pulled from it when only
    the remote has them, and pushed after it ran, as a workflow task's are.
    """
    loaded = load_pipeline_file(path, variables)
    if dry_run:
        check_sink(loaded, allow_outside_project=allow_outside_project, cache_dir=cache_dir)
        return run_loaded_pipeline(loaded, dry_run=True, fail_on_checks=fail_on_checks)
    return _run_cached(
        loaded,
        force=force,
        fail_on_checks=fail_on_checks,
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
        allow_outside_project=allow_outside_project,
        remote=(remote_cache, remote_cache_mode),
    )


def run_loaded_pipeline(
    loaded: LoadedPipeline, *, dry_run: bool = False, fail_on_checks: bool = True
) -> PipelineResult:
    """Run an already loaded pipeline on DuckDB."""
    from quicketl.engine.pipeline_run import run_pipeline as run_on_duckdb

    return run_on_duckdb(loaded, dry_run=dry_run, fail_on_checks=fail_on_checks)


def _run_cached(
    loaded: LoadedPipeline,
    *,
    force: bool,
    fail_on_checks: bool,
    cache_dir: Path | None,
    allow_outside_project: bool,
    remote: tuple[str | None, str | None] = (None, None),
) -> PipelineResult:
    """`quicketl run`: one pipeline as a one-task plan, skipped while its key is unchanged.

    Invalid input found while running (an unknown column, a missing file) is raised as the
    ConfigError it is, exactly as an uncached run would.
    """
    from quicketl.config.defaults import project_cache_dir
    from quicketl.engine.pipeline_result import PipelineResult
    from quicketl.execute.plan_run import RunOptions, run_plan
    from quicketl.execute.remote_cache import open_remote_cache
    from quicketl.plan.single import single_task_plan
    from quicketl.plan.sink_guard import require_safe_sinks
    from quicketl.state import resolve_cache_dir
    from quicketl.state.store import DB_NAME

    plan = single_task_plan(loaded)
    options = RunOptions(
        cache_dir=resolve_cache_dir(plan.root, cache_dir, project_cache_dir(plan.root)),
        force=force,
        fail_on_checks=fail_on_checks,
        workers=1,
        allow_outside_project=allow_outside_project,
        remote=open_remote_cache(*remote, plan.root),  # refused before anything is written
    )
    # Checked before the run takes its lock, so a refused sink leaves no cache folder behind.
    require_safe_sinks(plan, cache_dir=options.cache_dir, allow_outside=allow_outside_project)
    if not (options.cache_dir / DB_NAME).is_file():
        _refuse_before_the_cache_exists(loaded)
    outcome = run_plan(plan, options).tasks[0]
    if isinstance(outcome.exception, ConfigError):
        raise outcome.exception
    if outcome.result is not None:
        outcome.result.reasons = list(outcome.reasons)
        return outcome.result
    status: Literal["success", "failed"] = "success" if outcome.ok else "failed"
    return PipelineResult(
        loaded.config.name,
        status,
        error=outcome.error,
        up_to_date=outcome.status == "up_to_date",
        reasons=list(outcome.reasons),
    )


def _refuse_before_the_cache_exists(loaded: LoadedPipeline) -> None:
    """With nothing recorded the pipeline runs anyway: check it against its sources first, so
    that input it refuses leaves nothing behind, not even the cache folder. (With a cache, the
    run checks it as it starts; this costs one more schema detection, on a first run only.)"""
    from quicketl.engine.prepare import validate_pipeline

    try:
        validate_pipeline(loaded)
    except EngineError:
        return  # a failure while reading is the run's to report, as a failed run


# The name a lone `source:` gets (quicketl.config.pipeline.PRIMARY), kept here so that
# building a pipeline does not import pydantic before it has to.
PRIMARY_SOURCE = "source"


class Pipeline:
    """A pipeline assembled step by step; validated on first use, then run on DuckDB.

        Pipeline("orders").source(FileSource(path="data/orders.csv")).transform(
            Filter(predicate="amount > 0")
        ).sink(FileSink(path="out/orders.parquet")).run()

    Steps are config models (`FileSource`, `Filter`, `NotNull`, ...) or plain dicts written
    as in YAML. `description`, `engine` and `volatile` are the pipeline file's top-level keys.
    """

    def __init__(
        self,
        name: str,
        *,
        variables: Mapping[str, object] | None = None,
        root: str | os.PathLike[str] | None = None,
        description: str | None = None,
        engine: str | None = None,
        volatile: bool | None = None,
    ) -> None:
        self.name = name
        self.variables = dict(variables or {})
        self.root = Path(root) if root is not None else None
        given = {"description": description, "engine": engine, "volatile": volatile}
        # Only the keys given, so `to_dict` is the file a user would have written.
        self.settings: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
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


def explain_pipeline(
    path: PathLike,
    variables: Variables = None,
    *,
    cache_dir: PathLike | None = None,
    allow_outside_project: bool = False,
    remote_cache: str | None = None,
    remote_cache_mode: str | None = None,
) -> TaskOutcome:
    """What `quicketl run` of a pipeline file would do now, and why (`run --dry-run`): its
    status is `up_to_date`, `would_run` or `may_run`. Reads no data, runs and writes nothing;
    of a remote cache, reads the entry only."""
    from quicketl.config.defaults import project_cache_dir
    from quicketl.execute.plan_run import RunOptions, explain_plan
    from quicketl.execute.remote_cache import open_remote_cache
    from quicketl.plan.single import single_task_plan
    from quicketl.state import resolve_cache_dir

    loaded = load_pipeline_file(path, variables)
    check_sink(loaded, allow_outside_project=allow_outside_project, cache_dir=cache_dir)
    plan = single_task_plan(loaded)
    cache = resolve_cache_dir(plan.root, cache_dir, project_cache_dir(plan.root))
    remote = open_remote_cache(remote_cache, remote_cache_mode, plan.root)
    outcome = explain_plan(plan, RunOptions(cache_dir=cache, remote=remote)).tasks[0]
    outcome.name = loaded.config.name  # as `run` reports it, not the file's stem
    return outcome
