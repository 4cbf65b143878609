"""Run defaults: the command line, then `QUICKETL_*` variables, then quicketl.yml, then built-in.

```yaml
# quicketl.yml
workers: 4                # QUICKETL_WORKERS, --workers / -j
cache_dir: .ci-cache      # QUICKETL_CACHE_DIR, --cache-dir (relative to the project root here)
fail_fast: false          # QUICKETL_FAIL_FAST, --fail-fast / --no-fail-fast
remote_cache: s3://team-bucket/quicketl   # QUICKETL_REMOTE_CACHE, --remote-cache (or a folder)
remote_cache_mode: read   # QUICKETL_REMOTE_CACHE_MODE, --remote-cache-mode [readwrite]
variables:                # the environment, .env and --var come first
  REGION: eu
```

The no-op fast path reads the project file without YAML: `has_run_defaults` and
`simple_cache_dir` look at its text, and YAML is loaded only when a default is written in a
form those cannot read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quicketl.errors import ConfigError, Problem
from quicketl.locations.lazy_pattern import lazy_pattern

if TYPE_CHECKING:
    from quicketl.config.project import ProjectSettings
    from quicketl.config.yamlfile import YamlDoc

DEFAULT_KEYS = (
    "workers",
    "cache_dir",
    "fail_fast",
    "variables",
    "remote_cache",
    "remote_cache_mode",
)
WORKERS_ENV = "QUICKETL_WORKERS"
FAIL_FAST_ENV = "QUICKETL_FAIL_FAST"
REMOTE_CACHE_ENV = "QUICKETL_REMOTE_CACHE"
REMOTE_MODE_ENV = "QUICKETL_REMOTE_CACHE_MODE"
REMOTE_MODES = ("read", "write", "readwrite")
PROJECT_FILE = "quicketl.yml"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
# A top-level key, possibly quoted, as YAML writes it in block style.
_TOP_KEY = lazy_pattern(
    r"""^["']?(workers|cache_dir|fail_fast|variables|remote_cache|remote_cache_mode)["']?[ \t]*:""",
    re.M,
)
# `cache_dir: some/folder` with nothing YAML could read differently (quotes, anchors, ...).
_PLAIN_CACHE_DIR = lazy_pattern(r"^cache_dir:[ \t]+([\w./~-]+)[ \t]*(?:#.*)?$", re.M)


def read_run_defaults(
    doc: YamlDoc, data: dict[Any, Any], root: Path, problems: list[Problem]
) -> dict[str, Any]:
    """The run defaults of a parsed project file; each wrong value adds a located problem."""
    found: dict[str, Any] = {"variables": _variables(doc, data.get("variables"), problems)}
    for key, fits, expected in _SCALARS:
        value = data.get(key)
        if value is None:
            continue
        if fits(value):
            found[key] = _under(root, value) if key == "cache_dir" else value
        else:
            problems.append(doc.problem((key,), f"expected {expected}, got {value!r}"))
    return found


def _is_workers(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_folder(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


_SCALARS: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("workers", _is_workers, "a whole number of 1 or more"),
    ("fail_fast", lambda value: isinstance(value, bool), "true or false"),
    ("cache_dir", _is_folder, "a folder path"),
    ("remote_cache", _is_folder, "a folder or an s3:// URL"),
    ("remote_cache_mode", lambda value: value in REMOTE_MODES, "read, write or readwrite"),
)


def _variables(doc: YamlDoc, value: Any, problems: list[Problem]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(doc.problem(("variables",), "expected a mapping of names to values"))
        return {}
    out: dict[str, str] = {}
    for name, item in value.items():
        if isinstance(item, (dict, list)) or item is None:
            message = "expected a text, number or boolean value"
            problems.append(doc.problem(("variables", str(name)), message))
        else:
            out[str(name)] = str(item).lower() if isinstance(item, bool) else str(item)
    return out


def _under(root: Path, folder: str) -> Path:
    path = Path(folder).expanduser()
    return (path if path.is_absolute() else root / path).absolute()


def has_run_defaults(root: Path) -> frozenset[str]:
    """Which run defaults `root/quicketl.yml` sets, read from its text (no YAML import)."""
    text = _project_text(root)
    return frozenset(_TOP_KEY.findall(text)) if text else frozenset()


def simple_cache_dir(root: Path) -> Path | None:
    """`cache_dir:` of the project file when written plainly, read without YAML, else None."""
    match = _PLAIN_CACHE_DIR.search(_project_text(root) or "")
    if match is None or _not_text(match.group(1)):
        return None
    return _under(root, match.group(1))


def _not_text(word: str) -> bool:
    """Whether YAML reads this plain word as a number, a boolean or null, not as text."""
    plain = ("null", "~", "true", "false", "yes", "no", "on", "off")
    return word.lower() in plain or word.replace(".", "", 1).isdigit()


def _project_text(root: Path) -> str | None:
    try:
        return (root / PROJECT_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def project_cache_dir(root: Path) -> Path | None:
    """The cache folder quicketl.yml names, if it names one."""
    if "cache_dir" not in has_run_defaults(root):
        return None
    return simple_cache_dir(root) or _settings(root).cache_dir


def project_variables(root: Path) -> dict[str, str]:
    """The `variables:` of quicketl.yml (YAML is loaded only when the file has that key)."""
    if "variables" not in has_run_defaults(root):
        return {}
    return _settings(root).variables


def effective_workers(cli: int | None, root: Path) -> int | None:
    """--workers, else $QUICKETL_WORKERS, else quicketl.yml's `workers`, else None (CPUs)."""
    if cli is not None:
        return cli
    text = os.environ.get(WORKERS_ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise ConfigError(f"{WORKERS_ENV}: expected a whole number of 1 or more, got {text!r}")
        return int(text)
    return _settings(root).workers if "workers" in has_run_defaults(root) else None


def environment_defaults_valid() -> bool:
    """Whether the QUICKETL_* run defaults set in the environment are readable; the no-op
    path asks, so that it never answers where the full path would refuse."""
    try:
        effective_fail_fast(None, True)
        if os.environ.get(WORKERS_ENV, "").strip():
            effective_workers(None, Path())
        if os.environ.get(REMOTE_MODE_ENV, "").strip():
            _remote_mode(None, Path())
    except ConfigError:
        return False
    return _plain_remote(os.environ.get(REMOTE_CACHE_ENV, "").strip())


def _plain_remote(url: str) -> bool:
    """Whether a remote cache URL is one a run opens (a folder, or s3:// or file:// without
    credentials): anything else is left to the full path, which refuses it."""
    if not url:
        return True
    scheme, sep, rest = url.partition("://")
    if not sep:
        return True
    return scheme.lower() in ("s3", "file") and "@" not in rest.split("/", 1)[0]


def effective_fail_fast(cli: bool | None, planned: bool) -> bool:
    """--fail-fast/--no-fail-fast, else $QUICKETL_FAIL_FAST, else the plan's (the workflow
    file's `fail_fast:`, else quicketl.yml's, else true)."""
    if cli is not None:
        return cli
    text = os.environ.get(FAIL_FAST_ENV, "").strip().lower()
    if not text:
        return planned
    if text not in (*_TRUE, *_FALSE):
        raise ConfigError(f"{FAIL_FAST_ENV}: expected true or false, got {text!r}")
    return text in _TRUE


def effective_remote_cache(
    cli: str | None, cli_mode: str | None, root: Path
) -> tuple[str | None, str]:
    """(URL, mode) of the remote cache: --remote-cache, else $QUICKETL_REMOTE_CACHE, else
    quicketl.yml's `remote_cache` (None: no remote); the mode likewise, else readwrite. A
    folder given on the command line or in the environment is relative to the working
    directory; one in quicketl.yml, to the project root."""
    mode = _remote_mode(cli_mode, root)
    url = _plain_path(cli or os.environ.get(REMOTE_CACHE_ENV, "").strip())
    if url is None and "remote_cache" in has_run_defaults(root):
        url = _settings(root).remote_cache
    return url, mode


def _remote_mode(cli: str | None, root: Path) -> str:
    if cli is not None:
        if cli not in REMOTE_MODES:
            raise ConfigError(
                f"--remote-cache-mode: expected read, write or readwrite, got {cli!r}"
            )
        return cli
    text = os.environ.get(REMOTE_MODE_ENV, "").strip().lower()
    if text:
        if text not in REMOTE_MODES:
            raise ConfigError(f"{REMOTE_MODE_ENV}: expected read, write or readwrite, got {text!r}")
        return text
    if "remote_cache_mode" in has_run_defaults(root):
        return _settings(root).remote_cache_mode or "readwrite"
    return "readwrite"


def _plain_path(text: str) -> str | None:
    """`text` as given, a relative folder made absolute against the working directory."""
    if not text:
        return None
    if "://" in text:
        return text
    return os.path.abspath(os.path.expanduser(text))


def planned_fail_fast(workflow_sets: bool | None, root: Path) -> bool:
    """The workflow file's `fail_fast:` if it sets one, else quicketl.yml's, else true."""
    if workflow_sets is not None:
        return workflow_sets
    if "fail_fast" not in has_run_defaults(root):
        return True
    project = _settings(root).fail_fast
    return True if project is None else project


def _settings(root: Path) -> ProjectSettings:
    # Asked once per pipeline loaded (its variables): parse the file once per version of it.
    try:
        stat = (root / PROJECT_FILE).stat()
    except OSError:
        stat = None
    version = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns) if stat else None
    return _settings_of(root, version)


@lru_cache(maxsize=8)
def _settings_of(root: Path, version: tuple[int, int, int] | None) -> ProjectSettings:
    from quicketl.config.project import project_settings

    return project_settings(root)
