"""The files `quicketl init` writes: a small project whose sample pipeline runs at once."""

from __future__ import annotations

import re
from pathlib import Path

from quicketl.api import PROJECT_FILE, ConfigError, Problem, find_project_root

_PIPELINE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

SAMPLE_CSV = """\
order_id,customer,region,amount,status,order_date
1,alice,north,120.50,completed,2025-01-03
2,bob,south,75.00,completed,2025-01-03
3,carol,north,42.25,cancelled,2025-01-04
4,dave,east,310.00,completed,2025-01-05
5,erin,south,18.90,completed,2025-01-05
6,frank,east,99.99,pending,2025-01-06
7,grace,north,250.00,completed,2025-01-07
8,heidi,west,60.00,completed,2025-01-07
"""

PIPELINE_TEMPLATE = """\
# A quicketl pipeline: read a source, transform it, check it, write a sink.
# Run it from the project folder with:  quicketl run pipelines/{name}.yml
name: {name}
description: Completed sample orders, totalled per region.

source:
  type: file
  path: data/sample.csv      # relative paths resolve against the project root
  format: csv

transforms:
  - op: filter
    predicate: status = 'completed'
  - op: derive_column
    name: amount_with_tax
    expr: round(amount * 1.2, 2)
  - op: aggregate
    group_by: [region]
    aggs:
      orders: count(*)
      revenue: sum(amount_with_tax)
  - op: sort
    by: [region]

checks:
  - type: not_null
    columns: [region, revenue]
  - type: row_count
    min: 1

sink:
  type: file
  path: output/{name}.csv
  format: csv
"""

PROJECT_TEMPLATE = """\
# The quicketl project file. Its folder is the project root: relative data paths in
# pipelines resolve against it, and the .quicketl-cache/ folder lives in it.
name: {name}
"""

README_TEMPLATE = """\
# {name}

A quicketl project. Run the sample pipeline from this folder:

    quicketl run pipelines/sample.yml

It reads `data/sample.csv`, keeps the completed orders, totals them per region, checks the
result and writes `output/sample.csv`. Check a pipeline without running it:

    quicketl validate pipelines/sample.yml

Add another pipeline with `quicketl init NAME --pipeline`.
"""

GITIGNORE = ".quicketl-cache/\noutput/\n"


def project_files(name: str) -> dict[str, str]:
    """Relative path to content for a new project called `name`."""
    return {
        PROJECT_FILE: PROJECT_TEMPLATE.format(name=name),
        "data/sample.csv": SAMPLE_CSV,
        "pipelines/sample.yml": PIPELINE_TEMPLATE.format(name="sample"),
        "README.md": README_TEMPLATE.format(name=name),
        ".gitignore": GITIGNORE,
    }


def write_project(folder: Path, *, force: bool) -> list[Path]:
    """Scaffold a project in `folder` (created if needed); refuses to overwrite unless forced."""
    name = folder.resolve().name or "quicketl_project"
    return _write_all(folder, project_files(name), force=force)


def write_pipeline(cwd: Path, name: str | None, *, force: bool) -> list[Path]:
    """Write `pipelines/NAME.yml` into the project that holds `cwd`."""
    if not name or not _PIPELINE_NAME.match(name):
        raise ConfigError(
            f"--pipeline needs a NAME of letters, digits, '_' or '-' (got {name or 'none'})"
        )
    root = find_project_root(cwd, cwd=cwd)
    files = {f"pipelines/{name}.yml": PIPELINE_TEMPLATE.format(name=name)}
    return [shown_path(path, cwd) for path in _write_all(root, files, force=force)]


def shown_path(path: Path, cwd: Path) -> Path:
    """`path` relative to the working directory when it is inside it, else as it is."""
    try:
        return path.resolve().relative_to(cwd.resolve())
    except ValueError:
        return path


def _write_all(folder: Path, files: dict[str, str], *, force: bool) -> list[Path]:
    targets = {folder / relative: text for relative, text in files.items()}
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise ConfigError(
            [Problem("already exists; pass --force to overwrite", str(p)) for p in existing]
        )
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)


def next_steps(written: list[Path], *, pipeline_only: bool) -> str:
    """The hint printed after `init`: the command that runs what was just written."""
    if pipeline_only:
        return f"\nRun it with:  quicketl run {written[0]}"
    folder = written[0].parent
    run = "quicketl run pipelines/sample.yml"
    if folder.resolve() == Path.cwd().resolve():
        return f"\nRun the sample pipeline with:  {run}"
    return f"\nRun the sample pipeline with:  cd {folder} && {run}"
