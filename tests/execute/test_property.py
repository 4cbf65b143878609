"""Random DAGs, random edits: what re-runs equals what an independent oracle says must.

The oracle knows nothing of keys, records or reasons. It knows the DAG it generated, which
task an edit touches directly (the edited pipeline, the readers of an edited raw file, the
users of a changed variable, the writer of a deleted or hand-edited output), and which
outputs' bytes differ between the end of the first run and the end of the second. A task
must run exactly when it is touched directly or one of the outputs it reads changed bytes.
A second, equally independent model computes each output's rows in plain Python.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projects import new_project

from .support import explain, pipeline_doc, reformat, rows, run, touch, write_yaml

VAR_DEFAULT = 6


@dataclass(frozen=True)
class TaskSpec:
    reads: tuple[str, ...]  # "r0" (a raw CSV) or "t2" (another task's output)
    limit: int
    uses_var: bool


@dataclass(frozen=True)
class Spec:
    raws: tuple[tuple[int, ...], ...]
    tasks: tuple[TaskSpec, ...]
    layout: str  # "stages" (one per task, depends_on), "parallel" or "sequential" (one stage)

    def names(self) -> list[str]:
        return [f"t{i}" for i in range(len(self.tasks))]


@dataclass(frozen=True)
class Edit:
    kind: str
    target: str = ""
    value: int = 0


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    raws = tuple(
        tuple(draw(st.lists(st.integers(0, 9), min_size=1, max_size=4)))
        for _ in range(draw(st.integers(1, 2)))
    )
    tasks = []
    for index in range(draw(st.integers(2, 6))):
        sources = [f"r{j}" for j in range(len(raws))] + [f"t{j}" for j in range(index)]
        reads = draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3, unique=True))
        tasks.append(TaskSpec(tuple(reads), draw(st.integers(0, 12)), draw(st.booleans())))
    layout = draw(st.sampled_from(["stages", "parallel", "sequential"]))
    return Spec(raws, tuple(tasks), layout)


def edits(spec: Spec) -> st.SearchStrategy[Edit]:
    raw = st.sampled_from([f"r{j}" for j in range(len(spec.raws))])
    task = st.sampled_from(spec.names())
    return st.one_of(
        st.builds(Edit, st.just("raw_content"), raw, st.integers(0, 14)),
        st.builds(Edit, st.just("raw_touch"), raw),
        st.builds(Edit, st.just("output_touch"), task),
        st.builds(Edit, st.just("var"), value=st.integers(0, 12)),
        st.builds(Edit, st.just("reformat"), task),
        st.builds(Edit, st.just("reformat_workflow")),
        st.builds(Edit, st.just("config"), task, st.integers(0, 3)),
        st.builds(Edit, st.just("output_delete"), task),
        st.builds(Edit, st.just("output_edit"), task),
    )


# --- the project on disk ----------------------------------------------------------------


def raw_path(name: str) -> str:
    return f"data/{name}.csv"


def out_path(name: str) -> str:
    return f"out/{name}.parquet"


def path_of(source: str) -> str:
    return raw_path(source) if source.startswith("r") else out_path(source)


def predicate(task: TaskSpec, extra: int | None = None) -> str:
    text = "id < ${LIMIT}" if task.uses_var else f"id < {task.limit}"
    return text if extra is None else f"({text}) AND id >= {extra}"


def write_raw(root: Path, name: str, ids: list[int]) -> None:
    lines = ["id,value", *(f"{i},{name}_{i}" for i in ids)]
    (root / raw_path(name)).write_text("\n".join(lines) + "\n")


def write_pipeline(root: Path, spec: Spec, name: str, extra: int | None = None) -> None:
    task = spec.tasks[int(name[1:])]
    reads = [path_of(source) for source in task.reads]
    doc = pipeline_doc(name, reads, out_path(name), predicate(task, extra))
    write_yaml(root / f"pipelines/{name}.yml", doc)


def build(root: Path, spec: Spec) -> Path:
    project = new_project(root)
    (root / "data").mkdir()
    for j, ids in enumerate(spec.raws):
        write_raw(root, f"r{j}", list(ids))
    for name in spec.names():
        write_pipeline(root, spec, name)
    refs = [f"pipelines/{name}.yml" for name in spec.names()]
    if spec.layout == "stages":
        stages: list[dict[str, Any]] = []
        for name, task in zip(spec.names(), spec.tasks, strict=True):
            ups = sorted({f"st_{s}" for s in task.reads if s.startswith("t")})
            stages.append(
                {"name": f"st_{name}", "depends_on": ups, "pipelines": [refs[len(stages)]]}
            )
    else:
        stages = [{"name": "all", "parallel": spec.layout == "parallel", "pipelines": refs}]
    return project.workflow(stages, variables={"LIMIT": VAR_DEFAULT})


# --- the edits --------------------------------------------------------------------------


def apply(root: Path, spec: Spec, edit: Edit) -> dict[str, str]:
    """Make the edit on disk; returns the --var overrides for the next run."""
    if edit.kind == "raw_content":
        with (root / raw_path(edit.target)).open("a") as stream:
            stream.write(f"{edit.value},{edit.target}_{edit.value}\n")
    elif edit.kind == "raw_touch":
        touch(root / raw_path(edit.target))
    elif edit.kind == "output_touch":
        touch(root / out_path(edit.target))
    elif edit.kind == "var":
        return {"LIMIT": str(edit.value)}
    elif edit.kind == "reformat":
        reformat(root / f"pipelines/{edit.target}.yml")
    elif edit.kind == "reformat_workflow":
        reformat(root / "workflows/wf.yml")
    elif edit.kind == "config":
        write_pipeline(root, spec, edit.target, extra=edit.value)
    elif edit.kind == "output_delete":
        (root / out_path(edit.target)).unlink()
    elif edit.kind == "output_edit":
        target = root / out_path(edit.target)
        with duckdb.connect() as conn:
            conn.execute(f"COPY (SELECT 999::BIGINT AS id, 'hand' AS value) TO '{target}'")
    return {}


# --- the oracle -------------------------------------------------------------------------


def touched_directly(spec: Spec, edit: Edit) -> set[str]:
    if edit.kind == "raw_content":
        return {n for n, t in zip(spec.names(), spec.tasks, strict=True) if edit.target in t.reads}
    if edit.kind == "var" and edit.value != VAR_DEFAULT:
        return {n for n, t in zip(spec.names(), spec.tasks, strict=True) if t.uses_var}
    if edit.kind in ("config", "output_delete", "output_edit"):
        return {edit.target}
    return set()  # touches, reformats, and a variable set to the value it had


def must_run(spec: Spec, edit: Edit, before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    direct = touched_directly(spec, edit)
    return {
        name
        for name, task in zip(spec.names(), spec.tasks, strict=True)
        if name in direct or any(before[s] != after[s] for s in task.reads if s.startswith("t"))
    }


def expected_rows(
    root: Path, spec: Spec, edit: Edit, limit: int
) -> dict[str, Counter[tuple[Any, ...]]]:
    """Each output's rows, computed in Python from the raw files as they are now."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for j in range(len(spec.raws)):
        lines = (root / raw_path(f"r{j}")).read_text().splitlines()[1:]
        tables[f"r{j}"] = [(int(i), v) for i, v in (line.split(",") for line in lines)]
    for name, task in zip(spec.names(), spec.tasks, strict=True):
        bound = limit if task.uses_var else task.limit
        low = edit.value if edit.kind == "config" and edit.target == name else 0
        tables[name] = [row for s in task.reads for row in tables[s] if low <= row[0] < bound]
    return {name: Counter(tables[name]) for name in spec.names()}


def output_bytes(root: Path, spec: Spec) -> dict[str, bytes]:
    return {name: (root / out_path(name)).read_bytes() for name in spec.names()}


def by_name(result: Any) -> dict[str, str]:
    return {t.name: t.status for t in result.tasks}


@settings(
    max_examples=int(os.environ.get("QUICKETL_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), spec=specs())
def test_what_reruns_is_what_the_oracle_says(
    tmp_path: Path, data: st.DataObject, spec: Spec
) -> None:
    edit = data.draw(edits(spec), label="edit")
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    workflow = build(root, spec)

    first = run(workflow)
    assert by_name(first) == dict.fromkeys(spec.names(), "ran"), first.tasks
    before = output_bytes(root, spec)

    overrides = apply(root, spec, edit)
    preview = by_name(explain(workflow, overrides))
    second = run(workflow, overrides)
    assert second.succeeded, [(t.task_id, t.error) for t in second.tasks]
    after = output_bytes(root, spec)

    # restored from the output store or run: either way the task produced its outputs again
    actual = {name for name, s in by_name(second).items() if s in ("ran", "restored")}
    assert actual == must_run(spec, edit, before, after)
    if edit.kind in ("raw_touch", "output_touch", "reformat", "reformat_workflow"):
        assert actual == set()
    assert {n for n, s in preview.items() if s == "would_run"} <= actual
    assert not {n for n, s in preview.items() if s == "up_to_date"} & actual

    limit = int(overrides.get("LIMIT", VAR_DEFAULT))
    expected = expected_rows(root, spec, edit, limit)
    for name in spec.names():
        assert Counter(rows(root / out_path(name))) == expected[name], name
    assert set(by_name(explain(workflow, overrides)).values()) == {"up_to_date"}
