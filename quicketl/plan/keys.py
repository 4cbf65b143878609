"""Task key components and the human reasons drawn from diffing two sets of them.

Light by design: the no-op fast path imports this without pydantic, DuckDB or doit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from quicketl import __version__
from quicketl.config.secrets import holds_secret, keyed_hash, looks_secret
from quicketl.locations.refs import External

KEY_FORMAT = 1
SECRET_PREFIX = "secret:"
ALWAYS = "always"


@lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    """quicketl's and DuckDB's versions, read without importing DuckDB."""
    return {"quicketl": __version__, "duckdb": _duckdb_version()}


def _duckdb_version() -> str:
    # importlib.metadata costs ~40 ms to import; the dist-info folder beside the package
    # says the same for the price of one directory listing.
    spec = find_spec("duckdb")
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        for entry in os.scandir(site):
            name = entry.name
            if name.startswith("duckdb-") and name.endswith(".dist-info"):
                return name.removeprefix("duckdb-").removesuffix(".dist-info")
    from importlib import metadata

    try:
        return metadata.version("duckdb")
    except metadata.PackageNotFoundError:  # pragma: no cover - duckdb is a core dependency
        return "unknown"


def is_secret(name: str) -> bool:
    return looks_secret(name)


def masked_vars(used: Mapping[str, str], secret_key: bytes) -> dict[str, str]:
    """The used variables, each secret one (by its name or its value) replaced by its keyed
    hash. Masking is idempotent: a plan restored from its snapshot holds masked values."""
    return {name: mask_var(name, value, secret_key) for name, value in sorted(used.items())}


def uses_secret(used_vars: Mapping[str, str]) -> bool:
    """Whether any of these variables is keyed as a secret (an HMAC under a cache's key)."""
    return any(is_secret(name) or holds_secret(value) for name, value in used_vars.items())


def mask_var(name: str, value: str, secret_key: bytes) -> str:
    if value.startswith(SECRET_PREFIX) or not (is_secret(name) or holds_secret(value)):
        return value
    return SECRET_PREFIX + keyed_hash(secret_key, value)


def components(
    config: Mapping[str, Any],
    used_vars: Mapping[str, str],
    inputs: Mapping[str, str],
    external: Mapping[str, str],
    secret_key: bytes,
) -> dict[str, Any]:
    """All six components of a task key (docs/architecture.md, "The task key")."""
    return {
        "format": KEY_FORMAT,
        "tool": tool_versions(),
        "config": dict(config),
        "vars": masked_vars(used_vars, secret_key),
        "inputs": dict(inputs),
        "external": dict(external),
    }


def always_runs(components: Mapping[str, Any]) -> bool:
    """A non-file input with no freshness check: nothing may be skipped on a guess."""
    return ALWAYS in components.get("external", {}).values()


def diff_reasons(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Why two component sets differ, in the words a user needs."""
    reasons: list[str] = []
    if old.get("format") != new.get("format"):
        reasons.append("cache format changed")
    reasons += _tool_reasons(old.get("tool", {}), new.get("tool", {}))
    reasons += _var_reasons(old.get("vars", {}), new.get("vars", {}))
    reasons += [f"config changed: {p}" for p in changed_paths(old.get("config"), new.get("config"))]
    reasons += _input_reasons(old.get("inputs", {}), new.get("inputs", {}))
    reasons += _external_reasons(old.get("external", {}), new.get("external", {}))
    return reasons


def _tool_reasons(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    return [
        f"{name} {old.get(name)} -> {new.get(name)}"
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def _var_reasons(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    reasons = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if is_secret(name) or any(str(v).startswith(SECRET_PREFIX) for v in (before, after)):
            reasons.append(f"var {name} changed (secret, value not shown)")
        elif before is None:
            reasons.append(f"var {name} now used: {after}")
        elif after is None:
            reasons.append(f"var {name} no longer used")
        else:
            reasons.append(f"var {name}: {before} -> {after}")
    return reasons


def _input_reasons(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    reasons = []
    for path in sorted(set(old) | set(new)):
        if path not in old:
            reasons.append(f"input {path} added")
        elif path not in new:
            reasons.append(f"input {path} no longer read")
        elif old[path] != new[path]:
            reasons.append(f"input {path} changed")
    return reasons


def _external_reasons(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    reasons = []
    for name, value in sorted(new.items()):
        external = External.parse(name)
        if value == ALWAYS and external.kind == "volatile":
            reasons.append("volatile: true (always runs)")
        elif value == ALWAYS:
            reasons.append(f"reads {external.target} (not a file: always runs)")
        elif old.get(name) != value:
            label = external.target.rsplit("#", 1)[-1]  # the table (plan/io.py)
            reasons.append(f"freshness of {label}: {old.get(name)} -> {value}")
    return reasons


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """The deepest paths (`transforms[0].predicate`) where two JSON values differ."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            out += changed_paths(old.get(key), new.get(key), path)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            out += changed_paths(a, b, f"{prefix}[{index}]")
        return out
    return [prefix or "(whole file)"]
