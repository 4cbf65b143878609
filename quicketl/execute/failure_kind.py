"""Whether a failed task may pass if simply run again, so orchestrators retry only those."""

from __future__ import annotations

import re

from quicketl.errors import ConfigError, QuickETLError
from quicketl.execute.outcomes import TaskOutcome

# Errors that running again cannot fix, even when DuckDB files them under "IO Error".
_PERMANENT = re.compile(
    r"no files found|does not exist|not found|no such file|permission denied|is a directory",
    re.IGNORECASE,
)
# Errors from the world outside: a lock another process holds, the network, a timeout.
_TRANSIENT = re.compile(
    r"could not set lock|database is locked|resource temporarily unavailable|timed? ?out"
    r"|connection (?:refused|reset|aborted|closed)|temporary failure|too many requests"
    r"|HTTP (?:Error|error).*\b(?:408|429|500|502|503|504)\b|service unavailable"
    r"|broken pipe|network is unreachable",
    re.IGNORECASE,
)


def is_transient(outcome: TaskOutcome) -> bool:
    """True for a failure a retry may fix (a busy lock, a network error); false for a failed
    check, a validation error or a missing file, which fail the same way every time."""
    exception = outcome.exception
    if isinstance(exception, ConfigError):
        return False
    result = outcome.result
    if result is not None and any(not c.passed and c.severity == "error" for c in result.checks):
        return False
    if isinstance(exception, QuickETLError) and exception.retryable:
        return True
    text = outcome.error or ""
    return not _PERMANENT.search(text) and bool(_TRANSIENT.search(text))
