"""Environments and connection profiles of a QuickETL 1.x `quicketl.yml`.

```yaml
environments:
  base: {variables: {OUT: data/out}}
  prod: {extends: base, engine: duckdb, variables: {OUT: s3-mirror/out}}
profiles:
  warehouse: {type: postgres, host: db.example, password: ${secret:PG_PASSWORD}}
```

`--env NAME` (or `QUICKETL_ENV=NAME`) selects an environment: its `variables:` (after those of
the environments it `extends`) come right after `--var` and before the process environment.
Its other 1.x keys (`quality`, `logging`, ...) are accepted and kept; an `engine` other than
DuckDB, or a `secrets.provider` other than `env`, is refused. A pipeline's `connection:` may
name a profile (config/connections.py turns a PostgreSQL profile into its URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quicketl.config.suggest import did_you_mean, format_loc
from quicketl.errors import ConfigError, Problem
from quicketl.values import FrozenValue

Loc = tuple[str | int, ...]

ENV_VAR = "QUICKETL_ENV"
PROJECT_FILE = "quicketl.yml"
_SECTIONS = ("environments", "profiles")


@dataclass(frozen=True, repr=False, eq=False)
class ProjectProfiles(FrozenValue):
    """The `environments:` and `profiles:` sections, each a mapping of name to settings."""

    path: Path
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)
    lines: Mapping[Loc, int] = field(default_factory=dict)

    def problem(self, loc: Loc, message: str) -> Problem:
        """`message` placed at the file, line and field path of `loc`."""
        line = next(
            (self.lines[loc[:end]] for end in range(len(loc), 0, -1) if loc[:end] in self.lines),
            None,
        )
        return Problem(message, str(self.path), line, format_loc(loc) or None)


def read_profiles(root: Path) -> ProjectProfiles:
    """The sections of `root/quicketl.yml` (empty without one); a malformed one is an error."""
    path = root / PROJECT_FILE
    if not path.is_file():
        return ProjectProfiles(path)
    from quicketl.config.yamlfile import load_yaml_file

    doc = load_yaml_file(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    problems: list[Problem] = []
    sections: dict[str, dict[str, dict[str, Any]]] = {}
    for key in _SECTIONS:
        value = data.get(key) or {}
        bad = (
            [n for n, v in value.items() if not isinstance(v, dict)]
            if isinstance(value, dict)
            else []
        )
        if not isinstance(value, dict):
            problems.append(doc.problem((key,), "expected a mapping of names to settings"))
        for name in bad:
            problems.append(doc.problem((key, name), "expected a mapping of settings"))
        sections[key] = {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}
    secrets = data.get("secrets") or {}
    problems += _secret_problems(secrets, doc.problem, ("secrets",))
    if problems:
        raise ConfigError(problems)
    return ProjectProfiles(
        path, sections["environments"], sections["profiles"], secrets, dict(doc.lines)
    )


def environment_settings(project: ProjectProfiles, name: str) -> dict[str, Any]:
    """The environment `name` merged over those it extends (mappings merged, others replaced)."""
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            cycle = " -> ".join([*chain, current])
            loc = ("environments", current, "extends")
            raise ConfigError([project.problem(loc, f"environments extend each other: {cycle}")])
        if current not in project.environments:
            raise ConfigError([_unknown(project, current, chain)])
        chain.append(current)
        parent = project.environments[current].get("extends")
        current = str(parent) if parent is not None else None
    merged: dict[str, Any] = {}
    for env in reversed(chain):
        merged = _merge(
            merged, {k: v for k, v in project.environments[env].items() if k != "extends"}
        )
    _check_supported(project, name, merged)
    return merged


def environment_variables(root: Path, name: str) -> dict[str, object]:
    """The `variables:` of the environment `name` of `root/quicketl.yml`."""
    project = read_profiles(root)
    variables = environment_settings(project, name).get("variables") or {}
    if not isinstance(variables, dict):
        loc = ("environments", name, "variables")
        raise ConfigError([project.problem(loc, "expected a mapping of variable names to values")])
    return {str(k): v for k, v in variables.items()}


def _unknown(project: ProjectProfiles, name: str, chain: list[str]) -> Problem:
    known = sorted(project.environments)
    hint = did_you_mean(name, known)
    listed = f" (environments: {', '.join(known)})" if known else " (it defines no environments:)"
    message = f"unknown environment '{name}'{hint}{listed}"
    if chain:
        return project.problem(("environments", chain[-1], "extends"), message)
    return Problem(f"{message}: check --env or {ENV_VAR}", str(project.path))


def _check_supported(project: ProjectProfiles, name: str, settings: Mapping[str, Any]) -> None:
    problems: list[Problem] = []
    engine = settings.get("engine")
    if engine is not None and str(engine).lower() != "duckdb":
        message = f"quicketl runs on DuckDB only; engine {engine!r} is not supported"
        problems.append(project.problem(("environments", name, "engine"), message))
    secrets = settings.get("secrets") or {}
    problems += _secret_problems(secrets, project.problem, ("environments", name, "secrets"))
    if problems:
        raise ConfigError(problems)


def _secret_problems(secrets: Any, problem: Any, loc: tuple[str | int, ...]) -> list[Problem]:
    if not isinstance(secrets, dict):
        return [problem(loc, "expected a mapping such as {provider: env}")]
    provider = secrets.get("provider", "env")
    if str(provider) != "env":
        return [
            problem(
                (*loc, "provider"),
                f"secret provider {provider!r} is not supported; "
                "secrets come from the environment or .env (provider: env)",
            )
        ]
    return []


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        merged[key] = (
            _merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged
