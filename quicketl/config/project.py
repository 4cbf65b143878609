"""The project root (where relative data paths and `.quicketl-cache/` live) and its settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quicketl.errors import ConfigError, Problem
from quicketl.locations.paths import resolve_data_path
from quicketl.values import FrozenValue

if TYPE_CHECKING:
    from quicketl.config.yamlfile import YamlDoc

PROJECT_FILE = "quicketl.yml"
_ROOT_LISTS = ("allowed_output_roots", "allowed_input_roots")
# QuickETL 1.x project files carry these; they are accepted and left to the features using them.
_TOLERATED = (
    "name",
    "description",
    "version",
    "defaults",
    "environments",
    "profiles",
    "secrets",
    "plugins",
    "telemetry",
    "logging",
)


@dataclass(frozen=True, repr=False, eq=False)
class ProjectSettings(FrozenValue):
    """What `quicketl.yml` allows beyond the project root (absolute, resolved folders), and
    the run defaults it sets (None: not set; see config/defaults.py for their precedence)."""

    allowed_output_roots: tuple[Path, ...] = ()
    allowed_input_roots: tuple[Path, ...] = ()
    workers: int | None = None
    cache_dir: Path | None = None
    fail_fast: bool | None = None
    remote_cache: str | None = None  # a folder (relative to the root) or an s3:// URL
    remote_cache_mode: str | None = None
    variables: dict[str, str] = field(default_factory=dict)


def find_project_root(start: Path, cwd: Path | None = None) -> Path:
    """The nearest folder above `start` holding `quicketl.yml`, else the working directory."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    return (cwd or Path.cwd()).resolve()


def project_settings(root: Path) -> ProjectSettings:
    """The settings of `root/quicketl.yml` (defaults without one); ConfigError if malformed."""
    path = root / PROJECT_FILE
    if not path.is_file():
        return ProjectSettings()
    from quicketl.config.yamlfile import load_yaml_file  # YAML loads only when a file exists

    doc = load_yaml_file(path)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError([doc.problem((), "the project file must be a mapping of settings")])
    problems = _unknown_keys(doc, data)
    roots = {key: _roots(doc, data.get(key), key, root, problems) for key in _ROOT_LISTS}
    from quicketl.config.defaults import read_run_defaults

    defaults = read_run_defaults(doc, data, root, problems)
    if problems:
        raise ConfigError(problems)
    return ProjectSettings(roots["allowed_output_roots"], roots["allowed_input_roots"], **defaults)


def _unknown_keys(doc: YamlDoc, data: dict[Any, Any]) -> list[Problem]:
    from quicketl.config.defaults import DEFAULT_KEYS
    from quicketl.config.suggest import did_you_mean

    known = (*_ROOT_LISTS, *DEFAULT_KEYS, *_TOLERATED)
    return [
        doc.problem((str(key),), f"unknown setting '{key}'{did_you_mean(str(key), known)}")
        for key in data
        if str(key) not in known
    ]


def _roots(
    doc: YamlDoc, value: Any, key: str, root: Path, problems: list[Problem]
) -> tuple[Path, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    found: list[Path] = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            loc = (key, index) if isinstance(value, list) else (key,)
            problems.append(doc.problem(loc, "give a folder path (a non-empty string)"))
            continue
        found.append(Path(os.path.realpath(resolve_data_path(item, root))))
    return tuple(found)
