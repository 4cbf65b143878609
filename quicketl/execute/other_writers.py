"""Outputs that another scope of the cache wrote: a workflow's pipeline run on its own by
`quicketl run` (or by another workflow) rewrote them, which is not an edit outside quicketl."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from quicketl.plan.scope import PIPELINE_SCOPE
from quicketl.state import StateStore

# (output path as recorded, its hash) -> who wrote it, in words
OtherWriter = Callable[[str, str], str | None]


def other_writers(store: StateStore, own_scope: str, root: Path) -> OtherWriter:
    """Who else in this cache last wrote an output with this content; read once, when asked."""

    @cache
    def written() -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for scope in store.scopes():
            if scope == own_scope:
                continue
            for record in store.get_all(scope).values():
                for output in record.outputs:
                    found[(_where(output["path"], root), output["hash"])] = _writer(scope)
        return found

    return lambda path, digest: written().get((_where(path, root), digest))


def _where(path: str, root: Path) -> str:
    return str((root / path).resolve())


def _writer(scope: str) -> str:
    if scope.startswith(PIPELINE_SCOPE):
        return f"`quicketl run {scope.removeprefix(PIPELINE_SCOPE)}`"
    return f"workflow {scope}"
