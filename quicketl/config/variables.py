"""`${VAR}` substitution in every string of a parsed YAML document.

Substitution runs after parsing, on string values only, so it never changes a value's YAML type
and a value containing `:` or `#` cannot break the document. `${VAR:-default}` falls back to the
inline default; `$${VAR}` is the literal text `${VAR}`. A provider prefix picks where a value
comes from, as QuickETL 1.x spells it: `${env:X}` the environment (or `.env`) only,
`${secret:X}` the same but the value is a secret, `${var:X}` the same as `${X}`.
`${VAR|filter}` passes the value (or the default, in `${VAR|filter:-default}`) through a
filter, such as `sql_string`, which quotes it as a SQL string literal. Filters come before the
default so that a default may hold any text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quicketl.config.defaults import project_variables
from quicketl.config.filters import FILTERS, FilterRefused
from quicketl.config.secrets import looks_secret, remember, remember_urls
from quicketl.config.suggest import did_you_mean
from quicketl.errors import ConfigError, Problem
from quicketl.locations.lazy_pattern import lazy_pattern
from quicketl.values import FrozenValue, MutableValue

if TYPE_CHECKING:
    from quicketl.config.yamlfile import Loc, YamlDoc

# An optional provider (`secret:`), a name, then filters (`|name`, spaces allowed) or a default
# (`:-text`). After a provider any reference is a token, so that a misspelt one is an error.
_TOKEN = re.compile(
    r"\$\$\{|\$\{(?:([A-Za-z_][A-Za-z0-9_]*):(?!-)([^}|:]*)|([A-Za-z_][A-Za-z0-9_]*))"
    r"(\s*\|[^}]*|:[^}]*)?\}"
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Where each provider looks; `var` is the plain `${NAME}`.
PROVIDERS = ("env", "secret", "var")
_DOTENV_LINE = lazy_pattern(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


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


@dataclass(frozen=True, repr=False, eq=False)
class Splice(FrozenValue):
    """A value pasted as raw text (no filter) into `text`, the string at `loc`, at `start`."""

    name: str
    value: str
    loc: Loc
    text: str
    start: int


@dataclass(repr=False, eq=False)
class VariableScope(MutableValue):
    """Variable layers in precedence order; remembers which names a document used.

    `supplied` names the caller's own values (`--var`), which `splices` tracks so that a value
    pasted raw into SQL can be warned about.
    """

    layers: Sequence[Mapping[str, object]]
    used: dict[str, str] = field(default_factory=dict)
    environment: Sequence[Mapping[str, object]] = (os.environ,)
    supplied: frozenset[str] = frozenset()
    splices: list[Splice] = field(default_factory=list)

    @classmethod
    def standard(
        cls, *explicit: Mapping[str, object] | None, root: Path | None = None
    ) -> VariableScope:
        """Explicit layers first (e.g. --var, pipeline entry, workflow), then the variables of
        the environment `--env` selects in quicketl.yml, then env, then .env, then the
        `variables:` of quicketl.yml.

        The first explicit layer is the caller's: `--var`, or `variables=` in the Python API.
        """
        layers: list[Mapping[str, object]] = [layer for layer in explicit if layer]
        if root is not None and os.environ.get("QUICKETL_ENV"):
            from quicketl.config.profiles import environment_variables  # reads YAML: only then

            layers.append(environment_variables(root, os.environ["QUICKETL_ENV"]))
        environment = [os.environ, read_dotenv(root / ".env") if root is not None else {}]
        supplied = frozenset(explicit[0] or ()) if explicit else frozenset()
        project = [project_variables(root)] if root is not None else []
        return cls([*layers, *environment, *project], supplied=supplied, environment=environment)

    def beneath(self, *explicit: Mapping[str, object] | None) -> VariableScope:
        """`standard(*explicit, root=...)` for a scope made by `standard(root=...)`: the same
        layers, without reading .env and quicketl.yml again (once per pipeline of a plan)."""
        layers = [layer for layer in explicit if layer]
        supplied = frozenset(explicit[0] or ()) if explicit else frozenset()
        return VariableScope(
            [*layers, *self.layers], supplied=supplied, environment=self.environment
        )

    def lookup(self, name: str) -> str | None:
        """The value of a reference: `NAME` from every layer, `env:NAME`/`secret:NAME` from the
        environment layers only."""
        provider, _, bare = name.rpartition(":")
        for layer in self.environment if provider else self.layers:
            if bare in layer:
                return as_text(layer[bare])
        return None

    def substitute(self, doc: YamlDoc, *, read_only: bool = False) -> Any:
        """A copy of `doc.data` with every variable resolved; all unresolved ones are errors.
        `read_only`: the caller only reads what it is given (it validates it), so a document
        with nothing to resolve is given as it is, not copied (10,000 copies when planning)."""
        if doc.text is not None and not any(mark in doc.text for mark in _NOTHING_TO_DO):
            # what the walk gives when no string holds a `$` or URL
            return doc.data if read_only else _copied(doc.data)
        problems: list[Problem] = []
        data = self._walk(doc.data, (), doc, problems)
        if problems:
            raise ConfigError(problems)
        return data

    def resolve_text(self, text: str) -> str | None:
        """`text` with every reference resolved, or None if one cannot be (no file to blame)."""
        failed: list[str] = []

        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            try:
                return self._resolve(match, (), text)
            except _Unresolvable as exc:
                failed.append(str(exc))
                return ""

        resolved = _TOKEN.sub(replace, text)
        return None if failed else resolved

    def _walk(self, value: Any, loc: Loc, doc: YamlDoc, problems: list[Problem]) -> Any:
        if isinstance(value, str):
            rendered = self._render(value, loc, doc, problems)
            remember_urls(rendered)
            return rendered
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
            try:
                return self._resolve(match, loc, text)
            except _Unresolvable as exc:
                problems.append(doc.problem(loc, str(exc)))
                return match.group(0)

        return _TOKEN.sub(replace, text)

    def _resolve(self, match: re.Match[str], loc: Loc, text: str) -> str:
        name, filters, default = _parse_token(match)
        value = self.lookup(name)
        if value is not None and looks_secret(name):
            remember(value)  # not a default: that is written in the file for all to see
        if value is None and default is not None:
            value = default
        if value is None:
            raise _Unresolvable(_unresolved(name))
        self.used[name] = value
        if not filters and name in self.supplied:
            self.splices.append(Splice(name, value, loc, text, match.start()))
        return _apply(filters, name, value, match.group(0))


class _Unresolvable(Exception):
    """A token that cannot be substituted; the message is the located problem's."""


def _unresolved(name: str) -> str:
    provider, _, bare = name.rpartition(":")
    if provider == "secret":
        return (
            f"unresolved secret ${{{name}}}: set the environment variable {bare} or put it in .env"
        )
    if provider == "env":
        return f"unresolved environment variable ${{{name}}}: set it or put it in .env"
    return f"unresolved variable ${{{name}}}: pass --var {name}=... or set it"


def _parse_token(match: re.Match[str]) -> tuple[str, list[str], str | None]:
    """The reference (`NAME`, `env:NAME`, `secret:NAME`), the filter names and the default (or
    None) of a `${...}` token."""
    name, rest = _reference(match), match.group(4) or ""
    if rest.startswith(":-"):
        return name, [], rest[2:]
    if rest.startswith(":"):
        raise _Unresolvable(f"unexpected '{rest.split(':-')[0]}' in {match.group(0)}")
    head, sep, default = rest.partition(":-")
    filters = [part.strip() for part in head.split("|")[1:]] if head else []
    return name, filters, default if sep else None


def _reference(match: re.Match[str]) -> str:
    provider, ref, name = match.group(1), match.group(2), match.group(3)
    if provider is None:
        return str(name)
    token = match.group(0)
    if provider not in PROVIDERS:
        hint = did_you_mean(provider, PROVIDERS)
        known = f"(providers: {', '.join(PROVIDERS)})"
        raise _Unresolvable(f"unknown provider '{provider}' in {token}{hint} {known}")
    if not _NAME.fullmatch(ref):
        raise _Unresolvable(
            f"{token}: '{ref}' is not a variable name (letters, digits and _); "
            f"{provider} values come from the environment or .env"
        )
    return ref if provider == "var" else f"{provider}:{ref}"


def _apply(filters: list[str], name: str, value: str, token: str) -> str:
    for filter_name in filters:
        apply = FILTERS.get(filter_name)
        if apply is None:
            known = f"(filters: {', '.join(sorted(FILTERS))})"
            if not filter_name:
                raise _Unresolvable(f"missing filter name after '|' in {token} {known}")
            hint = did_you_mean(filter_name, FILTERS)
            raise _Unresolvable(f"unknown filter '{filter_name}' in {token}{hint} {known}")
        try:
            value = apply(value)
        except FilterRefused as exc:
            raise _Unresolvable(f"{token}: variable {name}: {exc}") from None
    return value


def parse_var_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """`K=V` strings from the command line; a pair without `=` is a usage error."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--var expects KEY=VALUE, got {pair!r}")
        values[name.strip()] = value
    return values


# A document whose text has none of these has no reference to resolve and no URL to remember
# in any string: without a backslash (an escape), every string is written out in the text.
_NOTHING_TO_DO = ("$", "://", "\\")


def _copied(value: Any) -> Any:
    """`value`'s maps and lists copied, as the walk copies them (a caller may change them)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value
