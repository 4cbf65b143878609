"""Workflow variables as `workflow info` and `--json` may show them: never a secret value."""

from __future__ import annotations

from typing import Any

from quicketl.config.secrets import MASK, holds_secret, looks_secret
from quicketl.config.variables import as_text
from quicketl.plan.model import Plan


def shown_variables(plan: Plan) -> dict[str, Any]:
    """Each variable's value; a secret one as its expression (`${DB_PASSWORD}`), else masked."""
    return {name: _shown(plan, name, value) for name, value in plan.variables.items()}


def _shown(plan: Plan, name: str, value: Any) -> Any:
    if not (looks_secret(name) or holds_secret(as_text(value))):
        return value
    return plan.expressions.get(name, MASK)
