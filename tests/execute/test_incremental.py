"""Incremental runs: what re-runs after each kind of change, and the reason it gives."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from projects import Project, diamond, linear_three, new_project

from quicketl.errors import ConfigError, EngineError

from .support import (
    cli,
    explain,
    json_tasks,
    pipeline_doc,
    ran,
    reasons,
    records,
    reformat,
    restored,
    rows,
    run,
    statuses,
    touch,
    write_yaml,
)

SHAPES: dict[str, Callable[[Project], Path]] = {"linear_three": linear_three, "diamond": diamond}
LINEAR = ["s1.a", "s2.b", "s3.c"]
DIAMOND = ["first.top", "middle.left", "middle.right", "last.bottom"]


def built(tmp_path: Path, shape: str) -> tuple[Project, Path]:
    """A project of the given shape, run once."""
    project = new_project(tmp_path)
    workflow = SHAPES[shape](project)
    result = run(workflow)
    assert result.succeeded, [(t.task_id, t.error) for t in result.tasks]
    return project, workflow


def add_raw_row(project: Project, row: str = "7,z7") -> None:
    with (project.root / "data/raw.csv").open("a", encoding="utf-8") as stream:
        stream.write(row + "\n")


def up_to_date(result: object, ids: list[str]) -> None:
    assert statuses(result) == dict.fromkeys(ids, "up_to_date")  # type: ignore[arg-type]


# --- first and second run ---------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_first_run_runs_every_task_because_it_never_ran(tmp_path: Path, shape: str) -> None:
    project = new_project(tmp_path)
    workflow = SHAPES[shape](project)
    result = run(workflow)
    ids = LINEAR if shape == "linear_three" else DIAMOND
    assert statuses(result) == dict.fromkeys(ids, "ran")
    assert reasons(result) == {task_id: ["never run"] for task_id in ids}
    assert set(records(tmp_path)) == set(ids)
    last = "out/c.parquet" if shape == "linear_three" else "out/bottom.parquet"
    expected = [(0, "a0"), (1, "a1"), (2, "a2")]
    assert rows(tmp_path / last) == (expected if shape == "linear_three" else sorted(expected * 2))


@pytest.mark.parametrize("shape", SHAPES)
def test_second_run_is_all_up_to_date_and_rewrites_nothing(tmp_path: Path, shape: str) -> None:
    _, workflow = built(tmp_path, shape)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    result = run(workflow)
    ids = LINEAR if shape == "linear_three" else DIAMOND
    up_to_date(result, ids)
    assert reasons(result) == {task_id: ["up to date"] for task_id in ids}
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()} == before


# --- input changes ----------------------------------------------------------------------


def test_changed_raw_input_reruns_its_reader_and_everything_fed_by_it(tmp_path: Path) -> None:
    project, workflow = built(tmp_path, "linear_three")
    add_raw_row(project)
    result = run(workflow)
    assert statuses(result) == dict.fromkeys(LINEAR, "ran")
    assert reasons(result) == {
        "s1.a": ["input data/raw.csv changed"],
        "s2.b": ["input out/a.parquet changed"],
        "s3.c": ["input out/b.parquet changed"],
    }
    assert (7, "z7") in rows(tmp_path / "out/c.parquet")


def test_changed_raw_input_reruns_the_whole_diamond(tmp_path: Path) -> None:
    project, workflow = built(tmp_path, "diamond")
    add_raw_row(project)
    result = run(workflow)
    assert statuses(result) == dict.fromkeys(DIAMOND, "ran")
    assert reasons(result)["last.bottom"] == [
        "input out/left.parquet changed",
        "input out/right.parquet changed",
    ]
    assert rows(tmp_path / "out/bottom.parquet").count((7, "z7")) == 2


@pytest.mark.parametrize("touched", ["data/raw.csv", "out/a.parquet", "out/c.parquet"])
def test_touched_file_with_the_same_bytes_reruns_nothing(tmp_path: Path, touched: str) -> None:
    _, workflow = built(tmp_path, "linear_three")
    touch(tmp_path / touched)
    up_to_date(run(workflow), LINEAR)
    up_to_date(run(workflow), LINEAR)  # and the re-hash was remembered, not a one-off


def test_yaml_reformat_reruns_nothing(tmp_path: Path) -> None:
    _, workflow = built(tmp_path, "diamond")
    files = [workflow, *sorted((tmp_path / "pipelines").glob("*.yml"))]
    texts = {path: path.read_text() for path in files}
    for path in files:
        reformat(path)
    assert all(path.read_text() != texts[path] for path in files)
    assert "# reformatted by hand" in (tmp_path / "pipelines/bottom.yml").read_text()
    assert explain(workflow).count("up_to_date") == 4
    up_to_date(run(workflow), DIAMOND)


def test_reformat_with_anchors_and_block_strings_reruns_nothing(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv", rows=5)
    path = tmp_path / "pipelines/f.yml"
    path.parent.mkdir()
    path.write_text(
        "name: f\nsource: {path: data/raw.csv}\n"
        "transforms:\n  - {op: filter, predicate: 'id < 3'}\nsink: {path: out/f.parquet}\n"
    )
    workflow = project.workflow([{"name": "only", "pipelines": ["pipelines/f.yml"]}])
    run(workflow)
    path.write_text(
        "# same meaning, other spelling\n"
        'sink:\n  path: &out "out/f.parquet"\n'
        "transforms:\n  - predicate: >-\n      id < 3\n    op: filter\n"
        "source:\n  path: data/raw.csv   # trailing comment\n"
        "name: 'f'\n"
    )
    up_to_date(run(workflow), ["only.f"])


# --- variables and config ---------------------------------------------------------------


def var_diamond(project: Project) -> Path:
    """diamond where only `left` uses ${LIMIT}; the workflow also defines an unused ${OTHER}."""
    diamond(project)
    project.csv("data/raw.csv", rows=6)
    doc = pipeline_doc("left", ["out/top.parquet"], "out/left.parquet", "id < ${LIMIT}")
    write_yaml(project.root / "pipelines/left.yml", doc)
    text = project.root / "workflows/wf.yml"
    text.write_text(
        text.read_text().replace("name: wf\n", "name: wf\nvariables:\n  LIMIT: 5\n  OTHER: x\n")
    )
    return text


def test_variable_change_reruns_only_the_pipelines_using_it(tmp_path: Path) -> None:
    workflow = var_diamond(new_project(tmp_path))
    assert run(workflow).succeeded
    result = run(workflow, {"LIMIT": "2"})
    assert statuses(result) == {
        "first.top": "up_to_date",
        "middle.left": "ran",
        "middle.right": "up_to_date",
        "last.bottom": "ran",
    }
    assert "var LIMIT: 5 -> 2" in reasons(result)["middle.left"]
    assert reasons(result)["last.bottom"] == ["input out/left.parquet changed"]
    assert rows(tmp_path / "out/left.parquet") == [(0, "a0"), (1, "a1")]


def test_changing_an_unused_variable_reruns_nothing(tmp_path: Path) -> None:
    workflow = var_diamond(new_project(tmp_path))
    assert run(workflow).succeeded
    up_to_date(run(workflow, {"OTHER": "y"}), DIAMOND)


def test_variable_set_back_to_its_old_value_is_up_to_date_again(tmp_path: Path) -> None:
    """Set back, the old key's outputs are still in the output store: restored, not run."""
    workflow = var_diamond(new_project(tmp_path))
    run(workflow)
    run(workflow, {"LIMIT": "2"})
    result = run(workflow)
    assert restored(result) == {"middle.left", "last.bottom"} and not ran(result)
    assert "var LIMIT: 2 -> 5" in reasons(result)["middle.left"]
    up_to_date(run(workflow), DIAMOND)


def test_config_change_names_the_field_that_changed(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    linear_three(project)
    project.csv("data/raw.csv", rows=6)
    doc = pipeline_doc("b", ["out/a.parquet"], "out/b.parquet", "id < 4")
    write_yaml(tmp_path / "pipelines/b.yml", doc)
    workflow = tmp_path / "workflows/wf.yml"
    run(workflow)
    doc["transforms"][0]["predicate"] = "id < 3"
    write_yaml(tmp_path / "pipelines/b.yml", doc)
    result = run(workflow)
    assert statuses(result) == {"s1.a": "up_to_date", "s2.b": "ran", "s3.c": "ran"}
    assert reasons(result)["s2.b"] == ["config changed: transforms[0].predicate"]
    assert rows(tmp_path / "out/c.parquet") == [(0, "a0"), (1, "a1"), (2, "a2")]


# --- outputs changed outside quicketl ---------------------------------------------------


def test_deleted_output_is_restored_by_its_writer_only(tmp_path: Path) -> None:
    _, workflow = built(tmp_path, "linear_three")
    (tmp_path / "out/b.parquet").unlink()
    result = run(workflow)
    assert statuses(result) == {"s1.a": "up_to_date", "s2.b": "restored", "s3.c": "up_to_date"}
    assert reasons(result)["s2.b"][0].startswith("restored from the local cache")
    assert reasons(result)["s2.b"][1:] == ["output out/b.parquet missing"]
    assert rows(tmp_path / "out/b.parquet") == [(0, "a0"), (1, "a1"), (2, "a2")]


@pytest.mark.parametrize("store", ["kept", "cleaned"])
def test_output_edited_by_hand_is_rebuilt(tmp_path: Path, store: str) -> None:
    """From the output store when it holds the output, else by running the task."""
    _, workflow = built(tmp_path, "linear_three")
    if store == "cleaned":
        shutil.rmtree(tmp_path / ".quicketl-cache/objects")
    target = tmp_path / "out/b.parquet"
    with duckdb.connect() as conn:
        conn.execute(f"COPY (SELECT 99 AS id, 'hand' AS value) TO '{target}' (FORMAT parquet)")
    result = run(workflow)
    status = "restored" if store == "kept" else "ran"
    assert statuses(result) == {"s1.a": "up_to_date", "s2.b": status, "s3.c": "up_to_date"}
    assert reasons(result)["s2.b"][-1] == "output out/b.parquet changed outside quicketl"
    assert rows(target) == [(0, "a0"), (1, "a1"), (2, "a2")]


def test_force_reruns_everything_with_the_reason_force(tmp_path: Path) -> None:
    _, workflow = built(tmp_path, "diamond")
    result = run(workflow, force=True)
    assert statuses(result) == dict.fromkeys(DIAMOND, "ran")
    assert reasons(result) == {task_id: ["--force"] for task_id in DIAMOND}
    up_to_date(run(workflow), DIAMOND)


# --- early cutoff -----------------------------------------------------------------------


def cutoff_chain(project: Project) -> Path:
    """linear_three where `a` keeps only `id < 100`."""
    linear_three(project)
    doc = pipeline_doc("a", ["data/raw.csv"], "out/a.parquet", "id < 100")
    write_yaml(project.root / "pipelines/a.yml", doc)
    return project.root / "workflows/wf.yml"


def test_early_cutoff_upstream_rewriting_identical_bytes_skips_dependents(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    workflow = cutoff_chain(project)
    run(workflow)
    add_raw_row(project, "500,big")
    result = run(workflow)
    assert statuses(result) == {"s1.a": "ran", "s2.b": "up_to_date", "s3.c": "up_to_date"}
    assert reasons(result)["s1.a"] == ["input data/raw.csv changed"]
    assert reasons(result)["s2.b"] == ["up to date"]
    up_to_date(run(workflow), LINEAR)


def test_early_cutoff_is_previewed_as_may_run(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = cutoff_chain(project)
    run(workflow)
    add_raw_row(project, "500,big")
    preview = explain(workflow)
    assert statuses(preview) == {"s1.a": "would_run", "s2.b": "may_run", "s3.c": "may_run"}
    assert reasons(preview)["s2.b"] == [
        "upstream s1.a re-runs (skipped if its output is unchanged)"
    ]


# --- status and --dry-run agree with the run that follows -------------------------------

EDITS: dict[str, Callable[[Path], None]] = {
    "nothing": lambda root: None,
    "raw row kept": lambda root: add_raw_row(Project(root), "3,a3"),
    "raw row filtered out": lambda root: add_raw_row(Project(root), "500,big"),
    "upstream output deleted": lambda root: (root / "out/top.parquet").unlink(),
    "leaf output deleted": lambda root: (root / "out/bottom.parquet").unlink(),
    "touch": lambda root: touch(root / "data/raw.csv"),
    "reformat": lambda root: reformat(root / "pipelines/left.yml"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_status_decisions_agree_with_the_following_run(tmp_path: Path, edit: str) -> None:
    project = new_project(tmp_path)
    workflow = diamond(project)
    write_yaml(
        tmp_path / "pipelines/top.yml",
        pipeline_doc("top", ["data/raw.csv"], "out/top.parquet", "id < 100"),
    )
    run(workflow)
    EDITS[edit](tmp_path)
    state_before = {k: r.key for k, r in records(tmp_path).items()}
    decided = statuses(explain(workflow))
    assert {k: r.key for k, r in records(tmp_path).items()} == state_before, "dry run wrote"
    actual = statuses(run(workflow))
    for task_id, decision in decided.items():
        allowed = {"would_run": {"ran", "restored"}, "up_to_date": {"up_to_date"}}.get(
            decision, {"ran", "restored", "up_to_date"}
        )
        assert actual[task_id] in allowed, (task_id, decision, actual[task_id])


def test_status_sees_an_input_rewritten_by_a_distant_upstream(tmp_path: Path) -> None:
    """In a parallel: false stage the lineage edge top -> reader is implied by list order and
    reduced away; status must still treat reader's input as about to be rewritten."""
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("top", "data/raw.csv", "out/top.parquet")
    project.pipeline("mid", "data/raw.csv", "out/mid.parquet")
    project.pipeline("reader", "out/top.parquet", "out/reader.parquet")
    refs = ["pipelines/top.yml", "pipelines/mid.yml", "pipelines/reader.yml"]
    workflow = project.workflow([{"name": "seq", "pipelines": refs}])
    run(workflow)
    (tmp_path / "out/top.parquet").unlink()
    preview = explain(workflow)
    assert statuses(preview) == {
        "seq.top": "would_run",
        "seq.mid": "may_run",
        "seq.reader": "may_run",
    }
    assert reasons(preview)["seq.reader"] == [
        "upstream seq.top re-runs (skipped if its output is unchanged)"
    ]
    result = run(workflow)
    assert statuses(result) == {
        "seq.top": "restored",
        "seq.mid": "up_to_date",
        "seq.reader": "up_to_date",
    }


def test_cli_dry_run_shows_the_decisions_and_runs_nothing(tmp_path: Path) -> None:
    _, workflow = built(tmp_path, "linear_three")
    (tmp_path / "out/b.parquet").unlink()
    done = cli("workflow", "run", workflow, "--dry-run", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tasks = json_tasks(done.stdout)
    assert {k: t["status"] for k, t in tasks.items()} == {
        "s1.a": "up_to_date",
        "s2.b": "would_run",
        "s3.c": "may_run",
    }
    assert tasks["s2.b"]["reasons"][0] == "output out/b.parquet missing"
    assert tasks["s2.b"]["reasons"][1].startswith("would be restored from the local cache")
    assert not (tmp_path / "out/b.parquet").exists()
    human = cli("workflow", "status", workflow, cwd=tmp_path)
    assert human.returncode == 0
    assert "output out/b.parquet missing" in human.stdout
    assert "1 up to date, 1 will run, 1 may run" in human.stdout


# --- --select ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("b", {"s2.b"}),
        ("s2.b", {"s2.b"}),
        ("+b", {"s1.a", "s2.b"}),
        ("b+", {"s2.b", "s3.c"}),
        ("+c", set(LINEAR)),
        ("a+", set(LINEAR)),
    ],
)
def test_select_covers_exactly_the_chosen_tasks(
    tmp_path: Path, selector: str, expected: set[str]
) -> None:
    _, workflow = built(tmp_path, "linear_three")
    result = run(workflow, select=[selector], force=True)
    assert statuses(result) == dict.fromkeys(expected, "ran")


def test_select_of_a_stale_task_alone_does_not_run_its_upstream(tmp_path: Path) -> None:
    project, workflow = built(tmp_path, "linear_three")
    add_raw_row(project)
    result = run(workflow, select=["b+"])
    up_to_date(result, ["s2.b", "s3.c"])  # `a` is stale but not selected; b's input is unchanged
    result = run(workflow, select=["+b"])
    assert statuses(result) == {"s1.a": "ran", "s2.b": "ran"}
    assert statuses(explain(workflow)) == {
        "s1.a": "up_to_date",
        "s2.b": "up_to_date",
        "s3.c": "would_run",
    }


def test_select_of_an_unknown_name_suggests_a_close_one(tmp_path: Path) -> None:
    _, workflow = built(tmp_path, "linear_three")
    with pytest.raises(ConfigError, match=r"no task or pipeline named 'bb'"):
        run(workflow, select=["bb"])


def test_select_alone_whose_inputs_do_not_exist_yet_fails_clearly(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    done = cli("workflow", "run", workflow, "--select", "b", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.strip() == (
        "--select: s2.b reads out/a.parquet, which does not exist yet; it is written by s1.a, "
        "which is not selected (select +b to build it too)"
    )
    assert not (tmp_path / "out/b.parquet").exists()
    assert "s2.b" not in records(tmp_path)


# --- database sources -------------------------------------------------------------------


def db_project(tmp_path: Path, freshness: str | None) -> Path:
    project = new_project(tmp_path)
    (tmp_path / "db").mkdir()
    with duckdb.connect(str(tmp_path / "db/x.duckdb")) as conn:
        conn.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'one'), (2, 'two')) v(id, name)")
    source = {"type": "database", "connection": "duckdb:///db/x.duckdb", "table": "t"}
    if freshness:
        source["freshness"] = freshness
    write_yaml(
        tmp_path / "pipelines/load.yml",
        {"name": "load", "source": source, "sink": {"type": "file", "path": "out/t.parquet"}},
    )
    project.pipeline("use", "out/t.parquet", "out/use.parquet")
    return project.workflow(
        [
            {"name": "load", "pipelines": ["pipelines/load.yml"]},
            {"name": "use", "depends_on": ["load"], "pipelines": ["pipelines/use.yml"]},
        ]
    )


def db_exec(tmp_path: Path, sql: str) -> None:
    with duckdb.connect(str(tmp_path / "db/x.duckdb")) as conn:
        conn.execute(sql)


def test_database_source_without_freshness_always_runs(tmp_path: Path) -> None:
    workflow = db_project(tmp_path, freshness=None)
    assert statuses(run(workflow)) == {"load.load": "ran", "use.use": "ran"}
    result = run(workflow)
    assert statuses(result) == {"load.load": "ran", "use.use": "up_to_date"}
    assert reasons(result)["load.load"] == ["reads duckdb:///db/x.duckdb (not a file: always runs)"]
    db_exec(tmp_path, "INSERT INTO t VALUES (3, 'three')")
    result = run(workflow)
    assert statuses(result) == {"load.load": "ran", "use.use": "ran"}
    assert rows(tmp_path / "out/use.parquet") == [(1, "one"), (2, "two"), (3, "three")]


def test_database_source_with_freshness_reruns_when_its_value_changes(tmp_path: Path) -> None:
    workflow = db_project(tmp_path, freshness="SELECT count(*) FROM t")
    assert statuses(run(workflow)) == {"load.load": "ran", "use.use": "ran"}
    up_to_date(run(workflow), ["load.load", "use.use"])
    db_exec(tmp_path, "INSERT INTO t VALUES (3, 'three')")
    preview = explain(workflow)
    assert statuses(preview)["load.load"] == "would_run"
    result = run(workflow)
    assert statuses(result) == {"load.load": "ran", "use.use": "ran"}
    assert reasons(result)["load.load"] == ["freshness of duckdb:///db/x.duckdb: 2 -> 3"]
    assert rows(tmp_path / "out/use.parquet") == [(1, "one"), (2, "two"), (3, "three")]
    up_to_date(run(workflow), ["load.load", "use.use"])


def test_freshness_is_the_contract_changes_it_does_not_see_are_not_picked_up(
    tmp_path: Path,
) -> None:
    workflow = db_project(tmp_path, freshness="SELECT count(*) FROM t")
    run(workflow)
    db_exec(tmp_path, "UPDATE t SET name = 'uno' WHERE id = 1")
    up_to_date(run(workflow), ["load.load", "use.use"])


def test_cache_folder_can_be_moved_with_cache_dir(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    project = new_project(tmp_path / "p")
    workflow = linear_three(project)
    cache = tmp_path / "elsewhere"
    assert ran(run(workflow, cache_dir=cache)) == set(LINEAR)
    up_to_date(run(workflow, cache_dir=cache), LINEAR)
    assert not (tmp_path / "p/.quicketl-cache/state.db").exists()
    shutil.rmtree(cache)
    assert ran(run(workflow, cache_dir=cache)) == set(LINEAR)


def test_reordering_the_sources_map_changes_the_primary_table_so_it_reruns(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    project.csv("data/x.csv", rows=2, salt="x")
    project.csv("data/y.csv", rows=2, salt="y")
    path = tmp_path / "pipelines/u.yml"
    source = "sources:\n  {0}: {{path: data/{0}.csv}}\n  {1}: {{path: data/{1}.csv}}\n"
    rest = "transforms: [{op: union, sources: [y]}]\nsink: {path: out/u.parquet}\n"
    project.write("pipelines/u.yml", "name: u\n" + source.format("x", "y") + rest)
    workflow = project.workflow([{"name": "s", "pipelines": ["pipelines/u.yml"]}])
    run(workflow)
    assert rows(tmp_path / "out/u.parquet") == [(0, "x0"), (0, "y0"), (1, "x1"), (1, "y1")]
    path.write_text("name: u\n" + source.format("y", "x") + rest)  # y is the primary now
    result = run(workflow)
    assert statuses(result) == {"s.u": "ran"}
    assert "config changed: source_order[0]" in reasons(result)["s.u"]
    assert (0, "x0") not in rows(tmp_path / "out/u.parquet"), "x is no longer read"


def test_a_file_added_to_a_glob_input_reruns_its_reader(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/parts/a.csv", rows=2)
    project.pipeline("all", "data/parts/*.csv", "out/all.parquet")
    workflow = project.workflow([{"name": "s", "pipelines": ["pipelines/all.yml"]}])
    run(workflow)
    project.write("data/parts/notes.txt", "not read\n")
    up_to_date(run(workflow), ["s.all"])
    project.csv("data/parts/b.csv", rows=2, salt="b")
    result = run(workflow)
    assert reasons(result) == {"s.all": ["input data/parts/b.csv added"]}
    assert len(rows(tmp_path / "out/all.parquet")) == 4
    (tmp_path / "data/parts/a.csv").unlink()
    result = run(workflow)
    assert reasons(result) == {"s.all": ["input data/parts/a.csv no longer read"]}
    assert rows(tmp_path / "out/all.parquet") == [(0, "b0"), (1, "b1")]


@pytest.mark.parametrize("glob", ["data/parts/*.csv", "data/**/*.csv"])
def test_a_dotfile_added_to_a_glob_input_reruns_its_reader_which_reads_it(
    tmp_path: Path, glob: str
) -> None:
    project = new_project(tmp_path)
    project.csv("data/parts/a.csv", rows=2)
    project.pipeline("all", glob, "out/all.parquet")
    workflow = project.workflow([{"name": "s", "pipelines": ["pipelines/all.yml"]}])
    run(workflow)
    project.csv("data/parts/.late.csv", rows=1, salt="z")
    status = explain(workflow)
    assert reasons(status) == {"s.all": ["input data/parts/.late.csv added"]}
    result = run(workflow)
    assert reasons(result) == {"s.all": ["input data/parts/.late.csv added"]}
    assert sorted(rows(tmp_path / "out/all.parquet")) == [(0, "a0"), (0, "z0"), (1, "a1")]
    up_to_date(run(workflow), ["s.all"])


def test_a_failing_freshness_query_names_the_task(tmp_path: Path) -> None:
    workflow = db_project(tmp_path, freshness="SELECT count(*) FROM t")
    run(workflow)
    db_exec(tmp_path, "DROP TABLE t")
    with pytest.raises(EngineError, match=r"^load\.load: freshness query failed: .*\bt\b"):
        run(workflow)


# --- edits that keep the size and set the mtime back -------------------------------------

IN_PLACE_EDITS = {
    "input csv": ("data/raw.csv", "1,a1", "1,b1", "s1.a", [(0, "a0"), (1, "b1"), (2, "a2")]),
    "pipeline yaml": ("pipelines/b.yml", "id < 4", "id < 1", "s2.b", [(0, "a0")]),
}


def same_size_edit_with_mtime_restored(path: Path, old: str, new: str) -> None:
    """New bytes, same size, and the old atime and mtime put back (as `cp -p` or a careless
    script would): only the ctime, which nobody can set, still tells."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old) == len(new)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


@pytest.mark.parametrize("edit", IN_PLACE_EDITS)
def test_a_same_size_edit_with_the_mtime_restored_is_seen_by_status_run_and_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    # Every stat counts as settled at once, so the stat cache remembers (and would trust)
    # the first run's entries without the test having to wait out the racy window.
    monkeypatch.setattr("quicketl.state.hashing.RACY_WINDOW_NS", 0)
    project = new_project(tmp_path)
    workflow = linear_three(project)
    doc = pipeline_doc("b", ["out/a.parquet"], "out/b.parquet", "id < 4")
    write_yaml(tmp_path / "pipelines/b.yml", doc)
    run(workflow)
    up_to_date(run(workflow), LINEAR)
    path, old, new, edited_task, expected = IN_PLACE_EDITS[edit]
    same_size_edit_with_mtime_restored(tmp_path / path, old, new)
    assert statuses(explain(workflow))[edited_task] == "would_run"
    assert statuses(run(workflow))[edited_task] == "ran"
    assert rows(tmp_path / "out/c.parquet") == expected
    forced = run(workflow, force=True)
    assert statuses(forced) == dict.fromkeys(LINEAR, "ran")
    assert rows(tmp_path / "out/c.parquet") == expected
