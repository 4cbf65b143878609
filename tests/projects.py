"""Small real projects on disk for plan and execute tests: CSV in, parquet out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quicketl.config.loader import LoadedPipeline, pipeline_from_doc
from quicketl.config.variables import VariableScope
from quicketl.config.yamlfile import load_yaml_text


@dataclass
class Project:
    root: Path

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def csv(self, relpath: str, rows: int = 3, salt: str = "a") -> Path:
        lines = ["id,value"] + [f"{i},{salt}{i}" for i in range(rows)]
        return self.write(relpath, "\n".join(lines) + "\n")

    def pipeline(self, name: str, reads: list[str] | str, writes: str, **extra: Any) -> str:
        """A pipeline reading one or more files (joined by `id`) and writing `writes`."""
        reads = [reads] if isinstance(reads, str) else reads
        doc: dict[str, Any] = {"name": name}
        if len(reads) == 1:
            doc["source"] = {"type": "file", "path": reads[0]}
        else:
            doc["sources"] = {f"s{i}": {"type": "file", "path": p} for i, p in enumerate(reads)}
            doc["transforms"] = [
                {"op": "union", "sources": [f"s{i}" for i in range(1, len(reads))]}
            ]
        doc["sink"] = {"type": "file", "path": writes}
        doc.update(extra)
        relpath = f"pipelines/{name}.yml"
        self.write(relpath, yaml.safe_dump(doc, sort_keys=False))
        return relpath

    def workflow(self, stages: list[dict[str, Any]], name: str = "wf", **extra: Any) -> Path:
        doc = {"name": name, **extra, "stages": stages}
        return self.write("workflows/wf.yml", yaml.safe_dump(doc, sort_keys=False))


def new_project(tmp_path: Path) -> Project:
    (tmp_path / "quicketl.yml").write_text("name: test\n")
    return Project(tmp_path)


def linear_three(project: Project) -> Path:
    """raw -> a -> b -> c, one stage each."""
    project.csv("data/raw.csv")
    project.pipeline("a", "data/raw.csv", "out/a.parquet")
    project.pipeline("b", "out/a.parquet", "out/b.parquet")
    project.pipeline("c", "out/b.parquet", "out/c.parquet")
    return project.workflow(
        [
            {"name": "s1", "pipelines": [{"path": "pipelines/a.yml"}]},
            {"name": "s2", "depends_on": ["s1"], "pipelines": [{"path": "pipelines/b.yml"}]},
            {"name": "s3", "depends_on": ["s2"], "pipelines": [{"path": "pipelines/c.yml"}]},
        ]
    )


def diamond(project: Project) -> Path:
    """top -> (left, right) -> bottom."""
    project.csv("data/raw.csv")
    project.pipeline("top", "data/raw.csv", "out/top.parquet")
    project.pipeline("left", "out/top.parquet", "out/left.parquet")
    project.pipeline("right", "out/top.parquet", "out/right.parquet")
    project.pipeline("bottom", ["out/left.parquet", "out/right.parquet"], "out/bottom.parquet")
    return project.workflow(
        [
            {"name": "first", "pipelines": ["pipelines/top.yml"]},
            {
                "name": "middle",
                "depends_on": ["first"],
                "parallel": True,
                "pipelines": ["pipelines/left.yml", "pipelines/right.yml"],
            },
            {"name": "last", "depends_on": ["middle"], "pipelines": ["pipelines/bottom.yml"]},
        ]
    )


def pipeline_from_text(text: str, path: Path, scope: VariableScope, root: Path) -> LoadedPipeline:
    """Validate `text` as the pipeline file `path` (never written) of the project `root`."""
    return pipeline_from_doc(load_yaml_text(text, path), scope, root)
