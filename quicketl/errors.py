"""The exception tree of quicketl, in one place.

    QuickETLError                 root; `exit_code` says how the CLI exits
    ├── ConfigError               bad YAML, unknown keys, unresolved variables (exit 2)
    │   └── PlanError             a workflow that cannot be planned: cycles, clashes (exit 2)
    │       └── StalePlanError    a generated DAG or flow no longer matches its workflow
    ├── EngineError               a pipeline failed while running (exit 1)
    │   └── TransientError        ...for a reason that may pass on its own (a lock, the network)
    ├── StateError                the cache folder is unusable or locked (exit 1)
    └── ExportError               code generation was asked something impossible (exit 2)

    KeyboardInterrupt             (Python's)
    └── InterruptedAfterCommit    Ctrl-C held by a commit: the task it held for is recorded

    QuickETLWarning               root of quicketl's warnings (Python's `warnings` module)
    ├── UnsafeVariableWarning     a `--var` value that looks like SQL, pasted raw into SQL
    └── VolatileSqlWarning        now(), random(), ... in a pipeline that may be skipped

A `ConfigError` carries every `Problem` found, not only the first, so a user fixes a file in
one pass. Foreign errors (pydantic, YAML, DuckDB) are translated into these at one boundary per
layer; nothing above that boundary sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

from quicketl.values import FrozenValue


@dataclass(frozen=True, repr=False, eq=False)
class Problem(FrozenValue):
    """One thing wrong with an input file, located as precisely as we know."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line:
            where = f"{self.file}:{self.line}"
        prefix = f"{where}: " if where else ""
        field = f"{self.field}: " if self.field else ""
        return f"{prefix}{field}{self.message}"


class QuickETLError(Exception):
    """Root of every error quicketl raises on purpose."""

    exit_code = 1
    # Whether the same call may succeed if simply made again: orchestrators retry only these.
    retryable = False

    def __str__(self) -> str:
        # A message may quote a value that came from a secret (a DuckDB error, a path); it is
        # masked wherever the error is shown, in a traceback too.
        from quicketl.config.secrets import mask

        return mask(super().__str__())


class ConfigError(QuickETLError):
    """Invalid input: the user has to change a file or an argument."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PlanError(ConfigError):
    """A workflow whose files are valid one by one but that cannot be planned as a whole."""


class StalePlanError(PlanError):
    """A generated DAG or flow was made from another plan than the workflow's current one."""


class EngineError(QuickETLError):
    """A pipeline failed while it ran."""


class TransientError(EngineError):
    """A pipeline failed for a reason that may pass on its own: a busy lock, a network error."""

    retryable = True


class StateError(QuickETLError):
    """The cache folder cannot be used: locked by another run, or unreadable."""

    retryable = True


class ExportError(QuickETLError):
    """Code generation was asked for something it cannot produce."""

    exit_code = 2


class InterruptedAfterCommit(KeyboardInterrupt):
    """Ctrl-C that landed once a sink began its commit: it waited until the task's output
    was in place and recorded (engine/interrupts.py), so that work is whole."""


class QuickETLWarning(UserWarning):
    """Root of the warnings quicketl gives; the command line prints them as `warning: ...`."""


class UnsafeVariableWarning(QuickETLWarning):
    """A caller's variable that looks like SQL was pasted as raw text into a SQL field."""


class VolatileSqlWarning(QuickETLWarning):
    """SQL whose value changes between runs, in a pipeline that is skipped while unchanged."""
