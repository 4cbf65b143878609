"""A pipeline file given where a workflow belongs (or the reverse) is told which command to use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from quicketl.errors import ConfigError, Problem

if TYPE_CHECKING:
    from quicketl.config.yamlfile import YamlDoc

_PIPELINE_KEYS = ("source", "sources", "sink", "sinks", "transforms")


def require_kind(doc: YamlDoc, expected: Literal["pipeline", "workflow"]) -> None:
    """Refuse, in one sentence, a file that is plainly of the other kind."""
    found = _kind(doc)
    if found is None or found == expected:
        return
    path = doc.path.as_posix()
    prefix = "quicketl workflow" if found == "workflow" else "quicketl"
    message = (
        f"this is a {found} file, not a {expected}; use `{prefix} run {path}` "
        f"(or `{prefix} validate {path}`)"
    )
    raise ConfigError([Problem(message, str(doc.path))])


def _kind(doc: YamlDoc) -> Literal["pipeline", "workflow"] | None:
    """What the top-level keys say the file is; None when they do not say clearly."""
    data = doc.data
    if not isinstance(data, dict):
        return None
    keys = {str(key) for key in data}
    pipeline = bool(keys & set(_PIPELINE_KEYS))
    if "stages" in keys and not pipeline:
        return "workflow"
    if pipeline and "stages" not in keys:
        return "pipeline"
    return None
