"""The project root: where relative data paths and `.quicketl-cache/` live."""

from __future__ import annotations

from pathlib import Path

PROJECT_FILE = "quicketl.yml"


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
