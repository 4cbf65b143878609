"""`validate` reports every problem in one pass: column and expression errors of several steps,
and the pipelines of a workflow checked against their sources."""

from __future__ import annotations

from pathlib import Path

from .conftest import Invoke

PIPELINE = """\
name: p
source: {path: data/in.csv}
transforms:
  - {op: filter, predicate: nope > 1}
  - {op: sort, by: [also_missing]}
  - {op: select, columns: [id, missing_col]}
checks:
  - {type: not_null, columns: [id]}
sink: {path: out/p.parquet}
"""


def _project(root: Path) -> None:
    (root / "quicketl.yml").write_text("name: t\n")
    (root / "data").mkdir()
    (root / "data" / "in.csv").write_text("id,v\n1,a\n2,b\n")


def test_validate_reports_the_problems_of_every_step(cli: Invoke, in_tmp: Path) -> None:
    _project(in_tmp)
    (in_tmp / "p.yml").write_text(PIPELINE)
    result = cli("validate", "p.yml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "p.yml:4: transforms[0].predicate: unknown column 'nope' (columns: id, v)",
        "p.yml:5: transforms[1].by[0]: unknown column 'also_missing' (columns: id, v)",
        "p.yml:6: transforms[2].columns[1]: unknown column 'missing_col' (columns: id, v)",
    ]
    assert not (in_tmp / "out").exists()


def test_workflow_validate_checks_columns_of_every_pipeline(cli: Invoke, in_tmp: Path) -> None:
    _project(in_tmp)
    (in_tmp / "a.yml").write_text(
        "name: a\nsource: {path: data/in.csv}\n"
        "transforms:\n  - {op: filter, predicate: nope > 1}\nsink: {path: out/a.parquet}\n"
    )
    (in_tmp / "b.yml").write_text(
        "name: b\nsource: {path: data/in.csv}\n"
        "transforms:\n  - {op: select, columns: [gone]}\nsink: {path: out/b.parquet}\n"
    )
    (in_tmp / "c.yml").write_text(  # reads a's output, which does not exist yet: not checked
        "name: c\nsource: {path: out/a.parquet}\n"
        "transforms:\n  - {op: select, columns: [whatever]}\nsink: {path: out/c.parquet}\n"
    )
    (in_tmp / "wf.yml").write_text(
        "name: wf\nstages:\n  - name: s\n    pipelines: [a.yml, b.yml]\n"
        "  - name: t\n    depends_on: [s]\n    pipelines: [c.yml]\n"
    )
    result = cli("workflow", "validate", "wf.yml")
    assert result.exit_code == 2, result.output
    assert (
        "a.yml:4: transforms[0].predicate: unknown column 'nope' (columns: id, v)" in result.stderr
    )
    assert (
        "b.yml:4: transforms[0].columns[0]: unknown column 'gone' (columns: id, v)" in result.stderr
    )
    assert "whatever" not in result.stderr
    assert not (in_tmp / ".quicketl-cache").exists()


def test_workflow_validate_leaves_globs_and_folders_over_upstream_outputs_to_the_run(
    cli: Invoke, in_tmp: Path
) -> None:
    _project(in_tmp)
    (in_tmp / "a.yml").write_text(
        "name: a\nsource: {path: data/in.csv}\nsink: {path: out/parts/a.parquet}\n"
    )
    (in_tmp / "b.yml").write_text(
        "name: b\nsource: {path: data/in.csv}\nsink: {path: out/by_v, partition_by: [v]}\n"
    )
    (in_tmp / "c.yml").write_text(  # a glob over a's output: nothing matches before a runs
        "name: c\nsource: {path: 'out/parts/*.parquet'}\nsink: {path: out/c.parquet}\n"
    )
    (in_tmp / "d.yml").write_text(  # a folder b writes: missing before b runs
        "name: d\nsource: {path: out/by_v, format: parquet}\nsink: {path: out/d.parquet}\n"
    )
    (in_tmp / "wf.yml").write_text(
        "name: wf\nstages:\n  - name: s\n    pipelines: [a.yml, b.yml]\n"
        "  - name: t\n    depends_on: [s]\n    pipelines: [c.yml, d.yml]\n"
    )
    result = cli("workflow", "validate", "wf.yml")
    assert result.exit_code == 0, result.output
    assert cli("workflow", "run", "wf.yml").exit_code == 0
