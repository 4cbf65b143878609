"""A 1.x `quicketl.yml` with environments and profiles; `--env NAME` selects variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.profiles import environment_variables, read_profiles
from quicketl.errors import ConfigError

from .helpers import load_text

PROJECT = """\
version: "1.0"
secrets:
  provider: env
environments:
  base:
    engine: duckdb
    variables: {REGION: north, LIMIT: 5}
    quality: {fail_on_error: true}
  dev:
    extends: base
  prod:
    extends: base
    variables: {REGION: south}
    logging: {level: INFO}
  spark:
    engine: spark
profiles:
  warehouse:
    type: postgres
    host: db.example
    password: ${secret:PG_PASSWORD}
"""
PIPELINE = (
    "name: p\nsource: {path: i.csv}\nsink: {path: o.csv}\ndescription: '${REGION}-${LIMIT}'\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "quicketl.yml").write_text(PROJECT)
    return tmp_path


def description(root: Path, variables: dict[str, object] | None = None) -> str | None:
    return load_text(PIPELINE, root, variables).config.description


def test_an_environment_extends_another(root: Path) -> None:
    assert environment_variables(root, "prod") == {"REGION": "south", "LIMIT": 5}
    assert environment_variables(root, "dev") == {"REGION": "north", "LIMIT": 5}


def test_profiles_are_parsed_and_kept(root: Path) -> None:
    profiles = read_profiles(root).profiles
    assert profiles["warehouse"]["type"] == "postgres"


def test_the_selected_environment_comes_after_var_and_before_the_environment(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUICKETL_ENV", "prod")
    monkeypatch.setenv("REGION", "from-env")
    assert description(root) == "south-5"
    assert description(root, {"REGION": "cli"}) == "cli-5"


def test_no_environment_is_used_unless_selected(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUICKETL_ENV", raising=False)
    with pytest.raises(ConfigError, match=r"unresolved variable \$\{REGION\}"):
        description(root)


def test_unknown_environment_is_an_error_naming_the_known_ones(root: Path) -> None:
    with pytest.raises(ConfigError) as info:
        environment_variables(root, "prd")
    message = str(info.value)
    assert "quicketl.yml: unknown environment 'prd'; did you mean 'prod'?" in message
    assert "(environments: base, dev, prod, spark)" in message


def test_an_engine_other_than_duckdb_is_refused(root: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"environments\.spark\.engine: quicketl runs on DuckDB only"
    ):
        environment_variables(root, "spark")


def test_environments_extending_each_other_are_an_error(tmp_path: Path) -> None:
    text = "environments:\n  a: {extends: b}\n  b: {extends: a}\n"
    (tmp_path / "quicketl.yml").write_text(text)
    with pytest.raises(ConfigError, match="environments extend each other: a -> b -> a"):
        environment_variables(tmp_path, "a")


def test_a_secret_provider_other_than_env_is_refused(tmp_path: Path) -> None:
    text = "environments:\n  prod: {secrets: {provider: aws}}\n"
    (tmp_path / "quicketl.yml").write_text(text)
    with pytest.raises(ConfigError, match="secret provider 'aws' is not supported"):
        environment_variables(tmp_path, "prod")
