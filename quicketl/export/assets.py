"""Asset URIs for what tasks read and write, the same in Airflow and Prefect.

A file inside the project is `quicketl://<project>/<path>`: `<project>` is the `name:` of
quicketl.yml, so that every workflow of a project, on any machine, names a file alike. A path
outside the project is `file://` and its absolute path; a table of a DuckDB file is
`quicketl://<project>/<file>/<table>`. Characters Prefect refuses in asset keys (space, `#`,
`%`, quotes, brackets...) become `_`. Globs and remote inputs are not one asset, and a database
URL might name a user: those get none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from quicketl.locations.globbing import has_glob
from quicketl.locations.refs import TABLE_PREFIX
from quicketl.plan.model import Plan

# What Prefect refuses in an asset key (Airflow takes these too, but cuts a URI at `#`).
_REFUSED = frozenset(" #?&%\"'<>[]{}|\\^`")
MAX_URI = 512


def asset_uri(ref: str, namespace: str) -> str | None:
    """The asset URI of one input or output reference, or None when it is not one asset."""
    text = ref.removeprefix(TABLE_PREFIX).replace("#", "/")
    if has_glob(text) or "://" in text or text.startswith(("~", "$")):
        return None
    safe = "".join("_" if c in _REFUSED or not c.isprintable() else c for c in text)
    uri = f"file://{safe}" if safe.startswith("/") else f"quicketl://{namespace}/{safe}"
    return uri if len(uri) <= MAX_URI else None


def asset_uris(refs: Iterable[str], namespace: str) -> tuple[str, ...]:
    uris = (asset_uri(ref, namespace) for ref in refs)
    return tuple(dict.fromkeys(uri for uri in uris if uri is not None))


def raw_inputs(plan: Plan, task_ids: Sequence[str]) -> list[str]:
    """The inputs of these tasks that no task of the workflow writes: the data that comes in."""
    written = {output for task in plan.tasks for output in task.outputs}
    chosen = set(task_ids)
    refs = [i for t in plan.tasks if t.id in chosen for i in t.inputs if i not in written]
    return list(dict.fromkeys(refs))
