"""PostgreSQL connections: URLs as written, and quicketl.yml profiles turned into URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.connections import is_profile_name, postgres_url
from quicketl.config.secrets import mask
from quicketl.errors import ConfigError


def project(tmp_path: Path, profiles: str) -> Path:
    (tmp_path / "quicketl.yml").write_text("name: t\nprofiles:\n" + profiles)
    return tmp_path


def test_urls_are_taken_as_written(tmp_path: Path) -> None:
    assert postgres_url(" postgres://u@h/db ", tmp_path) == "postgres://u@h/db"
    assert postgres_url("duckdb:///w.duckdb", tmp_path) is None
    assert postgres_url("nosuchprofile", tmp_path) is None  # the caller lists what is supported


@pytest.mark.parametrize(
    ("text", "expected"),
    [("warehouse", True), ("data/w.duckdb", False), ("w.duckdb", False), ("x://y", False)],
)
def test_profile_names_are_bare_names(text: str, expected: bool) -> None:
    assert is_profile_name(text) is expected


def test_a_profile_becomes_a_url_with_its_password_masked_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WH_PASS", "p@ss/w:rd-9")
    root = project(
        tmp_path,
        "  wh:\n    type: postgresql\n    host: db.internal\n    port: 6432\n"
        "    dbname: shop\n    username: etl\n    password: ${WH_PASS}\n",
    )
    url = postgres_url("wh", root)
    assert url == "postgresql://etl:p%40ss%2Fw%3Ard-9@db.internal:6432/shop"
    assert mask(url) == "postgresql://etl:***@db.internal:6432/shop"
    assert mask("error: p@ss/w:rd-9") == "error: ***"


def test_a_profile_of_another_type_is_placed_in_quicketl_yml(tmp_path: Path) -> None:
    root = project(tmp_path, "  wh: {type: mysql, host: h}\n")
    with pytest.raises(ConfigError) as caught:
        postgres_url("wh", root)
    assert str(caught.value).endswith(
        "quicketl.yml:3: profiles.wh.type: profile type 'mysql' is not supported; "
        "supported: postgres"
    )


def test_a_profile_with_an_unset_variable_says_so(tmp_path: Path) -> None:
    root = project(tmp_path, "  wh:\n    host: ${NOT_SET_ANYWHERE_42}\n")
    with pytest.raises(ConfigError) as caught:
        postgres_url("wh", root)
    assert str(caught.value).endswith(
        "quicketl.yml:4: profiles.wh.host: ${NOT_SET_ANYWHERE_42} names a variable that is not "
        "set (environment, .env, variables:)"
    )
