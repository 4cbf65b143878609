"""A valid pipeline, summarised: what it reads, how many steps and checks, what it writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from quicketl.config.pipeline import PipelineConfig
    from quicketl.config.sinks import Sink
    from quicketl.config.sources import Source

Fact = tuple[str, str]


def describe_pipeline(config: PipelineConfig) -> list[Fact]:
    """(label, description) pairs for each source, the transforms, the checks and the sink."""
    sources = config.named_sources()
    facts = [(_source_label(name, config), describe_io(src)) for name, src in sources.items()]
    ops = ", ".join(step.op for step in config.transforms) or "none"
    facts.append(("transforms", f"{len(config.transforms)} ({ops})"))
    facts.append(("checks", str(len(config.checks))))
    facts.append(("sink", describe_io(config.sink)))
    return facts


def _source_label(name: str, config: PipelineConfig) -> str:
    return f"source {name}" if config.sources else "source"


def describe_io(item: Source | Sink) -> str:
    """`file data/x.csv (csv)` or `database duckdb:///w.duckdb: table sales`."""
    from quicketl.config.sinks import FileSink
    from quicketl.config.sources import FileSource

    if isinstance(item, FileSource | FileSink):
        return f"file {item.path} ({item.resolved_format})"
    target = f"table {item.table}" if item.table else "query"
    return f"database {item.connection}: {target}"


def render_validation(console: Console, name: str, path: str, facts: list[Fact]) -> None:
    console.print(Text(f"Pipeline '{name}' is valid ({path})", style="bold green"))
    width = max(len(label) for label, _ in facts) + 2
    for label, text in facts:
        console.print(Text.assemble("  ", (label.ljust(width), "dim"), text), soft_wrap=True)


def validation_document(config: PipelineConfig, path: str) -> dict[str, Any]:
    """`validate --json` of a valid pipeline; counts are numbers, as in every JSON document."""
    sources = config.named_sources()
    summary = {
        "sources": {name: describe_io(src) for name, src in sources.items()},
        "transforms": len(config.transforms),
        "ops": [step.op for step in config.transforms],
        "checks": len(config.checks),
        "sink": describe_io(config.sink),
    }
    return {"status": "valid", "pipeline": config.name, "file": path, "summary": summary}
