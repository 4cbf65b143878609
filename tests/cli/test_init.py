"""`quicketl init`: a project that runs at once; never overwrites without --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.cli.scaffold import project_files

from .conftest import Invoke

pytestmark = pytest.mark.usefixtures("in_tmp")

PROJECT_FILES = ["quicketl.yml", "data/sample.csv", "pipelines/sample.yml", "README.md"]


def test_init_name_creates_the_project_folder(cli: Invoke, tmp_path: Path) -> None:
    result = cli("init", "shop")
    assert result.exit_code == 0, result.output
    for relative in PROJECT_FILES:
        assert (tmp_path / "shop" / relative).is_file()
    assert (tmp_path / "shop" / "quicketl.yml").read_text().endswith("name: shop\n")
    assert "cd shop && quicketl run pipelines/sample.yml" in result.stdout


def test_init_without_name_scaffolds_the_current_folder(cli: Invoke, tmp_path: Path) -> None:
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pipelines" / "sample.yml").is_file()
    assert "Run the sample pipeline with:  quicketl run pipelines/sample.yml" in result.stdout


def test_init_refuses_to_overwrite_and_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "shop" / "pipelines").mkdir(parents=True)
    (tmp_path / "shop" / "pipelines" / "sample.yml").write_text("mine\n")
    result = cli("init", "shop")
    assert result.exit_code == 2
    assert "shop/pipelines/sample.yml: already exists; pass --force to overwrite" in result.stderr
    assert (tmp_path / "shop" / "pipelines" / "sample.yml").read_text() == "mine\n"
    assert not (tmp_path / "shop" / "quicketl.yml").exists()


def test_init_force_overwrites(cli: Invoke, tmp_path: Path) -> None:
    cli("init", "shop")
    (tmp_path / "shop" / "pipelines" / "sample.yml").write_text("mine\n")
    result = cli("init", "shop", "--force")
    assert result.exit_code == 0
    assert "name: sample" in (tmp_path / "shop" / "pipelines" / "sample.yml").read_text()


def test_init_pipeline_writes_into_the_current_project(cli: Invoke, tmp_path: Path) -> None:
    cli("init")
    (tmp_path / "pipelines").rename(tmp_path / "old")
    result = cli("init", "daily_orders", "--pipeline")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "pipelines" / "daily_orders.yml").read_text()
    assert "name: daily_orders" in text
    assert "path: output/daily_orders.csv" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".gitignore",
        "README.md",
        "data",
        "old",
        "pipelines",
        "quicketl.yml",
    ]


def test_init_pipeline_refuses_to_overwrite(cli: Invoke, tmp_path: Path) -> None:
    assert cli("init", "p1", "--pipeline").exit_code == 0
    result = cli("init", "p1", "--pipeline")
    assert result.exit_code == 2
    assert "already exists" in result.stderr


@pytest.mark.parametrize("name", ["", "two words", "../escape", "1abc"])
def test_init_pipeline_needs_a_plain_name(cli: Invoke, name: str) -> None:
    args = ["init", name, "--pipeline"] if name else ["init", "--pipeline"]
    result = cli(*args)
    assert result.exit_code == 2
    assert "--pipeline needs a NAME" in result.stderr


def test_scaffolded_pipeline_is_a_valid_model(tmp_path: Path) -> None:
    from projects import pipeline_from_text

    from quicketl.config.variables import VariableScope

    text = project_files("shop")["pipelines/sample.yml"]
    loaded = pipeline_from_text(text, tmp_path / "sample.yml", VariableScope([]), tmp_path)
    assert [step.op for step in loaded.config.transforms] == [
        "filter",
        "derive_column",
        "aggregate",
        "sort",
    ]
