"""`${VAR}` substitution in every string of a parsed YAML document.

Substitution runs after parsing, on string values only, so it never changes a value's YAML type
and a value containing `:` or `#` cannot break the document. `${VAR:-default}` falls back to the
inline default; `$${VAR}` is the literal text `${VAR}`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quicketl.errors import ConfigError, Problem

if TYPE_CHECKING:
    from quicketl.config.yamlfile import Loc, YamlDoc

_TOKEN = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def as_text(value: object) -> str:
    """A variable value as the text substituted into YAML strings (YAML spelling for bools)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file; comments, blanks and `export ` are allowed."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in _dotenv_text(path).splitlines():
        if line.lstrip().startswith("#"):
            continue
        match = _DOTENV_LINE.match(line)
        if match:
            values[match.group(1)] = _unquote(match.group(2))
    return values


def _dotenv_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"byte 0x{raw[exc.start]:02x} is not UTF-8 text; save the file as UTF-8"
        raise ConfigError([Problem(message, str(path), line)]) from None


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    return raw.split(" #", 1)[0].rstrip()


@dataclass
class VariableScope:
    """Variable layers in precedence order; remembers which names a document used."""

    layers: Sequence[Mapping[str, object]]
    used: dict[str, str] = field(default_factory=dict)

    @classmethod
    def standard(
        cls, *explicit: Mapping[str, object] | None, root: Path | None = None
    ) -> VariableScope:
        """Explicit layers first (e.g. --var, pipeline entry, workflow), then env, then .env."""
        layers: list[Mapping[str, object]] = [layer for layer in explicit if layer]
        layers.append(os.environ)
        if root is not None:
            layers.append(read_dotenv(root / ".env"))
        return cls(layers)

    def lookup(self, name: str) -> str | None:
        for layer in self.layers:
            if name in layer:
                return as_text(layer[name])
        return None

    def substitute(self, doc: YamlDoc) -> Any:
        """A copy of `doc.data` with every variable resolved; all unresolved ones are errors."""
        problems: list[Problem] = []
        data = self._walk(doc.data, (), doc, problems)
        if problems:
            raise ConfigError(problems)
        return data

    def _walk(self, value: Any, loc: Loc, doc: YamlDoc, problems: list[Problem]) -> Any:
        if isinstance(value, str):
            return self._render(value, loc, doc, problems)
        if isinstance(value, dict):
            return {k: self._walk(v, (*loc, str(k)), doc, problems) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v, (*loc, i), doc, problems) for i, v in enumerate(value)]
        return value

    def _render(self, text: str, loc: Loc, doc: YamlDoc, problems: list[Problem]) -> str:
        if "$" not in text:
            return text

        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            name, default = match.group(1), match.group(2)
            value = self.lookup(name)
            if value is None and default is not None:
                value = default
            if value is None:
                message = f"unresolved variable ${{{name}}}: pass --var {name}=... or set it"
                problems.append(doc.problem(loc, message))
                return match.group(0)
            self.used[name] = value
            return value

        return _TOKEN.sub(replace, text)


def parse_var_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """`K=V` strings from the command line; a pair without `=` is a usage error."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--var expects KEY=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values
