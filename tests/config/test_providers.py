"""`${secret:X}`, `${env:X}`, `${var:X}` as QuickETL 1.x writes them; a wrong prefix is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.secrets import mask
from quicketl.errors import ConfigError

from .helpers import load_text


def path_of(root: Path, ref: str, variables: dict[str, object] | None = None) -> str:
    text = f"name: p\nsource: {{path: i.csv}}\nsink: {{path: o.csv}}\ndescription: '{ref}'\n"
    loaded = load_text(text, root, variables)
    assert loaded.config.description is not None
    return loaded.config.description


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROV_TOKEN", "from-env-token")
    monkeypatch.setenv("PROV_PLAIN", "from-env")
    monkeypatch.delenv("PROV_MISSING", raising=False)


def test_secret_comes_from_the_environment(tmp_path: Path) -> None:
    assert path_of(tmp_path, "${secret:PROV_TOKEN}") == "from-env-token"


def test_secret_comes_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PROV_DOTENV_ONLY=dotenv-secret-1\n")
    assert path_of(tmp_path, "${secret:PROV_DOTENV_ONLY}") == "dotenv-secret-1"


def test_secret_ignores_var_and_falls_back_to_its_default(tmp_path: Path) -> None:
    value = path_of(tmp_path, "${secret:PROV_MISSING:-fallback}", {"PROV_MISSING": "cli"})
    assert value == "fallback"


def test_env_reads_the_environment_not_var(tmp_path: Path) -> None:
    assert path_of(tmp_path, "${env:PROV_PLAIN}", {"PROV_PLAIN": "cli"}) == "from-env"


def test_var_is_the_plain_reference(tmp_path: Path) -> None:
    assert path_of(tmp_path, "${var:PROV_PLAIN}", {"PROV_PLAIN": "cli"}) == "cli"


def test_filters_work_with_providers(tmp_path: Path) -> None:
    assert path_of(tmp_path, "${env:PROV_PLAIN|sql_string}") == "'from-env'"


def test_a_secret_value_is_masked_from_then_on(tmp_path: Path) -> None:
    path_of(tmp_path, "${secret:PROV_TOKEN}")
    assert mask("error near from-env-token!") == "error near ***!"


def test_a_connection_password_is_masked(tmp_path: Path) -> None:
    assert mask("cannot reach postgresql://u:pw-123@h/db") == "cannot reach postgresql://u:***@h/db"


def test_unknown_provider_is_a_located_error_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        path_of(tmp_path, "${secrt:PROV_TOKEN}")
    message = str(info.value)
    assert ":4: description: unknown provider 'secrt' in ${secrt:PROV_TOKEN}" in message
    assert "did you mean 'secret'?" in message
    assert "(providers: env, secret, var)" in message


def test_unresolved_secret_names_where_it_is_read(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unresolved secret \$\{secret:PROV_MISSING\}: set the"):
        path_of(tmp_path, "${secret:PROV_MISSING}")


def test_secret_name_with_a_slash_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'db/password' is not a variable name"):
        path_of(tmp_path, "${secret:db/password}")
