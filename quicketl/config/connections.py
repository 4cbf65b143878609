"""PostgreSQL connections: a `postgresql://` URL, or a profile name from `quicketl.yml`.

```yaml
profiles:
  warehouse:
    type: postgres
    host: ${PGHOST}
    port: 5432
    database: shop
    user: etl
    password: ${secret:PG_PASSWORD}
```

`connection: warehouse` then means `postgresql://etl:<password>@<PGHOST>:5432/shop`. Variables in
a profile resolve as in a pipeline (environment, then `.env`); a password is a secret whatever
its variable is called, so it is masked wherever text leaves the process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from quicketl.config.secrets import remember, remember_urls
from quicketl.errors import ConfigError
from quicketl.locations.urls import url_scheme

if TYPE_CHECKING:
    from quicketl.config.profiles import ProjectProfiles

POSTGRES_SCHEMES = ("postgresql", "postgres")
_PROFILE_TYPES = ("postgres", "postgresql")
_NAME_KEYS = {"database": ("database", "dbname", "db"), "user": ("user", "username")}


def is_postgres_url(connection: str) -> bool:
    """A `postgresql://` or `postgres://` URL."""
    return url_scheme(connection) in POSTGRES_SCHEMES


def is_profile_name(connection: str) -> bool:
    """A bare name (no scheme, no path), which may name a profile of `quicketl.yml`."""
    text = connection.strip()
    return bool(text) and url_scheme(text) is None and not any(c in text for c in "/\\:.")


def postgres_url(connection: str, root: Path) -> str | None:
    """The URL a PostgreSQL connection means; None when it is not one (a DuckDB URL, a name
    quicketl.yml does not define: the caller says what is supported). A profile of another
    type, or one with a variable that is not set, is a ConfigError naming quicketl.yml.
    """
    if is_postgres_url(connection):
        return connection.strip()
    if not is_profile_name(connection):
        return None
    return _profile_url(connection.strip(), root)


def _profile_url(name: str, root: Path) -> str | None:
    from quicketl.config.profiles import read_profiles  # reads YAML: only for profile names

    project = read_profiles(root)
    settings = project.profiles.get(name)
    if settings is None:
        return None
    kind = str(settings.get("type", "postgres")).lower()
    if kind not in _PROFILE_TYPES:
        message = f"profile type {kind!r} is not supported; supported: postgres"
        raise ConfigError([project.problem(("profiles", name, "type"), message)])
    return _url_of(_resolved(project, name, settings, root))


def _resolved(
    project: ProjectProfiles, name: str, settings: dict[str, Any], root: Path
) -> dict[str, str]:
    from quicketl.config.variables import VariableScope

    scope = VariableScope.standard(root=root)
    resolved: dict[str, str] = {}
    for key, value in settings.items():
        text = scope.resolve_text(str(value)) if value is not None else ""
        if text is None:
            shown = "it" if key == "password" else str(value)  # never echo a password
            message = f"{shown} names a variable that is not set (environment, .env, variables:)"
            raise ConfigError([project.problem(("profiles", name, str(key)), message)])
        resolved[str(key)] = text
    return resolved


def _url_of(settings: dict[str, str]) -> str:
    user = _first(settings, "user")
    password = settings.get("password", "")
    if password:
        remember(password)
    auth = quote(user, safe="") if user else ""
    if password:
        auth += ":" + quote(password, safe="")
    host = settings.get("host", "localhost")
    port = settings.get("port", "")
    url = "postgresql://" + (f"{auth}@" if auth else "") + host + (f":{port}" if port else "")
    url += "/" + quote(_first(settings, "database"), safe="")
    remember_urls(url)
    return url


def _first(settings: dict[str, str], key: str) -> str:
    return next((settings[k] for k in _NAME_KEYS[key] if settings.get(k)), "")
