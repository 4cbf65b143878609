"""Where the cache folder is: --cache-dir, else $QUICKETL_CACHE_DIR, else the project file's
`cache_dir:`, else <root>/.quicketl-cache."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_ENV = "QUICKETL_CACHE_DIR"
DEFAULT_CACHE_DIR_NAME = ".quicketl-cache"


def resolve_cache_dir(
    root: Path, override: str | os.PathLike[str] | None = None, configured: Path | None = None
) -> Path:
    """The absolute cache folder; `configured` is the project file's (already absolute).

    A relative override or environment value is taken relative to the working directory, as a
    path typed in a shell is; an empty one counts as unset.
    """
    chosen = os.fspath(override or "") or os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser().absolute()
    if configured is not None:
        return configured
    return (Path(root) / DEFAULT_CACHE_DIR_NAME).absolute()
