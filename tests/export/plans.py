"""Hand-built `Plan`s by shape, so export tests need neither the planner nor any YAML."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quicketl.plan.model import Edge, Plan, StageInfo, Task

ROOT = Path("/project")


@dataclass
class Stage:
    """A stage as a test declares it: pipeline names, plus how it is wired."""

    name: str
    pipelines: Sequence[str]
    depends_on: Sequence[str] = ()
    parallel: bool = True
    description: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)


def make_plan(
    name: str,
    stages: Sequence[Stage],
    *,
    lineage: Sequence[tuple[str, str]] = (),
    variables: Mapping[str, Any] | None = None,
    description: str | None = None,
    workflow: str = "workflows/wf.yml",
    io: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
) -> Plan:
    """A Plan whose edges follow quicketl's rules: depends_on, order in serial stages, lineage."""
    tasks = [_task(stage, pipeline, io or {}) for stage in stages for pipeline in stage.pipelines]
    edges = _edges(stages, lineage)
    return Plan(
        name=name,
        root=ROOT,
        workflow_path=ROOT / workflow,
        tasks=tuple(tasks),
        edges=tuple(edges),
        stages=tuple(_stage_info(stage) for stage in stages),
        variables=dict(variables or {}),
        description=description,
    )


def _task(
    stage: Stage, pipeline: str, io: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
) -> Task:
    file = stage.files.get(pipeline, f"pipelines/{stage.name}/{pipeline}.yml")
    inputs, outputs = io.get(f"{stage.name}.{pipeline}", ((), ()))
    return Task(
        id=f"{stage.name}.{pipeline}",
        stage=stage.name,
        name=pipeline,
        pipeline_path=ROOT / file,
        config={},
        variables={},
        used_vars={},
        inputs=inputs,
        outputs=outputs,
    )


def _stage_info(stage: Stage) -> StageInfo:
    return StageInfo(
        name=stage.name,
        task_ids=tuple(f"{stage.name}.{p}" for p in stage.pipelines),
        depends_on=tuple(stage.depends_on),
        parallel=stage.parallel,
        description=stage.description,
    )


def _edges(stages: Sequence[Stage], lineage: Sequence[tuple[str, str]]) -> list[Edge]:
    by_name = {s.name: s for s in stages}
    edges: list[Edge] = []
    for stage in stages:
        for upstream_stage in stage.depends_on:
            for up in by_name[upstream_stage].pipelines:
                edges += [
                    Edge(f"{upstream_stage}.{up}", f"{stage.name}.{down}", "depends_on")
                    for down in stage.pipelines
                ]
        if not stage.parallel:
            ids = [f"{stage.name}.{p}" for p in stage.pipelines]
            edges += [Edge(a, b, "order") for a, b in itertools.pairwise(ids)]
    edges += [Edge(up, down, "lineage") for up, down in lineage]
    return edges


def medallion() -> Plan:
    """examples/medallion as the planner sees it: bronze (3, parallel) -> silver (2)."""
    return make_plan(
        "medallion_etl",
        [
            Stage("bronze", ["ingest_users", "ingest_events", "ingest_payments"]),
            Stage("silver", ["clean_users", "clean_events"], depends_on=["bronze"]),
        ],
        description="Bronze -> Silver data pipeline",
        workflow="workflows/medallion.yml",
        io=MEDALLION_IO,
    )


MEDALLION_IO = {
    "bronze.ingest_users": (("data/raw/users.csv",), ("output/bronze/users.parquet",)),
    "bronze.ingest_events": (("data/raw/events.csv",), ("output/bronze/events.parquet",)),
    "bronze.ingest_payments": (("data/raw/payments.csv",), ("output/bronze/payments.parquet",)),
    "silver.clean_users": (("output/bronze/users.parquet",), ("output/silver/users.parquet",)),
    "silver.clean_events": (
        ("output/bronze/events.parquet", "output/bronze/users.parquet"),
        ("output/silver/events.parquet",),
    ),
}


def linear_three(**kwargs: Any) -> Plan:
    """a -> b -> c in one serial stage."""
    return make_plan("linear_three", [Stage("main", ["a", "b", "c"], parallel=False)], **kwargs)


def diamond() -> Plan:
    """top -> (left, right) -> bottom, in three stages, declared out of dependency order."""
    return make_plan(
        "diamond",
        [
            Stage("bottom", ["join"], depends_on=["middle"]),
            Stage("middle", ["left", "right"], depends_on=["top"]),
            Stage("top", ["source"]),
        ],
    )


def lineage_only() -> Plan:
    """Two independent stages tied only by lineage: one task edge, not all-to-all."""
    return make_plan(
        "lineage_only",
        [Stage("load", ["users", "orders"]), Stage("report", ["by_user", "by_day"])],
        lineage=[("load.users", "report.by_user")],
    )


AWKWARD_NAMES = [
    "ingest-users",
    "ingest_users",
    "ingest.users",
    "ingest users",
    'it\'s "quoted"',
    "données_clients",
    "数据",
    "class",
    "123start",
    "{{ ds }}",
    "a\nb\\c",
    "'''; import os; os.system('echo pwned') #",
    "print",
    "DAG",
    "run_quicketl",
    "variables",
    "_",
    "",
    "x" * 300,
]


def awkward() -> Plan:
    """Every awkward name in two stages, the same file referenced from both, odd variables."""
    shared = {"ingest-users": "pipelines/shared.yml"}
    return make_plan(
        'my workflow: "awkward" ünïcode/ok',
        [
            Stage("bronze-1", AWKWARD_NAMES, files=shared, description='tip "quoted"\n'),
            Stage("bronze 1", ["ingest-users"], depends_on=["bronze-1"], files=shared),
            Stage(
                "silver.é",
                ["ingest-users", "ingest_users"],
                depends_on=["bronze 1"],
                parallel=False,
                files=shared,
            ),
        ],
        lineage=[("bronze-1.données_clients", "silver.é.ingest_users")],
        variables={
            "run-date": "2025-01-15",
            "limit": 10,
            "ratio": 0.5,
            "dry run": True,
            "quote'\"": 'it\'s "x"\n',
            "variables": "shadow",
            "nothing": None,
        },
        description='"""Docstring breaker"""\n\'\'\' and {{ jinja }} and {% raw %}',
    )
