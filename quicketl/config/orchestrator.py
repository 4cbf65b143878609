"""The `orchestrator:` block of a stage or pipeline entry: settings for generated DAGs/flows.

quicketl itself ignores them; `workflow generate` renders each where the target has the concept
(docs/export.md lists which).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, WithJsonSchema, field_validator

from quicketl.config.base import StrictModel, as_list, new_list
from quicketl.locations.lazy_pattern import lazy_pattern

_DURATION = lazy_pattern(r"(?P<number>[0-9]+)\s*(?P<unit>s|m|h|d)")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Editors accept what the validator below accepts: seconds, or a number and a unit.
_DURATION_SCHEMA = {
    "anyOf": [
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "string", "pattern": r"^\s*[0-9]+\s*[smhd]\s*$"},
        {"type": "null"},
    ],
    "default": None,
}
Duration = Annotated[int | None, WithJsonSchema(_DURATION_SCHEMA)]


class OrchestratorSettings(StrictModel):
    """Per-task settings for Airflow and Prefect; a pipeline entry's override its stage's."""

    pool: str | None = Field(default=None, min_length=1)
    priority_weight: int | None = None
    execution_timeout: Duration = Field(default=None, gt=0)  # seconds; `90s`, `30m`, `2h`
    retries: int | None = Field(default=None, ge=0)
    owner: str | None = Field(default=None, min_length=1)
    tags: list[str] = Field(default_factory=new_list)

    _tags = field_validator("tags", mode="before")(as_list)

    @field_validator("execution_timeout", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _DURATION.fullmatch(value.strip())
            if match is None:
                raise ValueError(
                    f"{value!r} is not a duration: give seconds, or a number with s, m, h or d"
                    " (`90s`, `30m`, `2h`)"
                )
            return int(match["number"]) * _SECONDS[match["unit"]]
        return value


def settings_by_task(stages: list[Any]) -> dict[str, dict[str, Any]]:
    """Task id -> its merged settings (a stage's block, then its pipeline entry's over it),
    for every task that has any; tags add up."""
    found: dict[str, dict[str, Any]] = {}
    for stage in stages:
        for ref in stage.pipelines:
            layers = [b for b in (stage.orchestrator, ref.orchestrator) if b is not None]
            if layers:
                found[f"{stage.name}.{ref.name or _stem(ref.path)}"] = _merge(layers)
    return found


def _merge(layers: list[OrchestratorSettings]) -> dict[str, Any]:
    merged: dict[str, Any] = {"tags": []}
    for layer in layers:
        values = layer.model_dump(exclude={"tags"})
        merged.update({key: value for key, value in values.items() if value is not None})
        merged["tags"] += [tag for tag in layer.tags if tag not in merged["tags"]]
    merged["tags"] = tuple(merged["tags"])
    return merged


def _stem(path: str) -> str:
    from pathlib import PurePath

    return PurePath(path).stem
