"""The project root: where relative data paths and `.quicketl-cache/` live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quicketl.errors import ConfigError, Problem

PROJECT_FILE = "quicketl.yml"
_ROOT_LISTS = ("allowed_output_roots", "allowed_input_roots")


@dataclass(frozen=True)
class ProjectSettings:
    """What `quicketl.yml` allows beyond the project root; folders resolved and absolute."""

    allowed_output_roots: tuple[Path, ...] = ()
    allowed_input_roots: tuple[Path, ...] = ()


def project_settings(root: Path) -> ProjectSettings:
    """The settings of `root/quicketl.yml` (defaults without one); a bad value is a ConfigError."""
    path = root / PROJECT_FILE
    if not path.is_file():
        return ProjectSettings()
    from quicketl.config.yamlfile import load_yaml_file  # YAML only when there is a file

    doc = load_yaml_file(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    problems: list[Problem] = []
    lists: dict[str, tuple[Path, ...]] = {}
    for key in _ROOT_LISTS:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(doc.problem((key,), "expected a list of folder paths"))
            continue
        lists[key] = tuple(_absolute(entry, root) for entry in value)
    if problems:
        raise ConfigError(problems)
    return ProjectSettings(**lists)


def _absolute(entry: str, root: Path) -> Path:
    """A folder from the project file: `~` expanded, relative to the root, `..` resolved."""
    return (root / Path(entry).expanduser()).resolve()


def find_project_root(start: Path, cwd: Path | None = None) -> Path:
    """The nearest folder above `start` holding `quicketl.yml`, else the working directory."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    return (cwd or Path.cwd()).resolve()


def resolve_data_path(path: str, root: Path) -> Path:
    """A data path from a pipeline, relative to the project root unless absolute."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else root / candidate
