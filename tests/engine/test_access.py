"""A pipeline's connection touches only the project and what the pipeline declares, locked."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from quicketl.engine import run_pipeline, validate_pipeline
from quicketl.engine.access import Access, pipeline_access
from quicketl.engine.duckdb_session import Session
from quicketl.engine.translate import runtime_message
from quicketl.errors import ConfigError

from .helpers import Loader, read_rows, write

SECRET = "TOPSECRET-access"


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder beside the project, holding a file no pipeline declares."""
    folder = tmp_path_factory.mktemp("outside")
    write(folder / "secret.csv", f"token\n{SECRET}\n")
    return folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sql_cannot_unlock_the_connection(tmp_path: Path, outside: Path) -> None:
    with Session(access=Access((str(tmp_path),))) as session:
        for sql in (
            "SET enable_external_access = true",
            "SET allowed_directories = ['/']",
            "RESET allowed_paths",
            "SET lock_configuration = false",
        ):
            with pytest.raises(duckdb.Error, match="locked"):
                session.run(sql)
        with pytest.raises(duckdb.PermissionException):
            session.run(f"SELECT * FROM read_csv('{outside / 'secret.csv'}')")


def test_validate_refuses_an_expression_reading_outside(
    load: Loader, project: Path, outside: Path
) -> None:
    write(project / "data/in.csv", "id\n1\n")
    secret = outside / "secret.csv"
    loaded = load(
        f"""
        name: p
        source: {{path: data/in.csv}}
        transforms:
          - op: filter
            predicate: id IN (SELECT 1 FROM read_csv('{secret}'))
        sink: {{path: out/o.csv}}
        """
    )
    with pytest.raises(ConfigError) as caught:
        validate_pipeline(loaded)
    assert str(caught.value) == (
        f"{project / 'pipelines/p.yml'}:6: transforms[0].predicate: cannot read {secret}: "
        "outside the project; SQL in a pipeline may read only the project's files, its "
        "declared sources and the folders listed under allowed_input_roots: in quicketl.yml"
    )


def test_an_expression_may_read_a_file_of_the_project(load: Loader, project: Path) -> None:
    write(project / "data/in.csv", "id\n1\n2\n")
    write(project / "ref/allowed.csv", "id\n2\n")
    loaded = load(
        """
        name: p
        source: {path: data/in.csv}
        transforms:
          - op: filter
            predicate: id IN (SELECT id FROM read_csv('ref/allowed.csv'))
        sink: {path: out/o.csv}
        """.replace("ref/allowed.csv", str(project / "ref/allowed.csv"))
    )
    assert run_pipeline(loaded).status == "success"
    assert read_rows(project / "out/o.csv") == [(2,)]


def test_declared_sources_and_sinks_outside_the_project_still_work(
    load: Loader, project: Path, outside: Path
) -> None:
    write(outside / "in/a.csv", "id,k\n1,x\n2,y\n")
    with duckdb.connect(str(outside / "src.duckdb")) as con:
        con.execute("CREATE TABLE names AS SELECT * FROM (VALUES ('x', 'ex'), ('y', 'y')) v(k, n)")
    guarded = {p: _digest(p) for p in (outside / "secret.csv", outside / "in/a.csv")}
    loaded = load(
        f"""
        name: p
        sources:
          main: {{path: "{outside}/in/*.csv"}}
          names: {{type: database, connection: "duckdb:///{outside}/src.duckdb", table: names}}
        transforms:
          - {{op: join, right: names, on: [k]}}
        sink: {{type: database, connection: "duckdb:///{outside}/out.duckdb", table: t}}
        """
    )
    result = run_pipeline(loaded)
    assert result.status == "success", result.error
    with duckdb.connect(str(outside / "out.duckdb"), read_only=True) as con:
        assert con.execute("SELECT id, n FROM t ORDER BY id").fetchall() == [(1, "ex"), (2, "y")]
    assert {p: _digest(p) for p in guarded} == guarded


@pytest.mark.parametrize("sink", ["o.parquet", "parts/"])
def test_a_file_sink_outside_the_project_writes_and_appends(
    load: Loader, project: Path, outside: Path, sink: str
) -> None:
    write(project / "data/in.csv", "id,k\n1,x\n2,y\n")
    partition = ", partition_by: [k]" if sink.endswith("/") else ""
    text = f"""
        name: p
        source: {{path: data/in.csv}}
        sink: {{path: "{outside / sink}", mode: append{partition}}}
        """
    assert run_pipeline(load(text)).status == "success"
    result = run_pipeline(load(text))
    assert result.status == "success", result.error
    assert len(read_rows(outside / sink.rstrip("/"))) == 4


def test_the_access_of_a_pipeline_lists_what_it_declares(
    load: Loader, project: Path, outside: Path
) -> None:
    write(outside / "in/a.csv", "id\n1\n")
    (project / "quicketl.yml").write_text("name: t\nallowed_input_roots: [../shared, ~/lookups]\n")
    loaded = load(
        f"""
        name: p
        sources:
          main: {{path: "{outside}/in/*.csv"}}
          one: {{path: "{outside}/in/a.csv"}}
          db: {{type: database, connection: "duckdb:///w.duckdb", table: t}}
        sink: {{path: "{outside}/out/o.csv"}}
        """
    )
    access = pipeline_access(loaded)
    assert access.directories[-4:] == (
        str(project.parent.resolve() / "shared"),
        str(Path("~/lookups").expanduser().resolve()),
        f"{outside}/in/",
        f"{outside}/out",
    )
    assert access.paths == (
        f"{outside}/in/a.csv",
        str(project / "w.duckdb"),
        str(project / "w.duckdb.wal"),
        str(project / "w.duckdb.wal.checkpoint"),
        str(project / "w.duckdb.wal.recovery"),
    )


def test_a_missing_extension_is_named_not_blamed_on_the_lock() -> None:
    error = duckdb.Error(
        "An error occurred while trying to automatically install the required extension "
        "'httpfs:\nLoading external extensions is disabled through configuration"
    )
    assert runtime_message(error) == (
        "DuckDB's httpfs extension is needed but not installed (quicketl never downloads "
        "extensions during a run); install it once with: "
        "python -c \"import duckdb; duckdb.install_extension('httpfs')\""
    )


def test_a_declared_remote_file_is_allowed_by_its_url(load: Loader) -> None:
    loaded = load(
        """
        name: p
        sources:
          one: {path: "https://example.com/data/o.csv"}
          many: {path: "gs://bucket/raw/2025-*/part.parquet"}
        sink: {path: out/o.csv}
        """
    )
    access = pipeline_access(loaded)
    assert "https://example.com/data/o.csv" in access.paths
    assert "gs://bucket/raw/" in access.directories
